"""The final report and the COPIL deck (`reperes report final`, « Livrables » page): built from the decisions."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from evaluation_helpers import demo_data, load_evaluation

D = dt.date


@pytest.fixture(autouse=True)
def fast_charts(monkeypatch):
    """Charts are drawn by the renderers' own tests; here a 1×1 PNG keeps the generation quick."""
    from PIL import Image

    from reperes.documents import Figure
    from reperes.reports import services

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    png = buffer.getvalue()

    def stub(document):
        for _level, node in document.walk():
            if isinstance(node, Figure):
                node.chart.png = lambda *args, **kwargs: png
                node.chart.svg = lambda *args, **kwargs: '<svg xmlns="http://www.w3.org/2000/svg" role="img"/>'

    monkeypatch.setattr(services, "memoize_charts", stub)


@pytest.fixture
def evaluated(db, territory, tmp_path):
    from reperes.analyses import services

    services.clear_caches()
    installation = demo_data(tmp_path)
    load_evaluation()
    yield installation
    services.clear_caches()


def _text(document) -> str:
    from reperes.documents import render_html

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", render_html(document))))


def _build(diffusion=False):
    from reperes.reports.final import build_final_report

    return build_final_report(debut=D(2019, 1, 1), fin=D(2019, 12, 31), date=D(2020, 11, 30), diffusion=diffusion)


def test_the_report_has_every_part_in_order(evaluated):
    document = _build()
    titles = [s.title for s in document.sections]
    assert titles == ["Synthèse", "Contexte et méthode", "Réponses aux questions évaluatives",
                      "Comparaison avec d'autres PLIE", "L'offre d'insertion du territoire",
                      "Ce qu'ont dit les partenaires et les participants",
                      "Valoriser les sorties autres que positives", "Préconisations et décisions", "Annexes"]
    text = _text(document)
    assert "Partie non produite" not in text
    # one chapter per evaluation question, its finding, its verbatim, its conclusion
    questions = next(s for s in document.sections if s.slug == "questions-evaluatives")
    assert [s.title for s in questions.subsections] == [
        "Q1. Le PLIE atteint-il ses objectifs de sorties ?", "Q2. Le PLIE accompagne-t-il les bons publics ?"]
    assert "« J’ai trouvé un CDI grâce au PLIE. »" in text
    assert "Conclusion : 1 constat répond à cette question ; il fonde les préconisations n° 1" in text


def test_key_rate_interval_is_wilsons_computed_by_hand(evaluated):
    import math

    import polars as pl

    from reperes.analyses.loaders import load_dataset
    from reperes.referentiel import MOTIF_SORTIE
    from reperes.reports.chapters import build_context
    from reperes.reports.chapters.summary import key_rates

    p = load_dataset().participants.filter(pl.col("date_sortie").is_between(D(2019, 1, 1), D(2019, 12, 31)))
    n, k = p.height, p.filter(pl.col("motif_sortie").is_in(MOTIF_SORTIE.with_attr("positive"))).height
    z, phat = 1.959963984540054, k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    cx = build_context(debut=D(2019, 1, 1), fin=D(2019, 12, 31), date=D(2020, 11, 30), diffusion=False)
    rate = next(r for r in key_rates(cx) if r["id"] == "taux_sorties_positives")
    assert rate["value"] == pytest.approx(k / n)
    assert rate["interval"] == pytest.approx((centre - half, centre + half))


def test_recommendations_as_decided_with_amendments_and_reasons(evaluated):
    text = _text(_build())
    # the amendment replaces the text; the original stays, said as such
    assert "Préconisation 1 – Viser plus de sorties positives Porter le taux à 52 %." in text
    assert "Texte initial (avant amendement) Porter le taux à 55 %." in text
    # postponed and rejected ones appear with their reason
    assert "Motif de l’ajournement Financement à trouver." in text
    assert "Motif du rejet Relève de la mission locale." in text
    # action plan, register of decisions, attendance
    assert "Inscrire l’objectif au protocole" in text  # a table cell: typographic apostrophe
    assert "Registre des décisions" in text and "Présence aux comités" in text


def test_the_partner_version_carries_the_disclosure_note_and_no_opinions(evaluated):
    from reperes.evaluation.models import Consultation, Preconisation

    Consultation.objects.create(preconisation=Preconisation.objects.get(code="R2"), institution="Région",
                                avis="reserve", commentaire="Avis confidentiel de la Région.", date=D(2020, 6, 1))
    assert "Avis confidentiel de la Région." in _text(_build(diffusion=False))
    partner = _build(diffusion=True)
    assert partner.disclosure is not None
    assert "Avis confidentiel de la Région." not in _text(partner)


def test_cli_writes_every_format_and_the_deck_is_the_copil_one(evaluated, tmp_path, capsys):
    from pptx import Presentation

    from reperes.cli import main

    status = main(["report", "final", "--out", str(tmp_path / "out"), "--date", "2020-11-30", "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    payload = json.loads(captured.out)
    assert sorted(p.rsplit(".", 1)[1] for p in payload["files"]) == ["docx", "html", "pdf", "pptx"]
    assert len(payload["hash"]) == 64 and len(payload["decisions"]) == 64
    deck = Presentation(str(tmp_path / "out" / "rapport-final-2019-01-01-2019-12-31-interne.pptx"))
    assert len(deck.slides) <= 25
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    # one slide per recommendation still to decide (R2 postponed, R5 proposed), its evidence in the notes
    assert "Préconisation 2 – Créer une plateforme mobilité" in titles
    assert "Préconisation 5 – Suivre les indicateurs" in titles
    assert "Préconisation 3 – Ouvrir aux moins de 26 ans" not in titles  # decided: on the summary slide
    slide = deck.slides[titles.index("Préconisation 5 – Suivre les indicateurs")]
    notes = slide.notes_slide.notes_text_frame.text
    assert "Constat C1 : Une sortie sur deux environ est positive." in notes
    assert "Taux de sorties positives" in notes


def test_same_snapshot_decisions_and_parameters_give_the_same_bytes(evaluated):
    from reperes.reports import final

    params = {"debut": D(2019, 1, 1), "fin": D(2019, 12, 31), "date": D(2020, 11, 30), "diffusion": True,
              "formats": ["docx", "pdf", "pptx", "html"]}
    first, second = final.generate(**params), final.generate(**params)
    for fmt in ("docx", "pdf", "pptx", "html"):
        assert first.outputs[fmt] == second.outputs[fmt], fmt
    # a new decision changes the snapshot of decisions
    from reperes.evaluation.models import Comite, Decision, Preconisation

    comite = Comite.objects.get(code="CP1")
    Decision.objects.create(comite=comite, preconisation=Preconisation.objects.get(code="R5"), decision="adoptee")
    third = final.generate(**params)
    assert (third.document.metadata["Empreinte des décisions (SHA-256)"]
            != first.document.metadata["Empreinte des décisions (SHA-256)"])


def test_the_livrables_page_generates_the_final_report(client_charge, evaluated, settings, tmp_path):
    from reperes.reports.models import GeneratedReport

    settings.MEDIA_ROOT = tmp_path / "media"
    assert client_charge.get(reverse("reports:home")).content.decode().count(reverse("reports:final")) == 1
    response = client_charge.post(reverse("reports:final"), {
        "fin-debut": "2019-01-01", "fin-fin": "2019-12-31", "fin-date": "2020-11-30", "fin-diffusion": "on",
        "fin-formats": ["html", "docx"]})
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.pk])
    assert report.kind == "final" and str(report) == f"Rapport final n° {report.pk}"
    page = client_charge.get(response.url).content.decode()
    assert "Rapport final n°" in page and "Préconisations et décisions" in page


def test_partner_cannot_reach_the_final_report_page(client_partner):
    assert client_partner.get(reverse("reports:final")).status_code == 403


def _table(document, key):
    from reperes.documents import Table

    found = [node for _level, node in document.walk() if isinstance(node, Table) and node.key == key]
    assert found, key
    return found[0]


def test_the_partner_valuing_of_exits_shows_each_years_publication_and_pins_no_small_count(evaluated, capsys):
    """Issue 12's derivation replayed on the final report: 214 exits, a current rate and the rate under the grid
    gave the neutral exits of 2019 (6) back. Each year's cells must be the ones ``indicators --diffusion`` of
    that year publishes, and the rate under the grid is « s » whenever a neutral count is small."""
    from reperes import referentiel as ref
    from reperes.analyses.loaders import load_dataset
    from reperes.cli import main
    from reperes.documents import Suppressed

    partner = _build(diffusion=True)
    people = load_dataset().participants.to_dicts()
    neutral = set(ref.MOTIF_SORTIE.with_attr("neutre"))
    grid = _table(partner, "grille-effectifs")
    labels = {ref.MOTIF_SORTIE.label(code): code for code in ref.MOTIF_SORTIE.codes()}
    years = [int(column.label) for column in grid.columns[1:]]
    assert years
    for index, year in enumerate(years, start=1):
        assert main(["indicators", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "--diffusion",
                     "--json"]) == 0
        payload = json.loads(capsys.readouterr().out)
        for row in grid.rows:
            code = labels[row[0]]
            if f"indicateurs.sorties_par_motif.{code}" in payload["secret"]:
                assert isinstance(row[index], Suppressed), (year, code)
            else:
                assert row[index] == payload["indicateurs"]["sorties_par_motif"][code], (year, code)
        # the hand count: neutral exits of the year, from the participants themselves
        exits = [p for p in people if p["date_sortie"] and p["date_sortie"].year == year]
        small = [code for code in neutral if 0 < sum(p["motif_sortie"] == code for p in exits) < 11]
        small += ["neutre"] if 0 < sum(p["motif_sortie"] in neutral for p in exits) < 11 else []
        (rates_row,) = [r for r in _table(partner, "taux-grille").rows if r[0] == str(year)]
        if small:
            assert isinstance(rates_row[3], Suppressed), (year, small, rates_row)
    # the demo's 2019 has 6 neutral exits: the case of the issue is in the data, not only in theory
    exits_2019 = [p for p in people if p["date_sortie"] and p["date_sortie"].year == 2019]
    assert 0 < sum(p["motif_sortie"] in neutral for p in exits_2019) < 11


def test_a_hidden_key_rate_shows_s_for_its_interval_and_no_sentence_tells_it(evaluated):
    """The demo's 2019 neutral exits are few: the rate without them is hidden from partners, and so is its
    interval (« s » in the cell); the key figure's text says nothing of it (the mark belongs to cells)."""
    from reperes.documents import KeyFigures, Suppressed

    partner = _build(diffusion=True)
    table = _table(partner, "chiffres-cles")
    hidden = [row for row in table.rows if isinstance(row[1], Suppressed)]
    assert hidden, "the demo should hide at least one key rate from partners"
    for row in hidden:
        assert isinstance(row[3], Suppressed), row
    figures = [f for _level, node in partner.walk() if isinstance(node, KeyFigures) for f in node.items]
    for figure in figures:
        if isinstance(figure.value, Suppressed):
            assert "Intervalle de confiance" not in (figure.definition or ""), figure.label
