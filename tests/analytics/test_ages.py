"""Age at entry against Python's own date arithmetic (format-echange.md: completed years, birthday reached)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reperes.analytics import ages

TODAY = dt.date(2026, 12, 2)


def python_age(birth: dt.date, at: dt.date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def polars_ages(pairs: list[tuple[dt.date, dt.date]]) -> list[int]:
    frame = pl.DataFrame({"birth": [b for b, _ in pairs], "at": [a for _, a in pairs]},
                         schema={"birth": pl.Date, "at": pl.Date})
    return frame.select(ages.completed_years(pl.col("birth"), pl.col("at")).alias("age"))["age"].to_list()


def test_the_two_cases_of_the_report():
    assert polars_ages([(dt.date(1990, 10, 3), dt.date(2021, 6, 29)),
                        (dt.date(1985, 5, 30), dt.date(2016, 12, 28))]) == [30, 31]


def test_the_day_before_on_and_after_the_birthday_and_29_february():
    cases = [(dt.date(1990, 12, 31), dt.date(2020, 12, 30), 29), (dt.date(1990, 12, 31), dt.date(2020, 12, 31), 30),
             (dt.date(1990, 12, 31), dt.date(2021, 1, 1), 30), (dt.date(2000, 2, 29), dt.date(2025, 2, 28), 24),
             (dt.date(2000, 2, 29), dt.date(2025, 3, 1), 25), (dt.date(2000, 2, 29), dt.date(2024, 2, 29), 24),
             (dt.date(1980, 1, 1), dt.date(1980, 1, 1), 0)]
    assert polars_ages([(b, a) for b, a, _ in cases]) == [age for _, _, age in cases]


dates = st.dates(dt.date(1900, 1, 1), TODAY)
leap_days = st.sampled_from([dt.date(y, 2, 29) for y in range(1904, 2025, 4) if y != 1900])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(dates, leap_days), st.integers(0, 120 * 366)), min_size=1, max_size=40))
def test_completed_years_equal_python_date_arithmetic(draws):
    pairs = [(birth, min(birth + dt.timedelta(days=offset), TODAY)) for birth, offset in draws]
    assert polars_ages(pairs) == [python_age(b, a) for b, a in pairs]


@settings(max_examples=100, deadline=None)
@given(birth=st.one_of(dates, leap_days), offset=st.integers(0, 120 * 366), year_only=st.booleans())
def test_age_at_falls_back_to_the_difference_of_years(birth, offset, year_only):
    at = min(birth + dt.timedelta(days=offset), TODAY)
    frame = pl.DataFrame({"birth": [None if year_only else birth], "year": [birth.year], "at": [at]},
                         schema={"birth": pl.Date, "year": pl.Int64, "at": pl.Date})
    age = frame.select(ages.age_at(pl.col("birth"), pl.col("year"), pl.col("at")).alias("a"))["a"].item()
    assert age == (at.year - birth.year if year_only else python_age(birth, at))
