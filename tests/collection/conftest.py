"""Build exchange-format data in a temporary folder: CSV folders, XLSX and ODS workbooks."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

PSEUDONYM_KEY = "cle-de-test-pseudonymisation"

PARTICIPANT = {
    "id_participant": "P001",
    "id_personne": "PERS01",
    "sexe": "F",
    "date_naissance": "15/06/1985",
    "commune_residence": "54395",
    "qpv": "oui",
    "niveau_formation": "NIV_3",
    "situation_entree": "DE",
    "anciennete_chomage_mois": "14",
    "criteres": "RSA|DELD",
    "freins_entree": "MOBILITE",
    "prescripteur": "FRANCE_TRAVAIL",
    "referent": "REF1",
    "date_entree": "01/03/2024",
    "date_sortie": "",
    "motif_sortie": "",
}


def participant(**changes) -> dict:
    row = dict(PARTICIPANT)
    row.update(changes)
    return row


def sample() -> dict[str, list[dict]]:
    """Three participants, one action, four étapes, two barrier assessments, one achievement."""
    return {
        "participants": [
            participant(),
            participant(id_participant="P002", id_personne="", sexe="M", date_naissance="02/01/1970",
                        commune_residence="54547", qpv="non", niveau_formation="INFRA_3",
                        situation_entree="INACTIF", anciennete_chomage_mois="", criteres="",
                        freins_entree="SANTE|LOGEMENT", date_entree="10/01/2023", date_sortie="15/09/2023",
                        motif_sortie="EMPLOI_CDI"),
            participant(id_participant="P003", id_personne="PERS03", date_naissance="", annee_naissance="1999",
                        commune_residence="57463", criteres="", freins_entree="", prescripteur="",
                        referent="", date_entree="2024-05-20"),
        ],
        "actions": [
            {"id_action": "A1", "intitule": "Atelier mobilité", "axe": "Axe 2", "famille": "LEVEE_FREINS",
             "operateur": "Mob'In", "territoire": "245400676", "date_debut": "01/01/2023",
             "date_fin": "31/12/2024", "budget_total": "12 500,50", "financement_fse": "6000",
             "autres_financements": "", "places_prevues": "40", "experimentale": "x",
             "theme_experimentation": "Mobilité"},
        ],
        "etapes": [
            {"id_etape": "E1", "id_participant": "P001", "type_etape": "MOBILITE", "date_debut": "05/03/2024",
             "date_fin": "30/04/2024", "id_action": "A1", "operateur": "Mob'In", "resultat": "REALISEE"},
            {"id_etape": "E2", "id_participant": "P001", "type_etape": "EMPLOI_CDD", "date_debut": "02/05/2024",
             "date_fin": "", "id_action": "", "operateur": "", "resultat": "EN_COURS"},
            {"id_etape": "", "id_participant": "P002", "type_etape": "FORMATION_QUALIFIANTE",
             "date_debut": "01/02/2023", "date_fin": "30/06/2023", "id_action": "", "operateur": "AFPA",
             "resultat": "REALISEE"},
            {"id_etape": "", "id_participant": "P003", "type_etape": "ORIENTATION_PROJET",
             "date_debut": "20/05/2024", "date_fin": "", "id_action": "", "operateur": "", "resultat": ""},
        ],
        "suivi_freins": [
            {"id_participant": "P001", "date": "01/03/2024", "frein": "MOBILITE", "niveau": "3"},
            {"id_participant": "P001", "date": "30/04/2024", "frein": "MOBILITE", "niveau": "1"},
        ],
        "acquis": [
            {"id_participant": "P001", "date": "15/04/2024", "type_acquis": "PERMIS_CONDUIRE",
             "commentaire": "Permis B obtenu"},
        ],
    }


def header_of(rows: list[dict]) -> list[str]:
    header: list[str] = []
    for row in rows:
        for key in row:
            if key not in header:
                header.append(key)
    return header


def csv_bytes(rows: list[dict], *, delimiter: str = ";", encoding: str = "utf-8", header=None,
              prefix_lines: list[str] | None = None) -> bytes:
    header = header or header_of(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for line in prefix_lines or []:
        buffer.write(line + "\r\n")
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue().encode(encoding)


def write_folder(folder: Path, tables: dict[str, list[dict]], **options) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows, **options))
    return folder


def write_xlsx(path: Path, tables: dict[str, list[dict]], *, extra_sheets=("Dictionnaire",), convert=None) -> Path:
    """One sheet per table; ``convert(table, column, text)`` may turn a cell into a number, a date…"""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        header = header_of(rows)
        sheet.append(header)
        for row in rows:
            sheet.append([(convert(name, h, row.get(h, "")) if convert else row.get(h, "")) or None
                          for h in header])
    for extra in extra_sheets:
        book.create_sheet(extra).append(["Colonne", "Description"])
    book.save(path)
    return path


def write_ods(path: Path, tables: dict[str, list[dict]], *, extra_sheets=("Dictionnaire",), convert=None) -> Path:
    """The same with odfpy; numbers (int/float) become float cells, dates date cells."""
    import datetime as dt

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()

    def cell(value):
        if value is None or value == "":
            return TableCell()
        if isinstance(value, bool):
            return TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
        if isinstance(value, int | float):
            c = TableCell(valuetype="float", value=value)
            c.addElement(P(text=str(value)))
            return c
        if isinstance(value, dt.date):
            c = TableCell(valuetype="date", datevalue=value.isoformat())
            c.addElement(P(text=value.isoformat()))
            return c
        c = TableCell(valuetype="string")
        c.addElement(P(text=str(value)))
        return c

    def add_sheet(name, header, rows):
        table = Table(name=name)
        for values in [header, *rows]:
            tr = TableRow()
            for value in values:
                tr.addElement(cell(value))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)

    for name, rows in tables.items():
        header = header_of(rows)
        add_sheet(name, header, [[(convert(name, h, r.get(h, "")) if convert else r.get(h, "")) for h in header]
                                 for r in rows])
    for extra in extra_sheets:
        add_sheet(extra, ["Colonne", "Description"], [])
    doc.save(str(path))
    return path


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", PSEUDONYM_KEY)
    return PSEUDONYM_KEY.encode("utf-8")


class ExchangeData:
    """The helpers above, handed to tests by the ``data`` fixture."""

    participant = staticmethod(participant)
    sample = staticmethod(sample)
    csv_bytes = staticmethod(csv_bytes)
    write_folder = staticmethod(write_folder)
    write_xlsx = staticmethod(write_xlsx)
    write_ods = staticmethod(write_ods)


@pytest.fixture
def data() -> type[ExchangeData]:
    return ExchangeData
