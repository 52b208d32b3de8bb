"""Property-based tests: whatever bytes or table arrive, the import answers with a report, never a traceback."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes.collection.importer import run_import
from reperes.collection.importer.readers import UnusableInput, read_paths
from reperes.referentiel import TABLES

pytestmark = pytest.mark.django_db

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

NAMES = ["participants.csv", "participants.txt", "recueil.xlsx", "recueil.ods", "export.csv", "etapes.csv"]
REAL_HEADERS = [c.name for c in TABLES["participants"].columns]
HEADER_VARIANTS = st.one_of(
    st.sampled_from(REAL_HEADERS),
    st.sampled_from(REAL_HEADERS).map(lambda h: h.upper().replace("_", " ")),
    st.sampled_from(["Nom", "Prénom", "Téléphone", "N° de tél.", "Commentaire", "", "#", "=1+1"]),
    st.text(max_size=12),
)
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["F", "M", "H", "Femme", "NIV_4", "DE", "54395", "1001", "2A004", "oui", "x", "31/02/2020",
                     "01/03/24", "2024-03-01", "45352", "1234.0", "RSA|DELD", "=SUM(A1)", "#", "  ", "1 85 06 54 "
                     "395 123 45", "EMPLOI_CDI", "12,5", "-3"]),
    st.integers(-10**6, 10**6).map(str),
)


def check(result) -> None:
    report = result.report
    assert report["status"] in ("ok", "partial", "refused")
    assert result.exit_status in (0, 2, 3)
    assert report["stored"] is False  # dry runs only
    assert isinstance(report["errors"], list) and isinstance(report["tables"], dict)
    for error in report["errors"]:
        assert set(error) == {"table", "line", "column", "value", "message"}
        assert error["message"]


def write(name: str, content: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="reperes-prop-"))
    path = folder / name
    path.write_bytes(content)
    return path


@SETTINGS
@given(content=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_random_bytes_never_crash(content, name):
    path = write(name, content)
    try:
        read_paths([path])
    except UnusableInput as exc:
        assert exc.message
    check(run_import(path, dry_run=True))


@SETTINGS
@given(prefix=st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf",
                               b"\xff\xfe", b"%PDF", b"id_participant;sexe\n"]),
       content=st.binary(max_size=2000), name=st.sampled_from(NAMES))
def test_random_bytes_behind_a_known_signature(prefix, content, name):
    check(run_import(write(name, prefix + content), dry_run=True))


@SETTINGS
@given(headers=st.lists(HEADER_VARIANTS, min_size=1, max_size=12),
       rows=st.lists(st.lists(CELLS, max_size=14), max_size=12),
       delimiter=st.sampled_from([";", ",", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       name=st.sampled_from(["participants.csv", "export.csv", "etapes.csv", "acquis.csv"]))
def test_random_tables_never_crash(headers, rows, delimiter, encoding, name):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    content = buffer.getvalue().encode(encoding, errors="replace")
    check(run_import(write(name, content), dry_run=True))


@SETTINGS
@given(rows=st.lists(st.fixed_dictionaries({h: CELLS for h in REAL_HEADERS}), min_size=1, max_size=8),
       as_numbers=st.booleans())
def test_random_workbooks_never_crash(rows, as_numbers):
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append(REAL_HEADERS)
    for row in rows:
        values = []
        for header in REAL_HEADERS:
            value = row[header]
            if as_numbers:
                try:
                    value = float(value.replace(",", "."))
                except ValueError:
                    pass
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl cannot write control characters
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    check(run_import(write("recueil.xlsx", buffer.getvalue()), dry_run=True))
