"""DOCX renderer of the document model (python-docx, docxtpl for the PLIE's own template).

What a person editing the report in Word relies on:

- headings in Word's own styles (« Titre 1 », « Titre 2 »… i.e. ``Heading N``),
  so the navigation pane and the table of contents work;
- a table of contents field (``TOC \\o "1-3" \\h \\z \\u``) already filled in
  with the section titles, and ``w:updateFields`` in ``settings.xml`` so Word
  refreshes it (with page numbers) when the file is opened;
- real tables (header row repeated on each page), charts as PNG images whose
  alternative text is written in the XML (``wp:docPr/@descr``);
- page numbers (``PAGE`` and ``NUMPAGES`` fields in the footer), the demo
  banner in the header;
- a cover: the PLIE's name, its logo (if any), the title, the subtitle and
  the date. A PLIE's own Word template (``template``) is the base document:
  its styles, headers and cover are kept; Jinja placeholders in it
  (``{{ plie }}``, ``{{ titre }}``, ``{{ sous_titre }}``, ``{{ date }}``) are
  filled by docxtpl. A template whose body is empty gets our cover.

Reproducible: the date inside the file is the document's date, the ZIP
entries are dated too (:func:`reperes.documents.packaging.reproducible_zip`);
the same document gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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
    SNAPSHOT_WORDS,
    figure_alt,
    fixed_datetime,
    key_figure_lines,
    labelled,
    metadata_rows,
    provenance_lines,
    reproducible_zip,
    set_core_properties,
    table_notes,
)
from .pictures import chart_png

MUTED = RGBColor(0x5A, 0x5A, 0x5A)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
IMAGE_WIDTH = Cm(16)
TOC_LEVELS = 3


class TemplateError(ValueError):
    """The PLIE's Word template cannot be used (the message is French, for the user)."""


def render_docx(document: Document, *, template: bytes | None = None, logo: bytes | None = None,
                png_cache: dict | None = None) -> bytes:
    """The document as DOCX bytes. ``template``: the PLIE's .docx; ``logo``: PNG/JPEG bytes for the cover."""
    return DocxRenderer(numbered(document), template=template, logo=logo, png_cache=png_cache).render()


def check_template(data: bytes) -> None:
    """Raise :class:`TemplateError` (French message) if ``data`` is not a usable Word template."""
    _open_template(data, {"plie": "PLIE", "titre": "Titre", "sous_titre": "", "date": "1er janvier 2020"})


def _open_template(data: bytes, context: dict[str, str]):
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render(context, autoescape=True)
    except Exception as exc:
        raise TemplateError(
            "Le modèle Word n'a pas pu être lu : déposez un fichier .docx (Word 2007 ou plus récent) ; "
            "les champs à remplir s'écrivent {{ plie }}, {{ titre }}, {{ sous_titre }} et {{ date }}."
        ) from exc
    return template.docx


class DocxRenderer(Visitor):
    def __init__(self, document: Document, *, template: bytes | None = None, logo: bytes | None = None,
                 png_cache: dict | None = None):
        self.document = document
        self.logo = logo
        self.png_cache = png_cache if png_cache is not None else {}
        context = {
            "plie": document.organisation or "",
            "titre": document.title,
            "sous_titre": document.subtitle or "",
            "date": formats.date(document.date) if document.date else "",
        }
        if template:
            self.doc = _open_template(template, context)
            body = self.doc.element.body
            self.has_cover = any(p.text.strip() for p in self.doc.paragraphs) or bool(
                body.findall(qn("w:tbl"))) or bool(body.findall(".//" + qn("w:drawing")))
        else:
            self.doc = new_docx()
            self.has_cover = False
            self._default_look()

        self.styles = _style_names(self.doc)

    # ------------------------------------------------------------------ document

    def render(self) -> bytes:
        document = self.document
        self._properties()
        self._language()
        self._update_fields_on_open()
        self._header_footer()
        if not self.has_cover:
            self._cover()
        else:
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self._toc()
        if document.disclosure is not None:
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(labelled(LABELS["disclosure"], "")).bold = True
            paragraph.add_run(document.disclosure.text)
        for section in document.sections:
            self.visit(section, 1)
        if document.metadata:
            self._heading(LABELS["metadata"], 1)
            self._kv_table(metadata_rows(document.metadata))
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return reproducible_zip(buffer.getvalue(), fixed_datetime(document.date))

    def _default_look(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = "DejaVu Sans"
        normal.font.size = Pt(10)
        for section in self.doc.sections:  # A4, as French documents are (python-docx's default is US Letter)
            section.page_width, section.page_height = Cm(21), Cm(29.7)
            section.left_margin = section.right_margin = Cm(2.2)
            section.top_margin = section.bottom_margin = Cm(2.2)

    def _properties(self) -> None:
        document, core = self.document, self.doc.core_properties
        # Word's « Commentaires » hold 255 characters: the snapshot first (imports, hash, version).
        rows = sorted(metadata_rows(document.metadata), key=lambda kv: not any(
            word in kv[0].lower() for word in SNAPSHOT_WORDS))
        set_core_properties(core, document, keywords="PLIE; rapport; Repères",
                            comments="; ".join(f"{k} : {v}" for k, v in rows))
        core.category = document.banner or ""

    def _language(self) -> None:
        styles = self.doc.styles.element
        rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr_default is None:
            return
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr_default.append(lang)
        lang.set(qn("w:val"), "fr-FR")

    def _update_fields_on_open(self) -> None:
        settings = self.doc.settings.element
        element = settings.find(qn("w:updateFields"))
        if element is None:
            element = OxmlElement("w:updateFields")
            settings.append(element)
        element.set(qn("w:val"), "true")

    def _header_footer(self) -> None:
        document = self.document
        for section in self.doc.sections:
            header = section.header
            text = " – ".join(t for t in (document.banner, document.organisation, document.title) if t)
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            if not paragraph.text.strip():
                run = paragraph.add_run(text)
                run.font.size = Pt(8)
                run.bold = bool(document.banner)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            footer = section.footer
            paragraph = footer.add_paragraph() if footer.paragraphs and footer.paragraphs[0].text else (
                footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph())
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run("Page ")
            _field(paragraph, "PAGE", "1")
            paragraph.add_run(" sur ")
            _field(paragraph, "NUMPAGES", "1")

    def _cover(self) -> None:
        document, doc = self.document, self.doc
        if document.banner:
            banner = doc.add_paragraph()
            run = banner.add_run(document.banner)
            run.bold = True
            run.font.color.rgb = RGBColor(0xA0, 0x2B, 0x00)
        if document.organisation:
            name = doc.add_paragraph()
            run = name.add_run(document.organisation)
            run.bold = True
            run.font.size = Pt(16)
        if self.logo:
            try:
                shape = doc.add_picture(io.BytesIO(self.logo), height=Cm(3))
                _alt(shape, f"Logo : {document.organisation or ''}".strip(), "Logo")
            except Exception:  # an unreadable logo never blocks a report
                doc.add_paragraph("[logo]")
        else:
            doc.add_paragraph()
        doc.add_paragraph()
        title = self._styled_paragraph(document.title, "Title")
        if title.style.name != "Title":
            title.runs[0].font.size = Pt(26)
        if document.subtitle:
            self._styled_paragraph(document.subtitle, "Subtitle")
        if document.date:
            date = doc.add_paragraph()
            date.add_run(formats.date(document.date)).font.size = Pt(12)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _toc(self) -> None:
        heading = self._styled_paragraph(LABELS["toc"], "TOC Heading")
        if heading.style.name != "TOC Heading":
            heading.runs[0].bold = True
            heading.runs[0].font.size = Pt(14)
        entries = [entry for entry in self.document.outline() if entry.level <= TOC_LEVELS]
        if not entries:
            return
        paragraphs = []
        for entry in entries:
            style = f"TOC {entry.level}" if f"TOC {entry.level}" in self.styles else None
            paragraph = self.doc.add_paragraph(style=style)
            if style is None:
                paragraph.paragraph_format.left_indent = Cm(0.6 * (entry.level - 1))
            paragraphs.append((paragraph, entry))
        first, last = paragraphs[0][0], paragraphs[-1][0]
        _fld_char(first.add_run(), "begin", dirty=True)
        _instr(first.add_run(), f' TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u ')
        _fld_char(first.add_run(), "separate")
        for paragraph, entry in paragraphs:
            paragraph.add_run(entry.title)
        _fld_char(last.add_run(), "end")
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ------------------------------------------------------------------ nodes

    def visit_section(self, section: Section, level: int) -> None:
        self._heading(section.title, level)
        for block in section.blocks:
            self.visit(block, level)
        if section.message is not None:
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(section.message).italic = True
        for sub in section.subsections:
            self.visit(sub, level + 1)

    def visit_paragraph(self, block: Paragraph, level: int = 1) -> None:
        self._runs(self.doc.add_paragraph(), block.text)

    def visit_key_figures(self, block: KeyFigures, level: int = 1) -> None:
        for item in block.items:
            self.visit_key_figure(item, level)

    def visit_key_figure(self, block: KeyFigure, level: int = 1) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        value = paragraph.add_run(format_value(block.value, block.unit, block.decimals))
        value.bold = True
        value.font.size = Pt(18)
        paragraph.add_run("  " + block.label).bold = True
        self._small_lines(key_figure_lines(block))

    def visit_table(self, table: Table, level: int = 1) -> None:
        caption = self._styled_paragraph(caption_label(table), "Caption")
        caption.paragraph_format.keep_with_next = True
        columns = table.columns
        rows = list(table.rows) or [[""] * len(columns)]
        grid = self.doc.add_table(rows=1 + len(rows) + len(table.footer_rows), cols=len(columns))
        if "Table Grid" in self.styles:
            grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths, size = _column_widths(grid, table)
        header = grid.rows[0]
        _repeat_header(header)
        for cell, column, width in zip(header.cells, columns, widths, strict=True):
            cell.width = width
            self._cell(cell, column.label, column.align, bold=True, size=size)
        all_rows = [(row, False) for row in rows] + [(row, True) for row in table.footer_rows]
        for grid_row, (row, footer) in zip(grid.rows[1:], all_rows, strict=True):
            for index, (cell, value, column) in enumerate(zip(grid_row.cells, row, columns, strict=True)):
                cell.width = widths[index]
                text = "" if not table.rows and not footer else format_value(value, column.unit, column.decimals)
                if not table.rows and not footer and index == 0:
                    text = "Aucune donnée."
                self._cell(cell, text, column.align, bold=footer or (table.row_headers and index == 0), size=size)
        _keep_rows_together(grid)
        self._small_lines(provenance_lines(table.period, table.definition, table.source, table_notes(table)))

    def visit_figure(self, block: Figure, level: int = 1) -> None:
        caption = self._styled_paragraph(caption_label(block), "Caption")
        caption.paragraph_format.keep_with_next = True
        png = chart_png(block.chart, self.png_cache)
        shape = self.doc.add_picture(io.BytesIO(png), width=IMAGE_WIDTH)
        _alt(shape, figure_alt(block), block.caption or block.chart.title)
        self._small_lines(provenance_lines(block.period, block.definition, block.source))

    def visit_callout(self, block: Callout, level: int = 1) -> None:
        style = "Intense Quote" if "Intense Quote" in self.styles else None
        paragraph = self.doc.add_paragraph(style=style)
        head = callout_head(block)
        paragraph.add_run(labelled(head, "")).bold = True
        self._runs(paragraph, block.text)

    def visit_bullet_list(self, block: BulletList, level: int = 1) -> None:
        wanted = "List Number" if block.ordered else "List Bullet"
        style = wanted if wanted in self.styles else None
        for index, item in enumerate(block.items, start=1):
            paragraph = self.doc.add_paragraph(style=style)
            if style is None:
                paragraph.add_run(f"{index}. " if block.ordered else "– ")
            self._runs(paragraph, item)

    def visit_definition(self, block: Definition, level: int = 1) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(labelled(block.term, "")).bold = True
        self._runs(paragraph, block.text)

    # ------------------------------------------------------------------ helpers

    def _heading(self, text: str, level: int) -> None:
        level = min(level, 9)
        name = f"Heading {level}"
        if name not in self.styles:
            style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.doc.styles["Normal"]
            style.font.bold = True
            style.font.size = Pt(max(11, 18 - 2 * level))
            p_pr = style.element.get_or_add_pPr()
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            p_pr.append(outline)
            self.styles.add(name)
        self.doc.add_paragraph(text, style=name).paragraph_format.keep_with_next = True

    def _styled_paragraph(self, text: str, style: str):
        if style in self.styles:
            return self.doc.add_paragraph(text, style=style)
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(text).bold = True
        return paragraph

    def _runs(self, paragraph, text: str | Sequence[Run]) -> None:
        if isinstance(text, str):
            paragraph.add_run(text)
            return
        for item in text:
            run = paragraph.add_run(item.text)
            run.bold = item.bold or None
            run.italic = item.italic or None

    def _small_lines(self, lines: list[str]) -> None:
        for line in lines:
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(line)
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
        if lines:
            self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    @staticmethod
    def _cell(cell, text: str, align: str, *, bold: bool = False, size: float = 9) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = ALIGN[align]
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if bold:
            run.bold = True

    def _kv_table(self, rows: list[tuple[str, str]]) -> None:
        grid = self.doc.add_table(rows=len(rows), cols=2)
        if "Table Grid" in self.styles:
            grid.style = "Table Grid"
        for grid_row, (key, value) in zip(grid.rows, rows, strict=True):
            self._cell(grid_row.cells[0], key, "left", bold=True)
            self._cell(grid_row.cells[1], value, "left")


def _style_names(doc) -> set[str]:
    return {style.name for style in doc.styles}


def _column_widths(grid, table: Table) -> tuple[list[int], float]:
    """Column widths from the content, as in the PDF (:func:`reperes.documents.pdf.table_layout`: no column
    below its longest word, short columns whole first), over the text width: Word and LibreOffice read tcW."""
    from .pdf import table_layout

    total = Cm(16.5)
    texts = [[format_value(value, column.unit, column.decimals) for value, column in
              zip(row, table.columns, strict=True)] for row in (*table.rows, *table.footer_rows)]
    layout = table_layout([c.label for c in table.columns], texts, [c.align for c in table.columns],
                          width_pt=total.pt, sizes=(9, 8, 7),  # the cells' 9 pt, smaller when the words need it
                          bold=1.6)  # Word's bold headers and cell margins take more than the PDF's
    shares = layout.widths or tuple(1.0 for _ in table.columns)
    grid.autofit = False
    widths = [int(total * share / sum(shares)) for share in shares]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    return widths, layout.font_size


def _alt(shape, description: str, title: str) -> None:
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("title", title)


KEEP_WHOLE_ROWS = 25  # a table up to this many rows moves whole to the next page rather than split


def _keep_rows_together(grid) -> None:
    """No row split across pages; a short table kept whole (each row « keep with next »), a long one never
    leaves its header and first three rows, nor its last two rows, alone on a page."""
    rows = list(grid.rows)
    for index, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        tr_pr.append(cant_split)
        last = index == len(rows) - 1
        keep = not last and (len(rows) <= KEEP_WHOLE_ROWS or index < 4 or index >= len(rows) - 3)
        if keep:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _fld_char(run, kind: str, *, dirty: bool = False) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


def _instr(run, text: str) -> None:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run._r.append(element)


def _field(paragraph, code: str, shown: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result, in its own runs."""
    _fld_char(paragraph.add_run(), "begin")
    _instr(paragraph.add_run(), f" {code} ")
    _fld_char(paragraph.add_run(), "separate")
    paragraph.add_run(shown)
    _fld_char(paragraph.add_run(), "end")


