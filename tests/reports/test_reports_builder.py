"""The intermediate report's model: its sections, its figures' provenance, disclosure control, French."""

from __future__ import annotations

from html import unescape

import pytest
from report_helpers import DATE, DEBUT, FIN, build, small_inputs

from reperes.documents import Figure, KeyFigure, KeyFigures, Paragraph, Suppressed, Table, render_html
from reperes.documents.model import plain_text
from reperes.reports.builder import DEMO_BANNER, SECTIONS, build_intermediate_report

# Public reference data (INSEE), not counts of people: outside disclosure control.
PUBLIC_COLUMNS = {"Population", "Communes"}


def _all_tables(document):
    for _level, node in document.walk():
        if isinstance(node, Table):
            yield node
        if isinstance(node, Figure) and node.table is not None:
            yield node.table


def test_the_nine_sections_always_appear_in_order(partner_document):
    # « L’essentiel » up front when there is data, then the nine parts
    assert partner_document.sections[0].slug == "essentiel"
    assert [(s.slug, s.title) for s in partner_document.sections[1:]] == list(SECTIONS)


def test_the_summary_up_front_repeats_the_parts_figures_and_questions_never_new_ones(partner_document):
    from reperes.documents import BulletList, Callout, KeyFigures

    summary, parts = partner_document.sections[0], {s.slug: s for s in partner_document.sections[1:]}
    keys = [item for b in summary.blocks if isinstance(b, KeyFigures) for item in b.items]
    expected = [item for slug in ("participants-et-public-potentiel", "sorties")
                for item in next(b for b in parts[slug].blocks if isinstance(b, KeyFigures)).items]
    assert keys == expected  # the same figures, intervals and sources as the parts they come from
    questions = [b.text for b in parts["premiers-constats"].blocks if isinstance(b, Callout)]
    listed = next(b for b in summary.blocks if isinstance(b, BulletList)).items
    assert list(listed) == questions and len(questions) >= 2


def test_a_report_without_data_keeps_every_section_and_says_what_is_missing():
    document = build(dataset=None)
    assert [s.slug for s in document.sections] == [slug for slug, _ in SECTIONS]
    html = render_html(document)
    for slug, _title in SECTIONS[1:]:
        section = next(s for s in document.sections if s.slug == slug)
        text = render_html(document.__class__(title="x", sections=[section]))
        assert "Cette partie sera alimentée dès que" in text or "Le territoire du PLIE n" in text, slug
    assert "Traceback" not in html


def test_sections_of_other_domains_say_they_wait_for_their_data(partner_document):
    # The other domains' chapters (PROVIDERS) are off in these pure tests: their sections say what they wait for.
    for slug in ("offre-d-insertion", "paroles-des-partenaires-et-participants"):
        section = next(s for s in partner_document.sections if s.slug == slug)
        assert not section.is_empty  # a call-out or the provider's content, never nothing
        text = unescape(render_html(partner_document.__class__(title="x", sections=[section])))
        assert "Cette partie sera alimentée dès que" in text, slug


def test_every_figure_and_table_carries_source_period_and_definition(partner_document):
    for _level, node in partner_document.walk():
        if isinstance(node, KeyFigure):
            assert node.source and node.period is not None, node.label
        if isinstance(node, Figure):
            assert node.source and node.period is not None and node.definition, node.caption
        if isinstance(node, Table) and node.caption != "Intercommunalités du territoire":
            assert node.source and node.period is not None and node.definition, node.caption


def test_partner_version_shows_no_count_below_the_threshold(partner_document):
    seuil = 11
    checked = 0
    for table in _all_tables(partner_document):
        for row in table.rows + table.footer_rows:
            for value, column in zip(row, table.columns, strict=True):
                if column.unit == "count" and isinstance(value, int) and column.label not in PUBLIC_COLUMNS:
                    assert value == 0 or value >= seuil, (table.caption, row)
                    checked += 1
    for _level, node in partner_document.walk():
        if isinstance(node, KeyFigure) and node.unit == "count" and isinstance(node.value, int):
            assert node.value == 0 or node.value >= seuil
    assert checked > 20
    assert partner_document.disclosure is not None and "11" in partner_document.disclosure.text
    assert partner_document.has_suppressed  # the 5 participants of the Saintois are hidden


def test_small_epci_is_hidden_for_partners_and_shown_to_staff(partner_document, staff_document):
    def saintois(document):
        table = next(t for t in _all_tables(document)
                     if t.caption == "Participants accompagnés par intercommunalité de résidence")
        return next(row for row in table.rows if row[0] == "CC du Pays du Saintois")

    assert isinstance(saintois(partner_document)[1], Suppressed)
    assert isinstance(saintois(partner_document)[3], Suppressed)  # the rate per 1 000 would give it back
    assert saintois(staff_document)[1] == 5
    assert staff_document.disclosure is None
    assert "Document interne" in render_html(staff_document)


def test_demo_banner_commentary_and_metadata(partner_document):
    assert partner_document.banner == DEMO_BANNER
    assert build(is_demo=False).banner is None
    sorties = next(s for s in partner_document.sections if s.slug == "sorties")
    texts = [plain_text(b.text) for b in sorties.blocks if isinstance(b, Paragraph)]
    assert "Commentaire du PLIE : Les abandons baissent depuis 2018." in texts
    metadata = partner_document.metadata
    assert metadata["Imports de données"] == "1, 2"
    assert metadata["Empreinte des données (SHA-256)"] == "ab" * 32
    assert metadata["Version de Repères"] == "0.1.0"
    assert metadata["Date du document"] == "2020-03-12"


def test_edited_texts_replace_the_default_ones():
    document = build(introduction="Notre introduction.\n\nSecond paragraphe.", methode="Notre méthode.")
    html = render_html(document)
    assert "Notre introduction." in html and "Second paragraphe." in html and "Notre méthode." in html


def test_generated_french_is_formatted(staff_document):
    html = unescape(render_html(staff_document))
    assert "1er janvier 2019" in html  # the period
    assert "3 intercommunalités" in html and "86\u202f774 habitants" in html
    assert "\u202f%" in html  # 45,3 % with a narrow no-break space
    assert "1 intercommunalités" not in html


def test_findings_are_questions(partner_document):
    findings = next(s for s in partner_document.sections if s.slug == "premiers-constats")
    questions = [b for b in findings.blocks if getattr(b, "kind", None) == "question"]
    assert questions and all(plain_text(q.text).rstrip().endswith("?") for q in questions)


def test_a_failing_provider_never_loses_the_report(monkeypatch):
    from reperes.reports import builder

    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(builder, "_parcours", lambda ctx, facts: broken(ctx))
    document = build()
    parcours = next(s for s in document.sections if s.slug == "parcours-et-etapes")
    assert "n’a pas pu être produite" in unescape(render_html(document.__class__(title="x", sections=[parcours])))
    assert len(document.sections) == len(SECTIONS) + 1  # and « L’essentiel »


def test_period_must_be_in_order():
    with pytest.raises(ValueError):
        build_intermediate_report(debut=FIN, fin=DEBUT, date=DATE, diffusion=True, inputs=small_inputs())


def test_key_figures_are_present(partner_document):
    participants = next(s for s in partner_document.sections if s.slug == "participants-et-public-potentiel")
    rows = [b for b in participants.blocks if isinstance(b, KeyFigures)]
    assert rows and [f.label for f in rows[0].items][:3] == ["Participants accompagnés", "Entrées", "Sorties"]


def test_counts_written_in_sentences_are_protected_too():
    from reperes.documents import Suppressed
    from reperes.reports.builder import _count_phrase

    # A hidden count is written without its figure: « moins de 11 » would be false for a cell hidden to
    # protect another one (it may hold 36).
    assert _count_phrase(Suppressed(11), "étape") == "des étapes"
    assert _count_phrase(5, "étape") == "5 étapes"
    assert _count_phrase(1234, "étape") == "1\u202f234 étapes"
    assert _count_phrase(Suppressed(11), "action expérimentale", "actions expérimentales") == (
        "des actions expérimentales")
    assert _count_phrase(1, "étape") == "1 étape"


def test_exit_tables_never_give_back_a_hidden_cell(partner_document):
    tables = {t.caption: t for t in _all_tables(partner_document)}
    categories = {row[0]: row[1] for row in tables["Sorties par catégorie"].rows}
    hidden = [label for label, value in categories.items() if isinstance(value, Suppressed)]
    assert len(hidden) != 1  # one hidden category alone would be the total minus the others
    assert isinstance(categories["Sortie neutre"], Suppressed)  # 2 décès
    grid = tables.get("Sorties ni positives ni neutres, selon la grille de valorisation")
    if grid is not None:
        assert isinstance(grid.rows[0][1], Suppressed) == isinstance(categories["Autre sortie à valoriser"],
                                                                      Suppressed)
        if hidden:
            assert isinstance(grid.footer_rows[0][1], Suppressed)  # sorties − positives − neutres
