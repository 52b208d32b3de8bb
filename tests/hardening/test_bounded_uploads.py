"""Bounded reading of every upload: a zip bomb or a giant grid is refused at once, in French, with the limit.

The zip bomb is the one of the issue: a real XLSX of 1.5 M rows × 20 cells (about 450 Mo once unpacked).
Time and memory are measured in a child process (its peak RSS, not the test runner's, whose peak depends
on the tests that ran before).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hardening_helpers import wide_csv, xlsx_bomb

from reperes import safefiles

ROOT = Path(__file__).resolve().parents[2]

# Every reader of an uploaded workbook, called as its page or command calls it; prints JSON lines.
PROBE = r"""
import json, resource, sys, time
import django
django.setup()
from pathlib import Path

path = Path(sys.argv[1])
data = path.read_bytes()
# Modules are imported before the clock starts: what is measured is the refusal.
import reperes.collection.importer.readers, reperes.collection.uploads, reperes.offer.stats_files
import reperes.offer.importer, reperes.surveys.answers_import, reperes.surveys.xlsform, reperes.surveys.masking

def data_import():
    from reperes.collection.importer.readers import read_paths
    read_paths([path])

def upload_page():
    from reperes.collection.uploads import check_bounds
    check_bounds(path)

def statistics():
    from reperes.offer.stats_files import read_grid
    read_grid(path, data)

def offer():
    from reperes.offer.importer import read_inputs
    read_inputs(path)

def answers():
    from reperes.surveys.answers_import import read_table
    read_table(data, path.name)

def xlsform():
    from reperes.surveys.xlsform import read_xlsform
    read_xlsform(data, path.name)

def interview():
    from reperes.surveys.masking import read_document
    read_document(data, path.with_suffix(".docx").name)

def benchmark_sheet():
    from reperes.benchmark.sheets import read_records
    read_records(path)

def word_template():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from reperes.reports.forms import TemplateForm
    form = TemplateForm(files={"modele": SimpleUploadedFile(path.with_suffix(".docx").name, data)})
    if not form.is_valid():
        raise ValueError(form.errors["modele"][0])

for reader in (data_import, upload_page, statistics, offer, answers, xlsform, interview, benchmark_sheet,
               word_template):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        reader()
        message = None
    except Exception as exc:
        message = getattr(exc, "message", None) or (exc.messages[0] if hasattr(exc, "messages") else str(exc))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"reader": reader.__name__, "seconds": seconds, "grown_kb": peak - before,
                      "message": message}), flush=True)
"""


def run_readers(path: Path, **env) -> list[dict]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "reperes.settings_test",
                   "DATABASE_URL": "", **env}
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, env=environment,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "recueil.xlsx")


def test_the_bomb_is_what_the_issue_describes(bomb):
    import zipfile

    with zipfile.ZipFile(bomb) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert bomb.stat().st_size < 60 * 1024**2 and unpacked > 400 * 1024**2


def test_zip_bomb_refused_by_every_reader_in_under_two_seconds_and_500_mo(bomb):
    results = run_readers(bomb)
    assert [r["reader"] for r in results] == ["data_import", "upload_page", "statistics", "offer", "answers",
                                              "xlsform", "interview", "benchmark_sheet", "word_template"]
    for result in results:
        assert result["message"], result
        assert "refusé" in result["message"] and "Mo" in result["message"], result
        assert result["seconds"] < 2, result
        assert result["grown_kb"] < 500 * 1024, result
    # The data readers give the limit of the settings (256 Mo by default).
    assert "256 Mo" in results[0]["message"]


def test_a_small_bomb_is_refused_by_the_benchmark_sheet_and_the_word_template(tmp_path):
    """Under the 20 Mo a benchmark sheet and the 10 Mo a Word template may weigh: 300 000 rows × 20 (6 M cells,
    over 90 Mo once unpacked) are refused on their cell count before any worksheet is read whole."""
    small = xlsx_bomb(tmp_path / "fiche.xlsx", rows=300_000)
    assert small.stat().st_size < 10 * 1024**2
    by_reader = {r["reader"]: r for r in run_readers(small)}
    for reader in ("benchmark_sheet", "word_template"):
        assert "refusé" in by_reader[reader]["message"], by_reader[reader]
        assert by_reader[reader]["seconds"] < 30 and by_reader[reader]["grown_kb"] < 500 * 1024, by_reader[reader]
    assert "5\u202f000\u202f000 cellules" in by_reader["benchmark_sheet"]["message"]


def test_a_bomb_under_the_size_limit_is_counted_while_streamed(bomb):
    """Uncompressed size allowed (2 Go): the cell cap stops the stream, which is never held whole."""
    results = run_readers(bomb, REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES=str(2 * 1024**3))
    by_reader = {r["reader"]: r for r in results}
    for reader in ("data_import", "upload_page", "statistics", "offer", "answers"):
        assert "5\u202f000\u202f000 cellules" in by_reader[reader]["message"], by_reader[reader]
        assert by_reader[reader]["grown_kb"] < 500 * 1024, by_reader[reader]
        assert by_reader[reader]["seconds"] < 30, by_reader[reader]  # the stream is read until the cap
    # A questionnaire has tighter limits (32 Mo): refused on its size at once.
    assert "32 Mo" in by_reader["xlsform"]["message"] and by_reader["xlsform"]["seconds"] < 2


def test_cell_count_does_not_miss_cells_cut_by_chunks(tmp_path, monkeypatch):
    """The counter reads 1 Mo at a time: a cap of N cells refuses N + 1 cells and accepts N, wherever they fall."""
    monkeypatch.setattr(safefiles, "_CHUNK", 7)  # cells cut everywhere
    path = xlsx_bomb(tmp_path / "petit.xlsx", rows=2000, columns=3)
    cells = 2001 * 3  # header row + 2 000 rows
    safefiles.check_archive(path.name, path, safefiles.Limits(cells=cells))
    with pytest.raises(safefiles.FileRefused, match="plus de 6\u202f002 cellules"):
        safefiles.check_archive(path.name, path, safefiles.Limits(cells=cells - 1))


def test_too_many_entries(tmp_path):
    import zipfile

    path = tmp_path / "entrees.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30):
            archive.writestr(f"xl/media/image{i}.png", b"x")
    with pytest.raises(safefiles.FileRefused, match="30 éléments, au-delà de la limite de 20"):
        safefiles.check_archive(path.name, path, safefiles.Limits(entries=20))


def test_ods_repeated_rows_are_counted(tmp_path):
    """An ODS may repeat one filled row a million times in a few bytes."""
    import zipfile

    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="participants"><table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="20" office:value-type="float" office:value="1">'
               '<text:p>1</text:p></table:table-cell></table:table-row>'
               # LibreOffice's trailing empty rows are no cells
               '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
               'table:number-columns-repeated="1024"/></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "recueil.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    with pytest.raises(safefiles.FileRefused, match="cellules"):
        safefiles.check_archive(path.name, path)
    safefiles.check_archive(path.name, path, safefiles.Limits(cells=20_000_000))


@pytest.mark.django_db
def test_upload_page_refuses_the_bomb_at_once(client_admin, bomb, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reperes.collection.models import ImportRun

    settings.REPERES_IMPORTS_SYNC = True
    upload = SimpleUploadedFile("recueil.xlsx", bomb.read_bytes())
    response = client_admin.post(reverse("collection:import_upload"), {"file": upload, "mode": "normal"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "bombe de décompression" in text and "256 Mo" in text
    assert not ImportRun.objects.exists()


def test_width_limit_message(tmp_path):
    from reperes.collection.uploads import UploadError, check_bounds

    path = wide_csv(tmp_path / "large.csv", columns=400)
    with pytest.raises(UploadError, match="400 colonnes : la limite est de 300 colonnes"):
        check_bounds(path)
