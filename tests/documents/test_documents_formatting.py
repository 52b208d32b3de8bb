"""French formatting of the model's raw values, shared by every renderer."""

import datetime as dt

import pytest

from reperes.documents import Period, Suppressed, format_period, format_value, suppression_note
from reperes.documents.formatting import format_metadata_value

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (1234, "count", None, f"1{NNBSP}234"),
        (1234567, "count", None, f"1{NNBSP}234{NNBSP}567"),
        (0, "count", None, "0"),
        (0.453, "percent", None, f"45,3{NNBSP}%"),
        (0.4521, "percent", 0, f"45{NNBSP}%"),
        (1, "percent", None, f"100,0{NNBSP}%"),
        (8.4, "months", None, f"8,4{NBSP}mois"),
        (12, "months", None, f"12,0{NBSP}mois"),
        (1500, "currency", None, f"1{NNBSP}500{NNBSP}€"),
        (1500.5, "currency", 2, f"1{NNBSP}500,50{NNBSP}€"),
        (3.14159, "number", None, "3,1"),
        (3.14159, "number", 2, "3,14"),
        (dt.date(2020, 3, 12), "date", None, "12 mars 2020"),
        ("Terres de Lorraine", "text", None, "Terres de Lorraine"),
    ],
)
def test_format_value_by_unit(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


def test_suppressed_value_reads_s_whatever_the_unit_and_threshold():
    for unit in ("count", "percent", "months", "currency", "number", "text"):
        assert format_value(Suppressed(11), unit) == "s"
    assert format_value(Suppressed(5), "count") == "s"


def test_missing_value_is_a_dash_and_a_string_passes_through():
    assert format_value(None, "percent") == "–"
    assert format_value("n.d.", "count") == "n.d."


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit"):
        format_value(1, "kg")


def test_period_wording():
    assert format_period(Period(dt.date(2019, 1, 1), dt.date(2019, 12, 31))) == "année 2019"
    assert (
        format_period(Period(dt.date(2019, 3, 12), dt.date(2019, 6, 30))) == "du 12 mars 2019 au 30 juin 2019"
    )
    assert (
        format_period(Period(dt.date(2019, 1, 1), dt.date(2019, 12, 31), label="2019 (démo)"))
        == "2019 (démo)"
    )
    assert format_period("premier semestre 2019") == "premier semestre 2019"
    assert format_period(None) == ""


def test_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(dt.date(2019, 2, 1), dt.date(2019, 1, 1))


def test_suppression_note_names_each_threshold():
    assert suppression_note((11,)) == f"s{NBSP}: effectif inférieur à 11, ou masqué pour en protéger un autre."
    assert suppression_note((5, 11)) == f"s{NBSP}: effectif inférieur à 5, ou masqué pour en protéger un autre."


def test_metadata_values_are_exact_never_grouped():
    assert format_metadata_value(123456) == "123456"
    assert format_metadata_value(dt.date(2020, 3, 12)) == "2020-03-12"
    assert format_metadata_value({"b": 1, "a": [1, 2]}) == '{"a": [1, 2], "b": 1}'
    assert format_metadata_value("v0.1.0") == "v0.1.0"
