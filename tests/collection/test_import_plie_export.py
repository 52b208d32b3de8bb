"""« Done when »: a messy export made the way a PLIE's software writes it imports with exactly the right counts,
every rejected line explained; a second import changes nothing. The same data as an Excel workbook gives the
same result. Fixture: ``tests/collection/data/`` (rebuilt by ``make_plie_export.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reperes.collection.importer import run_import
from reperes.collection.models import Acquis, Action, Etape, ImportSnapshotRow, Participant, SuiviFrein
from reperes.privacy import MASKED, pseudonymise

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SOURCES = {"csv": DATA / "plie_export", "xlsx": DATA / "plie_export.xlsx"}

TABLES = {
    "participants": {"read": 13, "accepted": 5, "rejected": 7, "skipped": 1},
    "etapes": {"read": 7, "accepted": 4, "rejected": 3, "skipped": 0},
}
# (table, line, column) → a piece of the French message that says what to fix.
ERRORS = {
    ("participants", 6, "date_naissance"): "l'année doit s'écrire avec quatre chiffres",
    ("participants", 7, "date_naissance"): "jour inexistant",
    ("participants", 8, "niveau_formation"): "Valeur inconnue « Bac+12 »",
    ("participants", 9, "motif_sortie"): "Date de sortie sans motif",
    ("participants", 10, "id_participant"): "Identifiant déjà utilisé à la ligne 3",
    ("participants", 11, "date_sortie"): "antérieure à la date d'entrée",
    ("participants", 13, "referent"): "numéro de sécurité sociale",
    ("etapes", 5, "id_participant"): "le participant de la ligne 6 a été rejeté",
    ("etapes", 6, "id_participant"): "Participant inconnu",
    ("etapes", 7, "date_fin"): "antérieure à la date de début",
}
IGNORED = [
    {"table": "participants", "column": "Nom", "reason": "identifiant direct"},
    {"table": "participants", "column": "Prénom", "reason": "identifiant direct"},
    {"table": "participants", "column": "Téléphone", "reason": "identifiant direct"},
    {"table": "etapes", "column": "Nom", "reason": "identifiant direct"},
]


def stored_state() -> dict:
    return {model.__name__: sorted(model.objects.values_list(), key=lambda row: row[0])
            for model in (Participant, Action, Etape, SuiviFrein, Acquis)}


def test_the_fixture_looks_like_a_plie_export():
    raw = (SOURCES["csv"] / "participants.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.splitlines()[0].startswith("Id participant;Nom;Prénom;Téléphone;Sexe;Date de naissance")
    assert "# Export du" in text and "Emploi durable – CDI" in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_messy_export_imports_with_the_exact_counts_and_every_rejection_explained(kind, pseudonym_key):
    result = run_import(SOURCES[kind])

    report = result.report
    assert result.exit_status == 3 and report["status"] == "partial" and report["stored"] is True
    assert report["tables"] == TABLES
    found = {(e["table"], e["line"], e["column"]): e for e in report["errors"]}
    assert set(found) == set(ERRORS)
    for key, text in ERRORS.items():
        assert text in found[key]["message"], (key, found[key]["message"])
    assert found[("participants", 13, "referent")]["value"] == MASKED
    assert found[("participants", 10, "id_participant")]["value"] == MASKED
    assert found[("participants", 6, "date_naissance")]["value"] == "03/04/85"
    assert report["ignored_columns"] == IGNORED
    if kind == "xlsx":
        assert report["ignored_sheets"] == [{"sheet": "Export",
                                            "reason": "feuille qui ne correspond à aucune table du format"}]

    assert Participant.objects.count() == 5 and Etape.objects.count() == 4
    marie = Participant.objects.get(id_hash=pseudonymise("10231", pseudonym_key))
    assert (marie.sexe, marie.niveau_formation, marie.situation_entree, marie.qpv) == ("F", "NIV_3", "DE", True)
    assert marie.criteres == ["RSA", "PARENT_ISOLE"] and marie.freins_entree == ["MOBILITE", "LOGEMENT"]
    assert marie.age_entree == 38 and marie.prescripteur == "FRANCE_TRAVAIL"
    paul = Participant.objects.get(id_hash=pseudonymise("10232", pseudonym_key))
    assert paul.motif_sortie == "EMPLOI_CDI" and paul.sexe == "M"
    assert set(Etape.objects.values_list("type_etape", flat=True)) == {
        "MOBILITE", "FORMATION_QUALIFIANTE", "ORIENTATION_PROJET", "IMMERSION"}
    everything = repr(stored_state()) + repr(report)
    for identifying in ("Dupont", "Marie", "06 12 34 56 78", "1 85 06 54 395 123 45"):
        assert identifying not in everything


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_second_import_of_the_export_changes_nothing(kind):
    run_import(SOURCES[kind])
    before = stored_state()

    again = run_import(SOURCES[kind])

    assert again.report["tables"] == TABLES
    assert stored_state() == before  # not even the run that last wrote each row
    assert not ImportSnapshotRow.objects.filter(run=again.run).exists()


def test_csv_and_excel_versions_store_the_same_rows():
    def values():
        out = {}
        for model in (Participant, Etape):
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation]
            out[model.__name__] = sorted(model.objects.values_list(*fields))
        return out

    run_import(SOURCES["csv"])
    from_csv = values()
    Participant.objects.all().delete()
    run_import(SOURCES["xlsx"])
    assert values() == from_csv
