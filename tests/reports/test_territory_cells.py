"""Communes and EPCIs protected together: adding up the communes of an EPCI never reveals a hidden one.

Checked against plain sums (not the engine): for each EPCI a partner sees, the
communes it cannot see add up to 0 or to at least the threshold; and the EPCI
figures of the territory layer are those of the period's publication.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes.analytics import period_publication as publication
from reperes.analytics import territory_cells
from reperes.analytics.frames import Dataset

DEBUT, FIN = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
SEUIL = 11
A, B = "200070563", "245400171"


def dataset(communes: dict[str, tuple[str, int, int, int]]) -> Dataset:
    """``communes``: code → (EPCI, accompagnés, of whom exits in 2019, of whom positive exits)."""
    participants, n = [], 0
    for code, (_epci, people, exits, positives) in communes.items():
        for i in range(people):
            left = i < exits
            participants.append({
                "participant": f"p{n:04d}", "sexe": "F" if n % 2 else "M", "annee_naissance": 1980,
                "age_entree": 38, "commune": code, "epci": communes[code][0], "qpv": False,
                "niveau_formation": "NIV_3", "situation_entree": "DE", "criteres": [], "freins_entree": [],
                "prescripteur": "FRANCE_TRAVAIL", "referent": "R1", "date_entree": dt.date(2018, 6, 1),
                "date_sortie": dt.date(2019, 6, 15) if left else None,
                "motif_sortie": ("EMPLOI_CDI" if i < positives else "ABANDON") if left else None})
            n += 1
    rows = [{"commune": code, "nom": f"Commune {code}", "epci": epci, "epci_nom": f"EPCI {epci}",
             "population": 1000} for code, (epci, *_rest) in communes.items()]
    return Dataset(participants=pl.DataFrame(participants, infer_schema_length=None),
                   etapes=pl.DataFrame(schema={"participant": pl.String, "type_etape": pl.String,
                                               "date_debut": pl.Date, "id_action": pl.String,
                                               "resultat": pl.String}),
                   actions=pl.DataFrame(schema={"id_action": pl.String, "intitule": pl.String}),
                   communes=pl.DataFrame(rows))


def check_no_difference(communes, cells) -> None:
    """Plain sums: an EPCI shown minus its communes shown is 0 or at least the threshold, measure by measure."""
    for measure in territory_cells.EPCI_MEASURES:
        for epci in {e for e, *_ in communes.values()}:
            total = cells.epci(epci, measure)
            if total is None:
                continue
            codes = [c for c, (e, *_r) in communes.items() if e == epci]
            hidden = [c for c in codes if cells.commune(c, measure) is None]
            rest = total - sum(cells.commune(c, measure) for c in codes if c not in hidden)
            assert rest == 0 or rest >= SEUIL, (measure, epci, rest)
            assert len(hidden) != 1, (measure, epci, hidden)  # one hidden commune alone is the difference
    for code, values in cells.communes.items():
        for measure, value in values.items():
            raw = cells.raw_communes[code][measure]
            assert value is None or value == raw == 0 or value >= SEUIL  # no count from 1 to 10 is shown


def test_a_small_commune_is_not_the_difference_between_its_epci_and_its_other_communes():
    communes = {"54001": (A, 50, 0, 0), "54002": (A, 40, 0, 0), "54003": (A, 3, 0, 0),
                "54004": (B, 30, 0, 0), "54005": (B, 30, 0, 0)}
    data = dataset(communes)
    period = publication.build(data, DEBUT, FIN, SEUIL)
    cells = territory_cells.protect(data, period)
    # The publication shows the EPCI (93 people): 54003 cannot be the only commune hidden in it.
    assert cells.epci(A, "accompagnes") == 93 == period.protected.value(f"indicateurs.accompagnes_par_epci.{A}")
    assert cells.commune("54003", "accompagnes") is None
    assert [cells.commune(c, "accompagnes") is None for c in ("54001", "54002")].count(True) == 1
    assert cells.commune("54004", "accompagnes") == 30 and cells.commune("54005", "accompagnes") == 30
    check_no_difference(communes, cells)
    assert cells.audit.ok


def test_exits_by_commune_do_not_reveal_the_non_positive_ones():
    # 54001: 20 exits of which 15 positive: 5 non-positive exits must not be derivable (20 − 15).
    communes = {"54001": (A, 60, 20, 15), "54002": (A, 60, 30, 12), "54004": (B, 40, 25, 13)}
    data = dataset(communes)
    cells = territory_cells.protect(data, publication.build(data, DEBUT, FIN, SEUIL))
    for code in communes:
        out, pos = cells.commune(code, "sorties"), cells.commune(code, "positives")
        assert out is None or pos is None or out - pos == 0 or out - pos >= SEUIL, code
    check_no_difference(communes, cells)


commune_counts = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).map(
    lambda t: (t[0], min(t[1], t[0]), min(t[2], t[1], t[0])))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commune_counts, min_size=4, max_size=4))
def test_any_territory_passes_the_plain_sums(counts):
    communes = {f"5400{i}": ((A, B)[i % 2], *c) for i, c in enumerate(counts)}
    data = dataset(communes)
    cells = territory_cells.protect(data, publication.build(data, DEBUT, FIN, SEUIL))
    check_no_difference(communes, cells)
    for epci in (A, B):  # the EPCI figure of the pages is the publication's
        period = publication.build(data, DEBUT, FIN, SEUIL)
        assert cells.epci(epci, "accompagnes") == period.protected.value(f"indicateurs.accompagnes_par_epci.{epci}")
