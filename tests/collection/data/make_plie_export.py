"""Write the « messy PLIE export » fixture: ``plie_export/`` (CSV, Windows-1252, ``;``) and ``plie_export.xlsx``.

Run it from the repository root to rebuild the committed files::

    .venv/bin/python tests/collection/data/make_plie_export.py

The export looks like what a PLIE's software gives: French labels instead of codes, French dates,
extra identifying columns (Nom, Prénom, Téléphone), a comment row, an empty row, and a few bad rows.
The expected counts and errors are asserted by ``tests/collection/test_import_plie_export.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent

PARTICIPANT_HEADER = ["Id participant", "Nom", "Prénom", "Téléphone", "Sexe", "Date de naissance",
                      "Commune de résidence", "QPV", "Niveau de formation", "Situation à l'entrée", "Critères",
                      "Freins à l'entrée", "Prescripteur", "Référent", "Date d'entrée", "Date de sortie",
                      "Motif de sortie"]
# Line 1 is the header; line 2 a comment; line 14 is empty.
PARTICIPANTS = [
    ["# Export du 02/09/2024 – logiciel de suivi du PLIE"],
    ["10231", "Dupont", "Marie", "06 12 34 56 78", "Femme", "15/06/1985", "54395", "Oui",
     "Niveau 3 (CAP, BEP)", "Demandeur d'emploi", "Bénéficiaire du RSA, Parent isolé", "Mobilité, Logement",
     "France Travail", "REF01", "01/03/2024", "", ""],
    ["10232", "Martin", "Paul", "07 00 00 00 01", "Homme", "02/01/1970", "54547", "Non",
     "Sans diplôme ou infra niveau 3", "Inactif", "", "Santé", "CCAS", "REF02", "10/01/2023", "15/09/2023",
     "Emploi durable – CDI"],
    ["10233", "Bernard", "Léa", "", "femme", "20/05/1999", "57463", "", "Niveau 4 (baccalauréat)",
     "Demandeur d'emploi", "", "", "Mission locale", "REF01", "20/05/2024", "", ""],
    ["10234", "Petit", "Hugo", "", "Homme", "03/04/85", "54395", "Non", "Niveau 4 (baccalauréat)",
     "Demandeur d'emploi", "", "", "France Travail", "REF03", "01/02/2024", "", ""],
    ["10235", "Robert", "Julie", "", "Femme", "31/02/1990", "54395", "Non", "Niveau 5 (bac + 2)",
     "Demandeur d'emploi", "", "", "France Travail", "REF03", "01/02/2024", "", ""],
    ["10236", "Richard", "Tom", "", "Homme", "12/12/1980", "54395", "Non", "Bac+12", "Demandeur d'emploi",
     "", "", "France Travail", "REF02", "01/02/2024", "", ""],
    ["10237", "Durand", "Emma", "", "Femme", "01/01/1975", "54547", "Non", "NIV_3", "Inactif", "", "",
     "CCAS", "REF02", "01/02/2024", "30/06/2024", ""],
    ["10231", "Dupont", "Marie", "", "Femme", "15/06/1985", "54395", "Oui", "NIV_3", "DE", "", "",
     "France Travail", "REF01", "01/03/2024", "", ""],
    ["10238", "Leroy", "Nina", "", "Femme", "05/05/1988", "54395", "Non", "NIV_3", "DE", "", "",
     "France Travail", "REF01", "01/03/2024", "01/01/2023", "Abandon ou perte de contact"],
    ["10239", "Moreau", "Léo", "", "Homme", "09/09/1990", "57463", "non", "NIV_5", "Demandeur d'emploi", "",
     "Numérique", "Démarche spontanée", "REF03", "01/02/2024", "", ""],
    ["10240", "Simon", "Zoé", "", "Femme", "10/10/1992", "54395", "Non", "NIV_3", "DE", "", "",
     "France Travail", "1 85 06 54 395 123 45", "01/02/2024", "", ""],
    [],
    ["10241", "Laurent", "Inès", "", "Femme", "11/11/1994", "54547", "Oui", "Niveau 6 et plus (bac + 3 et au-delà)",
     "En emploi (précaire ou temps partiel subi)", "Travailleur handicapé (RQTH)", "", "Mission locale",
     "REF01", "02/01/2024", "31/08/2024", "Formation qualifiante ou certifiante"],
]
ETAPE_HEADER = ["Id étape", "Id participant", "Nom", "Type d'étape", "Date de début", "Date de fin", "Opérateur",
                "Résultat"]
ETAPES = [
    ["E1", "10231", "Dupont", "Action mobilité", "05/03/2024", "30/04/2024", "Mob'In", "Réalisée"],
    ["E2", "10232", "Martin", "Formation qualifiante", "01/02/2023", "30/06/2023", "AFPA", "Réalisée"],
    ["E3", "10233", "Bernard", "Orientation, projet professionnel", "20/05/2024", "", "", "En cours"],
    ["E4", "10234", "Petit", "Action santé", "01/04/2024", "", "", ""],
    ["E5", "99999", "Inconnu", "Action logement", "01/04/2024", "", "", ""],
    ["E6", "10239", "Moreau", "Emploi en CDD", "01/06/2024", "01/05/2024", "", "Réalisée"],
    ["E7", "10241", "Laurent", "Immersion en entreprise (PMSMP)", "02/04/2024", "05/04/2024", "", "Réalisée"],
]


def write_csv(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name, header, rows in (("participants", PARTICIPANT_HEADER, PARTICIPANTS), ("etapes", ETAPE_HEADER, ETAPES)):
        lines = [";".join(header)] + [";".join(row) for row in rows]
        (folder / f"{name}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def _excel_value(header: str, text: str):
    """What Excel holds after opening the export: numbers for ids, dates for valid dates."""
    if text == "":
        return None
    if header == "Id participant" and text.isdigit():
        return int(text)
    if header.startswith("Date"):
        try:
            return dt.datetime.strptime(text, "%d/%m/%Y")
        except ValueError:
            return text  # 31/02/1990 and 03/04/85 stay text, as Excel leaves them
    return text


def write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet_name, header, rows in (("Participants", PARTICIPANT_HEADER, PARTICIPANTS),
                                     ("Étapes", ETAPE_HEADER, ETAPES)):
        sheet = book.create_sheet(sheet_name)
        for col, title in enumerate(header, start=1):
            sheet.cell(row=1, column=col, value=title)
        for line, row in enumerate(rows, start=2):
            for col, text in enumerate(row, start=1):
                value = _excel_value(header[col - 1], text) if not text.startswith("#") else text
                if value is not None:
                    cell = sheet.cell(row=line, column=col, value=value)
                    if isinstance(value, dt.datetime):
                        cell.number_format = "DD/MM/YYYY"
    book.create_sheet("Export").append(["Généré par le logiciel de suivi"])
    book.save(path)


if __name__ == "__main__":
    write_csv(HERE / "plie_export")
    write_xlsx(HERE / "plie_export.xlsx")
    print("plie_export/ et plie_export.xlsx écrits.")
