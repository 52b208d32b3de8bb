"""The one reading layer every importer goes through (reperes.reading, issue 24)."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest

from reperes import reading, safefiles

TEXT = "nom;ville\nÉlodie;Nancy\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("cp1252"),
    TEXT.encode("utf-16"),  # with its BOM
], ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16"])
def test_every_encoding_a_spreadsheet_writes_reads_to_the_same_text(data):
    assert reading.decode(data) == TEXT
    assert reading.utf8(data) == TEXT.encode("utf-8")


def test_utf8_bytes_are_returned_as_they_are():
    data = TEXT.encode("utf-8")
    assert reading.utf8(data) is data


def test_bytes_windows_1252_leaves_undefined_are_refused_or_replaced():
    data = b"nom\n\x81\x8d\n"  # 0x81 and 0x8D: undefined in Windows-1252, invalid in UTF-8
    with pytest.raises(reading.Undecodable):
        reading.decode(data)
    assert reading.decode(data, lenient=True) == "nom\n\ufffd\ufffd\n"


@pytest.mark.parametrize(("text", "candidates", "expected"), [
    ("a;b;c\n1;2;3", reading.SEMICOLON_FIRST, ";"),
    ("a,b,c\n1,2,3", reading.SEMICOLON_FIRST, ","),
    ("a\tb\tc", reading.SEMICOLON_FIRST, "\t"),
    ("# commentaire, avec, virgules\n\na;b\n", reading.SEMICOLON_FIRST, ";"),  # comments and blanks skipped
    ("a;b,c\n", reading.SEMICOLON_FIRST, ";"),  # a tie goes to the first candidate
    ("a;b,c\n", reading.COMMA_FIRST, ","),
    ("seule\n", reading.SEMICOLON_FIRST, ";"),  # no candidate: the first one
    ("code|valeur\n", (";", ",", "\t", "|"), "|"),
])
def test_the_delimiter_is_the_most_frequent_on_the_first_line_of_data(text, candidates, expected):
    assert reading.guess_delimiter(text, candidates) == expected
    assert reading.guess_delimiter(text.encode("utf-8"), candidates) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("texte", "texte"), (59350.0, "59350"), (2.5, "2.5"), (True, "vrai"),
    (False, "faux"), (dt.datetime(2024, 3, 1), "2024-03-01"), (dt.datetime(2024, 3, 1, 9, 30), "2024-03-01T09:30:00"),
    (dt.date(2024, 3, 1), "2024-03-01"), (7, "7"),
])
def test_a_workbook_cell_reads_as_a_csv_export_would_write_it(value, expected):
    assert reading.cell_text(value) == expected


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_workbook_grids_give_every_sheet_as_text_or_typed():
    data = _xlsx({"participants": [["id", "naissance"], [1234, dt.datetime(1990, 5, 2)]], "vide": [["x"]]})
    assert reading.is_workbook(data)
    grids = reading.workbook_grids("classeur.xlsx", data)
    assert list(grids) == ["participants", "vide"]
    assert grids["participants"] == [["id", "naissance"], ["1234", "1990-05-02"]]
    first = reading.workbook_grids("classeur.xlsx", data, sheets=[0], as_text=False)[0]
    assert first[1][0] == 1234


def test_a_workbook_wider_than_the_cap_is_refused_in_french():
    data = _xlsx({"large": [[f"c{i}" for i in range(12)]]})
    narrow = safefiles.Limits().tighter(columns=10)
    with pytest.raises(safefiles.TooWide, match="12 colonnes"):
        reading.workbook_grids("large.xlsx", data, limits=narrow)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_the_importers_read_one_file_alike(tmp_path, encoding):
    """The data import, the territorial statistics and the survey answers read the same bytes the same."""
    from reperes.collection.importer.readers import read_grids
    from reperes.offer.stats_files import read_grid
    from reperes.surveys.answers_import import read_table

    data = "commune;libellé;part\n54528;Toul;12,5\n".encode(encoding)
    path = tmp_path / "fichier.csv"
    path.write_bytes(data)
    expected_headers, expected_row = ["commune", "libellé", "part"], ["54528", "Toul", "12,5"]

    (grid,), _sha, _ignored = read_grids([path])
    assert grid.frame.columns[:3] == expected_headers
    assert list(grid.frame.row(0)[:3]) == expected_row
    frame = read_grid(path, data)
    assert frame.columns == expected_headers and list(frame.row(0)) == expected_row
    if encoding != "utf-16":  # survey exports with NUL bytes are refused as binary, before decoding
        headers, rows, _kind = read_table(data, "reponses.csv")
        assert headers == expected_headers and rows == [expected_row]
