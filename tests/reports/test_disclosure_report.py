"""The partner report leaks nothing, and says the same as the partner JSON (issue 12).

The attacks are replayed from what a partner reads — the report's tables and sentences — with plain
Python, independently of the engine; the audit and the JSON are the code under test.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import EPCI

from reperes import referentiel as ref
from reperes.analytics import period_publication as publication
from reperes.analytics.frames import Dataset
from reperes.documents import Callout, KeyFigures, Suppressed, Table
from reperes.documents.model import plain_text
from reperes.reports.builder import DisclosureRefused, ReportInputs, build_intermediate_report

Y2019 = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
DATE = dt.date(2020, 3, 12)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from reperes.analytics.csvframes import communes_frame, read_folder
    from reperes.demo.communes import load_communes
    from reperes.demo.generator import generate

    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return read_folder(folder, communes_frame(load_communes()))


def report(dataset, debut=Y2019[0], fin=Y2019[1], diffusion=True):
    inputs = ReportInputs(plie_name="PLIE de démonstration", seuil=11, dataset=dataset, providers=False)
    return build_intermediate_report(debut=debut, fin=fin, date=DATE, diffusion=diffusion, inputs=inputs)


def tables(document) -> dict[str, Table]:
    """The document's tables by caption (the tables themselves, not the data of the charts)."""
    return {node.caption: node for _level, node in document.walk() if isinstance(node, Table)}


def questions(document) -> list[str]:
    return [plain_text(node.text) for _level, node in document.walk()
            if isinstance(node, Callout) and node.kind == "question"]


def percent(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\u00a0", "").replace(",", ".")) / 100


def derive_categories(document) -> dict[str, int]:
    """The attack of the issue: categories from the exits table, shares from the questions, the rest by difference."""
    table = tables(document)["Sorties par catégorie"]
    total = table.footer_rows[0][1]
    known = {row[0]: row[1] for row in table.rows if isinstance(row[1], int)}
    if not isinstance(total, int):
        return known
    shares = {"d'autres sorties à valoriser": "Autre sortie à valoriser", "sans solution": "Sortie sans solution"}
    for sentence in questions(document):
        for words, label in shares.items():
            match = re.match(r"([\d\u202f,]+)\s*%\s+(?:\(IC[^)]*\)\s+)?des sorties (sont|se font) " + re.escape(words), sentence)
            if match:
                known[label] = round(percent(match.group(1)) * total)
    unknown = [row[0] for row in table.rows if row[0] not in known]
    if len(unknown) == 1:
        known[unknown[0]] = total - sum(known.values())
    return known


def test_sortie_neutre_can_no_longer_be_derived_from_the_partner_report(demo):
    staff = report(demo, diffusion=False)
    raw = {row[0]: row[1] for row in tables(staff)["Sorties par catégorie"].rows}
    assert raw["Sortie neutre"] == 6 and raw["Autre sortie à valoriser"] == 36  # the demo of the issue
    # The attack works: with the neutral cell alone hidden and the share of « solution » stated, 6 follows.
    leaky_rows = [[label, Suppressed(11) if label == "Sortie neutre" else value, *rest]
                  for label, value, *rest in tables(staff)["Sorties par catégorie"].rows]
    assert [row[1] for row in leaky_rows if row[0] == "Sortie neutre"] == [Suppressed(11)]

    class Leaky:  # the staff document with only the primary suppression of the neutral exits
        def walk(self):
            for level, node in staff.walk():
                if isinstance(node, Table) and node.caption == "Sorties par catégorie":
                    node = Table(node.caption, node.columns, leaky_rows, footer_rows=node.footer_rows)
                yield level, node

    assert derive_categories(Leaky())["Sortie neutre"] == 6
    # The partner report: the same attack finds nothing about the neutral exits.
    partner = report(demo)
    assert "Sortie neutre" not in derive_categories(partner)
    assert not any("d'autres sorties à valoriser" in q and "%" in q for q in questions(partner))


def agreement(dataset, debut, fin) -> int:
    """Every exit, headline and EPCI cell of the partner report equals the partner JSON's (null ⇔ « s »)."""
    document = report(dataset, debut, fin)
    payload = publication.build(dataset, debut, fin, 11).payload(True)["indicateurs"]
    found = tables(document)
    checked = 0

    def same(report_value, json_value, where):
        nonlocal checked
        checked += 1
        if isinstance(report_value, Suppressed):
            assert json_value is None, where
        else:
            assert json_value is not None and report_value == json_value, where

    if "Sorties par catégorie" not in found:  # no exit in the period: the report says so, the JSON says 0
        assert payload["sorties"] == 0
    else:
        labels = {ref.CATEGORIE_SORTIE.label(c): c for c in ref.CATEGORIE_SORTIE.codes()}
        for label, value, *_share in found["Sorties par catégorie"].rows:
            same(value, payload["sorties_par_categorie"][labels[label]], label)
        motifs = {ref.MOTIF_SORTIE.label(c): c for c in ref.MOTIF_SORTIE.codes()}
        for label, value, *_share in found["Sorties par motif"].rows:
            same(value, payload["sorties_par_motif"][motifs[label]], label)
        same(found["Sorties par motif"].footer_rows[0][1], payload["sorties"], "sorties")
    key = next(block for section in document.sections if section.slug == "participants-et-public-potentiel"
               for block in section.blocks if isinstance(block, KeyFigures))  # not « L’essentiel », which repeats it
    for figure, indicator in zip(key.items, ("participants_accompagnes", "entrees", "sorties"), strict=True):
        same(figure.value, payload[indicator], indicator)
    names = {nom or epci: epci for epci, nom in dataset.communes.select("epci", "epci_nom").unique().iter_rows()}
    names["Hors territoire"] = "hors_territoire"
    for row in found["Participants accompagnés par intercommunalité de résidence"].rows:
        same(row[1], payload["accompagnes_par_epci"][names[row[0]]], row[0])
    return checked


@pytest.mark.parametrize("year", [2018, 2019, 2020])
def test_demo_partner_report_agrees_with_the_partner_json_and_passes_the_audit(demo, year):
    debut, fin = dt.date(year, 1, 1), dt.date(year, 12, 31)
    assert agreement(demo, debut, fin) > 20
    result = publication.build(demo, debut, fin, 11).audit()
    assert result.ok, result.failures
    assert result.intervals  # something is hidden in a real year, and audited


def test_a_partner_report_one_day_short_of_a_year_is_refused_with_the_cell_named():
    from report_helpers import small_dataset

    data = small_dataset()
    people = data.participants.with_columns(
        pl.when(pl.col("participant") == "p000").then(pl.lit(dt.date(2019, 12, 31)))
        .otherwise(pl.col("date_sortie")).alias("date_sortie"))
    data = Dataset(participants=people, etapes=data.etapes, actions=data.actions, communes=data.communes)
    report(data)  # the whole year is released
    with pytest.raises(DisclosureRefused, match="« Sorties » : la période du 01/01/2019 au 30/12/2019 et l'année"):
        report(data, Y2019[0], dt.date(2019, 12, 30))
    report(data, Y2019[0], dt.date(2019, 12, 30), diffusion=False)  # staff keep any period


# ------------------------------------------------------------------ random small PLIE (hypothesis)

SIRENS = list(EPCI)


@st.composite
def small_plie(draw) -> Dataset:
    """Zeros, a single non-empty category, totals under 11, an EPCI of 3 people…"""
    exits = draw(st.dictionaries(st.sampled_from(ref.MOTIF_SORTIE.codes()), st.integers(0, 14), max_size=5))
    still = draw(st.integers(0, 25))
    motifs = [m for m, n in exits.items() for _ in range(n)] + [None] * still
    if not motifs:
        motifs = [None]
    women = draw(st.integers(0, len(motifs)))
    rows = []
    for i, motif in enumerate(motifs):
        siren = SIRENS[2] if i < 3 else SIRENS[i % 2]  # the Saintois: 3 people
        rows.append({
            "participant": f"p{i:03d}", "sexe": "F" if i < women else "M", "annee_naissance": 1960 + i % 45,
            "age_entree": 18 + (i * 7) % 45, "commune": siren, "epci": siren, "qpv": i % 5 == 0,
            "niveau_formation": "NIV_3", "situation_entree": "DE", "criteres": ["RSA"] if i % 3 == 0 else [],
            "freins_entree": [], "prescripteur": "FRANCE_TRAVAIL", "referent": "R1",
            "date_entree": dt.date(2018, 1 + i % 12, 1),
            "date_sortie": dt.date(2019, 1 + i % 12, 1 + i % 28) if motif else None, "motif_sortie": motif})
    etapes = [{"participant": f"p{i:03d}", "type_etape": "MOBILITE", "date_debut": dt.date(2019, 3, 1),
               "id_action": "A1", "resultat": "REALISEE"} for i in range(0, len(motifs), 2)]
    actions = [{"id_action": "A1", "intitule": "Mobilité", "famille": "LEVEE_FREINS", "operateur": "PLIE",
                "experimentale": draw(st.booleans())}]
    communes = [{"commune": code, "nom": name, "epci": code, "epci_nom": name, "population": pop}
                for code, (name, pop) in EPCI.items()]
    return Dataset(participants=pl.DataFrame(rows, infer_schema_length=None), etapes=pl.DataFrame(etapes),
                   actions=pl.DataFrame(actions), communes=pl.DataFrame(communes))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plie())
def test_random_small_plie_no_pinned_cell_and_report_agrees_with_json(data):
    result = publication.build(data, *Y2019, 11).audit()
    assert result.ok, result.failures
    assert agreement(data, *Y2019) >= 4
    partner = report(data)
    for table in tables(partner).values():  # no count from 1 to 10 is printed anywhere a partner reads
        for row in [*table.rows, *table.footer_rows]:
            for value in row:
                if isinstance(value, int) and not isinstance(value, bool) and table.caption != (
                        "Intercommunalités du territoire"):
                    assert value == 0 or value >= 11, (table.caption, row)


def test_a_refused_partner_version_reaches_the_user_as_a_french_report_error(monkeypatch):
    from reperes.reports import services

    def refuse(**kwargs):
        raise DisclosureRefused("La version pour les partenaires n'est pas diffusée : « Sorties » …")

    monkeypatch.setattr(services, "build_intermediate_report", refuse)
    with pytest.raises(services.ReportError, match="n'est pas diffusée : « Sorties »"):
        services.generate(debut=Y2019[0], fin=Y2019[1], date=DATE, diffusion=True)
