"""Spans of whole years are nested answers too: 2018–2019 against 2019, against 2018–2020…"""

from __future__ import annotations

import datetime as dt

import polars as pl

from reperes.analytics import period_publication as publication
from reperes.analytics.frames import Dataset

D = dt.date


def people(entries: dict[int, int]) -> Dataset:
    """``entries``: year → people entering on 1 March of that year, still in the PLIE."""
    rows, n = [], 0
    for year, count in entries.items():
        for _ in range(count):
            rows.append({"participant": f"p{n}", "sexe": "F" if n % 2 else "M", "annee_naissance": 1980,
                         "age_entree": 30, "commune": "54528", "epci": "200070563", "qpv": False,
                         "niveau_formation": "NIV_3", "situation_entree": "DE", "criteres": [], "freins_entree": [],
                         "prescripteur": "FRANCE_TRAVAIL", "referent": "R1", "date_entree": D(year, 3, 1),
                         "date_sortie": None, "motif_sortie": None})
            n += 1
    return Dataset(participants=pl.DataFrame(rows, infer_schema_length=None),
                   etapes=pl.DataFrame(schema={"participant": pl.String, "type_etape": pl.String,
                                               "date_debut": pl.Date, "id_action": pl.String,
                                               "resultat": pl.String}),
                   actions=pl.DataFrame(schema={"id_action": pl.String, "intitule": pl.String}),
                   communes=pl.DataFrame([{"commune": "54528", "nom": "Toul", "epci": "200070563",
                                           "epci_nom": "CC Terres Touloises", "population": 15000}]))


def test_two_spans_of_years_that_differ_by_a_few_entries_are_refused():
    # 2018: 40 entries, 2019: 30, 2020: 4. « 2018–2020 » minus « 2018–2019 » = the 4 entries of 2020.
    data = people({2018: 40, 2019: 30, 2020: 4})
    period = publication.build(data, D(2018, 1, 1), D(2020, 12, 31), 11)
    failures = publication.span_failures(data, period)
    assert any("2018–2019" in f and "Entrées" in f for f in failures), failures
    # With 15 entries in 2020 every span differs by 0 or at least 11 on each count: nothing to refuse.
    data = people({2018: 40, 2019: 30, 2020: 15})
    assert publication.span_failures(data, publication.build(data, D(2018, 1, 1), D(2020, 12, 31), 11)) == []


def test_a_single_year_is_always_an_answer_and_a_partial_period_is_no_span():
    data = people({2018: 40, 2019: 30, 2020: 4})
    # 2020 alone is what the partner pages give: the span that would differ from it is the one refused.
    assert publication.span_failures(data, publication.build(data, D(2020, 1, 1), D(2020, 12, 31), 11)) == []
    assert publication.span_failures(data, publication.build(data, D(2018, 1, 1), D(2020, 6, 30), 11)) == []
