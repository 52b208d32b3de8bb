"""The base year (docs/evaluation.md, draft protocol; docs/fiche-plie.md, ``benchmark export``): one rule, one
function, the same year for the protocol's objectives, the final report and this PLIE's sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from reperes.analytics.frames import Dataset
from reperes.analytics.periods import base_year

D = dt.date
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_rule_is_the_contracts():
    evaluation = " ".join((DOCS / "evaluation.md").read_text(encoding="utf-8").split())
    assert ("the **base year**: the last calendar year that ends before the latest date found in the data "
            "(entries, exits, étapes)") in evaluation
    fiche = " ".join((DOCS / "fiche-plie.md").read_text(encoding="utf-8").split())
    assert "(default: the last calendar year that ends before the latest date in the data)" in fiche


def _data(entries=(), exits=(), steps_start=(), steps_end=()) -> Dataset:
    participants = pl.DataFrame({"id_participant": [f"P{i}" for i in range(len(entries))],
                                 "date_entree": list(entries),
                                 "date_sortie": list(exits) + [None] * (len(entries) - len(exits))},
                                schema={"id_participant": pl.String, "date_entree": pl.Date, "date_sortie": pl.Date})
    etapes = pl.DataFrame({"date_debut": list(steps_start),
                           "date_fin": list(steps_end) + [None] * (len(steps_start) - len(steps_end))},
                          schema={"date_debut": pl.Date, "date_fin": pl.Date})
    return Dataset(participants=participants, etapes=etapes)


@pytest.mark.parametrize(("data", "expected"), [
    # latest date an exit of mid-2020: 2019 is the last year that ended before it
    (_data(entries=[D(2018, 3, 1), D(2019, 5, 2)], exits=[D(2020, 6, 15)]), 2019),
    # latest date 1 January 2020: 2019 ended the day before
    (_data(entries=[D(2020, 1, 1)]), 2019),
    # latest date 31 December 2019: 2019 ends on that day, not before it
    (_data(entries=[D(2017, 1, 9)], exits=[D(2019, 12, 31)]), 2018),
    # an étape's end is a date of the data too, and the latest here
    (_data(entries=[D(2019, 2, 1)], exits=[D(2019, 8, 1)], steps_start=[D(2020, 12, 1)],
           steps_end=[D(2021, 1, 4)]), 2020),
    # an étape's start alone
    (_data(entries=[D(2019, 2, 1)], steps_start=[D(2022, 3, 1)]), 2021),
    # no date at all: no base year
    (_data(), None),
])
def test_base_year_by_hand(data, expected):
    assert base_year(data) == expected


def test_protocol_report_and_sheet_use_the_same_year(evaluated):
    from reperes.analyses.loaders import load_dataset
    from reperes.benchmark.services import default_year
    from reperes.evaluation.evidence import Resolver
    from reperes.evaluation.services import base_year as register_year
    from reperes.reports.protocol import draft_content

    data = load_dataset()
    dates = [d for frame, cols in ((data.participants, ("date_entree", "date_sortie")),
                                   (data.etapes, ("date_debut", "date_fin")))
             for c in cols for d in frame[c].drop_nulls().to_list()]
    by_hand = max(dates).year - 1
    assert register_year(Resolver()) == by_hand
    assert default_year() == by_hand
    (objective,) = draft_content(date=D(2020, 11, 30))["objectifs"]
    assert objective["annee_base"] == by_hand
    # the latest date becomes a 31 December: that year has not ended before it, for every reader
    from reperes.analyses import services
    from reperes.collection.models import Participant

    last = max(dates).year + 1
    exited = Participant.objects.exclude(date_sortie=None).first()
    Participant.objects.filter(pk=exited.pk).update(date_sortie=D(last, 12, 31))
    services.clear_caches()
    assert register_year(Resolver()) == default_year() == last - 1
    (objective,) = draft_content(date=D(2020, 11, 30))["objectifs"]
    assert objective["annee_base"] == last - 1
