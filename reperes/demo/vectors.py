"""Vectorised helpers of the demo generator: day numbers and ages, weighted draws, working days (French public
holidays), date and multi-valued cell texts.

Pure Python and NumPy: nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import numpy as np

from .calibration import _DATE_MAX, _DATE_MIN, _day

# ---------------------------------------------------------------------------
# Vectorised helpers


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers (days since 1970-01-01)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def completed_years(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Age in completed years on a day (the birthday counts as reached)."""
    by, bm, bd = _ymd(birth)
    oy, om, od = _ymd(on)
    return oy - by - ((om * 100 + od) < (bm * 100 + bd)).astype(np.int64)


def _years_before(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The same day ``years`` earlier (29 February becomes the 28th)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    offset = (d - months.astype("datetime64[D]")).astype(np.int64)
    target = months - (12 * years).astype("timedelta64[M]")
    start = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return (start + np.minimum(offset, length - 1)).astype(np.int64)


def _pick_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of a (rows × choices) weight matrix."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative <= draw[:, None]).sum(axis=1), weights.shape[1] - 1)


def _pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn from one weight vector."""
    cumulative = np.cumsum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right"),
                      len(weights) - 1)


def _uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Integers in [low, high] (both included), element-wise."""
    span = np.maximum(np.asarray(high) - np.asarray(low) + 1, 1)
    return np.asarray(low) + np.floor(rng.random(np.shape(span)) * span).astype(np.int64)


def _easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _public_holidays(year: int) -> set[dt.date]:
    """Jours fériés (code du travail, art. L3133-1) outside Alsace-Moselle."""
    easter = _easter(year)
    fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    return {dt.date(year, m, d) for m, d in fixed} | {easter + dt.timedelta(days=n) for n in (1, 39, 50)}


class _WorkingDays:
    """Moves a day to the next (or previous) working day: no entry or exit on a Sunday or on 14 July."""

    def __init__(self, first: dt.date, last: dt.date):
        holidays = set().union(*(_public_holidays(y) for y in range(first.year, last.year + 1)))
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        working = np.array([d.weekday() < 5 and d not in holidays for d in days])
        index = np.arange(len(days))
        self.first = _day(first)
        # Next working day: the smallest working index ≥ i; previous: the largest ≤ i.
        following = np.where(working, index, len(days))
        self.next = np.minimum.accumulate(following[::-1])[::-1]
        self.previous = np.maximum.accumulate(np.where(working, index, -1))
        self.size = len(days)

    def forward(self, days: np.ndarray) -> np.ndarray:
        i = np.clip(days - self.first, 0, self.size - 1)
        return np.where((days - self.first >= 0) & (days - self.first < self.size) & (self.next[i] < self.size),
                        self.first + self.next[i], days)

    def backward(self, days: np.ndarray) -> np.ndarray:
        i = np.clip(days - self.first, 0, self.size - 1)
        return np.where((days - self.first >= 0) & (days - self.first < self.size) & (self.previous[i] >= 0),
                        self.first + self.previous[i], days)


@functools.cache
def _date_texts() -> np.ndarray:
    """``JJ/MM/AAAA`` for every day from ``_DATE_MIN`` to ``_DATE_MAX``, after an empty cell."""
    days = np.arange(_day(_DATE_MIN), _day(_DATE_MAX) + 1).astype("datetime64[D]")
    iso = np.datetime_as_string(days).tolist()
    return np.array([""] + [f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in iso], dtype=object)


def _multi_lut(codes: Sequence[str]) -> np.ndarray:
    """Cell text (codes joined by |) for every subset of ``codes``, indexed by bit mask."""
    return np.array(["|".join(code for bit, code in enumerate(codes) if mask >> bit & 1)
                     for mask in range(1 << len(codes))], dtype=object)


def _mask(matrix: np.ndarray) -> np.ndarray:
    return (matrix.astype(np.int64) << np.arange(matrix.shape[1])).sum(axis=1)
