"""The French words and formatted values every renderer prints, from one place.

The HTML, DOCX, PDF and PPTX renderers all call these functions, so a figure
reads « 1 234 », « 45,3 % » or « s » identically in each output. Numbers go
through :mod:`reperes.formats` (Babel, narrow no-break spaces); nothing here
formats a digit itself.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from reperes import formats

from .model import NUMERIC_UNITS, UNITS, Period, Suppressed

NBSP = "\u00a0"  # between a number and a unit word: « 8,4 mois » never breaks

# Usual number of decimals per unit (a column or key figure may override it).
DEFAULT_DECIMALS = {"count": 0, "number": 1, "percent": 1, "months": 1, "currency": 0}

LABELS = {
    "source": "Source",
    "period": "Période",
    "definition": "Définition",
    "notes": "Notes",
    "show_data": "Voir les données",
    "disclosure": "Secret statistique",
    "metadata": "Informations de reproductibilité",
    "toc": "Sommaire",
}

CALLOUT_LABELS = {
    "info": "Information",
    "warning": "Attention",
    "question": "Question",
    "finding": "Constat",
}


def format_value(value: Any, unit: str = "text", decimals: int | None = None) -> str:
    """A raw value as French text according to its unit.

    ``1234, "count"`` → ``1 234``; ``0.453, "percent"`` → ``45,3 %``;
    ``8.4, "months"`` → ``8,4 mois``; ``1500, "currency"`` → ``1 500 €``;
    ``Suppressed(11)`` → ``s``; ``None`` → ``–``. A string in a numeric
    column (« n.d. ») is printed as is.
    """
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}; expected one of {sorted(UNITS)}.")
    if isinstance(value, Suppressed):
        return formats.suppressed(value.seuil)
    if value is None:
        return formats.number(None)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return formats.date(value)
    if unit in NUMERIC_UNITS:
        places = DEFAULT_DECIMALS[unit] if decimals is None else decimals
        if unit == "percent":
            return formats.percent(value, places)
        text = formats.number(value, places)
        if unit == "months":
            return f"{text}{NBSP}mois"
        if unit == "currency":
            return f"{text}{formats.NNBSP}€"
        return text
    return str(value)


def format_period(period: Period | str | None) -> str:
    """``Period(2019-01-01, 2019-12-31)`` → ``année 2019``; otherwise ``du 12 mars 2019 au 30 juin 2019``."""
    if period is None:
        return ""
    if isinstance(period, str):
        return period
    if period.label:
        return period.label
    debut, fin = period.debut, period.fin
    if debut.year == fin.year and (debut.month, debut.day) == (1, 1) and (fin.month, fin.day) == (12, 31):
        return f"année {debut.year}"
    return f"du {formats.date(debut)} au {formats.date(fin)}"


def suppression_note(seuils: tuple[int, ...] | list[int]) -> str:
    """The note under a table with suppressed cells: « s : effectif inférieur à 11, ou masqué pour en protéger un autre ».

    One mark whatever the threshold; with several thresholds (tables merged
    from installations with different settings), the smallest is named.
    """
    seuil = min(seuils) if seuils else 11
    return formats.suppression_legend(seuil) + "."


def format_metadata_value(value: Any) -> str:
    """A metadata value as printed for reproducibility: exact, never rounded nor grouped (ids stay ids)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def callout_head(block: Any) -> str:
    """« Attention – Document interne »; a title that already starts with the kind is not repeated
    (« Question 1 », not « Question – Question 1 »)."""
    kind = CALLOUT_LABELS[block.kind]
    if not block.title:
        return kind
    if block.title.casefold().startswith(kind.casefold()):
        return block.title
    return f"{kind} – {block.title}"
