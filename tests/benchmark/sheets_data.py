"""Real-shaped messy sheets, as peers send them, with what each line must give."""

from __future__ import annotations

from pathlib import Path

NBSP, NNBSP = "\u00a0", "\u202f"
P = "PLIE du Lunévillois"
SRC = "Rapport d’activité 2019 du PLIE du Lunévillois"

# Windows-1252, semicolons, French headers with accents and capitals, in another order.
MESSY_LINES = [
    "Indicateur;PLIE;Année;Valeur;Source;Date source;Définition;Note",                # 1 header
    f"participants_accompagnes;{P};2019;1{NBSP}234;{SRC};2020-03-31;;",               # 2
    f"taux_sorties_positives;{P};2019;47 %;{SRC};2020;;",                             # 3
    f"part_femmes;{P};2019;0,52;{SRC};2020;;",                                        # 4
    f"duree_moyenne_parcours_mois;{P};2019;22,5;{SRC};2020;;",                        # 5
    f"part_rsa;{P};2019;s;{SRC};2020;;secret statistique du producteur",              # 6
    f"sorties;{P};2019;-3;{SRC};2020;;",                                              # 7 negative count
    f"part_qpv;{P};2019;147 %;{SRC};2020;;",                                          # 8 share > 100 %
    f"nombre_de_referents;{P};2019;12;{SRC};2020;;",                                  # 9 unknown indicator
    f"entrees;{P};2019;;{SRC};2020;;",                                                # 10 missing value
    f"entrees;{P};19;50;{SRC};2020;;",                                                # 11 bad year
    f"entrees;{P};2019;douze;{SRC};2020;;",                                           # 12 not a number
    f"participants_accompagnes;{P};2019;1300;{SRC};2020-03-31;;",                     # 13 same key, other value
    f"participants_accompagnes;{P};2019;1{NBSP}234;{SRC};2020-03-31;;",               # 14 same row again: kept once
    f"structure_porteuse;{P};2019;Maison de l’emploi;{SRC};2020;;",                   # 15 text (’ in cp1252)
    f"pratique_remarquable;{P};2019;Parrainage par des retraités;{SRC};2020;;",       # 16
    f"pratique_remarquable;{P};2019;Garde d’enfants pendant les ateliers;{SRC};2020;;",  # 17 a second practice
    f"sorties_positives;{P};2019;180;{SRC};2020;tout emploi au jour de la sortie;",  # 18 defined otherwise
    f'budget_total_euros;{P};2019;"1 480 000";{SRC};2020;;"budget voté,',            # 19 a note on two lines
    'hors reports"',                                                                  # 20 (same row)
    f"date_source_fausse;{P};2019;3;{SRC};2020;;",                                    # 21 unknown indicator
    f"entrees;{P};2019;412;{SRC};2020-13-01;;",                                       # 22 impossible date
    f"entrees;{P};2019;12,5;{SRC};2020;;",                                            # 23 count not integer
    f"duree_moyenne_parcours_mois;{P};2018;22 %;{SRC};2019;;",                        # 24 percent on months
    ";;;;;;;",                                                                        # 25 empty: ignored
    f"entrees;{P};2019;412;;2020;;",                                                  # 26 missing source
]

REJECTED = {
    7: "négatif",
    8: "entre 0 et 1",
    9: "inconnu",
    10: "valeur",
    11: "annee",
    12: "un nombre est attendu",
    13: "ligne 2",
    21: "inconnu",
    22: "n’existe pas",
    23: "nombre entier",
    24: "pourcentage",
    26: "source",
}

# (indicateur) → (nombre, texte, secret, definition, note) for the rows kept, with their line.
STORED = {
    ("participants_accompagnes", 2): (1234.0, "", False, "", ""),
    ("taux_sorties_positives", 3): (0.47, "", False, "", ""),
    ("part_femmes", 4): (0.52, "", False, "", ""),
    ("duree_moyenne_parcours_mois", 5): (22.5, "", False, "", ""),
    ("part_rsa", 6): (None, "", True, "", "secret statistique du producteur"),
    ("structure_porteuse", 15): (None, "Maison de l’emploi", False, "", ""),
    ("pratique_remarquable", 16): (None, "Parrainage par des retraités", False, "", ""),
    ("pratique_remarquable", 17): (None, "Garde d’enfants pendant les ateliers", False, "", ""),
    ("sorties_positives", 18): (180.0, "", False, "tout emploi au jour de la sortie", ""),
    ("budget_total_euros", 19): (1480000.0, "", False, "", "budget voté,\nhors reports"),
}


def write_messy_csv(path: Path) -> Path:
    path.write_bytes(("\r\n".join(MESSY_LINES) + "\r\n").encode("cp1252"))
    return path


HEADER = ["plie", "annee", "indicateur", "valeur", "source", "date_source", "definition", "note"]


def workbook_rows():
    """Rows as a spreadsheet holds them: numbers as numbers, a date as a date."""
    import datetime as dt

    peer = "PLIE de Nancy (fiche tableur)"
    return [
        [peer, 2019, "participants_accompagnes", 987, "Bilan 2019", dt.date(2020, 4, 2), None, None],
        [peer, 2019, "taux_sorties_positives", 0.455, "Bilan 2019", 2020, None, None],
        [peer, 2019, "part_femmes", "51 %", "Bilan 2019", 2020, None, None],
        [peer, 2019, "population_territoire", f"256{NNBSP}000", "INSEE", 2019, None, None],
        [peer, 2019, "part_th", 1.2, "Bilan 2019", 2020, None, None],  # line 6: share > 1
        [peer, 2019, "entrees", 12.5, "Bilan 2019", 2020, None, None],  # line 7: not integer
    ]


WORKBOOK_STORED = {"participants_accompagnes": 987.0, "taux_sorties_positives": 0.455, "part_femmes": 0.51,
                   "population_territoire": 256000.0}
WORKBOOK_REJECTED = {6: "entre 0 et 1", 7: "nombre entier"}


def write_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Fiche"
    sheet.append([h.upper() for h in HEADER])
    for row in workbook_rows():
        sheet.append(row)
    book.create_sheet("Notes").append(["ignorée"])
    book.save(path)
    return path


def write_ods(path: Path) -> Path:
    import datetime as dt

    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P as Para

    doc = OpenDocumentSpreadsheet()

    def cell(value):
        if value is None:
            return TableCell()
        if isinstance(value, int | float):
            c = TableCell(valuetype="float", value=value)
            c.addElement(Para(text=str(value)))
            return c
        if isinstance(value, dt.date):
            c = TableCell(valuetype="date", datevalue=value.isoformat())
            c.addElement(Para(text=value.isoformat()))
            return c
        c = TableCell(valuetype="string")
        c.addElement(Para(text=str(value)))
        return c

    table = Table(name="Fiche")
    for values in [HEADER, *workbook_rows()]:
        tr = TableRow()
        for value in values:
            tr.addElement(cell(value))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
