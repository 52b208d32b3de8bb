"""The collection template: generated from the référentiel, and importable as it is once filled in."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from collection_web_helpers import read_rows

from reperes.collection import template
from reperes.referentiel import TABLES

ROOT = Path(__file__).resolve().parents[2]
EXTRA_SHEETS = [template.LISTS_SHEET, template.DICTIONARY_SHEET, template.METHODOLOGY_SHEET]


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(template.template_bytes("xlsx")))


def test_one_sheet_per_table_with_coded_headers_and_a_hash_example_row(book):
    assert book.sheetnames == [*TABLES, *EXTRA_SHEETS]
    for name, table in TABLES.items():
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == table.column_names
        assert str(rows[1][0]).startswith("#"), name
        assert len(rows) == 2


def test_every_coded_column_has_a_drop_down_list_from_the_listes_sheet(book):
    lists = book[template.LISTS_SHEET]
    list_headers = [c.value for c in lists[1]]
    for name, table in TABLES.items():
        validations = book[name].data_validations.dataValidation
        for index, col in enumerate(table.columns):
            letter = template._column_letter(index)
            found = [v for v in validations if any(str(r).startswith(f"{letter}2:") for r in v.sqref.ranges)]
            if col.codes is None and col.kind != "boolean":
                assert not found, (name, col.name)
                continue
            assert len(found) == 1, (name, col.name)
            validation = found[0]
            assert validation.type == "list"
            assert validation.formula1.startswith(f"={template.LISTS_SHEET}!")
            # The referenced range holds the list's labels, then its codes: a label or a code is accepted.
            column_letter = validation.formula1.split("!$")[1].split("$")[0]
            last_row = int(validation.formula1.rsplit("$", 1)[1])
            values = [c.value for c in lists[column_letter][1:last_row] if c.value is not None]
            if col.codes is not None:
                expected = [c.label for c in col.codes]
                expected += [c.code for c in col.codes if c.code not in expected]
                assert set(values) >= set(col.codes.codes()) | {c.label for c in col.codes}, (name, col.name)
            else:
                expected = list(template.BOOLEAN_VALUES)
            assert values == expected, (name, col.name)
            assert list_headers[openpyxl.utils.column_index_from_string(column_letter) - 1] in (
                col.codes.name + template.ENTRY_SUFFIX if col.codes is not None else template.BOOLEAN_LIST,)
            # Several values separated by | must not be blocked by the list.
            assert validation.showErrorMessage is (not col.multi), (name, col.name)


def test_multi_valued_columns_are_explained_in_the_header_note_and_the_dictionary(book):
    dictionary = {(r[0], r[1]): r for r in book[template.DICTIONARY_SHEET].iter_rows(min_row=2, values_only=True)}
    for name, table in TABLES.items():
        for index, col in enumerate(table.columns):
            note = book[name].cell(row=1, column=index + 1).comment
            assert note is not None and col.description in note.text
            row = dictionary[(name, col.name)]
            if col.multi:
                assert "|" in note.text and "|" in row[5]
            else:
                assert row[5] == "non"


def test_dictionary_gives_meaning_type_obligation_and_codes_with_labels(book):
    rows = list(book[template.DICTIONARY_SHEET].iter_rows(values_only=True))
    assert rows[0] == template.DICTIONARY_HEADER
    assert len(rows) - 1 == sum(len(t.columns) for t in TABLES.values())
    by_column = {(r[0], r[1]): r for r in rows[1:]}
    sexe = by_column[("participants", "sexe")]
    assert sexe[2] == "Sexe" and sexe[4] == "oui" and "F = Femme" in sexe[6] and "M = Homme" in sexe[6]
    assert by_column[("participants", "date_naissance")][4].startswith("l'une des deux")
    assert by_column[("participants", "motif_sortie")][4] == "oui si date_sortie est remplie"
    assert "NIV_4 = Niveau 4 (baccalauréat)" in by_column[("participants", "niveau_formation")][6]
    assert by_column[("etapes", "operateur")][4] == "non"


def test_methodology_sheet_and_docs_page_say_the_same_thing(book):
    sheet_text = "\n".join(str(r[0]) for r in book[template.METHODOLOGY_SHEET].iter_rows(values_only=True) if r[0])
    doc = (ROOT / "docs" / "methodologie-recueil.md").read_text(encoding="utf-8")
    assert doc == template.methodology_markdown(), "docs/methodologie-recueil.md is stale: regenerate it"
    for section in template.METHODOLOGY:
        assert section.title in sheet_text
        for bullet in section.bullets:
            assert bullet in sheet_text and bullet in doc
    for topic in ("Qui remplit quoi", "sources", "rythme", "confidentialité"):
        assert topic in doc
    assert "NIR" in doc and "HMAC" in doc


def test_ods_template_has_the_same_sheets_headers_and_validation_lists():
    from odf.opendocument import load
    from odf.table import ContentValidation, Table

    doc = load(io.BytesIO(template.template_bytes("ods")))
    names = [t.getAttribute("name") for t in doc.spreadsheet.getElementsByType(Table)]
    assert names == [*TABLES, *EXTRA_SHEETS]
    conditions = [v.getAttribute("condition") for v in doc.spreadsheet.getElementsByType(ContentValidation)]
    assert any("sexe" not in c and template.LISTS_SHEET in c for c in conditions)
    assert len(conditions) == len(template.code_lists()) + 1

    import python_calamine

    path = io.BytesIO(template.template_bytes("ods"))
    book = python_calamine.CalamineWorkbook.from_filelike(path)
    for name, table in TABLES.items():
        rows = book.get_sheet_by_name(name).to_python()
        assert rows[0][:len(table.columns)] == table.column_names
        assert str(rows[1][0]).startswith("#")


def _demo_tables(demo_files) -> dict[str, tuple[list[str], list[list[str]]]]:
    return {name: read_rows(demo_files[name]) for name in TABLES}


@pytest.mark.django_db
def test_xlsx_template_filled_with_demo_rows_imports_without_change(tmp_path, demo_files):
    from reperes.collection.importer import run_import
    from reperes.collection.models import Participant

    path = tmp_path / "recueil.xlsx"
    template.write_template(path)
    book = openpyxl.load_workbook(path)
    for name, (header, rows) in _demo_tables(demo_files).items():
        assert header == TABLES[name].column_names
        for row in rows:
            book[name].append([v or None for v in row])
    book.save(path)

    result = run_import(path)

    assert result.report["status"] == "ok", result.report["errors"][:3]
    for name in TABLES:
        assert result.report["tables"][name]["accepted"] == demo_files["counts"][name], name
        assert result.report["tables"][name]["skipped"] == 1  # the # example row
    assert {s["sheet"] for s in result.report["ignored_sheets"]} == set(EXTRA_SHEETS)
    assert Participant.objects.count() == demo_files["counts"]["participants"]


@pytest.mark.django_db
def test_ods_template_filled_with_demo_rows_imports_without_change(tmp_path, demo_files):
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    from reperes.collection.importer import run_import

    path = tmp_path / "recueil.ods"
    template.write_template(path)
    doc = load(str(path))
    tables = {t.getAttribute("name"): t for t in doc.spreadsheet.getElementsByType(Table)}
    for name, (_header, rows) in _demo_tables(demo_files).items():
        sheet = tables[name]
        filler = sheet.getElementsByType(TableRow)[-1]  # the repeated empty rows carrying the lists
        for row in rows:
            tr = TableRow()
            for value in row:
                cell = TableCell(valuetype="string") if value else TableCell()
                if value:
                    cell.addElement(P(text=value))
                tr.addElement(cell)
            sheet.insertBefore(tr, filler)
    doc.save(str(path))

    result = run_import(path)

    assert result.report["status"] == "ok", result.report["errors"][:3]
    for name in TABLES:
        assert result.report["tables"][name]["accepted"] == demo_files["counts"][name], name


def test_cli_writes_xlsx_and_ods_and_refuses_other_formats(tmp_path, capsys):
    from reperes.cli import main

    assert main(["template", "--out", str(tmp_path / "recueil.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "recueil.xlsx").sheetnames[:5] == list(TABLES)
    assert main(["template", "--out", str(tmp_path / "recueil.ods")]) == 0
    assert (tmp_path / "recueil.ods").read_bytes()[:2] == b"PK"
    capsys.readouterr()

    assert main(["template", "--out", str(tmp_path / "recueil.xlsx")]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert main(["template", "--out", str(tmp_path / "recueil.xlsx"), "--force"]) == 0
    assert main(["template", "--out", str(tmp_path / "recueil.csv")]) == 2
    assert ".xlsx ou .ods" in capsys.readouterr().err


@pytest.mark.django_db
def test_template_download_for_admins_and_charges_not_partners(client_admin, client_charge, client_partner):
    from django.urls import reverse

    for client in (client_admin, client_charge):
        response = client.get(reverse("collection:template_download", args=["xlsx"]))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.xlsx"')
        assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "participants"
    ods = client_admin.get(reverse("collection:template_download", args=["ods"]))
    assert ods["Content-Type"] == template.CONTENT_TYPES["ods"]
    assert client_admin.get(reverse("collection:template_download", args=["pdf"])).status_code == 404
    assert client_partner.get(reverse("collection:template_download", args=["xlsx"])).status_code == 403
    imports_page = client_admin.get(reverse("collection:imports")).content.decode()
    assert reverse("collection:template_download", args=["xlsx"]) in imports_page
    method = client_charge.get(reverse("collection:methodology")).content.decode()
    assert "Qui remplit quoi" in method and reverse("collection:template_download", args=["xlsx"]) in method


@pytest.mark.django_db
def test_drop_downs_accept_labels_and_a_template_filled_with_labels_imports(tmp_path, demo_files):
    """Typing « Femme » is accepted by the drop-down (it is in its list) and by the import."""
    from reperes import referentiel as ref
    from reperes.collection.importer import run_import
    from reperes.collection.models import Participant

    path = tmp_path / "recueil.xlsx"
    template.write_template(path)
    book = openpyxl.load_workbook(path)
    participants = TABLES["participants"]
    sexe = template._column_letter(participants.column_names.index("sexe"))
    validation = next(v for v in book["participants"].data_validations.dataValidation
                      if any(str(r).startswith(f"{sexe}2:") for r in v.sqref.ranges))
    letter = validation.formula1.split("!$")[1].split("$")[0]
    accepted = [c.value for c in book[template.LISTS_SHEET][letter][1:] if c.value is not None]
    assert "Femme" in accepted and "F" in accepted and accepted.index("Femme") < accepted.index("F")

    header, rows = read_rows(demo_files["participants"])
    by_label = {"sexe": ref.SEXE, "niveau_formation": ref.NIVEAU_FORMATION, "situation_entree": ref.SITUATION_ENTREE}
    for row in rows:
        for column, codes in by_label.items():
            j = header.index(column)
            row[j] = codes.label(row[j])  # what a person picks in the drop-down
        book["participants"].append([v or None for v in row])
    book.save(path)
    result = run_import(path)
    assert result.report["tables"]["participants"]["rejected"] == 0, result.report["errors"][:3]
    original = {r[header.index("sexe")] for r in read_rows(demo_files["participants"])[1]}
    assert set(Participant.objects.values_list("sexe", flat=True)) == original
