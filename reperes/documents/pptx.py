"""PPTX renderer of the document model (python-pptx): the deck for the comité de suivi.

One message per slide: a title slide, then for each section a slide with its
text, and one slide per key-figure row, table, chart and call-out (the
slide's title is the message: the table's caption, the chart's title, the
question). Bar charts become native PowerPoint charts built from the chart's
data (editable, readable by screen readers), other charts PNG pictures;
both carry their alternative text (``p:cNvPr/@descr``). Definitions, period,
source and the disclosure note of each figure go in the speaker notes.

Reproducible: core properties and ZIP entries (embedded chart workbooks
included) are dated with the document's date.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from reperes import formats

from .formatting import CALLOUT_LABELS, LABELS, format_value
from .model import (
    BulletList,
    Callout,
    Definition,
    Document,
    Figure,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Section,
    Suppressed,
    Table,
    caption_label,
    numbered,
    plain_text,
)
from .packaging import (
    SNAPSHOT_WORDS,
    figure_alt,
    fixed_datetime,
    key_figure_lines,
    labelled,
    provenance_lines,
    reproducible_zip,
    set_core_properties,
    table_notes,
)

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
TEXT = RGBColor(0x33, 0x33, 0x33)
ACCENT = RGBColor(0x1D, 0x5A, 0x9E)
BANNER = RGBColor(0xA0, 0x2B, 0x00)
MAX_TABLE_ROWS = 18
TABLE_FONT_PT = 10
TABLE_TOP, TABLE_BOTTOM = Inches(1.5), Inches(0.8)  # room left under a table for the « suite » line
MAX_BODY_CHARS = 900
QUESTION_CHARS = 1100  # the questions for the debate: short lines, one slide for five of them
MAX_SLIDES = 30  # a deck for a committee: past this, long tables stop on their first slide, saying where the rest is
FONT = "DejaVu Sans"


def render_pptx(document: Document, *, png_cache: dict | None = None) -> bytes:
    """The deck: every table in full, continued over slides; while that makes more than :data:`MAX_SLIDES`
    slides, the longest continued table shows its first rows only and says, on the slide, where the rest is."""
    document = numbered(document)
    png_cache = png_cache if png_cache is not None else {}
    steps = budget_steps(document)

    def built(taken: int) -> PptxRenderer:
        """The deck with the first ``taken`` steps applied, slides made, not saved."""
        renderer = PptxRenderer(document, png_cache=png_cache,
                                stopped=frozenset(n for kind, n in steps[:taken] if kind == "stop"),
                                annexed=frozenset(n for kind, n in steps[:taken] if kind == "annex"))
        renderer.build()
        return renderer

    # The fewest steps that bring the deck within budget (all of them if none does). Each step only takes
    # slides away (a table leaves or stops; the last slide's list of tables grows by a line at most while its
    # table's slides go), so the count never grows with the steps: a bisection finds what taking them one by
    # one would, building a handful of decks instead of one per step (18 for the report at a million parcours).
    renderer = built(0)
    if len(renderer.prs.slides) > MAX_SLIDES and steps:
        low, high, fits = 0, len(steps), None  # over budget with ``low`` steps; ``high`` steps: within, or all
        while high - low > 1:
            middle = (low + high) // 2
            candidate = built(middle)
            if len(candidate.prs.slides) <= MAX_SLIDES:
                high, fits = middle, candidate
            else:
                low = middle
        renderer = fits if fits is not None else built(high)
    return renderer.save()


def budget_steps(document: Document) -> list[tuple[str, int]]:
    """What :func:`render_pptx` takes out of a numbered document, in order, while its deck is over budget:
    ``("annex", n)`` (table n leaves for the last slide) or ``("stop", n)`` (table n shows its first slide)."""
    long_tables = sorted((block for _s, block in document.iter_blocks()
                          if isinstance(block, Table) and len(_row_chunks(block, _column_widths(block))) > 1),
                         key=lambda table: (-len(table.rows), table.number))
    # While over budget, in this order: tables whose every figure is secret leave for the last slide (they
    # show nothing); the longest table stops on its first slide; then the one-slide tables of the part with
    # the most tables leave for the last slide (its last ones first, a table the text refers to last of all);
    # then the other long tables stop. Whatever leaves is named where it is: never cut silently.
    long_numbers = {table.number for table in long_tables}
    steps = [("annex", number) for number in _annex_order(document, secret_only=True)]
    steps += [("stop", table.number) for table in long_tables[:1]]
    steps += [("annex", number) for number in _annex_order(document)
              if ("annex", number) not in steps and number not in long_numbers]  # a long table stops instead
    steps += [("stop", table.number) for table in long_tables[1:]]
    return steps


def _annex_order(document: Document, *, secret_only: bool = False) -> list[int]:
    """Numbers of the tables that may leave the deck for its last slide, in order: the part with the most
    tables first (its last tables first), then the next part; a table the text refers to (``key``) last.
    ``secret_only``: only the tables whose every figure is secret (« s »)."""
    parts = [[block for _s, block in section.iter_blocks() if isinstance(block, Table)
              and (not secret_only or _all_secret(block))] for section in document.sections]
    order = [table for part in sorted(parts, key=len, reverse=True) for table in reversed(part)]
    order.sort(key=lambda table: table.key is not None)  # stable: referred-to tables go last
    return [table.number for table in order]


def _all_secret(table: Table) -> bool:
    figures = [value for row in table.rows for value, column in zip(row, table.columns, strict=True)
               if column.align == "right"]
    return bool(figures) and all(isinstance(value, Suppressed) for value in figures)


class PptxRenderer:
    def __init__(self, document: Document, *, png_cache: dict | None = None, stopped: frozenset[int] = frozenset(),
                 annexed: frozenset[int] = frozenset()):
        self.document = document
        self.png_cache = png_cache if png_cache is not None else {}
        self.stopped = stopped  # numbers of the tables shown on one slide only
        self.annexed = annexed  # numbers of the tables left to the report, listed on the last slide
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT

    def render(self) -> bytes:
        self.build()
        return self.save()

    def build(self) -> None:
        """Every slide, in ``self.prs``."""
        document = self.document
        self._properties()
        self._title_slide()
        if document.disclosure is not None:
            self._text_slide(LABELS["disclosure"], [document.disclosure.text], notes=[document.disclosure.text])
        for section in document.sections:
            self._section(section, prefix="")
        if self.annexed:
            self._annex_slide()

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return reproducible_zip(buffer.getvalue(), fixed_datetime(self.document.date))

    def _properties(self) -> None:
        document = self.document
        set_core_properties(self.prs.core_properties, document, keywords="PLIE; comité de suivi; Repères",
                            comments="; ".join(f"{k} : {v}" for k, v in document.metadata.items()
                                               if any(w in k.lower() for w in SNAPSHOT_WORDS)))

    # ---------------------------------------------------------------- slides

    def _new_slide(self, title: str):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # « Title Only »
        slide.shapes.title.text = title
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(28 if len(title) < 70 else 22)
                run.font.color.rgb = ACCENT
                run.font.name = FONT
        title_shape = slide.shapes.title
        title_shape.left, title_shape.top, title_shape.width, title_shape.height = (
            MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(1.1))
        if self.document.banner:
            box = slide.shapes.add_textbox(WIDTH - Inches(5.2), Inches(0.05), Inches(5), Inches(0.3))
            run = box.text_frame.paragraphs[0].add_run()
            run.text = self.document.banner
            run.font.size, run.font.bold, run.font.color.rgb = Pt(11), True, BANNER
        return slide

    def _notes(self, slide, lines: Sequence[str]) -> None:
        lines = [line for line in lines if line]
        if lines:
            slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    def _title_slide(self) -> None:
        document = self.document
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        slide.shapes.title.text = document.title
        lines = [document.organisation or "", document.subtitle or "",
                 formats.date(document.date) if document.date else ""]
        if document.banner:
            lines.insert(0, document.banner)
        body = slide.placeholders[1].text_frame
        body.text = "\n".join(line for line in lines if line)
        for paragraph in body.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(20)
        slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(36)
        self._notes(slide, [f"{k} : {v}" for k, v in document.metadata.items()])

    def _text_slide(self, title: str, paragraphs: Sequence[str], *, notes: Sequence[str] = (),
                    budget: int = MAX_BODY_CHARS) -> None:
        slide = self._new_slide(title)
        _text_box(slide, paragraphs, Inches(1.6), HEIGHT - Inches(2.2), budget,
                  Pt(18) if budget <= MAX_BODY_CHARS else Pt(16))
        self._notes(slide, notes)

    def _section(self, section: Section, prefix: str) -> None:
        """A top-level section: one slide for its text (its subsections' text folded in as bullets, in full
        in the notes), then one slide per message of the section and its subsections."""
        texts, notes = self._texts(section)
        for sub in section.subsections:
            sub_texts, sub_notes = self._all_texts(sub)
            if sub_texts:
                texts.append(f"– {sub.title} : {_first_sentence(sub_texts[0])}")
                notes.extend([sub.title] + sub_notes)
        questions = [block for _s, block in section.iter_blocks()
                     if isinstance(block, Callout) and block.kind == "question"]
        visuals = list(_visual_blocks(section))
        key = next((b for b in section.blocks if isinstance(b, KeyFigures | KeyFigure)), None)
        if key is not None:  # the key figures carry the section's title and text: one slide, one message
            self._key_figures(list(key.items) if isinstance(key, KeyFigures) else [key], prefix + section.title,
                              texts=texts, notes=notes)
        elif questions and not visuals:
            self._questions(prefix + section.title, questions, intro=texts)
        else:
            if not texts:  # a divider: what this part shows
                texts = ["Dans cette partie :"] + ["– " + _message_title(block) for _s, block in visuals]
            self._text_slide(prefix + section.title, texts, notes=notes)
        blocks = list(section.iter_blocks())
        for index, (holder, block) in enumerate(blocks):
            if block is key or isinstance(block, Callout) and block.kind == "question":
                continue
            previous = blocks[index - 1][1] if index else None
            if isinstance(block, Table) and isinstance(previous, Figure) and _same_data(previous, block):
                continue  # the chart just before shows it; its notes name the table of the report
            following = blocks[index + 1][1] if index + 1 < len(blocks) else None
            self._block(block, holder.title, twin=following if isinstance(following, Table) else None)
        if questions and (visuals or key is not None):
            self._questions(section.title, questions)

    def _texts(self, section: Section) -> tuple[list[str], list[str]]:
        texts, notes = [], []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                texts.append(plain_text(block.text))
            elif isinstance(block, BulletList):
                texts.extend("– " + plain_text(item) for item in block.items)
            elif isinstance(block, Definition):
                texts.append("– " + block.term)
                notes.append(labelled(block.term, plain_text(block.text)))
            elif isinstance(block, Callout) and block.kind != "question":
                head = block.title or CALLOUT_LABELS[block.kind]
                texts.append(labelled(head, plain_text(block.text)))
        if section.message is not None:
            texts.append(section.message)
        return texts, notes + texts

    def _all_texts(self, section: Section) -> tuple[list[str], list[str]]:
        texts, notes = self._texts(section)
        for sub in section.subsections:
            sub_texts, sub_notes = self._all_texts(sub)
            texts.extend(sub_texts)
            notes.extend([sub.title] + sub_notes)
        return texts, notes

    def _questions(self, title: str, questions: list[Callout], intro: Sequence[str] = ()) -> None:
        """The questions for the debate, on as few slides as they fit (never cut: the rest continues)."""
        lines = [labelled(q.title or CALLOUT_LABELS[q.kind], plain_text(q.text)) for q in questions]
        intro = [_first_sentence(text) for text in intro][:1]
        chunks, current, size = [], list(intro), sum(len(t) for t in intro)
        for line in lines:  # a slide holds at least one question; the next one starts a new slide
            if size + len(line) > QUESTION_CHARS and len(current) > len(intro):
                chunks.append(current)
                current, size = [], 0
            current.append(line)
            size += len(line)
        chunks.append(current)
        for number, chunk in enumerate(chunks, start=1):
            suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
            self._text_slide(title + suffix, chunk, notes=chunk, budget=QUESTION_CHARS)

    def _annex_slide(self) -> None:
        """The tables not drawn as slides (deck over budget), named one by one: never left out silently."""
        tables = [(section.title, block) for section in self.document.sections
                  for _s, block in section.iter_blocks() if isinstance(block, Table) and block.number in self.annexed]
        lines = [f"{len(tables)} tableaux ne sont pas repris en diapositive pour tenir en {MAX_SLIDES} "
                 "diapositives ; ils sont en entier dans le rapport (PDF, Word ou page web) :"
                 if len(tables) > 1 else
                 f"Un tableau n’est pas repris en diapositive pour tenir en {MAX_SLIDES} diapositives ; il est en "
                 "entier dans le rapport (PDF, Word ou page web) :"]
        lines += [f"– {caption_label(table)} (partie « {part} »)" for part, table in tables]
        slide = self._new_slide("Tableaux du rapport non repris ici")
        size = Pt(14) if sum(len(line) for line in lines) < 900 else Pt(11)
        _text_box(slide, lines, Inches(1.5), HEIGHT - Inches(1.9), 10_000, size)
        self._notes(slide, lines)

    def _block(self, block: Any, section_title: str, twin: Table | None = None) -> None:
        if isinstance(block, Table) and block.number in self.annexed:
            return  # named on the annex slide
        if isinstance(block, KeyFigures):
            self._key_figures(list(block.items), section_title)
        elif isinstance(block, KeyFigure):
            self._key_figures([block], section_title)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._figure(block, twin if twin is not None and _same_data(block, twin) else None)

    def _key_figures(self, items: list[KeyFigure], section_title: str, *, texts: Sequence[str] = (),
                     notes: Sequence[str] = ()) -> None:
        slide = self._new_slide(section_title)
        count = len(items)
        width = (WIDTH - 2 * MARGIN) / max(count, 1)
        top = Inches(1.6) if texts else Inches(2.2)
        lines = []
        for index, item in enumerate(items):
            left = MARGIN + Emu(int(width * index))
            box = slide.shapes.add_textbox(left, top, Emu(int(width)) - Inches(0.2), Inches(2.4))
            frame = box.text_frame
            frame.word_wrap = True
            run = frame.paragraphs[0].add_run()
            run.text = format_value(item.value, item.unit, item.decimals)
            big = Pt(40) if count <= 4 else Pt(28)  # six across: « 49,5 % » on one line
            run.font.size, run.font.bold, run.font.color.rgb, run.font.name = big, True, ACCENT, FONT
            label = frame.add_paragraph().add_run()
            label.text = item.label
            label.font.size, label.font.color.rgb, label.font.name = Pt(16), TEXT, FONT
            lines.append(item.label + " : " + format_value(item.value, item.unit, item.decimals))
            lines.extend(key_figure_lines(item))
        if texts:
            _text_box(slide, texts, Inches(4.3), HEIGHT - Inches(4.6), MAX_BODY_CHARS // 2, Pt(16))
        self._notes(slide, list(notes) + lines)

    def _table(self, table: Table) -> None:
        """Balanced slides of at most :data:`MAX_TABLE_ROWS` rows: a long table continues on the next slide,
        or (a table of ``stopped``) stops on its first slide with a visible note naming the rest."""
        rows = list(table.rows)
        widths = _column_widths(table)
        chunks = _row_chunks(table, widths)
        stopped = table.number in self.stopped and len(chunks) > 1
        if stopped:
            chunks = chunks[:1]
        notes = provenance_lines(table.period, table.definition, table.source, table_notes(table))
        for number, chunk in enumerate(chunks, start=1):
            last = number == len(chunks)
            title = caption_label(table) + (f" (suite {number}/{len(chunks)})" if number > 1 else "")
            slide = self._new_slide(title)
            shown = chunk + (list(table.footer_rows) if last and not stopped else [])
            n_rows, n_cols = 1 + max(len(shown), 1), len(table.columns)
            height = Inches(0.3) * n_rows
            shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, height)
            grid = shape.table
            for j, width in enumerate(widths):
                grid.columns[j].width = width
            header = [column.label for column in table.columns]
            font_pt = 14 if n_rows <= 8 and len(chunks) == 1 and _fits_large(table, widths) else TABLE_FONT_PT
            for i, row in enumerate([header] + (shown or [[""] * n_cols])):
                grid.rows[i].height = Inches(_row_height(row, table if i else _header_table(table), widths, font_pt))
            size = Pt(font_pt)
            for j, column in enumerate(table.columns):
                _cell_text(grid.cell(0, j), column.label, size, bold=True)
            if not shown:
                _cell_text(grid.cell(1, 0), "Aucune donnée.", size)
            for i, row in enumerate(shown, start=1):
                for j, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                    _cell_text(grid.cell(i, j), format_value(value, column.unit, column.decimals), size,
                               align_right=column.align == "right")
            first = sum(len(c) for c in chunks[:number - 1]) + 1
            remark = ""
            if stopped:
                remark = (f"Lignes {first} à {first + len(chunk) - 1} sur {len(rows)} : le tableau complet "
                          f"({caption_label(table).split(' – ')[0].lower()}) est dans le rapport.")
            elif not last:
                remark = (f"Lignes {first} à {first + len(chunk) - 1} sur {len(rows)} : suite sur la diapositive "
                          "suivante.")
            if remark:
                box = slide.shapes.add_textbox(MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN, Inches(0.4))
                run = box.text_frame.paragraphs[0].add_run()
                run.text = remark
                run.font.size, run.font.italic, run.font.color.rgb, run.font.name = Pt(12), True, TEXT, FONT
            self._notes(slide, ([remark] if remark else []) + notes)

    def _figure(self, block: Figure, twin: Table | None = None) -> None:
        chart = block.chart
        slide = self._new_slide(caption_label(block))
        top, width, height = Inches(1.5), WIDTH - 2 * MARGIN, HEIGHT - Inches(1.9)
        native = _chart_data(chart)
        alt = figure_alt(block)
        if native is not None:
            data, chart_type, number_format = native
            frame = slide.shapes.add_chart(chart_type, MARGIN, top, width, height, data)
            graph = frame.chart
            graph.has_title = False  # the slide's title says it
            graph.has_legend = len(data._series) > 1
            if graph.has_legend:
                graph.legend.position = XL_LEGEND_POSITION.TOP
                graph.legend.include_in_layout = False
            plot = graph.plots[0]
            plot.has_data_labels = True
            plot.data_labels.number_format = number_format
            plot.data_labels.number_format_is_linked = False
            plot.data_labels.font.size = Pt(12)
            graph.font.size = Pt(12)
            graph.font.name = FONT
            if chart_type in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED):
                graph.category_axis.reverse_order = True  # first category on top, as in the report
            if chart_type != XL_CHART_TYPE.LINE_MARKERS and _all_positive(data):
                # bars start at zero, as in the report: an axis from 6,6 made 7,1 against 7,8 look like 1 to 3
                graph.value_axis.minimum_scale = 0
            frame._element.nvGraphicFramePr.cNvPr.set("descr", alt)
        else:
            from .pictures import chart_png

            png = chart_png(chart, self.png_cache)
            picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, height=height)
            if picture.width > width:
                ratio = width / picture.width
                picture.width, picture.height = int(width), int(picture.height * ratio)
            picture.left = int((WIDTH - picture.width) / 2)
            picture._element.nvPicPr.cNvPr.set("descr", alt)
        notes = [alt] + provenance_lines(block.period, block.definition, block.source)
        if twin is not None:
            notes.append(f"Les données du graphique : {caption_label(twin)}, dans le rapport.")
        table = block.table
        if table is not None and any(_is_hidden(v) for row in getattr(chart.table, "values", ()) for v in row):
            notes.append(f"Valeurs masquées par le secret statistique : {_hidden_label(chart)}.")
        self._notes(slide, notes)


def _message_title(block: Any) -> str:
    if isinstance(block, Table | Figure):
        return caption_label(block)
    if isinstance(block, Callout):
        return block.title or CALLOUT_LABELS[block.kind]
    return "chiffres clés"


def _visual_blocks(section: Section) -> Iterator[tuple[Section, Any]]:
    for holder, block in section.iter_blocks():
        if isinstance(block, KeyFigures | KeyFigure | Table | Figure):
            yield holder, block


def _same_data(figure: Figure, table: Table) -> bool:
    """Whether the table holds the data the chart draws (the report pairs a chart with its table)."""
    return (figure.caption or figure.chart.title) == table.caption


def _column_widths(table: Table) -> list[int]:
    """Number columns narrow, text columns sharing the rest (the first, which names the row, wider)."""
    total = int(WIDTH - 2 * MARGIN)
    numeric = [column.unit in ("count", "number", "percent", "months", "currency") for column in table.columns]
    narrow = int(Inches(1.4))
    text = [i for i, is_number in enumerate(numeric) if not is_number]
    if not text or narrow * (len(numeric) - len(text)) > total * 0.6:
        return [total // len(numeric)] * len(numeric)
    weights = {i: (1.5 if i == 0 else 1.0) for i in text}
    rest = total - narrow * (len(numeric) - len(text))
    return [narrow if numeric[i] else int(rest * weights[i] / sum(weights.values())) for i in range(len(numeric))]


def _lines(text: str, width: int, size_pt: float) -> int:
    """How many lines a cell's text takes in a column (an estimate: DejaVu Sans is about 0.55 em wide)."""
    per_line = max(4, int((width / 914400 * 72 - 16) / (size_pt * 0.65)))
    return sum(max(1, -(-len(part) // per_line)) for part in (text or " ").split("\n"))


def _row_height(row: Sequence[Any], table: Table, widths: list[int], size_pt: float = TABLE_FONT_PT) -> float:
    """A row's height in inches, from its longest cell."""
    lines = max(_lines(format_value(value, column.unit, column.decimals), width, size_pt)
                for value, column, width in zip(row, table.columns, widths, strict=True))
    return 0.1 + lines * size_pt * 1.2 / 72


def _header_table(table: Table) -> Table:
    """The header row measured as text (its labels are never numbers)."""
    return Table(table.caption, [column.label for column in table.columns], [])


def _fits_large(table: Table, widths: list[int]) -> bool:
    header = [column.label for column in table.columns]
    return all(_row_height(row, table, widths, 14) < 0.5 for row in (*table.rows, *table.footer_rows)) and \
        all(_lines(label, width, 14) == 1 for label, width in zip(header, widths, strict=True))


def _row_chunks(table: Table, widths: list[int]) -> list[list[Any]]:
    """The rows in slides: each slide as full as its height allows (long texts make tall rows), at most
    :data:`MAX_TABLE_ROWS` rows; the header and the total rows are counted on every slide."""
    room = (HEIGHT - TABLE_TOP - TABLE_BOTTOM) / 914400
    header = _row_height([c.label for c in table.columns], _header_table(table), widths)
    footer = sum(_row_height(row, table, widths) for row in table.footer_rows)
    chunks: list[list[Any]] = [[]]
    used = header + footer
    for row in table.rows:
        height = _row_height(row, table, widths)
        if chunks[-1] and (used + height > room or len(chunks[-1]) >= MAX_TABLE_ROWS):
            chunks.append([])
            used = header + footer
        chunks[-1].append(row)
        used += height
    return chunks


def _text_box(slide, paragraphs: Sequence[str], top, height, budget: int, size) -> None:
    """Paragraphs in a box; past ``budget`` characters the text ends with « […] » (the notes hold it all)."""
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    first = True
    for text in paragraphs:
        if budget <= 0:
            break
        if len(text) > budget:
            # a few words of a cut line say nothing (« – Le […] »): below 60 characters, only « […] »
            text = text[: budget].rsplit(" ", 1)[0] + " […]" if budget >= 60 else "[…] (la suite dans les notes)"
            budget = 0
        budget -= len(text)
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.color.rgb, run.font.name = size, TEXT, FONT
        paragraph.space_after = Pt(10)


def _first_sentence(text: str, limit: int = 160) -> str:
    sentence = text.split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " […]"


def _all_positive(data: Any) -> bool:
    return all(v is None or v >= 0 for series in data._series for v in series.values)


def _is_hidden(value: Any) -> bool:
    return value is None


def _hidden_label(chart: Any) -> str:
    for shown, raw in zip(chart.table.rows, chart.table.values, strict=True):
        for text, value in zip(shown[1:], raw[1:], strict=True):
            if value is None:
                return text
    return ""


def _chart_data(chart: Any):
    """A native bar chart from the chart's data table, or ``None`` when the chart is not a bar chart."""
    kind = getattr(chart, "kind", "")
    table = getattr(chart, "table", None)
    if not kind.startswith("barres") or table is None or not getattr(table, "values", None):
        return None
    headers = list(table.headers)
    categories = [str(row[0]) for row in table.values]
    percent = any(str(text).endswith("%") for row in table.rows for text in row[1:])
    data = CategoryChartData(number_format="0.0%" if percent else "#,##0")
    data.categories = categories
    for index, name in enumerate(headers[1:], start=1):
        values = []
        for row in table.values:
            value = row[index]
            values.append(float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None)
        data.add_series(name, values)
    decimals = any(isinstance(v, float) and not float(v).is_integer() for row in table.values for v in row[1:])
    if kind.endswith("stacked"):
        chart_type = XL_CHART_TYPE.BAR_STACKED if len(categories) > 6 else XL_CHART_TYPE.COLUMN_STACKED
    else:
        chart_type = XL_CHART_TYPE.BAR_CLUSTERED if len(categories) > 6 else XL_CHART_TYPE.COLUMN_CLUSTERED
    number_format = "0.0%" if percent else ("#,##0.0" if decimals else "#,##0")
    return data, chart_type, number_format


def _cell_text(cell, text: str, size, *, bold: bool = False, align_right: bool = False) -> None:
    from pptx.enum.text import PP_ALIGN

    frame = cell.text_frame
    frame.text = ""
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = size, bold, FONT
    if align_right:
        frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
