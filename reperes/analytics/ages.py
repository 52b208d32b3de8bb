"""Age at a date, written once for the import and the CSV reader (format-echange.md).

``age_entree`` is the number of completed years at ``date_entree``, the birthday
counting as reached; with only the birth year, it is the difference of years.

Polars returns ``dt.month()`` and ``dt.day()`` as ``Int8``: ``month * 100`` wraps
around past 127, so every part is cast to ``Int32`` before any arithmetic.
"""

from __future__ import annotations

import polars as pl


def completed_years(birth: pl.Expr, at: pl.Expr) -> pl.Expr:
    """Completed years from ``birth`` to ``at`` (both dates), as ``Int32``; null if either is."""
    years = at.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32)
    at_day = at.dt.month().cast(pl.Int32) * 100 + at.dt.day().cast(pl.Int32)
    birthday = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    return years - (at_day < birthday).cast(pl.Int32)


def years_since(birth_year: pl.Expr, at: pl.Expr) -> pl.Expr:
    """The age when only the birth year is known: ``year(at) − birth_year``, as ``Int32``."""
    return at.dt.year().cast(pl.Int32) - birth_year.cast(pl.Int32)


def age_at(birth: pl.Expr, birth_year: pl.Expr, at: pl.Expr) -> pl.Expr:
    """The exact age when the birth date is known, else the difference of years."""
    return pl.coalesce(completed_years(birth, at), years_since(birth_year, at))
