"""Institutions whose name changed: the name of the period described, never today's name on old data.

Pure Python. A report on 2019 data speaks of « Pôle emploi »; one on 2024 data of « France Travail »
(loi pour le plein emploi du 18 décembre 2023: Pôle emploi became France Travail on 1 January 2024).
"""

from __future__ import annotations

import datetime as dt

# code → the successive names, each with the first day it applies (oldest first)
INSTITUTIONS: dict[str, tuple[tuple[dt.date, str], ...]] = {
    "france_travail": ((dt.date(2008, 12, 19), "Pôle emploi"), (dt.date(2024, 1, 1), "France Travail")),
}


def institution_name(code: str, when: dt.date) -> str:
    """The institution's name on ``when``: ``institution_name("france_travail", date(2019, 6, 30))`` →
    « Pôle emploi »; from 1 January 2024, « France Travail ». Before its first name, its first name."""
    try:
        names = INSTITUTIONS[code]
    except KeyError:
        raise ValueError(f"Institution inconnue du référentiel : « {code} ».") from None
    current = names[0][1]
    for start, name in names:
        if when >= start:
            current = name
    return current


def institution_name_for_period(code: str, debut: dt.date, fin: dt.date) -> str:
    """The name for data of a period: one name when it did not change within it, else both, said so
    (« Pôle emploi, puis France Travail à partir du 1er janvier 2024 »)."""
    first, last = institution_name(code, debut), institution_name(code, fin)
    if first == last:
        return first
    start = next(s for s, name in INSTITUTIONS[code] if name == last)
    day = "1er" if start.day == 1 else str(start.day)
    return f"{first}, puis {last} à partir du {day} {_MONTHS[start.month - 1]} {start.year}"


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
