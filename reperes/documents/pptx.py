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
    Table,
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
MAX_TABLE_ROWS = 12
MAX_BODY_CHARS = 900
FONT = "DejaVu Sans"


def render_pptx(document: Document, *, png_cache: dict | None = None) -> bytes:
    return PptxRenderer(document, png_cache=png_cache).render()


class PptxRenderer:
    def __init__(self, document: Document, *, png_cache: dict | None = None):
        self.document = document
        self.png_cache = png_cache if png_cache is not None else {}
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT

    def render(self) -> bytes:
        document = self.document
        self._properties()
        self._title_slide()
        if document.disclosure is not None:
            self._text_slide(LABELS["disclosure"], [document.disclosure.text], notes=[document.disclosure.text])
        for section in document.sections:
            self._section(section, prefix="")
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return reproducible_zip(buffer.getvalue(), fixed_datetime(document.date))

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

    def _text_slide(self, title: str, paragraphs: Sequence[str], *, notes: Sequence[str] = ()) -> None:
        slide = self._new_slide(title)
        box = slide.shapes.add_textbox(MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.2))
        frame = box.text_frame
        frame.word_wrap = True
        budget = MAX_BODY_CHARS
        first = True
        for text in paragraphs:
            if budget <= 0:
                break
            if len(text) > budget:
                text = text[: budget].rsplit(" ", 1)[0] + " […]"
            budget -= len(text)
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.color.rgb, run.font.name = Pt(18), TEXT, FONT
            paragraph.space_after = Pt(10)
        self._notes(slide, notes)

    def _section(self, section: Section, prefix: str) -> None:
        texts, notes, terms = [], [], []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                texts.append(plain_text(block.text))
            elif isinstance(block, BulletList):
                texts.extend("– " + plain_text(item) for item in block.items)
            elif isinstance(block, Definition):
                terms.append("– " + block.term)
                notes.append(labelled(block.term, plain_text(block.text)))
        if section.message is not None:
            texts.append(section.message)
        title = prefix + section.title
        if not texts and not terms:  # a divider: what this part shows
            texts = ["Dans cette partie :"] + ["– " + _message_title(block) for block in self._messages(section)]
        self._text_slide(title, texts + terms, notes=notes + texts)
        for block in section.blocks:
            self._block(block, section.title)
        for sub in section.subsections:
            self._section(sub, prefix=f"{section.title} – " if not prefix else prefix)

    @staticmethod
    def _messages(section: Section) -> Iterator[Any]:
        for block in section.blocks:
            if isinstance(block, KeyFigures | KeyFigure | Table | Figure | Callout):
                yield block

    def _block(self, block: Any, section_title: str) -> None:
        if isinstance(block, KeyFigures):
            self._key_figures(list(block.items), section_title)
        elif isinstance(block, KeyFigure):
            self._key_figures([block], section_title)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Figure):
            self._figure(block)
        elif isinstance(block, Callout):
            head = block.title or CALLOUT_LABELS[block.kind]
            self._text_slide(head, [plain_text(block.text)], notes=[plain_text(block.text)])

    def _key_figures(self, items: list[KeyFigure], section_title: str) -> None:
        slide = self._new_slide(section_title)
        count = len(items)
        width = (WIDTH - 2 * MARGIN) / max(count, 1)
        notes = []
        for index, item in enumerate(items):
            left = MARGIN + Emu(int(width * index))
            box = slide.shapes.add_textbox(left, Inches(2.2), Emu(int(width)) - Inches(0.2), Inches(3))
            frame = box.text_frame
            frame.word_wrap = True
            run = frame.paragraphs[0].add_run()
            run.text = format_value(item.value, item.unit, item.decimals)
            run.font.size, run.font.bold, run.font.color.rgb, run.font.name = Pt(44), True, ACCENT, FONT
            label = frame.add_paragraph().add_run()
            label.text = item.label
            label.font.size, label.font.color.rgb, label.font.name = Pt(18), TEXT, FONT
            notes.append(item.label + " : " + format_value(item.value, item.unit, item.decimals))
            notes.extend(key_figure_lines(item))
        self._notes(slide, notes)

    def _table(self, table: Table) -> None:
        slide = self._new_slide(table.caption)
        rows = list(table.rows)[:MAX_TABLE_ROWS] + list(table.footer_rows)
        truncated = len(table.rows) > MAX_TABLE_ROWS
        n_rows, n_cols = 1 + max(len(rows), 1), len(table.columns)
        height = Inches(0.4) * n_rows
        shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, height)
        grid = shape.table
        size = Pt(14 if n_rows <= 8 else 11)
        for j, column in enumerate(table.columns):
            _cell_text(grid.cell(0, j), column.label, size, bold=True)
        if not rows:
            _cell_text(grid.cell(1, 0), "Aucune donnée.", size)
        for i, row in enumerate(rows, start=1):
            for j, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                _cell_text(grid.cell(i, j), format_value(value, column.unit, column.decimals), size,
                           align_right=column.align == "right")
        notes = provenance_lines(table.period, table.definition, table.source, table_notes(table))
        if truncated:
            notes.insert(0, f"Les {MAX_TABLE_ROWS} premières lignes sur {len(table.rows)} : "
                            "le tableau complet figure dans le rapport.")
        self._notes(slide, notes)

    def _figure(self, block: Figure) -> None:
        chart = block.chart
        slide = self._new_slide(block.caption or chart.title)
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
            frame._element.nvGraphicFramePr.cNvPr.set("descr", alt)
        else:
            from .docx import chart_png

            png = chart_png(chart, self.png_cache)
            picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, height=height)
            if picture.width > width:
                ratio = width / picture.width
                picture.width, picture.height = int(width), int(picture.height * ratio)
            picture.left = int((WIDTH - picture.width) / 2)
            picture._element.nvPicPr.cNvPr.set("descr", alt)
        notes = [alt] + provenance_lines(block.period, block.definition, block.source)
        table = block.table
        if table is not None and any(_is_hidden(v) for row in getattr(chart.table, "values", ()) for v in row):
            notes.append(f"Valeurs masquées par le secret statistique : {_hidden_label(chart)}.")
        self._notes(slide, notes)


def _message_title(block: Any) -> str:
    if isinstance(block, Table):
        return block.caption
    if isinstance(block, Figure):
        return block.caption or block.chart.title
    if isinstance(block, Callout):
        return block.title or CALLOUT_LABELS[block.kind]
    return "chiffres clés"


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
