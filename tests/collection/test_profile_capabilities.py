"""Profiles that fill, filter, group and split (docs/profils-de-correspondance.md), one capability at a time,
on real files read by the import core."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reperes.collection.importer import run_import
from reperes.collection.mapping import MappingError, profile_from_json
from reperes.collection.models import Etape, Participant

HEADER = ["Dossier", "Genre", "Naissance", "Code commune", "Allocation", "Entrée", "Actif"]
ROWS = [
    # Two rows of one person (D1): one record, entry = the oldest date.
    ["D1", "F", "12/31/1985", "54528", "RSA non inscrit", "05/03/2024", "oui"],
    ["D1", "F", "12/31/1985", "54528", "RSA non inscrit", "02/01/2024", "oui"],
    ["D2", "M", "01/02/1990", "54395", "DE", "03/04/2024", "oui"],
    ["D3", "M", "06/07/1970", "54395", "DE", "03/04/2024", "non"],  # filtered out
]
PROFILE = {
    "format": "reperes-correspondance", "version": 2, "nom": "Logiciel Y",
    "colonnes": {"Dossier": "id_participant", "Genre": "sexe", "Code commune": "commune_residence"},
    "valeurs": {"situation_entree": {"RSA non inscrit": "INACTIF", "DE": "DE"},
                "criteres": {"RSA non inscrit": "RSA", "DE": ""}},
    "tables": {"participants": {
        "feuilles": ["suivi"],
        "filtre": [{"colonne": "Actif", "valeurs": ["non"], "exclure": True}],
        "colonnes": {"Allocation": ["situation_entree", "criteres"], "Naissance": "date_naissance",
                     "Entrée": "date_entree"},
        "formats_date": {"Naissance": "MM/JJ/AAAA"},
        "defauts": {"niveau_formation": "INCONNU"},
        "constantes": {"prescripteur": "FRANCE_TRAVAIL"},
        "regrouper": {"par": "id_participant", "plus_ancienne": ["date_entree"]},
    }},
}

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(Participant.objects.values_list("sexe", "annee_naissance",
                                                  "age_entree", "date_entree", "situation_entree", "criteres",
                                                  "niveau_formation", "prescripteur"))


def test_filter_group_split_dates_defaults_and_constants(tmp_path, data):
    path = tmp_path / "suivi.csv"
    path.write_bytes(data.csv_bytes([dict(zip(HEADER, r, strict=True)) for r in ROWS]))
    result = run_import(path, mapping=PROFILE)
    assert result.report["status"] == "ok", result.report["errors"]
    assert result.report["tables"]["participants"]["accepted"] == 2
    # By hand: D1 born 31/12/1985 (stated MM/JJ/AAAA), first entry 02/01/2024 → 38; D2 born 2 Jan 1990, entry
    # 3 Apr 2024 → 34. « Allocation » gives both the situation and the criterion; D3 is filtered out.
    assert _rows() == sorted([
        ("F", 1985, 38, dt.date(2024, 1, 2), "INACTIF", ["RSA"], "INCONNU", "FRANCE_TRAVAIL"),
        ("M", 1990, 34, dt.date(2024, 4, 3), "DE", [], "INCONNU", "FRANCE_TRAVAIL"),
    ])
    assert result.report["profile"]["filled_by_default"] == [
        {"table": "participants", "column": "niveau_formation", "value": "INCONNU", "rows": 2}]


def test_a_default_fills_only_empty_cells(tmp_path, data):
    rows = [data.participant(id_participant="P1", niveau_formation=""), data.participant(id_participant="P2")]
    path = tmp_path / "participants.csv"
    path.write_bytes(data.csv_bytes(rows))
    profile = {"tables": {"participants": {"defauts": {"niveau_formation": "INCONNU"}}}}
    result = run_import(path, mapping=profile)
    assert result.report["status"] == "ok", result.report["errors"]
    assert sorted(Participant.objects.values_list("niveau_formation", flat=True)) == ["INCONNU", "NIV_3"]
    assert result.report["profile"]["filled_by_default"][0]["rows"] == 1


def test_tables_matched_by_file_name_in_a_folder(tmp_path, data):
    """A folder of participants.xlsx and etapes.xlsx, each with one sheet « Sheet1 »: read by file name."""
    folder = tmp_path / "export"
    folder.mkdir()
    data.write_xlsx(folder / "participants.xlsx", {"Sheet1": [data.participant()]}, extra_sheets=())
    data.write_xlsx(folder / "etapes.xlsx", {"Sheet1": [{"id_participant": "P001", "type_etape": "MOBILITE",
                                                    "date_debut": "05/03/2024"}]}, extra_sheets=())
    result = run_import(folder)
    assert result.report["status"] == "ok", result.report
    assert Participant.objects.count() == 1 and Etape.objects.count() == 1


def test_a_profile_table_matched_by_file_name(tmp_path, data):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "inscrits.csv").write_bytes(data.csv_bytes([data.participant(), data.participant(id_participant="P2")]))
    profile = {"tables": {"participants": {"feuilles": ["inscrits"]}}}
    result = run_import(folder, mapping=profile)
    assert result.report["tables"]["participants"]["accepted"] == 2


def test_errors_name_the_users_header_first(tmp_path, data):
    rows = [{"N° dossier": "D1", "Genre": "", "Date de naissance": "01/01/1980", "commune_residence": "54528",
             "niveau_formation": "NIV_3", "situation_entree": "DE", "date_entree": "01/02/2024"}]
    path = tmp_path / "export.csv"
    path.write_bytes(data.csv_bytes(rows))
    result = run_import(path, mapping={"colonnes": {"N° dossier": "id_participant", "Genre": "sexe",
                                                    "Date de naissance": "date_naissance"}})
    assert [e["message"] for e in result.report["errors"]] == ["Genre (sexe) : valeur obligatoire manquante."]


@pytest.mark.parametrize("tables, message", [
    ({"participant": {}}, "n'est pas une table du format"),
    ({"participants": {"trier": 1}}, "règle inconnue « trier »"),
    ({"participants": {"defauts": {"niveau_formation": "BAC"}}}, "n'est pas un code de la liste"),
    ({"participants": {"formats_date": {"Naissance": "AAAA"}}}, "format de date « AAAA »"),
    ({"participants": {"filtre": [{"valeurs": ["x"]}]}}, "un filtre s'écrit"),
    ({"participants": {"regrouper": {"par": "dossier"}}}, "n'est pas une colonne de la table"),
])
def test_malformed_rules_are_refused_in_french(tables, message):
    with pytest.raises(MappingError, match=message):
        profile_from_json(json.dumps({"tables": tables}))
