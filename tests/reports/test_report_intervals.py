"""Issue 17: every rate of the intermediate report carries its 95 % Wilson interval; the valued exits show their
parts and the caveat; the ESF+ common indicators are reported, protected for partners.

Figures are checked against hand counts of the small hand-made PLIE (``report_helpers``) and against
statsmodels' Wilson interval, never against the report's own code.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from report_helpers import DATE, DEBUT, FIN, build, small_dataset, small_inputs
from statsmodels.stats.proportion import proportion_confint

from reperes.analytics.frames import Dataset
from reperes.documents import Callout, KeyFigures, Paragraph, Section, Suppressed, Table
from reperes.documents.model import plain_text
from reperes.reports.builder import build_intermediate_report

PERCENT = re.compile(r"(\d+(?:,\d)?)\u202f%")
IC = "IC 95\u202f%"


def texts(document) -> list[str]:
    return [plain_text(node.text) for _level, node in document.walk() if isinstance(node, Paragraph | Callout)]


def tables(document) -> dict[str, Table]:
    return {node.caption: node for _level, node in document.walk() if isinstance(node, Table)}


def section(document, slug: str) -> Section:
    return next(node for _level, node in document.walk() if isinstance(node, Section) and node.slug == slug)


def ic_text(low: float, high: float) -> str:
    """« 42,8 – 56,2 », written here by hand (French decimal comma, one decimal)."""
    return f"{low * 100:.1f}".replace(".", ",") + "\u00a0– " + f"{high * 100:.1f}".replace(".", ",")


def statsmodels_ic(k: int, n: int) -> str:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return ic_text(low, high)


@pytest.fixture(scope="module")
def staff():
    return build(diffusion=False)


@pytest.fixture(scope="module")
def partner():
    return build(diffusion=True)


def test_every_rate_in_a_table_has_its_interval_column(staff):
    checked = 0
    for table in tables(staff).values():
        labels = [column.label for column in table.columns]
        for index, column in enumerate(table.columns):
            if column.unit != "percent":
                continue
            assert index + 1 < len(labels) and labels[index + 1].startswith(IC), (table.caption, labels)
            for row in table.rows:
                if isinstance(row[index], float):
                    assert re.fullmatch(r"\d+,\d\u00a0– \d+,\d", row[index + 1]), (table.caption, row)
                    checked += 1
    assert checked > 30


def test_every_rate_written_in_text_carries_its_interval(staff):
    sentences = [t for t in texts(staff) if PERCENT.search(t)]
    assert len(sentences) >= 5
    for text in sentences:
        for match in PERCENT.finditer(text):
            if text[:match.start()].endswith(("IC ", "confiance à ", "seuil de ")):  # « IC 95 % », « 5 % »
                continue
            assert text[match.end():].startswith(f" ({IC} : "), text


def test_an_interval_matches_statsmodels_and_the_hand_count(staff):
    # Hand count of report_helpers: 54 exits in 2019, of which 20 CDI + 15 CDD of 6 months are positive.
    expected = f"64,8\u202f% ({IC} : {statsmodels_ic(35, 54)})"
    assert expected == "64,8\u202f% (IC 95\u202f% : 51,5\u00a0– 76,2)"
    question = next(t for t in texts(staff) if t.startswith("Le taux de sorties positives atteint"))
    assert expected in question
    # In a table: the 14 abandons among the 54 exits, in the exits by motif.
    row = next(r for r in tables(staff)["Sorties par motif"].rows if r[0].startswith("Abandon"))
    assert row[1] == 14 and row[3] == statsmodels_ic(14, 54)


def test_the_comparison_of_groups_says_the_gap_is_within_the_noise(staff):
    # Hand count: participants through A2 (the experimental action) against the others, among 2019's exits.
    ds = small_dataset()
    exits = ds.participants.filter(pl.col("date_sortie").is_between(DEBUT, FIN))
    went = set(ds.etapes.filter(pl.col("id_action") == "A2")["participant"])
    positive = {"EMPLOI_CDI", "EMPLOI_CDD_6M"}
    exp = [m for p, m in exits.select("participant", "motif_sortie").iter_rows() if p in went]
    other = [m for p, m in exits.select("participant", "motif_sortie").iter_rows() if p not in went]
    k_a, k_b = sum(m in positive for m in exp), sum(m in positive for m in other)
    sentence = next(t for t in texts(staff) if t.startswith("Taux de sorties positives :"))
    assert statsmodels_ic(k_a, len(exp)) in sentence and statsmodels_ic(k_b, len(other)) in sentence
    assert "marge d'incertitude" in sentence and "peut s'expliquer par le hasard" in sentence


def test_partner_version_shows_no_interval_for_a_suppressed_rate(partner):
    secret_rows = 0
    for table in tables(partner).values():
        for index, column in enumerate(table.columns):
            if column.unit != "percent":
                continue
            for row in table.rows:
                if isinstance(row[index], Suppressed):
                    assert isinstance(row[index + 1], Suppressed), (table.caption, row)
                    secret_rows += 1
    assert secret_rows >= 2
    # The 2 deaths (neutral exits) are secret: no share, no interval.
    row = next(r for r in tables(partner)["Sorties par catégorie"].rows if r[0] == "Sortie neutre")
    assert all(isinstance(cell, Suppressed) for cell in row[1:])
    # In text: the rate without neutral exits (it would give them away) is left out of the sentence: a sentence
    # never carries a suppressed figure, nor its mark (docs/indicateurs.md).
    sentence = next(t for t in texts(partner) if t.startswith("Avec leur intervalle de confiance"))
    assert "hors sorties neutres" not in sentence and " s " not in sentence and " s." not in sentence
    assert sentence.count(IC) == 1  # only the positive exits' rate, which is published
    key = next(node for _level, node in partner.walk() if isinstance(node, KeyFigures)
               and any(item.unit == "percent" for item in node.items))
    assert any(isinstance(item.value, Suppressed) for item in key.items)


def valued_dataset() -> Dataset:
    """The small PLIE, with acquis for 5 abandons and a barrier levé (without acquis) for 4 others."""
    ds = small_dataset()
    abandons = ds.participants.filter(pl.col("motif_sortie") == "ABANDON")["participant"].to_list()
    assert len(abandons) == 14
    acquis = pl.DataFrame({"participant": abandons[:5], "date": [dt.date(2018, 12, 20)] * 5,
                           "type_acquis": ["PERMIS_CONDUIRE"] * 5})
    suivi = pl.DataFrame({"participant": [p for p in abandons[5:9] for _ in (1, 2)],
                          "date": [dt.date(2018, 12, 1), dt.date(2018, 12, 20)] * 4,
                          "frein": ["MOBILITE"] * 8, "niveau": [3, 1] * 4})
    return Dataset(participants=ds.participants, etapes=ds.etapes, actions=ds.actions, communes=ds.communes,
                   acquis=acquis, suivi_freins=suivi)


def test_valued_exits_show_their_parts_and_the_caveat():
    document = build_intermediate_report(debut=DEBUT, fin=FIN, date=DATE, diffusion=False,
                                         inputs=small_inputs(dataset=valued_dataset()))
    # Hand count: non-positive non-neutral exits = 14 abandons + 3 retirements (solution) = 17; valued =
    # 3 solution + 5 acquis + 4 freins levés = 12.
    grid = section(document, "sorties-a-valoriser")
    sentence = next(plain_text(b.text) for b in grid.blocks if isinstance(b, Paragraph)
                    and "trois parts" in plain_text(b.text))
    assert f"70,6\u202f% ({IC} : {statsmodels_ic(12, 17)})" in sentence
    assert f"solution autre que l'emploi durable : 17,6\u202f% ({IC} : {statsmodels_ic(3, 17)})" in sentence
    assert f"avec un acquis obtenu pendant le parcours : 29,4\u202f% ({IC} : {statsmodels_ic(5, 17)})" in sentence
    assert f"avec un frein levé : 23,5\u202f% ({IC} : {statsmodels_ic(4, 17)})" in sentence
    caveat = next(b for b in grid.blocks if isinstance(b, Callout) and b.kind == "warning")
    assert "sorties sans solution" in plain_text(caveat.text)
    assert "comme valorisées" in plain_text(caveat.text)


ESF_PERIOD = (dt.date(2018, 1, 1), dt.date(2019, 12, 31))  # the small PLIE's 120 entries are in 2018


def esf_tables(diffusion: bool) -> dict[str, Table]:
    document = build_intermediate_report(debut=ESF_PERIOD[0], fin=ESF_PERIOD[1], date=DATE, diffusion=diffusion,
                                         inputs=small_inputs())
    esf = section(document, "indicateurs-fse")
    return {b.caption: b for b in esf.blocks if isinstance(b, Table)}


def test_esf_section_reports_the_common_indicators_by_sex():
    table = esf_tables(False)["Indicateurs communs du FSE+, par sexe"]
    assert [c.label for c in table.columns] == ["Indicateur", "Femmes", "Hommes", "Ensemble"]
    rows = {row[0]: row[1:] for row in table.rows}
    # Hand counts: 120 entries, odd indices are women; ages 20 + i % 40, so 18–29: i % 40 < 10 (30 people),
    # 55 and over: i % 40 >= 35 (15 people: i = 35…39, 75…79, 115…119, women at odd i: 9).
    assert rows["Nombre total de participants"] == (60, 60, 120)
    assert rows["18 à 29 ans"] == (15, 15, 30)
    assert rows["55 ans et plus"] == (9, 6, 15)
    # Employment at exit: 20 CDI + 15 CDD of 6 months or more among the 54 exits.
    assert rows["En emploi, y compris indépendant, à la sortie"][2] == 35
    rates = esf_tables(False)["Taux du suivi à six mois (FSE+), par sexe"]
    unknown = next(row for row in rates.rows if row[0].startswith("Part des sorties dont la situation"))
    assert unknown[5:] == (1.0, statsmodels_ic(54, 54))  # no six-month situation known in the small PLIE


def test_esf_section_is_protected_for_partners():
    table = esf_tables(True)["Indicateurs communs du FSE+, par sexe"]
    rows = {row[0]: row[1:] for row in table.rows}
    # 9 women and 6 men of 55 or more: both below the threshold of 11, both hidden; the total 15 is shown.
    assert isinstance(rows["55 ans et plus"][0], Suppressed) and isinstance(rows["55 ans et plus"][1], Suppressed)
    assert rows["55 ans et plus"][2] == 15
    assert rows["Nombre total de participants"] == (60, 60, 120)
