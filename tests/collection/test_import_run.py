"""An import run as a user relies on it: counts, storage modes, idempotency, privacy, the record it leaves."""

from __future__ import annotations

import datetime as dt

import pytest

from reperes.audit.models import Action as AuditAction
from reperes.audit.models import AuditEvent
from reperes.collection.importer import run_import
from reperes.collection.models import Acquis, Action, Etape, ImportRun, Participant, SuiviFrein
from reperes.privacy import MASKED, pseudonymise

pytestmark = pytest.mark.django_db

REPORT_KEYS = {"status", "stored", "tables", "errors", "ignored_columns"}
COUNT_KEYS = {"read", "accepted", "rejected", "skipped"}
ERROR_KEYS = {"table", "line", "column", "value", "message"}


def counts():
    return {model.__name__: model.objects.count() for model in (Participant, Action, Etape, SuiviFrein, Acquis)}


def everything_stored_as_text() -> str:
    """Every value of the collection tables, the import runs and the audit trail, as one text."""
    parts = []
    for model in (Participant, Action, Etape, SuiviFrein, Acquis, ImportRun, AuditEvent):
        for row in model.objects.values_list():
            parts.append(repr(row))
    return "\n".join(parts)


def test_valid_folder_imports_everything_with_pseudonymised_ids(tmp_path, data, pseudonym_key):
    folder = data.write_folder(tmp_path / "recueil", data.sample())

    result = run_import(folder)

    assert result.exit_status == 0
    assert result.report["status"] == "ok"
    assert result.report["stored"] is True
    assert result.report["errors"] == []
    assert result.report["tables"] == {
        "participants": {"read": 3, "accepted": 3, "rejected": 0, "skipped": 0},
        "actions": {"read": 1, "accepted": 1, "rejected": 0, "skipped": 0},
        "etapes": {"read": 4, "accepted": 4, "rejected": 0, "skipped": 0},
        "suivi_freins": {"read": 2, "accepted": 2, "rejected": 0, "skipped": 0},
        "acquis": {"read": 1, "accepted": 1, "rejected": 0, "skipped": 0},
    }
    assert counts() == {"Participant": 3, "Action": 1, "Etape": 4, "SuiviFrein": 2, "Acquis": 1}

    p1 = Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key))
    assert p1.personne_hash == pseudonymise("PERS01", pseudonym_key)
    assert p1.sexe == "F"
    assert p1.annee_naissance == 1985
    assert p1.age_entree == 38  # born 15/06/1985, entered 01/03/2024
    assert p1.commune_residence == "54395"
    assert p1.epci_siren == "245400676"
    assert p1.qpv is True
    assert p1.criteres == ["RSA", "DELD"]
    assert p1.freins_entree == ["MOBILITE"]
    assert p1.anciennete_chomage_mois == 14
    assert p1.date_entree == dt.date(2024, 3, 1)
    assert p1.date_sortie is None and p1.motif_sortie == ""
    assert p1.import_run == result.run

    p2 = Participant.objects.get(id_hash=pseudonymise("P002", pseudonym_key))
    assert p2.personne_hash == ""
    assert p2.motif_sortie == "EMPLOI_CDI" and p2.date_sortie == dt.date(2023, 9, 15)
    assert p2.anciennete_chomage_mois is None and p2.criteres == []

    action = Action.objects.get(id_action="A1")
    assert str(action.budget_total) == "12500.50"
    assert action.experimentale is True
    assert action.territoire == ["245400676"]
    assert action.places_prevues == 40

    e1 = Etape.objects.get(etape_key__in=[Etape.objects.filter(participant=p1, type_etape="MOBILITE")
                                          .values_list("etape_key", flat=True).first()])
    assert e1.action == action and e1.resultat == "REALISEE" and e1.date_fin == dt.date(2024, 4, 30)
    assert SuiviFrein.objects.filter(participant=p1).order_by("date").values_list("niveau", flat=True)[0] == 3

    text = everything_stored_as_text()
    for raw in ("P001", "P002", "P003", "PERS01", "PERS03"):
        assert raw not in text


def test_run_and_audit_event_are_recorded_without_identifiers(tmp_path, data, django_user_model):
    user = django_user_model.objects.create_user("chargee@plie.example", "mot-de-passe-solide")
    folder = data.write_folder(tmp_path / "recueil", data.sample())

    result = run_import(folder, user=user, source_name="recueil-2024")

    run = ImportRun.objects.get()
    assert result.run == run
    assert run.source_name == "recueil-2024"
    assert run.user == user
    assert run.mode == "normal"
    assert run.status == "ok" and run.stored is True
    assert run.finished_at is not None
    assert len(run.sha256) == 64
    assert run.report == result.report
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.user == user and event.target == "recueil-2024"
    assert event.details["status"] == "ok"
    assert event.details["tables"]["participants"]["accepted"] == 3
    assert "P001" not in repr(event.details)


def test_folder_hash_depends_on_names_and_contents(tmp_path, data):
    first = run_import(data.write_folder(tmp_path / "a", data.sample()), dry_run=True).run.sha256
    same = run_import(data.write_folder(tmp_path / "b", data.sample()), dry_run=True).run.sha256
    changed_tables = data.sample()
    changed_tables["participants"][0]["sexe"] = "M"
    changed = run_import(data.write_folder(tmp_path / "c", changed_tables), dry_run=True).run.sha256
    assert first == same != changed


def test_report_has_exactly_the_contract_shape(tmp_path, data):
    tables = data.sample()
    tables["participants"][0]["date_naissance"] = "31/02/1980"
    tables["participants"][0]["Nom"] = "Dupont"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))

    report = result.report
    assert REPORT_KEYS <= set(report)
    assert set(report) - REPORT_KEYS <= {"ignored_sheets", "ignored_files", "errors_omitted"}
    assert report["errors_omitted"] == 0
    assert report["status"] in ("ok", "partial", "refused")
    for table_counts in report["tables"].values():
        assert set(table_counts) == COUNT_KEYS
    assert report["errors"] and all(set(e) == ERROR_KEYS for e in report["errors"])
    assert report["ignored_columns"] == [{"table": "participants", "column": "Nom", "reason": "identifiant direct"}]
    date_error = next(e for e in report["errors"] if e["column"] == "date_naissance")
    assert date_error == {"table": "participants", "line": 2, "column": "date_naissance", "value": "31/02/1980",
                          "message": "Date invalide « 31/02/1980 » : jour inexistant. "
                                     "Écrivez la date au format JJ/MM/AAAA."}


def test_reimport_updates_and_never_duplicates(tmp_path, data, pseudonym_key):
    tables = data.sample()
    folder = data.write_folder(tmp_path / "v1", tables)
    run_import(folder)
    before = counts()

    again = run_import(folder)
    assert again.exit_status == 0
    assert counts() == before

    tables["participants"][0]["niveau_formation"] = "NIV_4"
    tables["suivi_freins"][1]["niveau"] = "0"
    tables["etapes"][2]["resultat"] = "ABANDONNEE"  # an étape without id_etape: matched on its derived identity
    tables["actions"][0]["intitule"] = "Atelier mobilité renforcé"
    tables["acquis"][0]["commentaire"] = "Permis B obtenu en avril"
    updated = run_import(data.write_folder(tmp_path / "v2", tables))
    assert updated.exit_status == 0
    assert counts() == before
    p1 = Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key))
    assert p1.niveau_formation == "NIV_4"
    assert p1.import_run == updated.run
    assert SuiviFrein.objects.get(participant=p1, date=dt.date(2024, 4, 30)).niveau == 0
    assert Etape.objects.get(type_etape="FORMATION_QUALIFIANTE").resultat == "ABANDONNEE"
    assert Action.objects.get().intitule == "Atelier mobilité renforcé"
    assert Acquis.objects.get().commentaire == "Permis B obtenu en avril"


def test_reimport_without_an_optional_column_keeps_its_stored_values(tmp_path, data, pseudonym_key):
    run_import(data.write_folder(tmp_path / "v1", data.sample()))
    participants = [{k: v for k, v in row.items() if k != "qpv"} for row in data.sample()["participants"]]
    run_import(data.write_folder(tmp_path / "v2", {"participants": participants}))
    assert Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key)).qpv is True


def test_tables_can_come_in_several_runs(tmp_path, data):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", {"participants": tables["participants"],
                                                   "actions": tables["actions"]}))
    later = run_import(data.write_folder(tmp_path / "v2", {"etapes": tables["etapes"],
                                                           "suivi_freins": tables["suivi_freins"]}))
    assert later.exit_status == 0
    assert Etape.objects.count() == 4 and SuiviFrein.objects.count() == 2
    assert Etape.objects.filter(action__id_action="A1").count() == 1


def test_replace_replaces_the_whole_dataset(tmp_path, data, pseudonym_key):
    run_import(data.write_folder(tmp_path / "v1", data.sample()))
    newcomer = data.participant(id_participant="P900", id_personne="")
    result = run_import(data.write_folder(tmp_path / "v2", {"participants": [newcomer]}), replace=True)

    assert result.exit_status == 0
    assert result.run.mode == "replace"
    assert list(Participant.objects.values_list("id_hash", flat=True)) == [pseudonymise("P900", pseudonym_key)]
    assert counts() == {"Participant": 1, "Action": 0, "Etape": 0, "SuiviFrein": 0, "Acquis": 0}


def test_replace_checks_references_against_the_run_only(tmp_path, data):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", tables))
    result = run_import(data.write_folder(tmp_path / "v2", {"etapes": tables["etapes"]}), replace=True)
    assert result.exit_status == 3
    assert result.report["tables"]["etapes"]["rejected"] == 4
    assert counts()["Participant"] == 0


def test_strict_stores_nothing_when_a_row_is_rejected(tmp_path, data):
    tables = data.sample()
    tables["participants"][1]["sexe"] = "X"
    result = run_import(data.write_folder(tmp_path / "recueil", tables), strict=True)

    assert result.exit_status == 3
    assert result.report["status"] == "partial"
    assert result.report["stored"] is False
    assert result.report["tables"]["participants"] == {"read": 3, "accepted": 2, "rejected": 1, "skipped": 0}
    assert counts() == {"Participant": 0, "Action": 0, "Etape": 0, "SuiviFrein": 0, "Acquis": 0}
    assert result.run.stored is False and result.run.mode == "strict"


def test_strict_stores_everything_when_all_rows_are_valid(tmp_path, data):
    result = run_import(data.write_folder(tmp_path / "recueil", data.sample()), strict=True)
    assert result.exit_status == 0 and result.report["stored"] is True
    assert counts()["Participant"] == 3


def test_default_mode_stores_valid_rows_and_reports_rejected_ones(tmp_path, data):
    tables = data.sample()
    tables["participants"][1]["sexe"] = "X"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    assert result.exit_status == 3
    assert result.report["status"] == "partial" and result.report["stored"] is True
    assert counts()["Participant"] == 2


def test_dry_run_only_validates(tmp_path, data):
    tables = data.sample()
    tables["participants"][1]["sexe"] = "X"
    result = run_import(data.write_folder(tmp_path / "recueil", tables), dry_run=True)

    assert result.exit_status == 3
    assert result.report["stored"] is False
    assert result.report["tables"]["participants"]["rejected"] == 1
    assert counts() == {"Participant": 0, "Action": 0, "Etape": 0, "SuiviFrein": 0, "Acquis": 0}
    assert result.run.mode == "dry_run"
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_missing_mandatory_column_refuses_the_input(tmp_path, data):
    tables = data.sample()
    for row in tables["participants"]:
        del row["sexe"]
    result = run_import(data.write_folder(tmp_path / "recueil", tables))

    assert result.exit_status == 2
    assert result.report["status"] == "refused"
    assert result.report["stored"] is False
    error = result.report["errors"][0]
    assert error["table"] == "participants" and error["column"] == "sexe"
    assert "« sexe »" in error["message"] and "absente" in error["message"]
    assert counts() == {"Participant": 0, "Action": 0, "Etape": 0, "SuiviFrein": 0, "Acquis": 0}
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.stored is False
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).details["status"] == "refused"


def test_both_birth_columns_missing_refuses_the_input(tmp_path, data):
    rows = [{k: v for k, v in data.participant().items() if k != "date_naissance"}]
    result = run_import(data.write_folder(tmp_path / "recueil", {"participants": rows}))
    assert result.exit_status == 2
    assert result.report["errors"][0]["column"] == "date_naissance ou annee_naissance"


def test_missing_file_is_refused_and_recorded(tmp_path):
    result = run_import(tmp_path / "absent.csv")
    assert result.exit_status == 2
    assert result.report["status"] == "refused"
    assert "introuvable" in result.report["errors"][0]["message"]
    assert ImportRun.objects.get().status == "refused"


def test_unreadable_workbook_is_refused(tmp_path):
    path = tmp_path / "recueil.xlsx"
    path.write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    result = run_import(path)
    assert result.exit_status == 2
    assert "fichier illisible" in result.report["errors"][0]["message"]


def test_empty_folder_is_refused(tmp_path):
    (tmp_path / "vide").mkdir()
    result = run_import(tmp_path / "vide")
    assert result.exit_status == 2


def test_a_crash_stores_nothing(tmp_path, data, monkeypatch):
    from reperes.collection.importer import store as store_module

    monkeypatch.setattr(store_module, "upsert", _crash_after_first(store_module.upsert))
    with pytest.raises(RuntimeError):
        run_import(data.write_folder(tmp_path / "recueil", data.sample()))
    assert counts() == {"Participant": 0, "Action": 0, "Etape": 0, "SuiviFrein": 0, "Acquis": 0}
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.stored is False


def _crash_after_first(upsert):
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("panne au milieu de l'import")
        return upsert(*args, **kwargs)

    return wrapped


def test_masked_values_in_errors(tmp_path, data):
    tables = data.sample()
    tables["participants"].append(dict(tables["participants"][0]))  # duplicate id P001
    tables["participants"][1]["referent"] = "1 85 06 54 395 123 45"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    errors = result.report["errors"]
    duplicate = next(e for e in errors if e["column"] == "id_participant")
    assert duplicate["value"] == MASKED and duplicate["line"] == 5
    assert "ligne 2" in duplicate["message"]
    nir = next(e for e in errors if e["column"] == "referent")
    assert nir["value"] == MASKED and nir["line"] == 3
    assert "P001" not in repr(result.report)
