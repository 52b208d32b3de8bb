"""The period and its three populations, defined once (analytics/populations.py) and counted alike everywhere."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from reperes.analytics import populations
from reperes.analytics.frames import Dataset
from reperes.analytics.indicators import compute

DEBUT, FIN = dt.date(2019, 1, 1), dt.date(2019, 12, 31)

# (participant, date_entree, date_sortie): each row sits on one edge of the period 2019.
EDGES = [
    ("entered_on_last_day", dt.date(2019, 12, 31), None),
    ("entered_day_after", dt.date(2020, 1, 1), None),
    ("left_on_first_day", dt.date(2017, 5, 2), dt.date(2019, 1, 1)),
    ("left_day_before", dt.date(2017, 5, 2), dt.date(2018, 12, 31)),
    ("open_since_2015", dt.date(2015, 3, 9), None),
    ("in_and_out_2019", dt.date(2019, 2, 1), dt.date(2019, 11, 30)),
    ("left_after", dt.date(2018, 6, 1), dt.date(2020, 2, 1)),
]


def frame() -> pl.DataFrame:
    return pl.DataFrame({"participant": [r[0] for r in EDGES], "date_entree": [r[1] for r in EDGES],
                         "date_sortie": [r[2] for r in EDGES]},
                        schema={"participant": pl.String, "date_entree": pl.Date, "date_sortie": pl.Date})


def names(result: pl.DataFrame) -> set[str]:
    return set(result["participant"])


def test_the_three_populations_include_both_bounds():
    # By hand, from docs/indicateurs.md: bounds included, an open parcours is still accompagné.
    assert names(populations.accompagnes(frame(), DEBUT, FIN)) == {
        "entered_on_last_day", "left_on_first_day", "open_since_2015", "in_and_out_2019", "left_after"}
    assert names(populations.entrees(frame(), DEBUT, FIN)) == {"entered_on_last_day", "in_and_out_2019"}
    assert names(populations.sorties(frame(), DEBUT, FIN)) == {"left_on_first_day", "in_and_out_2019"}


def test_indicators_count_the_same_populations():
    values = compute(Dataset(participants=frame()), DEBUT, FIN)["indicateurs"]
    # The hand counts of the test above: 5 accompagnés, 2 entrées, 2 sorties.
    assert (values["participants_accompagnes"], values["entrees"], values["sorties"]) == (5, 2, 2)


def test_a_period_ending_before_it_starts_is_refused_with_one_french_message():
    with pytest.raises(ValueError, match="La fin de la période doit suivre son début."):
        populations.Period(FIN, DEBUT)
    with pytest.raises(ValueError, match="La fin de la période doit suivre son début."):
        populations.check_period(FIN, DEBUT)
    one_day = populations.Period(DEBUT, DEBUT)
    assert one_day.as_dict() == {"debut": "2019-01-01", "fin": "2019-01-01"}


def test_documents_and_indicators_share_the_period_type():
    from reperes.analytics import indicators
    from reperes.documents import Period

    assert Period is populations.Period is indicators.Period
