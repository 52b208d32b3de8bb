"""Reading peers' sheets as received (pure: no database): every rejected line, every kept value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sheets_data import (
    MESSY_LINES,
    REJECTED,
    STORED,
    WORKBOOK_REJECTED,
    WORKBOOK_STORED,
    write_messy_csv,
    write_ods,
    write_xlsx,
)

from reperes.benchmark.sheets import UnreadableSheet, parse, parse_number


def test_messy_windows_1252_sheet_rejects_each_bad_line_with_its_number(tmp_path):
    parsed = parse(write_messy_csv(tmp_path / "fiche.csv"))
    rejected = {r.line: r.message for r in parsed.rejections}
    assert set(rejected) == set(REJECTED)
    for line, words in REJECTED.items():
        assert words in rejected[line], (line, rejected[line])
    # French messages: typographic quotes with non-breaking spaces, no traceback text.
    assert "«\u00a0douze\u00a0»" in rejected[12]
    assert "\u00a0:" in rejected[10]


def test_messy_sheet_keeps_every_good_value_as_written(tmp_path):
    parsed = parse(write_messy_csv(tmp_path / "fiche.csv"))
    kept = {(r.indicateur, r.line): (r.nombre, r.texte, r.secret, r.definition, r.note) for r in parsed.rows}
    assert kept == STORED
    assert {r.plie for r in parsed.rows} == {"PLIE du Lunévillois"}
    assert {r.annee for r in parsed.rows} == {2019}
    first = next(r for r in parsed.rows if r.indicateur == "participants_accompagnes")
    assert (first.source, first.date_source) == ("Rapport d’activité 2019 du PLIE du Lunévillois", "2020-03-31")


def test_utf8_comma_sheet_with_narrow_no_break_space(tmp_path):
    path = tmp_path / "fiche.csv"
    path.write_text("plie,annee,indicateur,valeur,source,date_source\n"
                    "PLIE de Metz,2019,participants_accompagnes,\"2\u202f345\",Bilan,2020\n"
                    "PLIE de Metz,2019,taux_sorties_positives,\"45,5 %\",Bilan,2020\n"
                    "PLIE de Metz,2019,part_femmes,47%,Bilan,2020\n", encoding="utf-8")
    parsed = parse(path)
    assert parsed.rejections == []
    assert {r.indicateur: r.nombre for r in parsed.rows} == {
        "participants_accompagnes": 2345.0, "taux_sorties_positives": pytest.approx(0.455),
        "part_femmes": pytest.approx(0.47)}


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_workbooks_read_their_first_sheet(tmp_path, writer):
    parsed = parse(writer(tmp_path / f"fiche.{writer.__name__[-4:]}"))
    assert {r.line: r.message for r in parsed.rejections}.keys() == WORKBOOK_REJECTED.keys()
    for rejection in parsed.rejections:
        assert WORKBOOK_REJECTED[rejection.line] in rejection.message
    assert {r.indicateur: r.nombre for r in parsed.rows} == pytest.approx(WORKBOOK_STORED)
    dates = {r.indicateur: r.date_source for r in parsed.rows}
    assert dates["participants_accompagnes"] == "2020-04-02"
    assert dates["taux_sorties_positives"] == "2020"


def test_missing_column_makes_the_file_unusable(tmp_path):
    path = tmp_path / "fiche.csv"
    path.write_text("plie;annee;indicateur;valeur;date_source\nX;2019;entrees;3;2020\n", encoding="utf-8")
    with pytest.raises(UnreadableSheet, match="source"):
        parse(path)


def test_numbers_as_people_write_them():
    assert parse_number("1 234") == (1234.0, False)
    assert parse_number("1\u00a0234,5") == (1234.5, False)
    assert parse_number("1.234,5") == (1234.5, False)
    assert parse_number("1,234.5") == (1234.5, False)
    assert parse_number("47 %") == (47.0, True)
    for bad in ("douze", "1,2,3", "", "nan", "inf", "4 7 %%"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_every_line_of_the_messy_sheet_is_accounted_for():
    """Lines 1 (header), 20 (continuation of 19), 25 (empty) and 14 (repeat of 2) give no row and no error."""
    accounted = set(REJECTED) | {line for _, line in STORED} | {1, 14, 20, 25}
    assert accounted == set(range(1, len(MESSY_LINES) + 1))


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_any_count_written_with_french_thousands_separators_reads_back(n, space):
    text = f"{n:,}".replace(",", space)
    assert parse_number(text) == (float(n), False)


@given(st.integers(min_value=0, max_value=1000))
def test_a_share_as_a_percentage_or_a_fraction_is_the_same_value(permille):
    from reperes.benchmark.sheets import _value

    percent = f"{permille // 10},{permille % 10} %"
    fraction = f"0,{permille:03d}" if permille < 1000 else "1"
    assert _value("part_femmes", percent)[0] == pytest.approx(permille / 1000)
    assert _value("part_femmes", fraction)[0] == pytest.approx(permille / 1000)
