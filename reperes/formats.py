"""French formatting of numbers, percentages and dates, from one place.

Babel's ``fr_FR`` locale: ``1 234`` and ``45,3 %`` with a narrow no-break
space (U+202F), ``12 mars 2020``. Used by the web templates (the ``fr``
template filters), the charts and the documents alike, so a figure reads the
same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space: thousands separator and before %
SUPPRESSED = "s"  # secret statistique, as INSEE writes it: one mark, whatever the reason


def _half_up(value: float | int, decimals: int) -> Decimal:
    """Round halves up, as French tables do (Babel alone rounds halves to even: 10,25 → 10,2)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float | int | None, decimals: int = 0, empty: str = "–") -> str:
    """``1234`` → ``1 234``; ``3.14159, 1`` → ``3,1``."""
    if value is None:
        return empty
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(_half_up(value, decimals), format=pattern, locale=LOCALE)


def percent(rate: float | None, decimals: int = 1, empty: str = "–") -> str:
    """A rate between 0 and 1 as a French percentage: ``0.453`` → ``45,3 %``."""
    if rate is None:
        return empty
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    rounded = _half_up(Decimal(str(rate)) * 100, decimals) / 100
    return format_percent(rounded, format=pattern, locale=LOCALE).replace("\u00a0", NNBSP)


def date(value: dt.date | None, empty: str = "–") -> str:
    """``2020-03-12`` → ``12 mars 2020``; the first of the month is ``1er mars 2020``."""
    if value is None:
        return empty
    text = _format_date(value, format="d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if value.day == 1 else text


def short_date(value: dt.date | None, empty: str = "–") -> str:
    """``2020-03-12`` → ``12/03/2020``."""
    if value is None:
        return empty
    return value.strftime("%d/%m/%Y")


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """``1 participant``, ``2 participants``, ``0 participant`` (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{number(count)} {word}" if float(count).is_integer() else f"{number(count, 1)} {word}"


def suppressed(seuil: int | None = None) -> str:
    """How a cell hidden by disclosure control reads: ``s``.

    One mark for every hidden cell, small or hidden to protect another one:
    a second mark would tell which cells hold at least ``seuil`` people
    (docs/indicateurs.md, « The mark »). ``seuil`` is accepted for the
    callers that pass it; the mark does not depend on it.
    """
    return SUPPRESSED


def suppression_legend(seuil: int) -> str:
    """The note under every partner-facing table: « s : effectif inférieur à 11, ou masqué pour en protéger un autre »."""
    return f"{SUPPRESSED}\u00a0: effectif inférieur à {seuil}, ou masqué pour en protéger un autre"


_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_BEFORE_PUNCT = re.compile(r" ([;:?!])(?=\s|$)")  # an ordinary space only: a no-break space already there stays
_OPEN_QUOTE = re.compile(r"«(?: |(?=[^\s\u00a0\u202f]))")
_CLOSE_QUOTE = re.compile(r"(?: |(?<=[^\s\u00a0\u202f]))»")


_THOUSANDS = re.compile(r"\b(\d{1,3}) (?=\d{3}\b)")  # « 1 000 habitants » written with an ordinary space


def typography(text: str) -> str:
    """French typography for generated text: typographic apostrophes; a no-break space before « : » and a
    narrow one before ; ? ! (where the text put a space) and inside « »; a narrow no-break space as the
    thousands separator a text wrote with an ordinary space (« pour 1 000 habitants »)."""
    if not text:
        return text
    text = _APOSTROPHE.sub("\u2019", text)
    text = _THOUSANDS.sub(lambda m: m.group(1) + NNBSP, text)
    text = _BEFORE_PUNCT.sub(lambda m: ("\u00a0" if m.group(1) == ":" else NNBSP) + m.group(1), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)
