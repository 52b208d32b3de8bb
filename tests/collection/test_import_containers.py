"""Containers and parsing: folders, workbooks, encodings, delimiters, headers, comments, formulas."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from reperes.collection.importer import run_import
from reperes.collection.models import Acquis, Action, Etape, Participant, SuiviFrein
from reperes.privacy import pseudonymise

pytestmark = pytest.mark.django_db

MODELS = (Participant, Action, Etape, SuiviFrein, Acquis)
VOLATILE = {"id", "import_run", "participant", "action"}


def snapshot():
    """Everything stored, without primary keys nor run references (to compare two imports)."""
    result = {}
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE]
        result[model.__name__] = sorted(repr(row) for row in model.objects.values_list(*fields))
    return result


def _typed(table, column, text):
    """Cells as a spreadsheet holds them: numbers as numbers, dates as dates."""
    if text in ("", None):
        return None
    if column in ("anciennete_chomage_mois", "annee_naissance", "places_prevues", "niveau"):
        return int(text)
    if column.startswith("date") or column == "date":
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                pass
    if column == "commune_residence":
        return int(text)
    return text


def test_same_data_as_csv_xlsx_and_ods_gives_the_same_result(tmp_path, data):
    tables = data.sample()
    csv_result = run_import(data.write_folder(tmp_path / "csv", tables))
    from_csv = snapshot()
    for name, writer in (("recueil.xlsx", data.write_xlsx), ("recueil.ods", data.write_ods)):
        for model in MODELS[::-1]:
            model.objects.all().delete()
        for convert in (None, _typed):
            result = run_import(writer(tmp_path / name, tables, convert=convert))
            assert result.exit_status == 0, (name, result.report["errors"])
            assert result.report["tables"] == csv_result.report["tables"]
            assert result.report["ignored_sheets"] == [
                {"sheet": "Dictionnaire", "reason": "feuille qui ne correspond à aucune table du format"}]
            assert snapshot() == from_csv, (name, convert)


def test_sheet_names_are_matched_without_case_nor_accents(tmp_path, data):
    tables = data.sample()
    renamed = {"Participants": tables["participants"], "ÉTAPES": tables["etapes"],
               "Suivi freins": tables["suivi_freins"], " ACTIONS ": tables["actions"]}
    result = run_import(data.write_xlsx(tmp_path / "recueil.xlsx", renamed, extra_sheets=("Méthodologie",)))
    assert result.exit_status == 0, result.report["errors"]
    assert list(result.report["tables"]) == ["participants", "actions", "etapes", "suivi_freins"]
    assert [s["sheet"] for s in result.report["ignored_sheets"]] == ["Méthodologie"]


def test_single_csv_holds_participants(tmp_path, data):
    path = tmp_path / "export du logiciel.csv"
    path.write_bytes(data.csv_bytes(data.sample()["participants"]))
    result = run_import(path)
    assert result.exit_status == 0
    assert list(result.report["tables"]) == ["participants"]
    assert Participant.objects.count() == 3


def test_single_workbook_without_table_names_holds_participants(tmp_path, data):
    path = data.write_xlsx(tmp_path / "export.xlsx", {"Feuil1": data.sample()["participants"]}, extra_sheets=())
    result = run_import(path)
    assert result.exit_status == 0, result.report
    assert Participant.objects.count() == 3


def test_folder_files_that_are_no_table_are_reported(tmp_path, data):
    folder = data.write_folder(tmp_path / "recueil", {"participants": data.sample()["participants"]})
    (folder / "notes.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (folder / "lisez-moi.pdf").write_bytes(b"%PDF")
    result = run_import(folder)
    assert result.exit_status == 0
    assert {f["file"] for f in result.report["ignored_files"]} == {"notes.csv", "lisez-moi.pdf"}


@pytest.mark.parametrize("encoding,delimiter,bom", [
    ("cp1252", ";", False),
    ("utf-8", ",", True),
    ("utf-8", "\t", False),
    ("utf-8", ";", False),
    ("utf-16", "\t", False),  # Excel's « Texte Unicode »
])
def test_encodings_and_delimiters(tmp_path, data, pseudonym_key, encoding, delimiter, bom):
    rows = [data.participant(referent="Hélène Référente", niveau_formation="Niveau 4 (baccalauréat)",
                             criteres="RSA|Parent isolé")]
    content = data.csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    if bom:
        content = b"\xef\xbb\xbf" + content
    path = tmp_path / "participants.csv"
    path.write_bytes(content)

    result = run_import(path)

    assert result.exit_status == 0, result.report["errors"]
    participant = Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key))
    assert participant.referent == "Hélène Référente"
    assert participant.niveau_formation == "NIV_4"
    assert participant.criteres == ["RSA", "PARENT_ISOLE"]


def test_multi_values_accept_pipe_and_the_other_separators(tmp_path, data):
    rows = [data.participant(id_participant="A", criteres="RSA ; TH", freins_entree="mobilité, santé"),
            data.participant(id_participant="B", criteres="rsa|th|rsa",
                             freins_entree="Savoirs de base (lire, écrire, compter)|Logement")]
    result = run_import(_write(tmp_path, data.csv_bytes(rows, delimiter="\t")))
    assert result.exit_status == 0, result.report["errors"]
    stored = list(Participant.objects.order_by("date_entree", "id").values_list("criteres", "freins_entree"))
    assert stored == [(["RSA", "TH"], ["MOBILITE", "SANTE"]), (["RSA", "TH"], ["SAVOIRS_DE_BASE", "LOGEMENT"])]


def _write(tmp_path, content: bytes, name="participants.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("header", ["DATE_ENTREE", "Date entrée", "date-entree", "  Date d'entrée "])
def test_header_variants_match(tmp_path, data, header):
    rows = [{(header if k == "date_entree" else k): v for k, v in data.participant().items()}]
    result = run_import(_write(tmp_path, data.csv_bytes(rows)))
    assert result.exit_status == 0, result.report
    assert result.report["ignored_columns"] == []
    assert Participant.objects.get().date_entree == dt.date(2024, 3, 1)


def test_unknown_and_identifying_columns_are_ignored_and_never_stored(tmp_path, data):
    rows = [data.participant(**{"Nom": "Dupont", "Prénom": "Jeanne", "NIR": "2 85 06 54 395 123 45",
                                "Adresse": "3 rue des Lilas", "Téléphone": "0601020304",
                                "Courriel": "jeanne@example.org", "Numéro de sécurité sociale": "285065439512345",
                                "Couleur préférée": "vert"})]
    result = run_import(_write(tmp_path, data.csv_bytes(rows)))

    assert result.exit_status == 0, result.report["errors"]
    reasons = {c["column"]: c["reason"] for c in result.report["ignored_columns"]}
    assert reasons == {"Nom": "identifiant direct", "Prénom": "identifiant direct", "NIR": "identifiant direct",
                       "Adresse": "identifiant direct", "Téléphone": "identifiant direct",
                       "Courriel": "identifiant direct", "Numéro de sécurité sociale": "identifiant direct",
                       "Couleur préférée": "colonne inconnue"}
    stored = repr(list(Participant.objects.values_list()))
    for value in ("Dupont", "Jeanne", "395 123", "Lilas", "0601020304", "jeanne@", "vert"):
        assert value not in stored
        assert value not in repr(result.report)


def test_comment_rows_are_skipped_and_counted_empty_rows_silently(tmp_path, data):
    rows = data.sample()["participants"]
    content = data.csv_bytes(rows, prefix_lines=["# Exemple : une ligne par parcours", "#P999;F;…", ";;;;", "",
                                                 "   "])
    result = run_import(_write(tmp_path, content))
    assert result.exit_status == 0, result.report["errors"]
    assert result.report["tables"]["participants"] == {"read": 5, "accepted": 3, "rejected": 0, "skipped": 2}


def test_line_numbers_count_every_physical_line(tmp_path, data):
    rows = data.sample()["participants"]
    rows[0]["referent"] = "sur\ndeux lignes"
    rows[2]["sexe"] = "?"
    content = data.csv_bytes(rows, prefix_lines=["", "# commentaire"])
    result = run_import(_write(tmp_path, content))
    error = result.report["errors"][0]
    # header 1, blank 2, comment 3, first row 4-5 (a quoted line break), second 6, third 7
    assert (error["line"], error["column"]) == (7, "sexe")


def test_excel_serials_dates_and_integer_like_numbers_in_a_workbook(tmp_path, data, pseudonym_key):
    serial = (dt.date(2024, 3, 1) - dt.date(1899, 12, 30)).days
    rows = [data.participant(id_participant=1234.0, date_entree=serial, commune_residence=1001,
                             date_naissance=dt.datetime(1985, 6, 15, 0, 0), anciennete_chomage_mois=14.0,
                             referent=12.5)]
    path = data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": rows})

    result = run_import(path)

    assert result.exit_status == 0, result.report["errors"]
    participant = Participant.objects.get(id_hash=pseudonymise("1234", pseudonym_key))
    assert participant.date_entree == dt.date(2024, 3, 1)
    assert participant.commune_residence == "01001"
    assert participant.annee_naissance == 1985
    assert participant.anciennete_chomage_mois == 14
    assert participant.referent == "12.5"

    # An étape of a later CSV run refers to the same participant as "1234", or "1234.0".
    etapes = [{"id_participant": "1234", "type_etape": "SANTE", "date_debut": "01/04/2024"},
              {"id_participant": "1234.0", "type_etape": "MOBILITE", "date_debut": "01/04/2024"}]
    later = run_import(_write(tmp_path, data.csv_bytes(etapes), "etapes.csv"))
    assert later.exit_status == 0, later.report["errors"]
    assert Etape.objects.filter(participant=participant).count() == 2


def test_serial_numbers_are_no_dates_in_csv(tmp_path, data):
    result = run_import(_write(tmp_path, data.csv_bytes([data.participant(date_entree="45352")])))
    assert result.report["errors"][0]["column"] == "date_entree"
    assert "format non reconnu" in result.report["errors"][0]["message"]


def _patch_zip(path, member, old: bytes, new: bytes):
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in items:
            if info.filename == member:
                # openpyxl writes an empty cached value as <v /> or <v></v> depending on its XML backend.
                variants = [old, old.replace(b"<v />", b"<v></v>")]
                found = next((v for v in variants if v in content), None)
                assert found is not None
                content = content.replace(found, new)
            archive.writestr(info, content)


def test_xlsx_formula_with_cached_value_is_read_without_one_is_an_error(tmp_path, data, pseudonym_key):
    rows = [data.participant(anciennete_chomage_mois="=6*2"),
            data.participant(id_participant="P002", anciennete_chomage_mois="=7*3")]
    path = data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": rows}, extra_sheets=())
    _patch_zip(path, "xl/worksheets/sheet1.xml", b"<f>6*2</f><v />", b"<f>6*2</f><v>12</v>")

    result = run_import(path)

    assert result.exit_status == 3
    assert Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key)).anciennete_chomage_mois == 12
    [error] = result.report["errors"]
    assert (error["line"], error["column"]) == (3, "anciennete_chomage_mois")
    assert "Formule sans valeur calculée" in error["message"]


def test_xlsx_formula_without_value_in_a_required_column(tmp_path, data):
    rows = [data.participant(sexe='=IF(1=1,"F","M")')]
    result = run_import(data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": rows}, extra_sheets=()))
    [error] = result.report["errors"]
    assert error["column"] == "sexe" and "Formule sans valeur calculée" in error["message"]


def test_ods_formula_with_cached_value_is_read_without_one_is_an_error(tmp_path, data, pseudonym_key):
    from odf.table import TableCell

    rows = [data.participant(), data.participant(id_participant="P002")]
    path = data.write_ods(tmp_path / "recueil.ods", {"participants": rows}, extra_sheets=(),
                          convert=lambda table, column, text: text)
    # Rewrite the two cells of anciennete_chomage_mois as formulas: one with its result, one without.
    from odf.opendocument import load

    doc = load(str(path))
    from odf.table import TableRow

    table_rows = doc.spreadsheet.getElementsByType(TableRow)
    column = list(data.participant()).index("anciennete_chomage_mois")
    for row, cached in ((table_rows[1], True), (table_rows[2], False)):
        old = row.getElementsByType(TableCell)[column]
        new = TableCell(formula="of:=6*2", valuetype="float", value=12) if cached else TableCell(formula="of:=6*2")
        row.insertBefore(new, old)
        row.removeChild(old)
    doc.save(str(path))

    result = run_import(path)

    assert Participant.objects.get(id_hash=pseudonymise("P001", pseudonym_key)).anciennete_chomage_mois == 12
    [error] = result.report["errors"]
    assert (error["line"], error["column"]) == (3, "anciennete_chomage_mois")
    assert "Formule sans valeur calculée" in error["message"]


def test_csv_with_only_a_header_is_refused_as_empty(tmp_path, data):
    result = run_import(_write(tmp_path, data.csv_bytes([data.participant()])[:300].split(b"\r\n")[0] + b"\r\n"))
    assert result.exit_status == 2
    assert result.report["stored"] is False
    assert "ne contient que la ligne d'en-têtes" in result.report["errors"][0]["message"]


def test_empty_csv_is_refused(tmp_path):
    result = run_import(_write(tmp_path, b""))
    assert result.exit_status == 2
    assert "vide" in result.report["errors"][0]["message"]


def test_a_table_given_twice_is_refused(tmp_path, data):
    folder = data.write_folder(tmp_path / "recueil", {"participants": data.sample()["participants"]})
    data.write_xlsx(folder / "recueil.xlsx", {"participants": data.sample()["participants"]})
    result = run_import(folder)
    assert result.exit_status == 2
    assert "deux fois" in result.report["errors"][0]["message"]


def test_xlsx_error_value_is_an_error_for_that_cell(tmp_path, data):
    rows = [data.participant(referent="#N/A"), data.participant(id_participant="P002")]
    path = data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": rows}, extra_sheets=())
    result = run_import(path)
    [error] = result.report["errors"]
    assert (error["line"], error["column"]) == (2, "referent")
    assert "donne une erreur (#N/A)" in error["message"]
    assert Participant.objects.count() == 1


def test_two_sheets_for_one_table_are_refused(tmp_path, data):
    rows = data.sample()["participants"]
    path = data.write_xlsx(tmp_path / "recueil.xlsx", {"participants": rows, "Participants ": rows})
    result = run_import(path)
    assert result.exit_status == 2
    assert "désignent toutes deux la table participants" in result.report["errors"][0]["message"]
