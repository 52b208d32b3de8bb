"""``reperes stats import``: each source, secret markers, bad rows, unknown codes, exit statuses, JSON shape."""

from __future__ import annotations

import json

import pytest

from reperes.cli import stats_cmd
from reperes.offer.models import Figure, StatImport

pytestmark = pytest.mark.django_db

TOUL, VILLEY, EPCI_TOUL = "54528", "54584", "200070563"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_json(cli, capsys, path, *extra):
    status = cli(stats_cmd, "stats", "import", str(path), "--json", *extra)
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object on standard output
    return status, json.loads(out)


def value(code, indicateur, millesime=None):
    qs = Figure.objects.filter(code_geo=code, indicateur=indicateur)
    if millesime:
        qs = qs.filter(millesime=millesime)
    return qs.get()


def test_insee_dossier_complet_any_vintage(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "dossier_complet.csv",
                 "CODGEO;LIBGEO;P21_POP;P19_CHOM1564;MED21\n"
                 f"{TOUL};Toul;15 432;1 204;19850,5\n{VILLEY};Villey-Saint-Étienne;1043;s;n.d.\n")
    status, report = run_json(cli, capsys, path)
    assert status == 0
    assert set(report) == {"status", "stored", "tables", "errors", "ignored_columns"}
    assert report["status"] == "ok" and report["stored"] is True
    assert report["tables"]["statistiques"] == {"read": 2, "accepted": 2, "rejected": 0, "skipped": 0}
    assert report["ignored_columns"][0]["column"] == "LIBGEO"
    assert value(TOUL, "P_POP").valeur == 15432 and value(TOUL, "P_POP").millesime == "2021"
    assert value(TOUL, "P_CHOM1564").millesime == "2019"  # the prefix gives the vintage, column by column
    assert value(TOUL, "MED").valeur == pytest.approx(19850.5)
    secret = value(VILLEY, "P_CHOM1564")
    assert secret.secret and secret.valeur is None
    assert value(VILLEY, "MED").secret
    run = StatImport.objects.get()
    assert run.source == "insee" and run.source_name == "dossier_complet.csv" and not run.fictif


@pytest.mark.parametrize("marker", ["s", "secret", "nd", "n.d.", "*", "S", " ND "])
def test_every_secret_marker_is_a_secret_cell(tmp_path, cli, capsys, territory, marker):
    path = write(tmp_path, "caf.csv", f"code_commune;annee;nombre_foyers_rsa\n{TOUL};2022;{marker}\n")
    status, report = run_json(cli, capsys, path, "--source", "caf")
    assert status == 0 and report["tables"]["statistiques"]["accepted"] == 1
    cell = value(TOUL, "CAF_FOYERS_RSA")
    assert cell.secret and cell.valeur is None and cell.millesime == "2022"


def test_dares_by_category_and_seniority_commune_and_epci(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "defm_2023.csv",
                 "code_geo,libelle,cat_abc,cat_a,abc_1an_plus\n"
                 f"{TOUL},Toul,1210,700,540\n{EPCI_TOUL},CC Terres Touloises,3100,1800,1400\n")
    status, report = run_json(cli, capsys, path, "--source", "dares")
    assert status == 0
    assert value(TOUL, "DEFM_ABC_DELD").valeur == 540
    epci = value(EPCI_TOUL, "DEFM_ABC")
    assert epci.valeur == 3100 and epci.niveau == "epci" and epci.millesime == "2023"  # from the file name
    assert value(TOUL, "DEFM_A").source == "France Travail / DARES"


def test_qpv_list_counts_quartiers_per_commune(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "qpv.csv",
                 "code_qp;nom_qp;insee_com;pop_qp\n"
                 f"QN05401M;Croix-de-Metz;{TOUL};2100\nQN05402M;Saint-Michel;{TOUL};1400\n")
    status, report = run_json(cli, capsys, path)
    assert status == 0
    assert value(TOUL, "QPV_NOMBRE").valeur == 2
    assert value(TOUL, "QPV_POPULATION").valeur == 3500
    assert value(TOUL, "QPV_NOMBRE").millesime == "2024"  # QN codes: the 2024 geography


def test_generic_long_format(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "long.csv", "code_geo;indicateur;valeur;millesime;source\n"
                                       f"{TOUL};places_creche;42;2023;Département 54\n")
    status, report = run_json(cli, capsys, path)
    assert status == 0
    cell = value(TOUL, "places_creche")
    assert cell.valeur == 42 and cell.source == "Département 54" and cell.millesime == "2023"


def test_bad_rows_rejected_with_reasons_and_the_run_goes_on(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "long.csv", "code_geo;indicateur;valeur;millesime;source\n"
                                       f"{TOUL};x;12;2023;S\n"
                                       f"{TOUL};y;douze;2023;S\n"
                                       f"{TOUL};z;-4;2023;S\n"
                                       "99999;x;1;2023;S\n"
                                       "123456789;x;1;2023;S\n"
                                       f"{VILLEY};x;3;2023;S\n")
    status, report = run_json(cli, capsys, path)
    assert status == 3
    assert report["status"] == "partial" and report["stored"] is True
    assert report["tables"]["statistiques"] == {"read": 6, "accepted": 2, "rejected": 4, "skipped": 0}
    by_line = {e["line"]: e for e in report["errors"]}
    assert set(by_line) == {3, 4, 5, 6}
    assert "non numérique" in by_line[3]["message"] and by_line[3]["value"] == "douze"
    assert "négative" in by_line[4]["message"]
    assert "Commune inconnue" in by_line[5]["message"] and by_line[5]["column"] == "code_geo"
    assert "EPCI inconnu" in by_line[6]["message"]
    assert set(Figure.objects.values_list("code_geo", flat=True)) == {TOUL, VILLEY}


def test_communes_outside_the_territory_are_skipped_not_rejected(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "long.csv", "code_geo;indicateur;valeur;millesime;source\n"
                                       f"{TOUL};x;12;2023;S\n75056;x;1;2023;S\n")
    status, report = run_json(cli, capsys, path)
    assert status == 0 and report["tables"]["statistiques"]["skipped"] == 1
    assert not Figure.objects.filter(code_geo="75056").exists()


@pytest.mark.parametrize("content, expected", [
    ("", "vide"),
    ("a;b\n1;2\n", "Source du fichier non reconnue"),
    ("code_geo;indicateur;valeur\n54528;x;1\n", "millesime, source"),
])
def test_unusable_files_exit_2_and_store_nothing(tmp_path, cli, capsys, territory, content, expected):
    path = write(tmp_path, "f.csv", content)
    status, report = run_json(cli, capsys, path)
    assert status == 2
    assert report["status"] == "refused" and report["stored"] is False
    assert expected in report["errors"][0]["message"]
    assert not Figure.objects.exists()


def test_missing_file_is_refused(tmp_path, cli, capsys, territory):
    status, report = run_json(cli, capsys, tmp_path / "absent.csv", "--source", "insee")
    assert status == 2 and "Impossible de lire" in report["errors"][0]["message"]


def test_reimport_updates_without_duplicates_and_windows_1252(tmp_path, cli, capsys, territory):
    text = f"CODGEO;LIBGEO;P21_POP\n{TOUL};Toul-é;100\n"
    cli(stats_cmd, "stats", "import", str(write(tmp_path, "a.csv", text, "cp1252")), "--json")
    cli(stats_cmd, "stats", "import", str(write(tmp_path, "a.csv", text.replace("100", "200"), "cp1252")), "--json")
    capsys.readouterr()
    assert Figure.objects.filter(code_geo=TOUL).count() == 1
    assert value(TOUL, "P_POP").valeur == 200


def test_french_summary_without_json(tmp_path, cli, capsys, territory):
    path = write(tmp_path, "long.csv", "code_geo;indicateur;valeur;millesime;source\n54528;x;abc;2023;S\n")
    assert cli(stats_cmd, "stats", "import", str(path)) == 3
    out = capsys.readouterr().out
    assert "1 rejetée(s)" in out and "ligne 2" in out and "non numérique" in out


def test_xlsx_generic_file(tmp_path, cli, capsys, territory):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code_geo", "indicateur", "valeur", "millesime", "source"])
    sheet.append([EPCI_TOUL, "places_garde", 55, 2023, "CAF"])
    sheet.append([EPCI_TOUL, "autre", "nd", 2023, "CAF"])
    path = tmp_path / "long.xlsx"
    book.save(path)
    status, report = run_json(cli, capsys, path)
    assert status == 0, report
    assert value(EPCI_TOUL, "places_garde").valeur == 55 and value(EPCI_TOUL, "autre").secret
