"""PDF renderer of the document model, through Typst (the ``typst`` PyPI package: no system package).

The model is written as Typst markup in which every text of the model is a
Typst *string literal* (``#"…"``), so no character of the data can be read
as markup. Typst then gives:

- a tagged PDF (``pdf_tags``; PDF/UA-1 when it validates), the document's
  language (``fr``) and title in its metadata;
- bookmarks (the PDF outline) from the headings, and a « Sommaire »;
- embedded fonts: only the bundled DejaVu Sans (``fonts/``, Bitstream Vera
  licence, see ``fonts/LICENSE_DEJAVU.txt``), system fonts ignored, so the PDF
  looks the same on every machine;
- charts as PNG images with their alternative text; tables with a repeated
  header row; page numbers; the demo banner on every page.

The creation date is the document's date: same document, same PDF.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reperes import formats

from .formatting import LABELS, callout_head, format_value
from .model import (
    BulletList,
    Callout,
    Definition,
    Document,
    Figure,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Run,
    Section,
    Table,
    Visitor,
    caption_label,
    numbered,
)
from .packaging import (
    FONT_FAMILY,
    FONTS_DIR,
    figure_alt,
    fixed_datetime,
    key_figure_lines,
    labelled,
    metadata_rows,
    provenance_lines,
    table_notes,
)

PREAMBLE = """
#set text(font: "{font}", lang: "fr", region: "FR", size: 10pt, fill: rgb("#222222"))
#set par(leading: 0.6em, spacing: 0.9em)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.4cm, bottom: 2.2cm),
  header: context {{ if counter(page).get().first() > 1 [
    #set text(size: 7.5pt, fill: rgb("#5a5a5a"))
    {banner}#h(1fr)#{header}
  ] }},
  footer: context {{ if counter(page).get().first() > 1 [
    #set text(size: 8pt, fill: rgb("#5a5a5a"))
    #h(1fr)Page #counter(page).display() sur #counter(page).final().first()#h(1fr)
  ] }})
#set heading(numbering: none)
#show heading: set text(fill: rgb("#1D5A9E"))
#show heading.where(level: 1): it => {{ pagebreak(weak: true); set text(size: 17pt); it; v(0.3em) }}
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11pt)
#set figure(numbering: none)
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.caption: it => it.body
#show figure: set block(breakable: true)
#set table(stroke: 0.5pt + rgb("#999999"), inset: 4pt)
#show table: set text(size: 8.5pt)
#show table.cell.where(y: 0): set text(hyphenate: false)
#let small(body) = text(size: 7.5pt, fill: rgb("#555555"), body)
"""


def render_pdf(document: Document, *, logo: bytes | None = None, png_cache: dict | None = None) -> bytes:
    """The document as PDF bytes (tagged, bookmarked, language fr, bundled fonts embedded)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="reperes-pdf-") as folder:
        root = Path(folder)
        writer = TypstWriter(numbered(document), root, logo=logo, png_cache=png_cache)
        source = writer.source()
        main = root / "main.typ"
        main.write_text(source, encoding="utf-8")
        options = {"root": str(root), "font_paths": [str(FONTS_DIR)], "ignore_system_fonts": True,
                   "format": "pdf", "timestamp": fixed_datetime(document.date)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return typst.compile(str(main), pdf_standards="ua-1", **options)
            except typst.TypstError:
                # PDF/UA refuses some constructs; the PDF stays tagged (pdf_tags) without the claim.
                return typst.compile(str(main), **options)


def typst_source(document: Document) -> str:
    """The Typst markup of a document (for debugging and tests)."""
    with tempfile.TemporaryDirectory(prefix="reperes-typ-") as folder:
        return TypstWriter(document, Path(folder)).source()


def _s(text: str) -> str:
    """A Typst string literal: the data is never read as markup."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def _c(text: str) -> str:
    """Content holding exactly ``text``."""
    return f"[#{_s(text)}]"


def _runs(text: str | Sequence[Run]) -> str:
    if isinstance(text, str):
        return f"#{_s(text)}"
    parts = []
    for run in text:
        part = f"#{_s(run.text)}"
        if run.italic:
            part = f"#emph[{part}]"
        if run.bold:
            part = f"#strong[{part}]"
        parts.append(part)
    return "".join(parts)


class TypstWriter(Visitor):
    def __init__(self, document: Document, root: Path, *, logo: bytes | None = None,
                 png_cache: dict | None = None):
        self.document = document
        self.root = root
        self.logo = logo
        self.png_cache = png_cache if png_cache is not None else {}
        self.images = 0

    def source(self) -> str:
        document = self.document
        banner = f"#strong[#{_s(document.banner)}] · " if document.banner else ""
        header = _s(" – ".join(t for t in (document.organisation, document.title) if t))
        keywords = ", ".join(_s(k) for k in ("PLIE", "rapport", "Repères")) + ","
        out = [
            f"#set document(title: {_s(document.title)}, author: {_s(document.organisation or 'Repères')}, "
            f"keywords: ({keywords}), date: {self._date()})",
            PREAMBLE.format(font=FONT_FAMILY, banner=banner, header=header),
            self._cover(),
            f"#outline(title: {_c(LABELS['toc'])}, depth: 3)",
        ]
        if document.disclosure is not None:
            out.append(f"#block(fill: rgb(\"#f3f3f3\"), inset: 8pt, width: 100%)"
                       f"[#strong[#{_s(labelled(LABELS['disclosure'], ''))}]#{_s(document.disclosure.text)}]")
        for section in document.sections:
            out.append(self.visit(section, 1))
        if document.metadata:
            out.append(f"#heading(level: 1, {_c(LABELS['metadata'])})")
            rows = metadata_rows(document.metadata)
            cells = ", ".join(f"{_c(k)}, {_c(v)}" for k, v in rows)
            layout = table_layout(["", ""], [list(row) for row in rows], ["left", "left"])
            cells = ", ".join(f"{_c(breakable(k))}, {_c(breakable(v))}" for k, v in rows)
            out.append(f"#table(columns: ({', '.join(layout.columns)},), {cells})")
        return "\n\n".join(out) + "\n"

    def _date(self) -> str:
        date = self.document.date
        if date is None:
            return "none"
        return f"datetime(year: {date.year}, month: {date.month}, day: {date.day})"

    def _cover(self) -> str:
        document = self.document
        parts = ["#page(header: none, footer: none)["]
        if document.banner:
            parts.append(f"#block(fill: rgb(\"#fbe9e2\"), inset: 8pt, width: 100%)"
                         f"[#text(fill: rgb(\"#A02B00\"), weight: \"bold\")[#{_s(document.banner)}]]")
        if document.organisation:
            parts.append(f"#text(size: 16pt, weight: \"bold\")[#{_s(document.organisation)}]")
        if self.logo:
            name = self._write_image(self.logo, "logo")
            if name:
                alt = f"Logo : {document.organisation or ''}".strip()
                parts.append(f"#v(0.5em)#image({_s(name)}, height: 3cm, alt: {_s(alt)})")
        parts.append("#v(5cm)")
        parts.append(f"#text(size: 26pt, weight: \"bold\", fill: rgb(\"#1D5A9E\"))[#{_s(document.title)}]")
        if document.subtitle:
            parts.append(f"#v(0.5em)#text(size: 15pt)[#{_s(document.subtitle)}]")
        if document.date:
            parts.append(f"#v(1em)#text(size: 12pt)[#{_s(formats.date(document.date))}]")
        parts.append("]")
        return "\n\n".join(parts)

    def _write_image(self, data: bytes, stem: str) -> str | None:
        suffix = ".png" if data[:8] == b"\x89PNG\r\n\x1a\n" else ".jpg" if data[:3] == b"\xff\xd8\xff" else None
        if suffix is None:
            return None
        self.images += 1
        name = f"{stem}-{self.images}{suffix}"
        (self.root / name).write_bytes(data)
        return name

    # ------------------------------------------------------------------ nodes

    def visit_section(self, section: Section, level: int) -> str:
        parts = [f"#heading(level: {min(level, 6)}, {_c(section.title)})"]
        parts.extend(self.visit(block, level) for block in section.blocks)
        if section.message is not None:
            parts.append(f"#emph[#{_s(section.message)}]")
        parts.extend(self.visit(sub, level + 1) for sub in section.subsections)
        return "\n\n".join(parts)

    def visit_paragraph(self, block: Paragraph, level: int = 1) -> str:
        return _runs(block.text)

    def visit_key_figures(self, block: KeyFigures, level: int = 1) -> str:
        items = ", ".join(self._key_figure(item) for item in block.items)
        columns = min(len(block.items), 3)
        return f"#grid(columns: ({', '.join(['1fr'] * columns)}), gutter: 8pt, {items})"

    def visit_key_figure(self, block: KeyFigure, level: int = 1) -> str:
        return "#" + self._key_figure(block)

    def _key_figure(self, item: KeyFigure) -> str:
        value = format_value(item.value, item.unit, item.decimals)
        lines = "".join(f"#linebreak()#small[#{_s(line)}]" for line in key_figure_lines(item))
        return (f"block(fill: rgb(\"#eef3f9\"), inset: 8pt, radius: 3pt, width: 100%, breakable: false)["
                f"#text(size: 18pt, weight: \"bold\", fill: rgb(\"#1D5A9E\"))[#{_s(value)}]#linebreak()"
                f"#strong[#{_s(item.label)}]{lines}]")

    def visit_table(self, table: Table, level: int = 1) -> str:
        texts = [[format_value(value, column.unit, column.decimals) for value, column in
                  zip(row, table.columns, strict=True)] for row in (*table.rows, *table.footer_rows)]
        layout = table_layout([c.label for c in table.columns], texts, [c.align for c in table.columns])
        aligns = ", ".join({"left": "left", "right": "right", "center": "center"}[c.align] for c in table.columns)
        header = ", ".join(f"[#strong[#{_s(breakable(c.label))}]]" for c in table.columns)
        cells = [_c(breakable(text)) for text in
                 (cell for row in texts[:len(table.rows)] for cell in row)]
        if not table.rows:
            cells.append(f"table.cell(colspan: {len(table.columns)}, {_c('Aucune donnée.')})")
        footer = [f"[#strong[#{_s(breakable(text))}]]" for row in texts[len(table.rows):] for text in row]
        body = ", ".join(cells + footer)
        lines = provenance_lines(table.period, table.definition, table.source, table_notes(table))
        small = "".join(f"#small[#{_s(line)}]#linebreak()" for line in lines)
        size = f"#show table: set text(size: {layout.font_size}pt)\n" if layout.font_size != TABLE_FONT_SIZE else ""
        figure = (f"figure(kind: table, caption: {_c(caption_label(table))}, "
                  f"table(columns: ({', '.join(layout.columns)},), align: ({aligns},), "
                  f"table.header({header}), {body}))")
        notes = f"block(above: 0.4em)[{small}]"
        # Typst measures the table where it falls: one that fits in the room left is set there in one piece;
        # one that fits on a page but not in the room left starts the next page, whole (no orphan row at the
        # foot of a page, no widow row at the top of the next, the caption and notes with it); one taller than
        # a page starts a new page unless enough room is left for its caption, header and first rows, and
        # repeats its header row on every page (table.header).
        body = f"[{size}#{figure}\n#{notes}]"
        return (f"#context {{\n  let body = {body}\n"
                f"  let height = measure(block(width: {TEXT_WIDTH_PT:.2f}pt, body)).height\n"
                f"  let left = page.height - {PAGE_BOTTOM_PT}pt - here().position().y\n"
                f"  let full = page.height - {PAGE_BOTTOM_PT}pt - {PAGE_TOP_PT}pt\n"
                f"  if height <= left {{ block(breakable: false, width: 100%, body) }}\n"
                f"  else if height <= full {{ pagebreak(); block(breakable: false, width: 100%, body) }}\n"
                f"  else {{ if left < {MIN_START_PT}pt {{ pagebreak() }}; block(width: 100%, body) }}\n}}")

    def visit_figure(self, block: Figure, level: int = 1) -> str:
        from .pictures import chart_png

        name = self._write_image(chart_png(block.chart, self.png_cache), "graphique")
        caption = caption_label(block)
        lines = provenance_lines(block.period, block.definition, block.source)
        small = "".join(f"#small[#{_s(line)}]#linebreak()" for line in lines)
        return (f"#block(breakable: false, width: 100%)[#figure(image({_s(name)}, width: 100%, "
                f"alt: {_s(figure_alt(block))}), caption: {_c(caption)})\n#block(above: 0.4em)[{small}]]")

    def visit_callout(self, block: Callout, level: int = 1) -> str:
        head = callout_head(block)
        colour = {"info": "#1D5A9E", "warning": "#C04A00", "question": "#007A5A", "finding": "#A8467F"}[block.kind]
        return (f"#block(fill: rgb(\"#f5f7fa\"), stroke: (left: 3pt + rgb(\"{colour}\")), inset: 8pt, "
                f"width: 100%)[#strong[#{_s(labelled(head, ''))}]{_runs(block.text)}]")

    def visit_bullet_list(self, block: BulletList, level: int = 1) -> str:
        function = "enum" if block.ordered else "list"
        items = ", ".join(f"[{_runs(item)}]" for item in block.items)
        return f"#{function}({items})"

    def visit_definition(self, block: Definition, level: int = 1) -> str:
        return f"#terms(terms.item({_c(block.term)}, [{_runs(block.text)}]))"


# ------------------------------------------------------------------ table layout

TABLE_FONT_SIZE = 8.5  # pt, the preamble's table text
MEDIUM_TABLE_FONT_SIZE = 7.5  # pt, for a table whose words leave little room at the usual size
SMALL_TABLE_FONT_SIZE = 7.0  # pt, for a table whose words do not fit at the usual size
TEXT_WIDTH_PT = 595.28 - 2 * 62.36  # A4 less the 2.2 cm side margins
CHAR_EM = 0.58  # mean advance of a DejaVu Sans character, in em (bold headers and capitals included)
CELL_PADDING_CHARS = 2.2  # the 4 pt inset on both sides and the stroke, in characters
LINE_PT = 1.25  # a line of table text, in em, with the cell's insets added per row below
PAGE_BOTTOM_PT = 62.36  # the bottom margin (2.2 cm)
PAGE_TOP_PT = 68.03  # the top margin (2.4 cm)
MIN_START_PT = 200  # room a long table needs to start: caption, header and a few rows
LONG_WORD = 22  # characters: a longer unbroken word (a checksum, an address) gets break opportunities
_SPACES = re.compile(r"[ \t\n]+")  # ordinary spaces only: a no-break space never breaks a line


@dataclass(frozen=True)
class TableLayout:
    columns: list[str]  # Typst column widths
    font_size: float
    height: float  # estimated height in pt
    widths: tuple[float, ...] = ()  # each column's width in characters (its share of the table)


def _words(text: str) -> list[str]:
    return [w for w in _SPACES.split(text) if w]


def breakable(text: str) -> str:
    """``text`` with a zero-width space every 16 characters of a word longer than :data:`LONG_WORD`, so a
    checksum or an address wraps inside its cell instead of overflowing the page."""
    def cut(word: str) -> str:
        if len(word) <= LONG_WORD:
            return word
        return "\u200b".join(word[i:i + 16] for i in range(0, len(word), 16))
    return " ".join(cut(w) for w in text.split(" "))


def table_layout(labels: Sequence[str], rows: Sequence[Sequence[str]], aligns: Sequence[str], *,
                 width_pt: float = TEXT_WIDTH_PT,
                 sizes: Sequence[float] = (TABLE_FONT_SIZE, MEDIUM_TABLE_FONT_SIZE, SMALL_TABLE_FONT_SIZE),
                 bold: float = 1.3) -> TableLayout:
    """Column widths from the content, as a browser lays out an automatic table.

    Each column needs at least its longest word (a number column its longest value: numbers never wrap)
    and would like its longest line. When every column fits on its longest line the widths are ``auto``;
    otherwise each column gets its minimum, the columns that lack least get their whole line while that
    fits in an equal share of what is left, and the rest is shared in proportion to what each still lacks:
    no column is squeezed below its longest word and the table never exceeds the page.
    When the minimums alone exceed the page, the table is set smaller; what still does not fit wraps
    inside its words (see :func:`breakable`). ``width_pt`` and ``sizes``: the text width and the type sizes
    to try, largest first (the Word renderer's differ from the PDF's).
    """
    def measure(text: str, numeric: bool) -> tuple[int, int]:
        words = _words(text)
        longest = max((min(len(w), LONG_WORD) for w in words), default=0)
        natural = len(text.strip())
        return (natural if numeric else longest), natural

    count = len(labels)
    minimum, natural = [1.0] * count, [1.0] * count
    for index, label in enumerate(labels):
        lo, hi = measure(label, False)
        # bold; a header may take up to about three lines: it does not ask for its whole length on one
        minimum[index], natural[index] = max(minimum[index], lo * bold), max(natural[index], max(lo, hi / 2.5) * bold)
    for row in rows:
        for index, text in enumerate(row):
            lo, hi = measure(text, aligns[index] == "right")
            minimum[index], natural[index] = max(minimum[index], lo), max(natural[index], hi)
    minimum = [m + CELL_PADDING_CHARS for m in minimum]
    natural = [n + CELL_PADDING_CHARS for n in natural]
    # the usual size; a smaller one when the words leave under a sixth of the width to share (the columns
    # would wrap word by word) or do not fit at all
    for size in sizes:
        available = width_pt / (CHAR_EM * size)
        if sum(natural) <= available or available - sum(minimum) >= available / 6:
            break
    if sum(natural) <= available:
        widths, columns = natural, ["auto"] * count
    else:
        spare = available - sum(minimum)
        if spare <= 0:
            widths = [m * available / sum(minimum) for m in minimum]
        else:
            # the columns that lack least get their whole line first (a short « Statut » is not wrapped word
            # by word to give a long name a few more letters); the rest is shared in proportion
            widths = list(minimum)
            open_columns = sorted(range(count), key=lambda i: natural[i] - minimum[i])
            while open_columns:
                share = spare / len(open_columns)
                index = open_columns[0]
                if natural[index] - minimum[index] > share:
                    break
                spare -= natural[index] - minimum[index]
                widths[index] = natural[index]
                open_columns.pop(0)
            lacking = sum(natural[i] - minimum[i] for i in open_columns)
            for i in open_columns:
                widths[i] += spare * (natural[i] - minimum[i]) / lacking
        columns = [f"{w:.2f}fr" for w in widths]  # shares of the full text width
    height = 0.0
    for row in [list(labels), *rows]:
        lines = max((max(1, -(-len(text) // max(1, int(w - CELL_PADDING_CHARS)))) for text, w in
                     zip(row, widths, strict=True)), default=1)
        height += lines * LINE_PT * size + 8
    return TableLayout(columns, size, height, tuple(widths))
