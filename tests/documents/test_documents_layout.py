"""Layout rules a comité relies on: A4 pages, numbered captions referred to from the text, and a deck
of at most 30 slides that never cuts a table silently (issue 17)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import docx
import pytest
from pptx import Presentation

from reperes.documents import Column, Document, Paragraph, Section, Table
from reperes.documents.docx import render_docx
from reperes.documents.html import render_html
from reperes.documents.model import numbered
from reperes.documents.pptx import MAX_SLIDES, render_pptx


def table(caption: str, n: int, key: str | None = None) -> Table:
    return Table(caption, [Column("Ligne"), Column("Effectif", "count")],
                 [[f"{caption} – ligne {i}", i] for i in range(1, n + 1)], footer_rows=[["Total", n]], key=key)


def document(*sections: Section) -> Document:
    return Document("Rapport", sections, date=dt.date(2026, 12, 2), organisation="PLIE d'essai")


def slide_texts(data: bytes) -> list[str]:
    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        texts.append("\n".join(parts))
    return texts


def test_the_word_document_is_a4():
    section = docx.Document(io.BytesIO(render_docx(document(Section("A", [Paragraph("x")]))))).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_tables_are_numbered_in_reading_order_and_the_text_refers_to_them():
    doc = document(Section("A", [Paragraph("Voir [[ref:sorties]] puis [[ref:ages]]."), table("Âges", 3, "ages")]),
                   Section("B", [table("Sorties", 2, "sorties")]))
    numbered_doc = numbered(doc)
    assert numbered_doc.sections[0].blocks[0].text == "Voir tableau\u00a02 puis tableau\u00a01."
    html = render_html(doc)
    assert "<caption>Tableau\u00a01 – Âges</caption>" in html and "Tableau\u00a02 – Sorties" in html
    captions = [p.text for p in docx.Document(io.BytesIO(render_docx(doc))).paragraphs if p.style.name == "Caption"]
    assert captions == ["Tableau\u00a01 – Âges", "Tableau\u00a02 – Sorties"]


def test_a_reference_to_nothing_is_refused():
    with pytest.raises(ValueError, match="unknown table or figure"):
        numbered(document(Section("A", [Paragraph("Voir [[ref:absent]].")])))


def test_a_long_table_continues_on_the_next_slide_with_every_row():
    data = render_pptx(document(Section("A", [Paragraph("Texte."), table("Actions", 31)])))
    texts = slide_texts(data)
    shown = "\n".join(texts)
    for i in range(1, 32):
        assert f"Actions – ligne {i}\n" in shown + "\n", i
    assert any("(suite 2/2)" in t for t in texts)
    assert any("suite sur la diapositive suivante" in t for t in texts)


def test_a_deck_over_budget_says_on_the_slide_where_the_rest_of_a_table_is():
    sections = [Section(f"Partie {k}", [Paragraph("Texte."), table(f"T{k}", 40)]) for k in range(1, 12)]
    data = render_pptx(document(*sections))
    texts = slide_texts(data)
    assert len(texts) <= MAX_SLIDES
    for k in range(1, 12):
        slides = [t for t in texts if f"T{k} – ligne 1\n" in t + "\n"]
        assert slides, k
        rows_shown = sum(f"T{k} – ligne {i}\n" in "\n".join(texts) + "\n" for i in range(1, 41))
        if rows_shown < 40:  # stopped: the slide itself says so, never silently
            assert "le tableau complet" in slides[0] and "sur 40" in slides[0]


def test_french_typography_in_every_text_of_every_format():
    from reperes.formats import typography

    assert typography("L'offre d'insertion : carences ? Oui ! « s » ; fin") == \
        "L\u2019offre d\u2019insertion\u00a0: carences\u202f? Oui\u202f! «\u202fs\u202f»\u202f; fin"
    assert typography("https://exemple.fr:8000/a?b=1 à 10:30") == "https://exemple.fr:8000/a?b=1 à 10:30"
    # thousands: a narrow no-break space, never between two numbers that are not one (« 2019 123 »)
    assert typography("pour 1 000 habitants, 1 250 000 €, en 2019 123 personnes") == \
        "pour 1\u202f000 habitants, 1\u202f250\u202f000 €, en 2019 123 personnes"
    doc = document(Section("L'offre d'insertion", [Paragraph("Question : qu'en dit le comité ?"),
                                                   table("Sorties d'emploi", 2)]))
    html = render_html(doc)
    assert "L\u2019offre d\u2019insertion" in html and "Question\u00a0: qu\u2019en dit le comité\u202f?" in html
    assert "Tableau\u00a01 – Sorties d\u2019emploi" in html
    word = docx.Document(io.BytesIO(render_docx(doc)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Question\u00a0: qu\u2019en dit le comité\u202f?" in text and "d'insertion" not in text
    deck = "\n".join(slide_texts(render_pptx(doc)))
    assert "L\u2019offre d\u2019insertion" in deck and "Sorties d\u2019emploi" in deck


def test_french_typography_also_in_table_cells_headers_and_totals():
    cells = Table("Étapes", [Column("Type d'étape"), Column("Nombre d'étapes", "count")],
                  [["Techniques de recherche d'emploi", 45], ["Besoin : santé ?", 3]],
                  footer_rows=[["Total d'étapes", 48]])
    doc = dataclasses.replace(document(Section("A", [cells])),
                              metadata={"Document": "Rapport de l'évaluation", "Empreinte": "abc"})
    html = render_html(doc)
    assert "Rapport de l\u2019évaluation" in html  # the reproducibility table too
    for text in ("Type d\u2019étape", "Nombre d\u2019étapes", "Techniques de recherche d\u2019emploi",
                 "Besoin\u00a0: santé\u202f?", "Total d\u2019étapes"):
        assert text in html, text
    word = docx.Document(io.BytesIO(render_docx(doc)))
    words = [cell.text for t in word.tables for row in t.rows for cell in row.cells]
    assert "Techniques de recherche d\u2019emploi" in words and "Type d\u2019étape" in words
    assert not any("'" in w for w in words)
    deck = "\n".join(slide_texts(render_pptx(doc)))
    assert "Techniques de recherche d\u2019emploi" in deck and "d'" not in deck


def test_a_deck_with_many_short_tables_keeps_to_30_slides_and_names_every_table_it_leaves_out():
    """40 parts of one short table each, and one part with 12 tables of which 4 are all secret: over the
    budget, the secret ones leave first, then the short tables of the busiest part; each is named on the
    last slide, so every table of the report is on a slide or on that list."""
    from reperes.documents.model import Suppressed

    def small(caption: str, secret: bool = False) -> Table:
        return Table(caption, [Column("Public"), Column("Oui", "count"), Column("Non", "count")],
                     [["Participant·e", Suppressed(11) if secret else 12, Suppressed(11) if secret else 14]])

    busy = Section("Enquêtes", [Paragraph("Texte.")] + [small(f"Question {i}", secret=i < 4) for i in range(12)])
    parts = [Section(f"Partie {k}", [Paragraph("Texte."), small(f"Tableau seul {k}")]) for k in range(1, 11)]
    texts = slide_texts(render_pptx(document(*parts, busy)))
    assert len(texts) <= MAX_SLIDES
    annex = texts[-1]
    assert "ne sont pas repris en diapositive" in annex and "dans le rapport" in annex
    titles = [t.split("\n")[0] for t in texts[:-1]]
    for caption in [f"Question {i}" for i in range(12)] + [f"Tableau seul {k}" for k in range(1, 11)]:
        on_slide = any(title.endswith(f" – {caption}") for title in titles)
        in_annex = f" – {caption} (partie « " in annex
        assert on_slide != in_annex, caption  # on a slide, or named on the last one: never both, never neither
    for i in range(4):  # all secret: shows nothing on a slide, left out first
        assert f" – Question {i} (partie « Enquêtes »)" in annex
    for k in range(1, 11):  # the one table of a part stays on its slide
        assert f"Tableau seul {k} (partie" not in annex


def test_native_bar_charts_start_at_zero():
    from reperes.charts.plots import bar_chart
    from reperes.documents import Figure

    chart = bar_chart(["CC A", "CC B", "CC C"], [7.1, 7.8, 7.4], title="Pour 1 000 habitants")
    deck = Presentation(io.BytesIO(render_pptx(document(Section("A", [Figure(chart)])))))
    graphs = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert graphs and graphs[0].value_axis.minimum_scale == 0


def test_a_question_is_headed_once_not_question_question():
    from reperes.documents import Callout

    doc = document(Section("Constats", [Callout("question", "Question 1", "Le taux suffit-il ?"),
                                        Callout("warning", "Document interne", "Ne pas diffuser.")]))
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(render_docx(doc))).paragraphs)
    assert "Question\u00a01" in word or "Question 1" in word
    assert "Question – Question" not in word and "Attention – Document interne" in word
    html = render_html(doc)
    assert "Question – Question" not in html and "Question\u00a0: Question" not in html
    from reperes.documents.pdf import typst_source

    source = typst_source(numbered(doc))
    assert "Question – Question" not in source and "Attention – Document interne" in source


def one_step_at_a_time(doc: Document) -> bytes:
    """The deck budget as first written: take the steps one by one, building the deck after each."""
    from reperes.documents.pptx import PptxRenderer, budget_steps

    doc = numbered(doc)
    steps = budget_steps(doc)
    for taken in range(len(steps) + 1):
        renderer = PptxRenderer(doc, stopped=frozenset(n for kind, n in steps[:taken] if kind == "stop"),
                                annexed=frozenset(n for kind, n in steps[:taken] if kind == "annex"))
        renderer.build()
        if len(renderer.prs.slides) <= MAX_SLIDES:
            break
    return renderer.save()


@pytest.mark.parametrize("parts, rows, short_tables", [
    (3, 10, 2),    # within budget: no step
    (8, 40, 1),    # long tables stop, one after another
    (10, 12, 2),   # short tables leave for the last slide
    (31, 0, 0),    # more parts than slides: the one step taken, still over budget
])
def test_the_deck_found_by_bisection_is_the_deck_of_one_step_at_a_time(parts, rows, short_tables):
    from reperes.documents.pptx import budget_steps

    sections = [Section(f"Partie {k}", [Paragraph("Texte.")]
                        + ([table(f"Long {k}", rows + k)] if rows or k == 1 else [])
                        + [table(f"Court {k}.{i}", 3) for i in range(short_tables if k % 2 else 1) if short_tables])
                for k in range(1, parts + 1)]
    doc = document(*sections)
    assert render_pptx(doc) == one_step_at_a_time(doc)
    if parts > 3:
        assert budget_steps(numbered(doc))  # over budget at first: the bisection had steps to search
