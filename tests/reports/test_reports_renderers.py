"""DOCX, PPTX and PDF of the intermediate report: opened with their own libraries, byte-identical on rebuild."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from pptx import Presentation
from report_helpers import build

from reperes.documents.docx import TemplateError, check_template, render_docx
from reperes.documents.pdf import render_pdf, typst_source
from reperes.documents.pptx import render_pptx
from reperes.formats import typography
from reperes.reports.builder import MENTION
from reperes.reports.builder import SECTIONS as RAW_SECTIONS

SECTIONS = [(slug, typography(title)) for slug, title in RAW_SECTIONS]  # as printed

WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@pytest.fixture(scope="module")
def docx_bytes(partner_document):
    return render_docx(partner_document)


@pytest.fixture(scope="module")
def pptx_bytes(partner_document):
    return render_pptx(partner_document)


@pytest.fixture(scope="module")
def pdf_bytes(partner_document):
    return render_pdf(partner_document)


# ------------------------------------------------------------------------------------------- DOCX


def test_docx_has_word_headings_tables_and_images_with_alt_text(docx_bytes):
    doc = open_docx(io.BytesIO(docx_bytes))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    level_1 = [text for style, text in headings if style == "Heading 1"]
    assert level_1[0] == "L\u2019essentiel"  # the one-page summary up front
    assert level_1[1:10] == [typography(title) for _, title in SECTIONS]
    assert ("Heading 2", "Définitions") in headings
    assert len(doc.tables) >= 8
    header_texts = [cell.text for cell in doc.tables[1].rows[0].cells]
    assert header_texts and all(header_texts)
    assert len(doc.inline_shapes) >= 3
    descriptions = [el.get("descr") for el in doc.element.body.iter(WP_DOCPR)]
    assert descriptions and all(d and len(d) > 20 for d in descriptions)
    assert any("Diagramme en barres" in d for d in descriptions)


def test_docx_toc_field_is_filled_and_refreshed_on_open(docx_bytes):
    doc = open_docx(io.BytesIO(docx_bytes))
    instructions = [el.text for el in doc.element.body.iter(qn("w:instrText"))]
    assert any(text.strip().startswith("TOC") for text in instructions)
    body_text = "\n".join(p.text for p in doc.paragraphs)
    sommaire = body_text.index("Sommaire")
    assert body_text.index("Les sorties, dont celles à valoriser") > sommaire  # the entries are already there
    update = doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_docx_page_numbers_cover_and_banner(docx_bytes):
    doc = open_docx(io.BytesIO(docx_bytes))
    footer_fields = [el.text.strip() for el in doc.sections[0].footer._element.iter(qn("w:instrText"))]
    assert "PAGE" in footer_fields
    first_texts = [p.text for p in doc.paragraphs[:12]]
    assert "PLIE du Pays Terres de Lorraine" in first_texts
    assert MENTION in first_texts and "12 mars 2020" in first_texts
    assert "Données de démonstration – fictives" in doc.sections[0].header.paragraphs[0].text
    assert doc.core_properties.created.year == 2020 and doc.core_properties.title.startswith("Rapport")
    assert "ab" * 32 in doc.core_properties.comments


def test_docx_is_byte_identical_on_rebuild(docx_bytes):
    again = render_docx(build(diffusion=True))
    assert again == docx_bytes
    dates = {info.date_time for info in zipfile.ZipFile(io.BytesIO(again)).infolist()}
    assert dates == {(2020, 3, 12, 0, 0, 0)}


def _template(text: str) -> bytes:
    doc = open_docx()
    doc.add_paragraph(text, style="Title")
    style = doc.styles.add_style("Style du PLIE", 1)
    style.font.bold = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_docx_uses_the_plie_template_as_base(partner_document):
    data = render_docx(partner_document, template=_template("Couverture de {{ plie }} – {{ date }}"))
    doc = open_docx(io.BytesIO(data))
    assert doc.paragraphs[0].text == "Couverture de PLIE du Pays Terres de Lorraine – 12 mars 2020"
    assert "Style du PLIE" in {s.name for s in doc.styles}
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs)


def test_bad_templates_are_refused_in_french():
    with pytest.raises(TemplateError, match="modèle Word"):
        check_template(b"ceci n'est pas un document Word")
    with pytest.raises(TemplateError):
        check_template(_template("{{ plie "))
    check_template(_template("{{ plie }}"))


# ------------------------------------------------------------------------------------------- PPTX


def test_pptx_has_one_message_per_slide_native_charts_tables_and_notes(pptx_bytes):
    prs = Presentation(io.BytesIO(pptx_bytes))
    slides = list(prs.slides)
    titles = [s.shapes.title.text for s in slides if s.shapes.title is not None]
    assert titles[0].startswith("Rapport intermédiaire")
    for _, title in SECTIONS:
        assert typography(title) in titles
    charts = [shape for s in slides for shape in s.shapes if shape.has_chart]
    assert charts, "bar charts are native PowerPoint charts"
    assert all(c._element.nvGraphicFramePr.cNvPr.get("descr") for c in charts)
    categories = list(charts[0].chart.plots[0].categories)
    assert categories
    tables = [shape for s in slides for shape in s.shapes if shape.has_table]
    assert len(tables) >= 5
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in slides if s.has_notes_slide)
    assert "Définition : " in notes.replace("\u00a0", " ")
    assert "Participants accompagnés : Parcours entrés" in notes.replace("\u00a0", " ")


def test_pptx_is_byte_identical_on_rebuild(pptx_bytes):
    assert render_pptx(build(diffusion=True)) == pptx_bytes


# ------------------------------------------------------------------------------------------- PDF


def _outline_titles(pdf: bytes) -> list[str]:
    """Bookmark titles: UTF-16 hex strings, or literal strings for plain ASCII."""
    titles = []
    for match in re.finditer(rb"/Parent \d+ 0 R[^>]*?/Title(?:<FEFF([0-9A-F]*)>|\(((?:\\.|[^\\)])*)\))", pdf):
        if match.group(1) is not None:
            titles.append(bytes.fromhex(match.group(1).decode()).decode("utf-16-be"))
        else:
            titles.append(re.sub(rb"\\(.)", rb"\1", match.group(2)).decode("latin-1"))
    return titles


def test_pdf_is_tagged_in_french_with_bookmarks_and_embedded_fonts(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    assert b"/Lang(fr" in pdf_bytes
    assert b"/MarkInfo<</Marked true" in pdf_bytes and b"/StructTreeRoot" in pdf_bytes
    assert b"/Outlines" in pdf_bytes
    bookmarks = _outline_titles(pdf_bytes)
    for _, title in SECTIONS:
        assert typography(title) in bookmarks, title
    assert b"/FontFile2" in pdf_bytes and b"DejaVuSans" in pdf_bytes
    assert b"/CreationDate(D:20200312" in pdf_bytes


def test_pdf_is_identical_on_rebuild(pdf_bytes):
    assert render_pdf(build(diffusion=True)) == pdf_bytes


def test_pdf_source_never_reads_data_as_markup():
    from reperes.documents import Document, Paragraph, Section

    weird = 'PLIE "#set" *gras* _x_ \\ [crochets] $math$ <lab> @ref // = - + ~'
    document = Document(title="Titre", organisation=weird, sections=[Section(weird, blocks=[Paragraph(weird)])])
    source = typst_source(document)
    assert '#"PLIE \\"#set\\" *gras* _x_ \\\\ [crochets] $math$ <lab> @ref // = - + ~"' in source
    assert weird in _outline_titles(render_pdf(document))  # compiles, the text intact


# ------------------------------------------------------------------------- the mark « s » (issue 12)

NOTE = "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre"


def test_every_format_of_the_partner_report_shows_the_mark_s_and_its_note(partner_document, docx_bytes,
                                                                          pptx_bytes, pdf_bytes):
    from reperes.documents import render_html

    html = render_html(partner_document)
    assert NOTE in html and ">s<" in html and "&lt; 11" not in html
    doc = open_docx(io.BytesIO(docx_bytes))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert "s" in cells and "< 11" not in cells
    assert any(NOTE in p.text for p in doc.paragraphs)
    slides = Presentation(io.BytesIO(pptx_bytes)).slides
    texts = []
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            elif shape.has_text_frame:
                texts.append(shape.text_frame.text)
    assert "s" in texts and not any("< 11" in t for t in texts)
    assert any(NOTE in t for t in texts)
    source = typst_source(partner_document)
    assert "effectif inférieur à 11, ou masqué pour en protéger un autre" in source and "< 11" not in source
    # the rendered PDF itself, as a reader's viewer extracts it
    from pypdf import PdfReader

    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "effectif inférieur à 11, ou masqué pour en protéger un autre" in pdf_text and "< 11" not in pdf_text
