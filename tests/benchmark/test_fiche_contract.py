"""``reperes benchmark import``'s exit codes and --json shape, each rule read from docs/fiche-plie.md (an exact
copy of the shared contract) and then checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmark_helpers import run_cli
from sheets_data import REJECTED, STORED, write_messy_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]
DOCS = Path(__file__).resolve().parents[2] / "docs"
EXITS = ("exit 0 when every row is imported, 3 when some are rejected, 2 when the file cannot be read or nothing "
         "is imported")


def rule(text: str) -> None:
    assert " ".join(text.split()) in " ".join((DOCS / "fiche-plie.md").read_text(encoding="utf-8").split()), text


def stored_count() -> int:
    from reperes.benchmark.models import SheetValue

    return SheetValue.objects.count()


def test_strict_with_a_rejected_line_imports_nothing_and_exits_2(tmp_path, capsys):
    rule("and a French message; the other rows are imported (`--strict`: nothing is)")
    rule(EXITS)
    path = write_messy_csv(tmp_path / "fiche.csv")
    assert run_cli("import", str(path), "--strict", "--json") == 2  # nothing is imported
    report = json.loads(capsys.readouterr().out)
    assert report["importees"] == 0 and report["remplacees"] == 0
    assert [r["ligne"] for r in report["rejetees"]] == sorted(REJECTED)  # still every rejected line, with why
    assert stored_count() == 0
    # the same file without --strict: the good rows are imported, some rejected → 3
    assert run_cli("import", str(path), "--json") == 3
    assert json.loads(capsys.readouterr().out)["importees"] == len(STORED) == stored_count()


def test_strict_with_every_row_valid_imports_them_and_exits_0(tmp_path, capsys):
    rule(EXITS)
    path = tmp_path / "fiche.csv"
    path.write_text("plie;annee;indicateur;valeur;source;date_source\n"
                    "PLIE A;2019;entrees;200;Bilan;2020\n", encoding="utf-8")
    assert run_cli("import", str(path), "--strict", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"importees": 1, "remplacees": 0, "rejetees": []}
    assert stored_count() == 1


def test_a_missing_file_with_json_prints_the_commands_shape_and_exits_2(tmp_path, capsys):
    rule('`--json` prints `{"importees": N, "remplacees": N, "rejetees": [{"ligne": L, "message": "…"}]}` '
         "(this shape, not the data import's)")
    rule(EXITS)
    missing = tmp_path / "absente.csv"
    assert run_cli("import", str(missing), "--json") == 2
    out = capsys.readouterr().out
    report = json.loads(out)  # one JSON object, nothing else on standard output
    assert set(report) == {"importees", "remplacees", "rejetees"}
    assert (report["importees"], report["remplacees"]) == (0, 0)
    (problem,) = report["rejetees"]
    assert set(problem) == {"ligne", "message"} and isinstance(problem["ligne"], int)
    assert problem["message"] == f"Fichier introuvable : « {missing} ». Vérifiez le chemin."
    # without --json: the same French message on standard error, nothing on standard output
    assert run_cli("import", str(missing)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"Fichier introuvable : « {missing} »" in captured.err
    assert run_cli("import", str(tmp_path), "--json") == 2  # a folder is not a sheet either
    assert "n’est pas un fichier" in json.loads(capsys.readouterr().out)["rejetees"][0]["message"]


def test_export_to_a_place_that_cannot_be_written_exits_2_in_french(tmp_path, capsys):
    from reperes.cli import main

    target = tmp_path / "absent" / "fiche.csv"
    assert main(["benchmark", "export", "--out", str(target)]) == 2
    assert f"Erreur : Impossible d’écrire « {target} » : fichier ou dossier introuvable." in capsys.readouterr().err
    assert main(["benchmark", "export", "--out", str(tmp_path)]) == 2
    assert "est un dossier" in capsys.readouterr().err
