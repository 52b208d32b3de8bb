"""One French message per bad value (the cause, not the union's branches); v0 files named and converted."""

from __future__ import annotations

import io
import json

import pytest
from offer_files import service_record, structure_record

from reperes.cli import offer_cmd
from reperes.offer import models
from reperes.offer.importer import typographie

pytestmark = pytest.mark.django_db


def run(cli, capsys, path):
    status = cli(offer_cmd, "offer", "import", str(path), "--json")
    return status, json.loads(capsys.readouterr().out)


def api(record):
    return {**record, "date_maj": record["date_maj"].isoformat()}


def test_one_message_per_bad_code_saying_what_is_expected(tmp_path, cli, capsys):
    (tmp_path / "structures.json").write_text(json.dumps([api(structure_record()),
                                                          {**api(structure_record(id="dora--s9")), "siret": "123"}]))
    bad = {**api(service_record()), "zone_eligibilite": ["5935", "200093201", "1234567"], "code_postal": "590"}
    (tmp_path / "services.json").write_text(json.dumps([bad]))
    status, report = run(cli, capsys, tmp_path)
    assert status == 3
    by_column = {}
    for e in report["errors"]:
        by_column.setdefault((e["table"], e["column"]), []).append(e)
    zone = by_column[("services", "zone_eligibilite")]
    assert [e["value"] for e in zone] == ["5935", "1234567"]  # one message per bad code, the good one not named
    assert all(e["message"].startswith("Code de zone non reconnu") for e in zone)
    assert "SIREN d’EPCI (9\u00a0chiffres)" not in zone[0]["message"]  # no stray space change inside the text
    assert "EPCI (9 chiffres)" in zone[0]["message"] and "«\u00a0france\u00a0»" in zone[0]["message"]
    assert [e["message"] for e in by_column[("services", "code_postal")]] == [
        "Code postal invalide\u00a0: 5 chiffres attendus (par exemple 59000)."]
    [siret] = by_column[("structures", "siret")]
    assert siret["line"] == 2 and siret["value"] == "123" and siret["message"].startswith("SIRET invalide\u00a0:")
    assert len(report["errors"]) == 4


def test_typography_of_messages():
    assert typographie("Valeur inconnue « x » : d'EPCI ; vraiment ?") == \
        "Valeur inconnue «\u00a0x\u00a0»\u00a0: d’EPCI\u00a0; vraiment\u00a0?"


V0_STRUCTURE = {
    "id": "s-v0", "siret": "13002526500013", "rna": None, "nom": "Mission locale de Lille", "commune": "Lille",
    "code_postal": "59000", "code_insee": "59350", "adresse": "12 rue de Paris", "complement_adresse": None,
    "longitude": 3.05, "latitude": 50.63, "typologie": "ML", "telephone": "0320000000",
    "courriel": "contact@ml-lille.fr", "site_web": "https://www.ml-lille.fr/", "presentation_resume": "Jeunes",
    "presentation_detail": "Accueil des jeunes de 16 à 25 ans.", "source": "dora", "date_maj": "2023-05-02T10:00:00",
    "antenne": False, "lien_source": "https://dora.inclusion.beta.gouv.fr/s/ml", "horaires_ouverture": "Mo-Fr 09:00-17:00",
    "accessibilite": "https://acceslibre.beta.gouv.fr/ml/", "labels_nationaux": ["pole-emploi", "label-inconnu"],
    "labels_autres": ["Label local"], "thematiques": ["mobilite"],
}
V0_SERVICE = {
    "id": "v-v0", "structure_id": "s-v0", "source": "dora", "nom": "Aide au permis",
    "presentation_resume": "Permis", "presentation_detail": "Financement et préparation du permis B.",
    "types": ["formation", "numerique"], "thematiques": ["mobilite--preparer-un-permis", "theme-disparu"],
    "prise_rdv": "https://rdv.example.fr/", "frais": ["gratuit-sous-conditions"], "frais_autres": "Selon revenus",
    "profils": ["jeunes-16-26", "adultes"], "profils_precisions": "Moins de 26 ans", "pre_requis": ["Avoir 17 ans"],
    "cumulable": True, "justificatifs": ["Pièce d'identité"], "formulaire_en_ligne": None, "commune": "Lille",
    "code_postal": "59000", "code_insee": "59350", "adresse": "12 rue de Paris", "complement_adresse": None,
    "longitude": None, "latitude": None, "recurrence": "Le mardi", "date_creation": "2022-01-01",
    "date_suspension": None, "lien_source": None, "telephone": "0320000001", "courriel": "permis@ml-lille.fr",
    "contact_public": True, "contact_nom_prenom": "Camille Martin", "date_maj": "2023-05-02",
    "modes_accueil": ["en-presentiel"], "modes_orientation_accompagnateur": ["envoyer-un-mail", "telephoner"],
    "modes_orientation_accompagnateur_autres": "Fiche de liaison", "modes_orientation_beneficiaire": ["se-presenter"],
    "modes_orientation_beneficiaire_autres": None, "zone_diffusion_type": "epci", "zone_diffusion_code": "200093201",
    "zone_diffusion_nom": "Métropole Européenne de Lille", "page_web": "https://dora.inclusion.beta.gouv.fr/v/permis",
}


def test_v0_files_are_named_converted_and_what_has_no_equivalent_is_reported(tmp_path, cli, capsys):
    (tmp_path / "structures.json").write_text(json.dumps([V0_STRUCTURE]))
    (tmp_path / "services.json").write_text(json.dumps([V0_SERVICE]))
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    notes = " ".join(report["notes"]).replace("\u00a0", " ")
    assert "Structures : fichier de l’ancien schéma v0" in notes and "Services : fichier de l’ancien schéma v0" in notes
    for value in ("label-inconnu", "theme-disparu", "adultes", "numerique"):
        assert f"« {value} »" in notes, value
    assert "formation, " not in notes or "premier dans l’ordre" not in notes  # one type kept: formation only
    s = models.Structure.objects.get()
    assert s.description == "Accueil des jeunes de 16 à 25 ans." and s.horaires_accueil == "Mo-Fr 09:00-17:00"
    assert s.accessibilite_lieu == "https://acceslibre.beta.gouv.fr/ml/"
    assert s.reseaux_porteurs == ["france-travail", "mission-locale"]
    assert s.date_maj.isoformat() == "2023-05-02"
    v = models.Service.objects.get()
    assert v.structure == s and v.type == "formation" and v.thematiques == ["mobilite--preparer-un-permis"]
    assert v.publics == ["jeunes"] and v.publics_precisions == "Moins de 26 ans"
    assert v.frais == "gratuit" and v.frais_precisions == "gratuit sous conditions\nSelon revenus"
    assert v.conditions_acces == "Prérequis : Avoir 17 ans.\nJustificatifs : Pièce d'identité."
    assert v.zone_eligibilite == ["200093201"] and v.lien_mobilisation == "https://rdv.example.fr/"
    assert v.modes_mobilisation == ["envoyer-un-courriel", "se-presenter", "telephoner"]
    assert v.mobilisable_par == ["professionnels", "usagers"]
    assert v.mobilisation_precisions == "Professionnels : Fiche de liaison"
    assert v.lien_source == "https://dora.inclusion.beta.gouv.fr/v/permis" and v.horaires_accueil == "Le mardi"
    ignored = {(c["table"], c["column"]): c["reason"].replace("\u00a0", " ") for c in report["ignored_columns"]}
    assert ignored[("services", "cumulable")] == "ancien schéma v0 : pas d’équivalent en v1"
    assert ignored[("structures", "labels_autres")] == "ancien schéma v0 : pas d’équivalent en v1"
    assert ("services", "presentation_detail") not in ignored and ("services", "profils") not in ignored


def test_v0_services_with_region_zone_and_several_types(tmp_path, cli, capsys):
    (tmp_path / "structures.json").write_text(json.dumps([V0_STRUCTURE]))
    service = {**V0_SERVICE, "types": ["information", "accompagnement"], "zone_diffusion_type": "region",
               "zone_diffusion_code": "32"}
    (tmp_path / "services.json").write_text(json.dumps([service]))
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    v = models.Service.objects.get()
    assert v.type == "accompagnement" and v.zone_eligibilite == []  # région 32 is not département 32
    notes = " ".join(report["notes"]).replace("\u00a0", " ")
    assert "32 (region)" in notes and "accompagnement, information → accompagnement" in notes


def test_services_link_to_structures_stored_by_an_earlier_import(tmp_path, cli, capsys):
    """The PLIE imports the structures one week, the services the next, each file on its own."""
    from offer_files import write_opendata

    first, second = tmp_path / "semaine1", tmp_path / "semaine2"
    first.mkdir()
    second.mkdir()
    structures = [structure_record(), structure_record(source="soliguide", id="dora--s1", nom="Homonyme Soliguide")]
    write_opendata(first, "structures", structures, "csv", date="2026-11-23")
    assert run(cli, capsys, first)[0] == 0
    assert models.Structure.objects.count() == 2  # same id, two sources: two structures
    services = [service_record(), service_record(source="soliguide", id="dora--v1", nom="Service Soliguide"),
                service_record(id="dora--v3", structure_id="dora--absente")]
    write_opendata(second, "services", services, "json")
    status, report = run(cli, capsys, second)
    assert status == 3
    assert models.Service.objects.get(source="dora", di_id="dora--v1").structure.nom == "Mission locale de Lille"
    assert models.Service.objects.get(source="soliguide").structure.nom == "Homonyme Soliguide"
    [error] = report["errors"]
    assert error["value"] == "dora--absente" and error["message"].startswith("Structure inconnue pour la source")
    before = sorted(models.Service.objects.values_list("source", "di_id", "structure__nom"))
    assert run(cli, capsys, second)[0] == 3
    assert sorted(models.Service.objects.values_list("source", "di_id", "structure__nom")) == before


def test_a_service_file_uploaded_on_the_page_finds_its_stored_structure(tmp_path, cli, capsys, client_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from offer_files import write_opendata

    write_opendata(tmp_path, "structures", [structure_record()], "json")
    path = write_opendata(tmp_path, "services", [service_record()], "csv")
    assert run(cli, capsys, tmp_path / "structures-inclusion-2026-11-30.json")[0] == 0
    response = client_admin.post(reverse("offer:import"),
                                 {"fichier": SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")})
    assert response.status_code == 200
    assert "Toutes les lignes ont été acceptées" in response.content.decode()
    assert models.Service.objects.get().structure.di_id == "dora--s1"


def test_the_upload_page_names_the_users_file_and_fills_source_from_it(client_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from openpyxl import Workbook

    from reperes.offer.models import Structure

    book = Workbook()
    book.active.title = "Structures"
    book.active.append(["__ignore__", "id", "nom", "date_maj"])
    book.active.append(["Description", "Identifiant", "Nom", "Date"])
    book.active.append([None, "s-1", "Garage solidaire du Toulois", "2026-10-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client_admin.post(reverse("offer:import"), {"fichier": SimpleUploadedFile(
        "offre-toulois.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert "offre-toulois" in response.content.decode()
    assert Structure.objects.get().source == "offre-toulois"
    broken = client_admin.post(reverse("offer:import"), {"fichier": SimpleUploadedFile(
        "services-inclusion-2026-11-30.json", b"\x89PNG\r\n\x1a\n\x00\x00", "application/json")}).content.decode()
    assert "Fichier refusé" in broken and "services-inclusion-2026-11-30.json" in broken


@pytest.mark.parametrize("profils, publics", [
    # data·inclusion's own correspondences (_map_publics.sql): one profil may give two publics
    (["alternants"], ["etudiants", "actifs"]),
    (["handicaps-psychiques", "surdite"], ["personnes-en-situation-de-handicap"]),
    (["locataires"], ["actifs"]),
    (["sortants-de-detention"], ["personnes-en-situation-durgence"]),
    (["public-langues-etrangeres", "victimes"], ["personnes-exilees", "personnes-en-situation-durgence"]),
    (["tous-publics"], ["tous-publics"]),  # a v1 code already
])
def test_v0_profils_become_the_publics_data_inclusion_gives_them(profils, publics):
    from collections import Counter

    from reperes.offer.v0 import convert

    dropped = Counter()
    row = convert("services", {"id": "s1", "structure_id": "st1", "source": "dora", "nom": "Atelier",
                               "profils": profils}, dropped)
    assert row["publics"] == publics and not dropped
