"""Import history and undo: the state before the last stored import comes back exactly."""

from __future__ import annotations

import argparse
import json

import pytest

from reperes.audit.models import Action as AuditAction
from reperes.audit.models import AuditEvent
from reperes.cli import imports_cmd
from reperes.collection.importer import run_import
from reperes.collection.importer.undo import UndoError, forget_participants, undo_import
from reperes.collection.models import (
    Acquis,
    Action,
    Etape,
    ImportRun,
    ImportSnapshot,
    ImportSnapshotRow,
    Participant,
    SuiviFrein,
)
from reperes.privacy import pseudonymise

pytestmark = pytest.mark.django_db

MODELS = (Participant, Action, Etape, SuiviFrein, Acquis)


def state() -> dict:
    """Every stored row of the five tables, with its primary key and every column."""
    return {model.__name__: sorted(model.objects.values_list(), key=lambda row: row[0]) for model in MODELS}


def cli(*argv) -> int:
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    imports_cmd.register(sub)
    args = parser.parse_args(["imports", *argv])
    return args.func(args)


def test_undo_after_a_first_import_empties_the_tables(tmp_path, data, admin_user_):
    result = run_import(data.write_folder(tmp_path / "v1", data.sample()))
    assert Participant.objects.count() == 3

    summary = undo_import(result.run, user=admin_user_)

    assert all(not rows for rows in state().values())
    assert summary["deleted"]["participants"] == 3 and summary["deleted"]["etapes"] == 4
    assert summary["restored"]["participants"] == 0
    result.run.refresh_from_db()
    assert result.run.status == ImportRun.Status.UNDONE == "annule"
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_UNDO)
    assert event.user == admin_user_ and event.details["run"] == result.run.pk
    assert not ImportSnapshotRow.objects.exists() and not ImportSnapshot.objects.exists()


def test_undo_after_an_update_restores_every_previous_value(tmp_path, data, pseudonym_key):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", tables))
    before = state()

    tables["participants"][0].update(niveau_formation="NIV_4", qpv="non", criteres="TH", date_sortie="01/06/2024",
                                     motif_sortie="EMPLOI_CDI")
    tables["participants"].append(data.participant(id_participant="P004", id_personne=""))
    tables["actions"][0].update(intitule="Atelier renforcé", budget_total="99,99", experimentale="non")
    tables["etapes"][0]["resultat"] = "ABANDONNEE"
    tables["etapes"][1]["id_action"] = "A1"
    tables["suivi_freins"][1]["niveau"] = "0"
    tables["acquis"][0]["commentaire"] = "Permis B en avril"
    tables["acquis"].append({"id_participant": "P004", "date": "01/04/2024", "type_acquis": "VEHICULE",
                             "commentaire": ""})
    second = run_import(data.write_folder(tmp_path / "v2", tables))
    assert second.exit_status == 0
    assert state() != before

    summary = undo_import(second.run)

    assert state() == before
    # P001 was updated (restored), P004 inserted (deleted); P002 and P003 were left alone by the second run.
    assert summary["restored"]["participants"] == 1 and summary["deleted"]["participants"] == 2
    p1 = Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key))
    assert p1.niveau_formation == "NIV_3" and p1.qpv is True and p1.criteres == ["RSA", "DELD"]
    assert str(Action.objects.get().budget_total) == "12500.50"


def test_the_frames_pages_and_reports_read_follow_an_update_and_its_undo(tmp_path, data):
    """Pages and reports read the stored data as frames kept per data version: an import that only changes
    values, then its undo (which leaves every count and largest id as they were), each give a new version."""
    from reperes.analyses.snapshot import data_version, dataset

    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", tables))
    first = data_version()

    def levels(version):
        return sorted(dataset(version).participants["niveau_formation"].to_list())

    before = levels(first)
    assert "NIV_5" not in before
    tables["participants"][0]["niveau_formation"] = "NIV_5"
    second = run_import(data.write_folder(tmp_path / "v2", tables))
    updated = data_version()
    assert updated != first
    assert "NIV_5" in levels(updated)

    undo_import(second.run)

    restored = data_version()
    assert restored not in (first, updated)
    assert levels(restored) == before


def test_undo_after_replace_brings_the_whole_previous_dataset_back(tmp_path, data):
    run_import(data.write_folder(tmp_path / "v1", data.sample()))
    before = state()
    replaced = run_import(data.write_folder(tmp_path / "v2", {"participants": [data.participant(
        id_participant="P900")]}), replace=True)
    assert Participant.objects.count() == 1 and Etape.objects.count() == 0

    undo_import(replaced.run)

    assert state() == before


def test_double_import_then_undo_of_the_last(tmp_path, data):
    tables = data.sample()
    folder = data.write_folder(tmp_path / "v1", tables)
    first = run_import(folder)
    after_first = state()
    second = run_import(folder)  # the same file again: changes nothing at all
    assert state() == after_first
    assert not ImportSnapshotRow.objects.filter(run=second.run).exists()

    with pytest.raises(UndoError, match="Seul le dernier import enregistré"):
        undo_import(first.run)
    undo_import(second.run)
    assert state() == after_first
    # Then the one before it, now the last stored import.
    undo_import(first.run)
    assert all(not rows for rows in state().values())


def test_refusals(tmp_path, data):
    folder = data.write_folder(tmp_path / "v1", data.sample())
    dry = run_import(folder, dry_run=True)
    with pytest.raises(UndoError, match="vérification seule"):
        undo_import(dry.run)

    refused = run_import(tmp_path / "absent.csv")
    with pytest.raises(UndoError, match="n'a rien enregistré"):
        undo_import(refused.run)

    tables = data.sample()
    tables["participants"][0]["sexe"] = "?"
    strict = run_import(data.write_folder(tmp_path / "v2", tables), strict=True)
    with pytest.raises(UndoError, match="n'a rien enregistré"):
        undo_import(strict.run)

    stored = run_import(folder)
    undo_import(stored.run)
    with pytest.raises(UndoError, match="déjà été annulé"):
        undo_import(stored.run)
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_UNDO).exclude(
        details__run=stored.run.pk).exists()


def test_snapshots_are_bounded(tmp_path, data):
    from reperes.collection.importer.store import UNDO_DEPTH

    folder = data.write_folder(tmp_path / "v1", data.sample())
    runs = [run_import(folder).run for _ in range(UNDO_DEPTH + 2)]
    kept = set(ImportSnapshot.objects.values_list("run_id", flat=True))
    assert kept == {run.pk for run in runs[-UNDO_DEPTH:]}
    assert set(ImportSnapshotRow.objects.values_list("run_id", flat=True)) <= kept
    for run in reversed(runs[-UNDO_DEPTH:]):
        undo_import(run)
    with pytest.raises(UndoError, match="n'a pas été conservé"):
        undo_import(runs[-UNDO_DEPTH - 1])


def test_forgotten_participant_never_comes_back(tmp_path, data, pseudonym_key):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", tables))
    tables["participants"][0]["niveau_formation"] = "NIV_4"
    second = run_import(data.write_folder(tmp_path / "v2", tables))
    p1 = Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key))
    pk = p1.pk
    assert forget_participants([pk]) > 0
    p1.delete()  # as the GDPR deletion does

    undo_import(second.run)
    assert not Participant.objects.filter(pk=pk).exists()
    assert not Etape.objects.filter(participant_id=pk).exists()


def test_cli_list_and_undo(tmp_path, data, capsys):
    folder = data.write_folder(tmp_path / "v1", data.sample())
    first = run_import(folder, source_name="recueil-2024")
    second = run_import(folder, source_name="recueil-2024-bis")

    assert cli("list", "--json") == 0
    listing = json.loads(capsys.readouterr().out)["imports"]
    assert [e["id"] for e in listing] == [second.run.pk, first.run.pk]
    assert listing[0]["undoable"] is True and listing[1]["undoable"] is False
    assert listing[0]["sha256"] == second.run.sha256 and len(listing[0]["sha256"]) == 64
    assert listing[0]["tables"]["participants"]["accepted"] == 3

    assert cli("list") == 0
    out = capsys.readouterr().out
    assert "« recueil-2024-bis »" in out and f"reperes imports undo {second.run.pk}" in out

    assert cli("undo", str(first.run.pk), "--json") == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused["status"] == "refused" and "Seul le dernier import" in refused["message"]

    assert cli("undo", str(second.run.pk)) == 0
    assert f"Import n° {second.run.pk} annulé" in capsys.readouterr().out
    assert Participant.objects.count() == 3  # the first import's rows are still there


def test_cli_undo_errors_in_french_without_traceback(capsys):
    from reperes.cli import main

    assert main(["imports", "undo", "999"]) == 2
    captured = capsys.readouterr()
    assert "Aucun import n° 999" in captured.err and "Traceback" not in captured.err
