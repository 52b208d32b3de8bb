"""The offer as data·inclusion publishes it: open-data CSV/JSON/XLSX, the API's JSON, spreadsheets kept by hand,
the validator's XLSX template; unusable files refused in French."""

from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from offer_files import DAY, service_record, structure_record, write_opendata
from openpyxl import Workbook

from reperes.cli import offer_cmd
from reperes.offer import models

pytestmark = pytest.mark.django_db


def run(cli, capsys, path):
    status = cli(offer_cmd, "offer", "import", str(path), "--json")
    return status, json.loads(capsys.readouterr().out)


def snapshot():
    """Every stored value of every structure and service (to show that a second import changes nothing)."""
    return (sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in models.Structure.objects.values()),
            sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in models.Service.objects.values()))


RECORDS_STRUCTURES = [structure_record(), structure_record(id="dora--s2", nom="CCAS de Roubaix", siret=None,
                                                           code_postal="59100", code_insee="59512",
                                                           reseaux_porteurs=None, longitude=None, latitude=None)]
RECORDS_SERVICES = [service_record(),
                    service_record(id="dora--v2", nom="Garde d'enfants ponctuelle", structure_id="dora--s2",
                                   thematiques={"famille--garde-denfants"}, publics=None, zone_eligibilite=None,
                                   modes_accueil={"a-distance"}, nombre_semaines=None, volume_horaire_hebdomadaire=None,
                                   code_insee="59512", code_postal="59100")]


def assert_every_field(record: dict, obj) -> None:
    """Each field of a published record is stored: lists as sorted lists, absent values empty."""
    for key, value in record.items():
        stored = obj.di_id if key == "id" else obj.structure.di_id if key == "structure_id" else getattr(obj, key)
        if isinstance(value, list):
            value = value if key == "zone_eligibilite" else sorted(value)
        elif value is None:
            value = [] if isinstance(stored, list) else None if stored is None else ""
        elif isinstance(value, float):
            assert stored == pytest.approx(value), key
            continue
        assert stored == value, (key, stored, value)


def assert_stored_as_published():
    """The records above, read back from the database field by field (independent of the importer's code)."""
    for record in RECORDS_STRUCTURES:
        assert_every_field(record, models.Structure.objects.get(di_id=record["id"]))
    for record in RECORDS_SERVICES:
        assert_every_field(record, models.Service.objects.get(di_id=record["id"]))
    s1 = models.Structure.objects.get(di_id="dora--s1")
    assert (s1.source, s1.nom, s1.siret, s1.code_postal, s1.code_insee, s1.commune) == (
        "dora", "Mission locale de Lille", "13002526500013", "59000", "59350", "Lille")
    assert s1.date_maj == DAY and s1.reseaux_porteurs == ["mission-locale"]
    s2 = models.Structure.objects.get(di_id="dora--s2")
    assert s2.siret == "" and s2.code_insee == "59512" and s2.reseaux_porteurs == []
    v1 = models.Service.objects.get(di_id="dora--v1")
    assert v1.structure == s1 and v1.date_maj == DAY and v1.type == "aide-materielle" and v1.frais == "payant"
    assert v1.thematiques == ["mobilite--acceder-a-un-vehicule"] and v1.publics == ["jeunes"]
    assert v1.modes_accueil == ["a-distance", "en-presentiel"] and v1.zone_eligibilite == ["200093201", "59"]
    assert v1.code_insee == "59350"
    v2 = models.Service.objects.get(di_id="dora--v2")
    assert v2.structure == s2 and v2.thematiques == ["famille--garde-denfants"] and v2.publics == []
    assert v2.zone_eligibilite == [] and v2.modes_accueil == ["a-distance"]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_opendata_folder_with_dated_names_imports_every_record_and_again_changes_nothing(tmp_path, cli, capsys,
                                                                                         fmt):
    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, fmt)
    write_opendata(tmp_path, "services", RECORDS_SERVICES, fmt)
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    assert report["tables"]["structures"]["accepted"] == 2 and report["tables"]["services"]["accepted"] == 2
    assert report["errors"] == []
    assert_stored_as_published()
    before = snapshot()
    assert run(cli, capsys, tmp_path)[0] == 0
    assert snapshot() == before


def test_pandas_list_notation_in_csv_is_read_as_a_list(tmp_path, cli, capsys):
    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "csv")
    path = write_opendata(tmp_path, "services", RECORDS_SERVICES, "csv")
    assert "\"['a-distance', 'en-presentiel']\"" in path.read_text()  # what pandas writes
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    assert models.Service.objects.get(di_id="dora--v1").modes_accueil == ["a-distance", "en-presentiel"]


def test_json_dates_in_epoch_milliseconds(tmp_path, cli, capsys):
    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "json")
    raw = json.loads((tmp_path / "structures-inclusion-2026-11-30.json").read_text())
    assert raw[0]["date_maj"] == 1795824000000  # 2026-11-28 at midnight UTC, as pandas writes a date
    assert run(cli, capsys, tmp_path)[0] == 0
    assert models.Structure.objects.get(di_id="dora--s1").date_maj == dt.date(2026, 11, 28)


def test_folder_reads_the_latest_dated_file_and_says_so(tmp_path, cli, capsys):
    write_opendata(tmp_path, "structures", [structure_record(nom="Ancien nom")], "csv", date="2026-11-23")
    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "csv", date="2026-11-30")
    status, report = run(cli, capsys, tmp_path)
    assert status == 0
    assert models.Structure.objects.get(di_id="dora--s1").nom == "Mission locale de Lille"
    assert any("structures-inclusion-2026-11-30.csv" in n and "2026-11-23" in n for n in report["notes"])


def test_single_dated_file_told_apart_by_its_name(tmp_path, cli, capsys):
    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "json")
    path = write_opendata(tmp_path, "services", RECORDS_SERVICES, "json")
    assert run(cli, capsys, tmp_path / "structures-inclusion-2026-11-30.json")[0] == 0
    status, report = run(cli, capsys, path)
    assert status == 0, report
    assert models.Service.objects.count() == 2


def test_api_json_with_items_envelope(tmp_path, cli, capsys):
    def api(record):
        return {**record, "date_maj": record["date_maj"].isoformat()}

    (tmp_path / "structures.json").write_text(json.dumps(
        {"items": [api(r) for r in RECORDS_STRUCTURES], "total": 2, "page": 1, "size": 500}))
    (tmp_path / "services.json").write_text(json.dumps(
        {"items": [api(r) for r in RECORDS_SERVICES], "total": 2, "page": 1, "size": 500}))
    status, report = run(cli, capsys, tmp_path)
    assert status == 0, report
    assert_stored_as_published()
    before = snapshot()
    assert run(cli, capsys, tmp_path)[0] == 0
    assert snapshot() == before


def _hand_sheet(sheet, records, *, numbers=True):
    """A spreadsheet kept by hand: same columns, lists typed « a, b », codes typed as numbers."""
    headers = list(records[0])
    sheet.append(headers)
    for record in records:
        row = []
        for key in headers:
            value = record[key]
            if isinstance(value, list):
                value = ", ".join(value)
            elif numbers and key in ("siret", "code_postal", "code_insee") and value:
                value = int(value)
            row.append(value)
        sheet.append(row)


def test_xlsx_kept_by_hand_with_numeric_codes(tmp_path, cli, capsys):
    book = Workbook()
    _hand_sheet(book.active, RECORDS_STRUCTURES)
    book.active.title = "Structures"
    services = book.create_sheet("Services")
    records = [dict(r) for r in RECORDS_SERVICES]
    records[0]["zone_eligibilite"] = None
    _hand_sheet(services, records)
    column = list(records[0]).index("zone_eligibilite") + 1
    services.cell(row=2, column=column, value=200093201)  # one zone typed as a number
    path = tmp_path / "offre.xlsx"
    book.save(path)
    status, report = run(cli, capsys, path)
    assert status == 0, report
    assert_stored_as_published_except_zone()
    assert models.Service.objects.get(di_id="dora--v1").zone_eligibilite == ["200093201"]
    before = snapshot()
    assert run(cli, capsys, path)[0] == 0
    assert snapshot() == before


def assert_stored_as_published_except_zone():
    s1 = models.Structure.objects.get(di_id="dora--s1")
    assert (s1.siret, s1.code_postal, s1.code_insee) == ("13002526500013", "59000", "59350")
    v1 = models.Service.objects.get(di_id="dora--v1")
    assert v1.code_insee == "59350" and v1.modes_accueil == ["a-distance", "en-presentiel"]
    assert v1.date_maj == DAY and v1.structure == s1


def test_ods_with_numeric_codes_and_leading_zeros(tmp_path, cli, capsys):
    structures = pd.DataFrame([{**structure_record(code_postal="01000", code_insee="01053", siret="01234567890123"),
                                "reseaux_porteurs": "mission-locale"}])
    for column in ("code_postal", "code_insee", "siret"):
        structures[column] = structures[column].astype(int)  # numbers in the sheet: the zeros are gone
    services = pd.DataFrame([{**service_record(code_insee="01053"),
                              "modes_accueil": "en-presentiel, a-distance", "thematiques":
                              "mobilite--acceder-a-un-vehicule", "publics": "jeunes", "mobilisable_par":
                              "professionnels", "modes_mobilisation": "telephoner, envoyer-un-courriel",
                              "zone_eligibilite": "01, 200093201"}])
    services["code_insee"] = services["code_insee"].astype(int)
    path = tmp_path / "offre.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        structures.to_excel(writer, sheet_name="structures", index=False)
        services.to_excel(writer, sheet_name="services", index=False)
    status, report = run(cli, capsys, path)
    assert status == 0, report
    s = models.Structure.objects.get()
    assert (s.code_postal, s.code_insee, s.siret) == ("01000", "01053", "01234567890123")
    v = models.Service.objects.get()
    assert v.code_insee == "01053" and v.zone_eligibilite == ["01", "200093201"]
    assert v.modes_accueil == ["a-distance", "en-presentiel"]
    # every other field of the records, as published
    assert (s.nom, s.source, s.date_maj, s.reseaux_porteurs) == ("Mission locale de Lille", "dora", DAY,
                                                                 ["mission-locale"])
    assert (v.nom, v.type, v.frais, v.date_maj, v.structure) == (service_record()["nom"], "aide-materielle", "payant",
                                                                  DAY, s)
    assert v.thematiques == ["mobilite--acceder-a-un-vehicule"] and v.publics == ["jeunes"]
    assert v.mobilisable_par == ["professionnels"]
    assert v.modes_mobilisation == ["envoyer-un-courriel", "telephoner"]
    before = snapshot()
    assert run(cli, capsys, path)[0] == 0
    assert snapshot() == before


def test_data_inclusion_validator_template(tmp_path, cli, capsys):
    """Its layout: sheets « Structures » and « Services », an ``__ignore__`` column marking the description row,
    no ``source`` column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Structures"
    sheet.append(["__ignore__", "id", "nom", "date_maj", "code_insee", "siret"])
    sheet.append(["Description", "Identifiant unique", "Nom de la structure", "Date de mise à jour",
                  "Code officiel géographique", "Numéro SIRET"])
    sheet.append([None, "s-1", "Association Mobilité 59", dt.datetime(2026, 10, 1), 59350, 13002526500013])
    services = book.create_sheet("Services")
    services.append(["__ignore__", "id", "structure_id", "nom", "description", "date_maj", "thematiques",
                     "zone_eligibilite", "code_postal"])
    services.append(["Exemple", "id-exemple", "s-exemple", "Nom", "Texte", "2025-01-01", "sante--x", "59", "59000"])
    services.append([None, "v-1", "s-1", "Garage solidaire", "Réparations à petit prix", dt.date(2026, 10, 2),
                     "mobilite--entretenir-reparer-son-vehicule, mobilite--acceder-a-un-vehicule", 59, 59000])
    path = tmp_path / "dataset.xlsx"
    book.save(path)
    status, report = run(cli, capsys, path)
    assert status == 0, report
    assert report["tables"]["structures"]["read"] == 1 and report["tables"]["services"]["read"] == 1
    s = models.Structure.objects.get()
    assert (s.di_id, s.source, s.code_insee, s.siret, s.date_maj) == ("s-1", "dataset", "59350", "13002526500013",
                                                                      dt.date(2026, 10, 1))
    v = models.Service.objects.get()
    assert v.source == "dataset" and v.structure == s and v.zone_eligibilite == ["59"]
    assert v.thematiques == ["mobilite--acceder-a-un-vehicule", "mobilite--entretenir-reparer-son-vehicule"]
    assert any("« source »" in n.replace("\u00a0", " ") and "dataset" in n for n in report["notes"])
    assert not any(c["column"] == "__ignore__" for c in report["ignored_columns"])
    before = snapshot()
    assert run(cli, capsys, path)[0] == 0
    assert snapshot() == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_repeated_column_is_reported_not_silently_kept(tmp_path, cli, capsys, suffix):
    headers = ["source", "id", "nom", "date_maj", "nom"]
    row = ["di", "di--1", "Premier nom", "2026-01-01", "Second nom"]
    path = tmp_path / f"structures{suffix}"
    if suffix == ".csv":
        path.write_text(",".join(headers) + "\n" + ",".join(row) + "\n")
    else:
        book = Workbook()
        book.active.title = "structures"
        book.active.append(headers)
        book.active.append(row)
        book.save(path)
    status, report = run(cli, capsys, path)
    assert status == 2 and report["status"] == "refused"
    message = report["errors"][0]["message"]
    assert "nom" in message and "deux fois" in message and "colonnes C et E" in message
    assert models.Structure.objects.count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".ods"])
def test_random_bytes_are_refused_in_french(tmp_path, cli, capsys, suffix):
    path = tmp_path / f"services{suffix}"
    path.write_bytes(os.urandom(4096))
    status, report = run(cli, capsys, path)
    assert status == 2 and report["status"] == "refused" and report["stored"] is False
    message = report["errors"][0]["message"]
    assert path.name in message and "Traceback" not in message and "Error" not in message


def test_csv_with_a_broken_quote_is_refused_in_french(tmp_path, cli, capsys):
    path = tmp_path / "services.csv"
    path.write_bytes(b'source,id,nom\n"di","a\x00b","x"\n')
    status, report = run(cli, capsys, path)
    assert status == 2 and "CSV" in report["errors"][0]["message"]


def test_every_field_is_shown_on_the_service_page(tmp_path, cli, capsys, client_partner):
    from django.urls import reverse

    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "json")
    write_opendata(tmp_path, "services", RECORDS_SERVICES, "json")
    assert run(cli, capsys, tmp_path)[0] == 0
    service = models.Service.objects.get(di_id="dora--v1")
    home = client_partner.get(reverse("offer:home")).content.decode()
    assert reverse("offer:service_detail", args=[service.pk]) in home
    page = client_partner.get(reverse("offer:service_detail", args=[service.pk])).content.decode()
    for text in ("Location de scooters", "Mission locale de Lille", "03 20 00 00 01", "scooters@ml-lille.fr",
                 "Camille Martin", "https://www.ml-lille.fr/scooters", "Téléphoner", "Envoyer un courriel",
                 "Professionnels", "Avoir un permis AM.", "Mo-Fr 09:00-12:00", "12 rue de Paris", "Garage",
                 "59000 Lille", "2 € par jour", "Jeunes suivis par la mission locale",
                 "Fiche de prescription à joindre.", "Mo-Fr 09:00-12:00,14:00-17:00",
                 "https://dora.inclusion.beta.gouv.fr/services/scooters", "contact@ml-lille.fr", "À distance"):
        assert text in page, text


def test_catalogue_export_has_every_field_and_reimports_to_the_same_catalogue(tmp_path, cli, capsys,
                                                                              client_partner):
    from django.urls import reverse
    from openpyxl import load_workbook

    from reperes.audit.models import AuditEvent

    write_opendata(tmp_path, "structures", RECORDS_STRUCTURES, "csv")
    write_opendata(tmp_path, "services", RECORDS_SERVICES, "csv")
    assert run(cli, capsys, tmp_path)[0] == 0
    before = snapshot()
    response = client_partner.get(reverse("offer:catalogue_xlsx"))
    assert response.status_code == 200
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(response.content)
    book = load_workbook(path)
    headers = [c.value for c in book["services"][1]]
    assert set(RECORDS_SERVICES[0]) <= set(headers)
    assert set(RECORDS_STRUCTURES[0]) <= set([c.value for c in book["structures"][1]])
    first = dict(zip(headers, [c.value for c in book["services"][2]], strict=True))
    assert first["telephone"] == "03 20 00 00 01" and first["modes_mobilisation"] == "envoyer-un-courriel, telephoner"
    assert AuditEvent.objects.filter(target="catalogue-offre.xlsx").exists()
    models.Service.objects.all().delete()
    models.Structure.objects.all().delete()
    status, report = run(cli, capsys, path)
    assert status == 0, report

    def without_keys(table):  # database keys change; every other stored value is the same
        return sorted(tuple(kv for kv in row if kv[0] not in ("id", "structure_id")) for row in table)

    after = snapshot()
    assert without_keys(after[0]) == without_keys(before[0]) and without_keys(after[1]) == without_keys(before[1])


@given(day=st.dates(min_value=dt.date(1970, 5, 1), max_value=dt.date(2099, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_every_date_written_by_pandas_to_json_reads_back_the_same(day):
    from reperes.offer.importer import _date

    written = json.loads(pd.DataFrame([{"date_maj": day}]).to_json(orient="records"))[0]["date_maj"]
    assert _date(written) == day.isoformat()
    assert _date(str(written)) == day.isoformat()  # the same number read from a CSV cell


def test_a_very_long_text_in_csv_is_kept(tmp_path, cli, capsys):
    text = "Lundi 9 h – 12 h. " * 10000  # over csv's default field limit (131 072 characters)
    write_opendata(tmp_path, "structures", [structure_record(horaires_accueil=text)], "csv")
    assert run(cli, capsys, tmp_path)[0] == 0
    assert models.Structure.objects.get().horaires_accueil == text.strip()
