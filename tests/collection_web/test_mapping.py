"""Mapping profiles: fuzzy proposals, value suggestions, applying a profile, the --mapping option."""

from __future__ import annotations

import json

import polars as pl
import pytest
from collection_web_helpers import csv_text

from reperes.collection.mapping import (
    MappingError,
    Profile,
    apply_mapping,
    profile_from_json,
    propose_mapping,
    suggest_values,
)

EXPORT_HEADER = ["N° dossier", "Nom", "Prénom", "Genre", "Date de naissance", "Code INSEE commune",
                 "Niveau de diplôme", "Situation à l'entrée", "Date d'entrée", "Date de sortie", "Motif de sortie"]
EXPORT_ROWS = [
    ["D-001", "Martin", "Julie", "Femme", "12/04/1990", "54528", "Bac", "DE", "01/02/2024", "", ""],
    ["D-002", "Durand", "Paul", "Homme", "03/11/1975", "54395", "CAP", "Inactif", "15/03/2024", "30/09/2024",
     "EMPLOI_CDI"],
    ["D-003", "Petit", "Léa", "Femme", "22/07/2001", "54528", "Sans diplôme", "DE", "02/05/2024", "", ""],
]
PROFILE = {
    "colonnes": {"N° dossier": "id_participant", "Genre": "sexe", "Date de naissance": "date_naissance",
                 "Code INSEE commune": "commune_residence", "Niveau de diplôme": "niveau_formation",
                 "Situation à l'entrée": "situation_entree", "Date d'entrée": "date_entree",
                 "Date de sortie": "date_sortie", "Motif de sortie": "motif_sortie"},
    "valeurs": {"niveau_formation": {"Bac": "NIV_4", "CAP": "NIV_3", "Sans diplôme": "INFRA_3"}},
}


def test_proposals_match_export_headers_with_a_score_and_never_map_identifying_columns():
    samples = {h: [r[i] for r in EXPORT_ROWS] for i, h in enumerate(EXPORT_HEADER)}
    proposals = {p.source: p for p in propose_mapping(EXPORT_HEADER, samples)}
    assert proposals["Date de naissance"].target == "date_naissance"
    assert proposals["Date de naissance"].score == 100
    assert proposals["Situation à l'entrée"].target == "situation_entree"
    assert proposals["Date d'entrée"].target == "date_entree"
    assert proposals["Motif de sortie"].target == "motif_sortie"
    assert proposals["Code INSEE commune"].target == "commune_residence"
    assert proposals["Genre"].target == "sexe"  # its values are codes of the sexe list
    assert proposals["Nom"].target is None and proposals["Prénom"].target is None
    assert proposals["Genre"].samples == ("Femme", "Homme", "Femme")
    targets = [p.target for p in proposals.values() if p.target]
    assert len(targets) == len(set(targets)), "each exchange column is proposed once"
    assert all(0 <= p.score <= 100 for p in proposals.values())


def test_values_are_suggested_from_the_referentiel_labels():
    suggestions = suggest_values("niveau_formation", ["Bac", "CAP", "Sans diplôme", "NIV_3", "Niveau 5 (bac + 2)"])
    assert suggestions["Bac"][0] == "NIV_4"
    assert suggestions["CAP"][0] == "NIV_3"
    assert suggestions["Sans diplôme"][0] == "INFRA_3"
    assert "NIV_3" not in suggestions and "Niveau 5 (bac + 2)" not in suggestions  # already readable
    assert suggest_values("niveau_formation", ["Licence pro"])["Licence pro"][0] is None
    assert suggest_values("referent", ["R1"]) == {}


def test_apply_mapping_renames_columns_and_replaces_values_part_by_part():
    frames = {"participants": pl.DataFrame({"Niveau de diplôme": ["Bac", "bac ", None, "NIV_3"],
                                            "Critères": ["rsa ass|Parent seul", None, "RSA", "x"]})}
    profile = Profile("p", {"Niveau de diplôme": "niveau_formation", "Critères": "criteres"},
                      {"niveau_formation": {"Bac": "NIV_4"}, "criteres": {"Parent seul": "PARENT_ISOLE"}})
    out = apply_mapping(frames, profile)["participants"]
    assert out.columns == ["niveau_formation", "criteres"]
    assert out["niveau_formation"].to_list() == ["NIV_4", "NIV_4", None, "NIV_3"]
    assert out["criteres"].to_list() == ["rsa ass|PARENT_ISOLE", None, "RSA", "x"]


@pytest.mark.parametrize("text, message", [
    ("{pas du json", "n'est pas un JSON valide"),
    ("[1, 2]", "doit être un objet JSON"),
    ('{"colonnes": {"A": "colonne_qui_n_existe_pas"}}', "n'est pas une colonne du format"),
    ('{"colonnes": {"A": 3}}', "mal formé"),
    ('{"valeurs": {"niveau_formation": {"Bac": "NIV_99"}}}', "n'est pas un code de la liste niveau_formation"),
    ('{"valeurs": {"niveau_formation": "NIV_4"}}', "doivent être un objet JSON"),
])
def test_malformed_profiles_are_refused_in_french(text, message):
    with pytest.raises(MappingError, match=message):
        profile_from_json(text)


def test_exported_profile_reads_back_identically():
    profile = profile_from_json(json.dumps(PROFILE), name="Logiciel X")
    again = profile_from_json(json.dumps(profile.to_json()))
    assert again == profile and again.name == "Logiciel X"


@pytest.mark.django_db
def test_run_import_with_a_mapping_reads_an_export_and_without_it_refuses(tmp_path):
    from reperes.collection.importer import run_import
    from reperes.collection.models import Participant

    path = tmp_path / "export.csv"
    path.write_bytes(csv_text(EXPORT_HEADER, EXPORT_ROWS))

    refused = run_import(path)
    assert refused.exit_status == 2 and Participant.objects.count() == 0

    result = run_import(path, mapping=PROFILE)
    assert result.report["status"] == "ok", result.report["errors"]
    assert result.report["tables"]["participants"]["accepted"] == 3
    assert sorted(Participant.objects.values_list("niveau_formation", flat=True)) == ["INFRA_3", "NIV_3", "NIV_4"]
    identifying = {c["column"] for c in result.report["ignored_columns"] if c["reason"] == "identifiant direct"}
    assert identifying == {"Nom", "Prénom"}


@pytest.mark.django_db
def test_a_profile_cannot_make_an_identifying_column_read(tmp_path):
    from reperes.collection.importer import run_import

    path = tmp_path / "export.csv"
    path.write_bytes(csv_text(EXPORT_HEADER, EXPORT_ROWS))
    sneaky = {"colonnes": {**PROFILE["colonnes"], "Nom": "referent"}, "valeurs": PROFILE["valeurs"]}
    result = run_import(path, mapping=sneaky)
    # Reported as dropped, with the reason and the column the profile asked for.
    reasons = {c["column"]: c["reason"] for c in result.report["ignored_columns"]}
    assert reasons["Nom"].startswith("identifiant direct : le profil la fait correspondre à referent")
    assert "n'est jamais lue" in reasons["Nom"]
    assert reasons["Prénom"] == "identifiant direct"
    from reperes.collection.models import Participant

    assert not Participant.objects.filter(referent="Martin").exists()


@pytest.mark.django_db
def test_cli_mapping_takes_a_profile_file_and_refuses_unknown_names_and_bad_files(tmp_path, capsys):
    from reperes.cli import main

    export = tmp_path / "export.csv"
    export.write_bytes(csv_text(EXPORT_HEADER, EXPORT_ROWS))
    profile = tmp_path / "profil.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")

    assert main(["import", str(export), "--mapping", str(profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tables"]["participants"]["accepted"] == 3

    assert main(["import", str(export), "--mapping", "Logiciel inconnu"]) == 2
    err = capsys.readouterr().err
    assert "Profil de correspondance inconnu : « Logiciel inconnu »" in err and "Traceback" not in err

    bad = tmp_path / "casse.json"
    bad.write_text("{pas du json", encoding="utf-8")
    assert main(["import", str(export), "--mapping", str(bad)]) == 2
    assert "JSON valide" in capsys.readouterr().err
    assert main(["import", str(export), "--mapping", str(tmp_path / "absent.json")]) == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.mark.django_db
def test_cli_mapping_takes_a_saved_profile_name(tmp_path, capsys):
    from reperes.cli import main
    from reperes.collection.models import MappingProfile, Participant

    MappingProfile.objects.create(name="Logiciel X", columns=PROFILE["colonnes"], values=PROFILE["valeurs"])
    export = tmp_path / "export.csv"
    export.write_bytes(csv_text(EXPORT_HEADER, EXPORT_ROWS))
    assert main(["import", str(export), "--mapping", "Logiciel X"]) == 0
    assert Participant.objects.count() == 3
    assert "Profil de correspondance appliqué : « Logiciel X »" in capsys.readouterr().err
