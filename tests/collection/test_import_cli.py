"""``reperes import``: exit statuses, --json on standard output only, a French summary otherwise."""

from __future__ import annotations

import argparse
import json

import pytest

from reperes.cli import import_cmd
from reperes.collection.models import Participant

pytestmark = pytest.mark.django_db


def cli(*argv) -> int:
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    import_cmd.register(sub)
    args = parser.parse_args(["import", *argv])
    return args.func(args)


def test_json_output_is_exactly_one_object(tmp_path, data, capsys):
    folder = data.write_folder(tmp_path / "recueil", data.sample())
    status = cli(str(folder), "--json")
    captured = capsys.readouterr()
    assert status == 0
    report = json.loads(captured.out)
    assert captured.out.count("\n") == 1
    assert report["status"] == "ok" and report["tables"]["participants"]["accepted"] == 3
    assert "Lecture" in captured.err  # progress goes to standard error


def test_summary_in_french_with_the_first_errors(tmp_path, data, capsys):
    tables = data.sample()
    tables["participants"] += [data.participant(id_participant=f"X{i}") for i in range(10)]
    for row in tables["participants"]:
        row["sexe"] = "?"
    tables["participants"][0]["Nom"] = "Dupont"
    status = cli(str(data.write_folder(tmp_path / "recueil", tables)))
    out = capsys.readouterr().out
    assert status == 3
    assert "participants : 13 lue(s), 0 acceptée(s), 13 rejetée(s)" in out
    assert "Premières erreurs (10 sur 20)" in out
    assert "Colonne ignorée : participants « Nom » (identifiant direct)" in out
    assert "participants, ligne 2, sexe « ? » : Valeur inconnue" in out
    assert "relancer avec --json" in out
    assert "Dupont" not in out


def test_strict_exit_3_and_nothing_stored(tmp_path, data, capsys):
    tables = data.sample()
    tables["participants"][0]["sexe"] = "?"
    assert cli(str(data.write_folder(tmp_path / "recueil", tables)), "--strict") == 3
    assert "Rien n'a été enregistré" in capsys.readouterr().out
    assert Participant.objects.count() == 0


def test_dry_run(tmp_path, data, capsys):
    assert cli(str(data.write_folder(tmp_path / "recueil", data.sample())), "--dry-run", "--json") == 0
    assert json.loads(capsys.readouterr().out)["stored"] is False
    assert Participant.objects.count() == 0


def test_replace(tmp_path, data):
    assert cli(str(data.write_folder(tmp_path / "v1", data.sample()))) == 0
    one = {"participants": [data.participant(id_participant="P777")]}
    assert cli(str(data.write_folder(tmp_path / "v2", one)), "--replace") == 0
    assert Participant.objects.count() == 1


def test_missing_file_exit_2_without_traceback(tmp_path, capsys):
    status = cli(str(tmp_path / "absent"))
    captured = capsys.readouterr()
    assert status == 2
    assert "introuvable" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


def test_missing_file_with_json(tmp_path, capsys):
    assert cli(str(tmp_path / "absent.xlsx"), "--json") == 2
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "refused" and report["stored"] is False


def test_missing_column_exit_2(tmp_path, data, capsys):
    rows = [{k: v for k, v in data.participant().items() if k != "date_entree"}]
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes(rows))
    assert cli(str(path)) == 2
    assert "Colonne obligatoire « date_entree » absente" in capsys.readouterr().out


def test_help_is_in_french(capsys):
    with pytest.raises(SystemExit):
        cli("--help")
    assert "dossier de fichiers CSV" in capsys.readouterr().out


def test_through_the_reperes_command(tmp_path, data, capsys):
    from reperes.cli import main

    status = main(["import", str(data.write_folder(tmp_path / "recueil", data.sample())), "--json"])
    captured = capsys.readouterr()
    assert status == 0
    assert json.loads(captured.out)["tables"]["etapes"]["accepted"] == 4
