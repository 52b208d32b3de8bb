"""The base year: the one rule, for the protocol, the final report and the PLIE sheet.

docs/evaluation.md (draft protocol): « the **base year**: the last calendar
year that ends before the latest date found in the data (entries, exits,
étapes) »; docs/fiche-plie.md (``reperes benchmark export``): « the last
calendar year that ends before the latest date in the data ». Year Y ends on
31 December Y, which is before the latest date only when Y < its year: the
base year is the year before the latest date's, even when that date is a
31 December (a year does not end *before* its own last day).
"""

from __future__ import annotations

import datetime as dt

from .frames import Dataset

# The dates « found in the data »: entries, exits, étapes.
DATE_COLUMNS = (("participants", ("date_entree", "date_sortie")), ("etapes", ("date_debut", "date_fin")))


def latest_date(dataset: Dataset) -> dt.date | None:
    """The latest date of the data (entries, exits, étapes); None when there is none."""
    dates = []
    for table, columns in DATE_COLUMNS:
        frame = getattr(dataset, table)
        for column in columns:
            if column in frame.columns and frame.height:
                value = frame[column].max()
                if value is not None:
                    dates.append(value)
    return max(dates) if dates else None


def base_year(dataset: Dataset) -> int | None:
    """The last calendar year that ends before the latest date of the data; None when the data hold no date."""
    latest = latest_date(dataset)
    return None if latest is None else latest.year - 1
