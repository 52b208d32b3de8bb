"""``reperes offer import``: data·inclusion exports built with the package's own models, our XLSX, French errors."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from data_inclusion.schema.v1 import (
    ModeAccueil,
    Public,
    ReseauPorteur,
    Service,
    Structure,
    Thematique,
    TypeService,
)

from reperes.cli import offer_cmd
from reperes.offer import models

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 2)


def structure(**kw):
    base = dict(source="dora", id="dora--s1", nom="Mission locale Terres de Lorraine", date_maj=DAY,
                code_insee="54528", reseaux_porteurs={ReseauPorteur.MISSION_LOCALE},
                description="Accueil des jeunes de 16 à 25 ans")
    return Structure(**{**base, **kw}).model_dump(mode="json")


def service(**kw):
    base = dict(source="dora", structure_id="dora--s1", id="dora--v1", nom="Location de scooters",
                description="Location solidaire de scooters pour aller travailler", date_maj=DAY,
                type=TypeService.AIDE_MATERIELLE, thematiques={Thematique.MOBILITE__ACCEDER_A_UN_VEHICULE},
                publics={Public.JEUNES}, modes_accueil={ModeAccueil.EN_PRESENTIEL}, zone_eligibilite=["200070563"])
    return Service(**{**base, **kw}).model_dump(mode="json")


def run(cli, capsys, path):
    status = cli(offer_cmd, "offer", "import", str(path), "--json")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return status, json.loads(out)


def test_folder_export_generated_with_the_package_models_imports(tmp_path, cli, capsys):
    (tmp_path / "structures.json").write_text(json.dumps([structure()]))
    (tmp_path / "services.json").write_text(json.dumps([service(), service(id="dora--v2", nom="Garage solidaire",
                                                                           zone_eligibilite=None, publics=None)]))
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    assert set(report) == {"status", "stored", "tables", "errors", "ignored_columns", "notes"}
    assert report["tables"]["structures"]["accepted"] == 1 and report["tables"]["services"]["accepted"] == 2
    s = models.Service.objects.get(di_id="dora--v1")
    assert s.type == "aide-materielle" and s.thematiques == ["mobilite--acceder-a-un-vehicule"]
    assert s.publics == ["jeunes"] and s.zone_eligibilite == ["200070563"] and s.modes_accueil == ["en-presentiel"]
    assert s.structure.reseaux_porteurs == ["mission-locale"]
    # re-import: updated, never duplicated
    assert run(cli, capsys, tmp_path)[0] == 0
    assert models.Service.objects.count() == 2 and models.Structure.objects.count() == 1


def test_csv_folder_with_list_cells(tmp_path, cli, capsys):
    with open(tmp_path / "structures.csv", "w", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["source", "id", "nom", "date_maj", "code_insee", "reseaux_porteurs"])
        w.writerow(["di", "di--1", "CCAS de Toul", "2024-01-01", "54528", "ccas-cias"])
    with open(tmp_path / "services.csv", "w", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["source", "structure_id", "id", "nom", "description", "date_maj", "thematiques", "publics",
                    "places"])
        w.writerow(["di", "di--1", "di--a", "Aide budgétaire", "Accompagnement budgétaire", "2024-01-01",
                    "difficultes-financieres--ameliorer-sa-gestion-budgetaire, famille--garde-denfants",
                    "familles|femmes", "25"])
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    s = models.Service.objects.get()
    assert s.thematiques == ["difficultes-financieres--ameliorer-sa-gestion-budgetaire", "famille--garde-denfants"]
    assert s.publics == ["familles", "femmes"] and s.places == 25


def test_schema_errors_come_back_per_line_in_french(tmp_path, cli, capsys):
    (tmp_path / "structures.json").write_text(json.dumps([structure()]))
    bad = service(id="dora--bad")
    bad.update(nom="ab", date_maj="2024-13-40", thematiques=["mobilite--teleportation"], courriel="pas-un-courriel",
               publics=["tous-publics", "jeunes"])
    orphan = service(id="dora--orphan", structure_id="dora--inconnue")
    (tmp_path / "services.json").write_text(json.dumps([service(), bad, orphan]))
    status, report = run(cli, capsys, tmp_path)
    assert status == 3 and report["status"] == "partial" and report["stored"] is True
    assert report["tables"]["services"] == {"read": 3, "accepted": 1, "rejected": 2, "skipped": 0}
    errors = {(e["line"], e["column"]): e["message"].replace("\u00a0", " ") for e in report["errors"]}
    assert errors[(2, "nom")] == "Texte trop court : au moins 3 caractère(s)."
    assert errors[(2, "date_maj")].startswith("Date invalide")
    assert "Valeur inconnue « mobilite--teleportation »" in errors[(2, "thematiques")]
    assert errors[(2, "courriel")] == "Courriel invalide."
    assert "tous-publics" in errors[(2, "publics")]
    assert errors[(3, "structure_id")].startswith("Structure inconnue")
    assert all("Input should" not in m for m in errors.values())  # nothing left in English
    assert models.Service.objects.count() == 1


def test_single_file_and_unusable_inputs(tmp_path, cli, capsys):
    path = tmp_path / "export-structures.json"
    path.write_text(json.dumps([structure()]))
    assert run(cli, capsys, path)[0] == 0
    broken = tmp_path / "broken.json"
    broken.write_text("{pas du json")
    status, report = run(cli, capsys, broken)
    assert status == 2 and report["status"] == "refused" and "JSON lisible" in report["errors"][0]["message"]
    empty = tmp_path / "vide"
    empty.mkdir()
    status, report = run(cli, capsys, empty)
    assert status == 2 and "structures-inclusion-2026-11-30.csv" in report["errors"][0]["message"]


def test_our_xlsx_template_links_services_to_plie_actions(tmp_path, cli, capsys):
    from openpyxl import Workbook

    from reperes.collection.models import Action

    Action.objects.create(id_action="ACT-MOB", intitule="Plateforme mobilité")
    book = Workbook()
    sheet = book.active
    sheet.title = "structures"
    sheet.append(["source", "id", "nom", "date_maj", "code_insee"])
    sheet.append(["plie", "plie--1", "Plateforme mobilité du Toulois", "2024-02-01", "54528"])
    services = book.create_sheet("services")
    services.append(["source", "structure_id", "id", "nom", "description", "date_maj", "type", "thematiques",
                     "zone_eligibilite", "places", "financement", "actions"])
    services.append(["plie", "plie--1", "plie--v1", "Permis accompagné", "Préparation au permis B", "2024-02-01",
                     "formation", "mobilite--preparer-un-permis", "200070563, 245400171", 30, "FSE+, Département",
                     "ACT-MOB"])
    path = tmp_path / "offre.xlsx"
    book.save(path)
    status, report = run(cli, capsys, path)
    assert status == 0, report
    s = models.Service.objects.get()
    assert s.zone_eligibilite == ["200070563", "245400171"] and s.places == 30
    assert s.financement == "FSE+, Département"
    assert list(s.actions.values_list("id_action", flat=True)) == ["ACT-MOB"]
