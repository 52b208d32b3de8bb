"""The built-in profile ``rdv-insertion-usagers``: the users export of rdv-insertion (public repository
gip-inclusion/rdv-insertion, app/services/exporters/generate_users_csv.rb), a CSV in UTF-8 with a BOM and « ; »."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reperes.collection.importer import run_import
from reperes.collection.mapping import load_profile
from reperes.collection.models import ImportRun, Participant

pytestmark = pytest.mark.django_db

# The headers of the export (organisation level, no motif category), in order.
HEADERS = [
    "Civilité", "Nom", "Prénom", "Numéro CAF", "ID interne au département", "ID France Travail", "Email",
    "Adresse", "CP", "Ville", "Téléphone", "Date de naissance", "Date de création", "Date d'entrée flux", "Rôle",
    "Première invitation envoyée le", "Dernière invitation envoyée le", "Dernière convocation envoyée le",
    "Date du dernier RDV", "Heure du dernier RDV", "Motif du dernier RDV", "Nature du dernier RDV",
    "Dernier RDV pris en autonomie ?", "Dernier RDV pris le", "Statut du rdv",
    "Rendez-vous d'orientation (RSA) honoré en - moins de 30 jours?",
    "Rendez-vous d'orientation (RSA) honoré en - moins de 15 jours?", "Date d'orientation", "Type d'orientation",
    "Date de début d'accompagnement", "Date de fin d'accompagnement", "Structure d'orientation", "Référent(s)",
    "Nombre d'organisations", "Nom des organisations", "Tags", "Archivé le", "Motif d'archivage",
]
USERS = [  # civilité, nom, prénom, CP, ville, naissance, création
    ("madame", "Doe", "Jane", "54200", "Toul", "20/12/1977", "20/05/2024"),
    ("monsieur", "Casubolo", "Marc", "54230", "Chavigny", "01/06/2000", "02/04/2024"),
    ("madame", "Blanc", "Léa", "54000", "Nancy", "31/05/1990", "31/05/2024"),
]


def write_export(path):
    lines = [";".join(HEADERS)]
    for n, (civ, nom, prenom, cp, ville, born, created) in enumerate(USERS):
        row = dict.fromkeys(HEADERS, "")
        row.update({"Civilité": civ, "Nom": nom, "Prénom": prenom, "Numéro CAF": f"12345{n}",
                    "ID France Travail": f"DDAAZZ{n}", "Email": f"{prenom.lower()}@exemple.fr",
                    "Adresse": f"{n} rue de la Gare {cp} {ville}", "CP": cp, "Ville": ville,
                    "Téléphone": f"+3361010101{n}", "Date de naissance": born, "Date de création": created,
                    "Date d'entrée flux": "18/05/2022", "Rôle": "demandeur", "Référent(s)": "referent@cd54.fr",
                    "Nombre d'organisations": "1", "Nom des organisations": "CD 54"})
        lines.append(";".join(row[h] for h in HEADERS))
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    return path


def test_the_users_export_imports_as_downloaded(tmp_path):
    path = write_export(tmp_path / "Export_usagers_organisation_cd_54.csv")
    profile = load_profile("rdv-insertion-usagers")
    assert "gip-inclusion/rdv-insertion" in profile.source
    result = run_import(path, mapping=profile)
    assert result.report["status"] == "ok", result.report["errors"]
    # By hand: Jane born 20/12/1977, created 20/05/2024 → 46; Marc 01/06/2000 on 02/04/2024 → 23; Léa born
    # 31/05/1990, created on her birthday → 34.
    rows = set(Participant.objects.values_list("sexe", "commune_residence", "date_entree", "age_entree",
                                               "niveau_formation"))
    assert rows == {("F", "54528", dt.date(2024, 5, 20), 46, "INCONNU"),
                    ("M", "54123", dt.date(2024, 4, 2), 23, "INCONNU"),
                    ("F", "54395", dt.date(2024, 5, 31), 34, "INCONNU")}
    stored = json.dumps([list(Participant.objects.values()), list(ImportRun.objects.values("report"))],
                        default=str, ensure_ascii=False)
    for text in ("Doe", "Jane", "Casubolo", "12345", "DDAAZZ", "@exemple.fr", "rue de la Gare", "+336",
                 "referent@cd54.fr", "20/12/1977"):
        assert text not in stored, text
    before = sorted(Participant.objects.values_list("id_hash", "date_entree"))
    run_import(path, mapping=profile)
    assert sorted(Participant.objects.values_list("id_hash", "date_entree")) == before


def test_the_same_person_in_both_exports_is_one_participant(tmp_path):
    """The person key is the same in both built-in profiles: Jane Doe of rdv-insertion is found again in an
    export of les emplois de l'inclusion."""
    from test_emplois_inclusion import write_export as write_candidatures

    run_import(write_export(tmp_path / "usagers.csv"), mapping=load_profile("rdv-insertion-usagers"))
    application = [("MME", "DOE", "Jane", dt.datetime(1977, 12, 20), "Toul", "54200", "ACI",
                    dt.datetime(2024, 6, 3), "Candidature acceptée", dt.datetime(2024, 6, 10), None)]
    result = run_import(write_candidatures(tmp_path / "candidatures.xlsx", application),
                        mapping=load_profile("emplois-inclusion-candidatures"))
    assert result.report["tables"]["etapes"]["accepted"] == 1
    assert Participant.objects.count() == 3
