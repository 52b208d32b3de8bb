"""« Done when »: the « candidatures » export of les emplois de l'inclusion, in the repository's layout
(gip-inclusion/les-emplois, itou/job_applications/export.py), imports as downloaded with the built-in profile
``emplois-inclusion-candidatures``: one participant per person, étapes for accepted applications only, ages
and shares as counted by hand, nothing identifying stored; a second import changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reperes.collection.importer import run_import
from reperes.collection.mapping import builtin_profiles, load_profile
from reperes.collection.models import Etape, ImportRun, Participant

pytestmark = pytest.mark.django_db

# The 25 headers of the export, in order, as the repository writes them (typographic apostrophes included).
HEADERS = [
    "Civilité candidat", "Nom candidat", "Prénom candidat", "Email candidat", "Téléphone candidat",
    "Date de naissance candidat", "Ville candidat", "Département candidat", "Nom structure employeur",
    "Type employeur", "Métiers", "Source de la candidature", "Nom organisation prescripteur",
    "Nom utilisateur prescripteur", "Date de la candidature", "Statut de la candidature",
    "Dates de début d’embauche", "Dates de fin d’embauche", "Motifs de refus", "Éligibilité IAE validée",
    "Eligible au contrôle", "Numéro PASS IAE", "Début PASS IAE", "Fin PASS IAE", "Statut PASS IAE",
]
ACCEPTED, REFUSED, NEW = "Candidature acceptée", "Candidature déclinée", "Nouvelle candidature"
D = dt.datetime

# (civilité, nom, prénom, naissance, ville, code postal, type employeur, date candidature, statut, début, fin)
APPLICATIONS = [
    ("MME", "MARTIN", "Alice", "03/10/1990", "Toul", "54200", "ACI", D(2024, 1, 10), REFUSED, None, None),
    ("MME", "Martin", "Alice", D(1990, 10, 3), "TOUL", "54200", "ETTI", D(2024, 2, 5), ACCEPTED,
     D(2024, 2, 12), D(2024, 8, 11)),
    ("M", "DURAND", "Bruno", D(1985, 6, 15), "ECROUVES", "54200", "EI", D(2024, 2, 20), REFUSED, None, None),
    ("M", "DURAND", "Bruno", D(1985, 6, 15), "Écrouves", "54200", "ACI", D(2024, 3, 1), ACCEPTED,
     D(2024, 3, 15), None),
    ("MME", "PETIT", "Chloé", D(2001, 12, 31), "Chavigny", "54230", "EITI", D(2024, 4, 2), ACCEPTED,
     D(2024, 4, 10), D(2024, 10, 9)),
    ("MME", "PETIT", "Chloé", D(2001, 12, 31), "Chavigny", "54230", "AI", D(2024, 4, 5), "Embauché ailleurs",
     None, None),
    ("M", "LEROY", "David", D(1970, 3, 1), "gondreville", "54840", "GEIQ", D(2024, 5, 6), NEW, None, None),
    ("MME", "ROUX", "Emma", D(1995, 5, 6), "Nancy", "54000", "EA", D(2024, 5, 6), ACCEPTED,
     D(2024, 5, 13), None),
    ("M", "BENALI", "Farid", D(1980, 2, 29), "Metz", "57000", "ACI", D(2024, 2, 28), "Candidature à l'étude",
     None, None),
    ("M", "BENALI", "Farid", D(1980, 2, 29), "Metz", "57000", "GEIQ", D(2024, 3, 4), ACCEPTED,
     D(2024, 3, 18), None),
    ("", "BLANC", "Gaëlle", D(1992, 7, 14), "Toul", "54200", "AI", D(2024, 6, 3), ACCEPTED,
     D(2024, 6, 10), None),
    ("M", "NOIR", "Hugo", None, "Toul", "54200", "ACI", D(2024, 6, 20), REFUSED, None, None),
]
IDENTIFYING = ["MARTIN", "Martin", "Alice", "DURAND", "Bruno", "PETIT", "Chloé", "LEROY", "David", "ROUX",
               "Emma", "BENALI", "Farid", "BLANC", "Gaëlle", "NOIR", "Hugo", "@exemple.fr", "06 12",
               "1990-10-03", "03/10/1990"]

# By hand: the six people with a civilité and a birth date, their first application, their age then.
EXPECTED = {  # commune → (sexe, date_entree, age_entree)
    "54528": ("F", dt.date(2024, 1, 10), 33),  # Alice, born 3 Oct 1990
    "54174": ("M", dt.date(2024, 2, 20), 38),  # Bruno, born 15 Jun 1985
    "54123": ("F", dt.date(2024, 4, 2), 22),  # Chloé, born 31 Dec 2001
    "54232": ("M", dt.date(2024, 5, 6), 54),  # David, born 1 Mar 1970
    "54395": ("F", dt.date(2024, 5, 6), 29),  # Emma, born 6 May 1995: her birthday
    "57463": ("M", dt.date(2024, 2, 28), 43),  # Farid, born 29 Feb 1980: the day before his birthday
}
STEPS = {("SIAE_ETTI", dt.date(2024, 2, 12), dt.date(2024, 8, 11)), ("SIAE_ACI", dt.date(2024, 3, 15), None),
         ("SIAE_EI", dt.date(2024, 4, 10), dt.date(2024, 10, 9)), ("EMPLOI_CDD", dt.date(2024, 5, 13), None),
         ("GEIQ", dt.date(2024, 3, 18), None)}
TERRES_DE_LORRAINE = {"200070563", "245400171", "200035772", "245400510"}


def write_export(path: Path, applications=APPLICATIONS) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet.title == "Sheet"  # the name the export's sheet has
    sheet.append(HEADERS)
    for n, (civ, nom, prenom, born, ville, cp, kind, applied, state, start, end) in enumerate(applications):
        sheet.append([civ or None, nom, prenom, f"{prenom.lower()}.{n}@exemple.fr", f"06 12 34 56 {n:02d}", born,
                      ville, cp, f"Nom de la structure {kind}", kind, "Agent d'entretien", "Prescripteur habilité",
                      "France Travail Toul", "Nom Conseiller", applied, state, start, end,
                      "Autre" if state == REFUSED else None, "oui", "non",
                      "XXXXX2412345" if state == ACCEPTED else None, start, None, None])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY"
    book.save(path)
    return path


def stored_state():
    return (sorted(Participant.objects.values_list("id_hash", "sexe", "date_entree", "age_entree",
                                                   "commune_residence", "niveau_formation", "situation_entree")),
            sorted(Etape.objects.values_list("etape_key", "type_etape", "date_debut", "date_fin")))


def test_the_layout_is_the_repositorys():
    assert len(HEADERS) == 25 and HEADERS[0] == "Civilité candidat" and HEADERS[-1] == "Statut PASS IAE"


def test_the_export_imports_as_downloaded_with_the_builtin_profile(tmp_path, territory):
    path = write_export(tmp_path / "candidatures.xlsx")
    profile = load_profile("emplois-inclusion-candidatures")
    result = run_import(path, mapping=profile)
    report = result.report

    # One participant per person; the two without civilité or birth date are rejected, saying why.
    assert report["tables"]["participants"] == {"read": 8, "accepted": 6, "rejected": 2, "skipped": 0}
    # Étapes: the six accepted applications; the one of the rejected person goes with her.
    assert report["tables"]["etapes"] == {"read": 6, "accepted": 5, "rejected": 1, "skipped": 0}
    messages = [e["message"] for e in report["errors"]]
    assert "Civilité candidat (sexe) : valeur obligatoire manquante." in messages
    assert any(m.startswith("Date de naissance candidat (date_naissance) : naissance manquante") for m in messages)

    rows = {p.commune_residence: p for p in Participant.objects.all()}
    assert {c: (p.sexe, p.date_entree, p.age_entree) for c, p in rows.items()} == EXPECTED
    assert {p.niveau_formation for p in rows.values()} == {"INCONNU"}
    assert {p.situation_entree for p in rows.values()} == {"INCONNU"}
    # Shares by hand: 3 women of 6; 4 of 6 living in the territory (Nancy and Metz are outside).
    assert sum(p.sexe == "F" for p in rows.values()) / len(rows) == 0.5
    assert sum(p.epci_siren in TERRES_DE_LORRAINE for p in rows.values()) == 4
    assert {(e.type_etape, e.date_debut, e.date_fin) for e in Etape.objects.all()} == STEPS
    by_person = {p.commune_residence: p.etapes.count() for p in Participant.objects.all()}
    assert by_person == {"54528": 1, "54174": 1, "54123": 1, "54232": 0, "54395": 1, "57463": 1}

    # The report says what the profile approximates and what it filled by default.
    said = report["profile"]
    assert said["name"] == "emplois-inclusion-candidatures"
    assert any("date_entree" in n and "approximation" in n for n in said["notes"])
    assert {(f["column"], f["value"], f["rows"]) for f in said["filled_by_default"]} == {
        ("niveau_formation", "INCONNU", 8), ("situation_entree", "INCONNU", 8)}
    ignored = {c["column"]: c["reason"] for c in report["ignored_columns"] if c["table"] == "participants"}
    assert ignored["Nom candidat"].startswith("identifiant direct : lu seulement pour calculer la clé")
    assert ignored["Email candidat"] == ignored["Téléphone candidat"] == "identifiant direct"

    # Nothing identifying stored: not in the rows, not in the run's report.
    stored = json.dumps([list(Participant.objects.values()), list(Etape.objects.values()),
                         list(ImportRun.objects.values("report"))], default=str, ensure_ascii=False)
    for text in IDENTIFYING:
        assert text not in stored, text

    before = stored_state()
    again = run_import(path, mapping=profile)
    assert again.report["tables"] == report["tables"]
    assert stored_state() == before


def test_summary_and_cli_name_the_builtin_profile(tmp_path, capsys, territory):
    from reperes.cli import main

    path = write_export(tmp_path / "export-candidatures.xlsx")
    assert main(["import", str(path), "--mapping", "emplois-inclusion-candidatures"]) == 3
    out = capsys.readouterr().out
    assert "Rempli par défaut : participants niveau_formation = INCONNU (8 ligne(s)" in out
    assert "Approximation du profil : participants.date_entree" in out
    assert Participant.objects.count() == 6


def test_builtin_profiles_read_back_and_describe_their_source():
    profiles = builtin_profiles()
    profile = profiles["emplois-inclusion-candidatures"]
    assert "gip-inclusion/les-emplois" in profile.source
    assert "approximation" in profile.description and "EITI" in profile.description
    assert "EA" in profile.description


def test_a_whole_profile_written_as_a_file_is_added_on_the_page_and_imports_the_export(
        tmp_path, territory, client_admin, settings):
    """A profile with a person key, grouping, date formats, defaults and constants (the built-in one, renamed as
    a user would keep their own) is added on « Profils de correspondance », then chosen at the upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reperes.collection.mapping import BUILTIN_DIR
    from reperes.collection.models import MappingProfile

    settings.REPERES_IMPORTS_SYNC = True
    text = (BUILTIN_DIR / "emplois-inclusion-candidatures.json").read_bytes()
    added = client_admin.post(reverse("collection:mappings"), {
        "file": SimpleUploadedFile("mon-profil.json", text), "name": "Candidatures de notre PLIE"})
    assert added.status_code == 302
    profile = MappingProfile.objects.get(name="Candidatures de notre PLIE")
    export = write_export(tmp_path / "candidatures.xlsx").read_bytes()
    response = client_admin.post(reverse("collection:import_upload"), {
        "file": SimpleUploadedFile("candidatures.xlsx", export), "mode": "normal", "profile": profile.pk})
    assert response.status_code == 302
    rows = {p.commune_residence: p for p in Participant.objects.all()}
    assert {c: (p.sexe, p.date_entree, p.age_entree) for c, p in rows.items()} == EXPECTED
    assert {(e.type_etape, e.date_debut, e.date_fin) for e in Etape.objects.all()} == STEPS
