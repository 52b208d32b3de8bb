"""Bad files and bad cells, on the engine and on ``reperes import``: a French message, nothing stored."""

from __future__ import annotations

import argparse
import io
import json
import zipfile

import pytest

from reperes.cli import import_cmd
from reperes.collection.importer import report as reports
from reperes.collection.importer import run_import
from reperes.collection.models import Etape, ImportRun, Participant

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def cli(*argv) -> tuple[int, dict]:
    """``reperes import … --json``: exit status and the report."""
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    import_cmd.register(sub)
    args = parser.parse_args(["import", *map(str, argv), "--json"])
    return args.func(args), None


def run_cli(capsys, *argv) -> tuple[int, dict, str]:
    status, _ = cli(*argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, json.loads(captured.out), captured.err


def zip_bomb(path, size=30 * 1024 * 1024):
    """A « workbook » whose one sheet inflates a thousand times."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c>" + b"0" * size + b"</c>")
    return path


def refused_with(result_or_report, text: str) -> None:
    report = getattr(result_or_report, "report", result_or_report)
    assert report["status"] == "refused" and report["stored"] is False
    assert text in report["errors"][0]["message"], report["errors"][0]["message"]


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", ["participants.csv", "recueil.xlsx", "recueil.ods"])
def test_zero_byte_file(tmp_path, name, capsys):
    path = tmp_path / name
    path.write_bytes(b"")
    refused_with(run_import(path), "est vide (0 octet)")
    status, report, _ = run_cli(capsys, path)
    assert status == 2
    refused_with(report, "est vide (0 octet)")
    assert Participant.objects.count() == 0


def test_empty_file_of_blank_lines(tmp_path, capsys):
    path = tmp_path / "participants.csv"
    path.write_bytes(b"\r\n  \r\n\r\n")
    refused_with(run_import(path), "vide")
    assert run_cli(capsys, path)[0] == 2


def test_header_only_file(tmp_path, data, capsys):
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes([data.participant()]).split(b"\r\n")[0] + b"\r\n# exemple;F\r\n")
    refused_with(run_import(path), "ne contient que la ligne d'en-têtes et 1 ligne(s) de commentaire")
    status, report, _ = run_cli(capsys, path)
    assert status == 2 and "ligne d'en-têtes" in report["errors"][0]["message"]


def test_header_only_workbook(tmp_path, data, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "participants"
    book.active.append(list(data.participant()))
    book.save(tmp_path / "recueil.xlsx")
    refused_with(run_import(tmp_path / "recueil.xlsx"), "ne contient que la ligne d'en-têtes")
    assert run_cli(capsys, tmp_path / "recueil.xlsx")[0] == 2


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("recueil.xlsx", PDF, "un document PDF"),
    ("participants.csv", PDF, "un document PDF"),
    ("participants.csv", PNG, "une image PNG"),
    ("recueil.ods", PNG, "une image PNG"),
    ("participants.csv", b"\x00\x01\x02binaire\x00" * 50, "un fichier binaire"),
])
def test_file_that_is_not_a_spreadsheet(tmp_path, name, content, kind, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_import(path)
    refused_with(result, f"n'est pas un tableau de données : c'est {kind}")
    assert result.exit_status == 2
    status, report, _ = run_cli(capsys, path)
    assert status == 2
    refused_with(report, kind)


def test_random_bytes_renamed_xlsx(tmp_path, capsys):
    path = tmp_path / "recueil.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    refused_with(run_import(path), "n'est pas un classeur XLSX ou ODS lisible")
    assert run_cli(capsys, path)[0] == 2


def test_zip_bomb_disguised_as_xlsx_is_refused_before_opening(tmp_path, capsys, monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    path = zip_bomb(tmp_path / "recueil.xlsx")
    assert path.stat().st_size < 200_000
    result = run_import(path)
    refused_with(result, "bombe de décompression")
    status, report, _ = run_cli(capsys, path)
    assert status == 2
    refused_with(report, "bombe de décompression")


def test_zip_declaring_too_much_content_is_refused(tmp_path, settings):
    settings.REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"x" * 5000)
    path = tmp_path / "recueil.xlsx"
    path.write_bytes(buffer.getvalue())
    refused_with(run_import(path), "bombe de décompression")


def test_real_workbooks_pass_the_zip_check(tmp_path, data):
    path = data.write_xlsx(tmp_path / "recueil.xlsx", data.sample())
    assert run_import(path).exit_status == 0


def test_file_above_the_upload_limit_is_refused(tmp_path, data, settings, capsys):
    settings.REPERES_MAX_UPLOAD_BYTES = 1000
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes([data.participant(id_participant=f"P{i}") for i in range(20)]))
    assert path.stat().st_size > 1000
    result = run_import(path)
    refused_with(result, "est trop volumineux")
    assert "la taille maximale acceptée est de 1000 octets" in result.report["errors"][0]["message"]
    status, report, _ = run_cli(capsys, path)
    assert status == 2 and "REPERES_MAX_UPLOAD_BYTES" in report["errors"][0]["message"]
    assert Participant.objects.count() == 0
    assert ImportRun.objects.filter(status="refused").count() == 2


def test_folder_above_the_upload_limit_is_refused(tmp_path, data, settings):
    folder = data.write_folder(tmp_path / "recueil", data.sample())
    sizes = sorted(p.stat().st_size for p in folder.iterdir())
    settings.REPERES_MAX_UPLOAD_BYTES = sizes[-1] + 1  # each file fits, not all of them
    refused_with(run_import(folder), "au total")


def test_human_sizes():
    from reperes.collection.importer.readers import human_size

    assert human_size(100 * 1024 * 1024) == "100 Mo"
    assert human_size(1536) == "1,5 ko"
    assert human_size(1) == "1 octet"


# --------------------------------------------------------------------------- cells, through the CLI too


@pytest.mark.parametrize(("changes", "column", "text"), [
    ({"date_entree": "01/03/24"}, "date_entree", "quatre chiffres"),
    ({"date_naissance": "31/02/1980"}, "date_naissance", "jour inexistant"),
    ({"date_entree": "45352"}, "date_entree", "format non reconnu"),  # a serial number is no date in a CSV
])
def test_bad_dates_engine_and_cli(tmp_path, data, capsys, changes, column, text):
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes([data.participant(**changes), data.participant(id_participant="P2")]))
    result = run_import(path, dry_run=True)
    [error] = result.report["errors"]
    assert (error["line"], error["column"]) == (2, column) and text in error["message"]
    status, report, _ = run_cli(capsys, path)
    assert status == 3 and report["errors"][0]["column"] == column
    assert report["tables"]["participants"] == {"read": 2, "accepted": 1, "rejected": 1, "skipped": 0}


def test_excel_serial_dates_and_float_ids_through_the_cli(tmp_path, data, capsys, pseudonym_key):
    import datetime as dt

    from reperes.privacy import pseudonymise

    def convert(table, column, text):
        if column == "id_participant":
            return 1234.0
        if column == "date_entree":
            return 45352  # 01/03/2024 as an Excel serial number
        return text

    path = data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": [data.participant()]}, convert=convert)
    status, report, _ = run_cli(capsys, path)
    assert status == 0, report["errors"]
    stored = Participant.objects.get()
    assert stored.id_hash == pseudonymise("1234", pseudonym_key)
    assert stored.date_entree == dt.date(2024, 3, 1)


def test_etape_of_a_missing_or_rejected_participant_through_the_cli(tmp_path, data, capsys):
    tables = {"participants": [data.participant(), data.participant(id_participant="P002", sexe="?")],
              "etapes": [
                  {"id_participant": "P001", "type_etape": "MOBILITE", "date_debut": "05/03/2024"},
                  {"id_participant": "P002", "type_etape": "MOBILITE", "date_debut": "05/03/2024"},
                  {"id_participant": "P404", "type_etape": "MOBILITE", "date_debut": "05/03/2024"},
              ]}
    status, report, _ = run_cli(capsys, data.write_folder(tmp_path / "recueil", tables))
    assert status == 3
    assert report["tables"]["etapes"] == {"read": 3, "accepted": 1, "rejected": 2, "skipped": 0}
    by_line = {e["line"]: e for e in report["errors"] if e["table"] == "etapes"}
    assert "le participant de la ligne 3 a été rejeté" in by_line[3]["message"]
    assert "Participant inconnu" in by_line[4]["message"]
    assert by_line[4]["value"] == "[masqué]"
    assert Etape.objects.count() == 1


# --------------------------------------------------------------------------- the error list is bounded


def test_errors_beyond_the_cap_are_counted_not_listed(tmp_path, data, monkeypatch, capsys):
    monkeypatch.setattr(reports, "MAX_ERRORS", 5)
    rows = [data.participant(id_participant=f"P{i}", sexe="?") for i in range(12)]
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes(rows))

    result = run_import(path)

    assert result.report["tables"]["participants"]["rejected"] == 12
    assert len(result.report["errors"]) == 5 and result.report["errors_omitted"] == 7
    assert [e["line"] for e in result.report["errors"]] == [2, 3, 4, 5, 6]
    assert result.run.report["errors_omitted"] == 7
    lines = reports.summary(result.report, source_name="participants.csv", max_errors=3)
    text = "\n".join(lines)
    assert "Premières erreurs (3 sur 12)" in text
    assert "7 autre(s) ne sont que comptée(s)" in text
    status, report, _ = run_cli(capsys, path)
    assert status == 3 and report["errors_omitted"] == 7


@pytest.mark.django_db
def test_nul_characters_never_break_the_report_nor_the_database(tmp_path):
    """Found by hypothesis on PostgreSQL: a NUL in a header went into the report JSON, which PostgreSQL refuses."""
    from reperes.collection.importer import run_import

    path = tmp_path / "export.csv"
    path.write_bytes(b"sexe;SITUATION ENTREE\x00\nF;DE\n")
    result = run_import(path)
    assert result.exit_status == 2  # refused, and said so in French
    result.run.refresh_from_db()
    assert "\x00" not in str(result.run.report)


def test_report_strings_lose_their_nul_characters():
    from reperes.collection.importer import _without_nul

    report = {"errors": [{"column": "SITUATION\x00", "value": None, "line": 2}], "tables": {"a\x00": {"read": 1}}}
    assert _without_nul(report) == {"errors": [{"column": "SITUATION\ufffd", "value": None, "line": 2}],
                                    "tables": {"a\ufffd": {"read": 1}}}
