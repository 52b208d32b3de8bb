"""The collection template (« modèle de recueil »): an XLSX or ODS workbook generated from the référentiel.

Nothing here is typed twice: sheets, headers, drop-down lists, the dictionary
and the lists all come from ``reperes.referentiel`` (``TABLES`` and the code
lists), so the template always matches what the import accepts. The
« Méthodologie de recueil » text is defined once (``METHODOLOGY``) and rendered
to the workbook sheet, the page of the application and
``docs/methodologie-recueil.md`` (a test checks the doc file is current).

    write_template(Path("recueil.xlsx"))      # or .ods
    template_bytes("xlsx")                    # for a download

Every sheet of a table has its coded headers on line 1 and one example row on
line 2 whose first cell starts with ``#``: the import skips it (format-echange.md,
« Parsing rules »). Filled in below that row, the workbook imports as it is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reperes.referentiel import TABLES, CodeList, Column, Table
from reperes.referentiel import tables as kinds

FORMATS = ("xlsx", "ods")
DICTIONARY_SHEET = "Dictionnaire"
LISTS_SHEET = "Listes"
METHODOLOGY_SHEET = "Méthodologie de recueil"
BOOLEAN_LIST = "oui_non"
BOOLEAN_VALUES = ("oui", "non")
# Rows of each table sheet that carry the drop-down lists (the example row plus room to fill in).
VALIDATED_ROWS = 5000
MULTI_NOTE = "Plusieurs valeurs possibles : séparez-les par une barre verticale |, par exemple RSA|DELD."


# --------------------------------------------------------------------------- methodology (one text, three renderings)


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


METHODOLOGY_TITLE = "Méthodologie de recueil des données des participants"
METHODOLOGY: tuple[Section, ...] = (
    Section("À quoi sert ce recueil", (
        "Le PLIE rassemble ici les données de parcours nécessaires à son évaluation : qui entre dans le PLIE, "
        "par quelles étapes passent les participants, quels freins sont levés, quels acquis sont obtenus et "
        "comment se terminent les parcours. Les mêmes données alimentent les indicateurs du FSE+ (situation à "
        "l'entrée, à la sortie et six mois après).",
        "Le classeur suit le format d'échange de Repères : une feuille par table (participants, actions, "
        "etapes, suivi_freins, acquis), les en-têtes de colonnes sont des codes qu'il ne faut pas modifier.",
    )),
    Section("Qui remplit quoi", bullets=(
        "participants : le référent de parcours à l'entrée (situation, niveau, critères, freins repérés), "
        "puis à la sortie (date et motif) et six mois après la sortie (situation à 6 mois).",
        "etapes : le référent de parcours, à chaque étape engagée (début) et terminée (fin, résultat).",
        "actions : la coordination du PLIE (chargé de mission, gestionnaire FSE), une fois par programmation "
        "annuelle puis à chaque nouvelle action.",
        "suivi_freins : le référent, à l'entrée puis à chaque bilan (au moins tous les six mois) : une ligne "
        "par frein évalué et par date.",
        "acquis : le référent, dès qu'un acquis est constaté (permis obtenu, logement stable, droits ouverts…).",
    )),
    Section("À partir de quelles sources", bullets=(
        "Le logiciel de suivi du PLIE (export de la liste des participants, des étapes et des sorties) : c'est "
        "la source principale ; Repères sait lire ces exports avec un profil de correspondance des colonnes.",
        "Le dossier du participant pour les informations absentes du logiciel (critères, freins).",
        "La programmation et les conventions des actions (budget, financement FSE, places prévues).",
        "Les bilans de fin de parcours et le suivi à six mois pour la situation après la sortie.",
    )),
    Section("À quel rythme", bullets=(
        "Import complet au moins une fois par trimestre, et avant chaque comité de suivi ou comité de pilotage.",
        "Réimporter le même fichier ne crée aucun doublon : les lignes sont retrouvées par leur identifiant et "
        "mises à jour. Il n'est donc pas nécessaire de n'envoyer que les nouveautés.",
        "Après chaque import, lire le rapport de validation et corriger les lignes rejetées dans la source.",
    )),
    Section("Comment remplir le classeur", bullets=(
        "Ne pas renommer les feuilles ni les en-têtes de colonnes ; les colonnes facultatives peuvent rester "
        "vides. La feuille Dictionnaire décrit chaque colonne : signification, type, caractère obligatoire, "
        "codes et libellés.",
        "Les colonnes codées proposent une liste déroulante (feuille Listes) : saisir le code ou son libellé.",
        "Colonnes à plusieurs valeurs (critères, freins à l'entrée, territoire) : séparer les valeurs par une "
        "barre verticale |, par exemple RSA|DELD.",
        "Dates au format JJ/MM/AAAA, années sur quatre chiffres (une année sur deux chiffres est refusée).",
        "La ligne 2 de chaque feuille, qui commence par #, est un exemple : elle n'est jamais importée. "
        "Saisir les données à partir de la ligne 3.",
        "Une date de sortie va toujours avec un motif de sortie, et inversement.",
    )),
    Section("Règles de confidentialité", bullets=(
        "Aucun nom, prénom, adresse, téléphone ni courriel : ces colonnes seraient ignorées à l'import, mais "
        "elles n'ont rien à faire dans ce fichier.",
        "Jamais de numéro de sécurité sociale (NIR) : une ligne qui en contient un, même dans un commentaire, "
        "est rejetée.",
        "L'identifiant du participant est celui du logiciel du PLIE. Repères ne le conserve pas : il le "
        "remplace par une empreinte chiffrée (HMAC-SHA256) calculée avec la clé de l'installation. La même "
        "clé redonne la même empreinte, ce qui permet de retrouver un participant lors d'un nouvel import.",
        "La clé de pseudonymisation est conservée dans les sauvegardes. Si elle est perdue, les imports "
        "suivants ne retrouvent plus les participants déjà enregistrés (ils seraient comptés deux fois).",
        "La date de naissance sert seulement à calculer l'âge à l'entrée, puis seule l'année est gardée.",
        "Les parcours sont conservés pendant la durée fixée dans les paramètres (60 mois après la sortie par "
        "défaut), puis purgés. Un participant peut demander la suppression de ses données.",
        "Transmettre le fichier par un moyen sûr (pas de courriel non chiffré) et le supprimer une fois "
        "importé.",
    )),
)


def sections_markdown(title: str, sections: tuple[Section, ...], *, source: str, intro: str = "",
                      outro: tuple[str, ...] = ()) -> str:
    lines = [f"# {title}", "", f"<!-- Généré par {source} : ne pas modifier à la main. -->", ""]
    if intro:
        lines += [intro, ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        if section.bullets:
            lines += [f"- {b}" for b in section.bullets] + [""]
    lines += list(outro)
    return "\n".join(lines)


def methodology_markdown() -> str:
    """The methodology as Markdown: the content of ``docs/methodologie-recueil.md``."""
    return sections_markdown(
        METHODOLOGY_TITLE, METHODOLOGY, source="reperes.collection.template.methodology_markdown",
        intro="Ce texte figure aussi dans la feuille « Méthodologie de recueil » du modèle de recueil "
              "(`reperes template --out recueil.xlsx`) et dans l'application (page Méthodologie de recueil, "
              "depuis la page Imports).",
        outro=("## Les colonnes", "", "Chaque table, ses colonnes et leurs codes sont décrits dans "
               "[le format d'échange](format-echange.md) et dans la feuille Dictionnaire du modèle.", ""))


# --------------------------------------------------------------------------- dictionary and lists


def kind_label(col: Column) -> str:
    label = kinds.KIND_LABELS.get(col.kind, col.kind)
    if col.codes is not None:
        label = f"code (liste {col.codes.name})"
    if col.max_length:
        label += f", {col.max_length} caractères au plus"
    if col.minimum is not None:
        label += f", au moins {col.minimum:g}"
    return label


def required_label(col: Column) -> str:
    if col.required:
        return "oui"
    if col.one_of:
        others = [c.name for t in TABLES.values() for c in t.columns if c.one_of == col.one_of and c is not col]
        return f"l'une des deux ({', '.join([col.name, *others])})"
    if col.name == "motif_sortie":
        return "oui si date_sortie est remplie"
    return "non"


def codes_label(col: Column) -> str:
    if col.codes is not None:
        return " ; ".join(f"{c.code} = {c.label}" for c in col.codes)
    if col.kind == kinds.BOOLEAN:
        return "oui, non (aussi o/n, 1/0, vrai/faux, x pour oui)"
    return ""


def header_note(col: Column) -> str:
    """The comment of a header cell: meaning, obligation, several values."""
    parts = [col.description or col.name, f"Obligatoire : {required_label(col)}.", f"Type : {kind_label(col)}."]
    if col.multi:
        parts.append(MULTI_NOTE)
    return "\n".join(parts)


DICTIONARY_HEADER = ("table", "colonne", "signification", "type", "obligatoire", "plusieurs valeurs",
                     "codes et libellés")


def dictionary_rows() -> list[tuple[str, ...]]:
    rows = []
    for table in TABLES.values():
        for col in table.columns:
            rows.append((table.name, col.name, col.description, kind_label(col), required_label(col),
                         "oui, séparées par |" if col.multi else "non", codes_label(col)))
    return rows


def code_lists() -> list[CodeList]:
    """The code lists the tables use, in order of first use."""
    seen: dict[str, CodeList] = {}
    for table in TABLES.values():
        for col in table.columns:
            if col.codes is not None and col.codes.name not in seen:
                seen[col.codes.name] = col.codes
    return list(seen.values())


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class ListRange:
    name: str
    column: str  # letter of the code column on the Listes sheet
    size: int

    @property
    def reference(self) -> str:
        return f"${self.column}$2:${self.column}${self.size + 1}"


ENTRY_SUFFIX = " (libellé ou code)"


def entry_values(codes: CodeList) -> list[str]:
    """What a drop-down accepts: every label (shown first, what a person picks), then every code."""
    values: list[str] = []
    for value in [c.label for c in codes] + [c.code for c in codes]:
        if value not in values:
            values.append(value)
    return values


def list_layout() -> tuple[list[tuple[str, list[str]]], dict[str, ListRange]]:
    """Columns of the Listes sheet (header, values) and where each drop-down's values are.

    Each list has its codes, its labels, and the column the drop-down reads:
    labels then codes, so that typing « Femme » or « F » is accepted alike (the
    import reads both).
    """
    columns: list[tuple[str, list[str]]] = []
    ranges: dict[str, ListRange] = {}
    for codes in code_lists():
        columns.append((codes.name, [c.code for c in codes]))
        columns.append((f"{codes.name} (libellé)", [c.label for c in codes]))
        entries = entry_values(codes)
        ranges[codes.name] = ListRange(codes.name, _column_letter(len(columns)), len(entries))
        columns.append((f"{codes.name}{ENTRY_SUFFIX}", entries))
    ranges[BOOLEAN_LIST] = ListRange(BOOLEAN_LIST, _column_letter(len(columns)), len(BOOLEAN_VALUES))
    columns.append((BOOLEAN_LIST, list(BOOLEAN_VALUES)))
    return columns, ranges


def list_of(col: Column) -> str | None:
    if col.codes is not None:
        return col.codes.name
    if col.kind == kinds.BOOLEAN:
        return BOOLEAN_LIST
    return None


# --------------------------------------------------------------------------- example rows

_EXAMPLES: dict[tuple[str, str], str] = {
    ("participants", "id_participant"): "# EXEMPLE-0001",
    ("participants", "id_personne"): "PERS-0001",
    ("participants", "date_naissance"): "15/06/1985",
    ("participants", "annee_naissance"): "",
    ("participants", "commune_residence"): "54528",
    ("participants", "criteres"): "RSA|DELD",
    ("participants", "freins_entree"): "MOBILITE|GARDE_ENFANTS",
    ("participants", "referent"): "REF-01",
    ("participants", "date_entree"): "01/03/2024",
    ("participants", "date_sortie"): "15/10/2025",
    ("participants", "motif_sortie"): "EMPLOI_CDD_6M",
    ("participants", "duree_emploi_mois"): "6",
    ("participants", "anciennete_chomage_mois"): "14",
    ("participants", "situation_6_mois"): "EMPLOI",
    ("participants", "date_situation_6_mois"): "15/04/2026",
    ("etapes", "id_etape"): "# EXEMPLE-E-0001",
    ("etapes", "id_participant"): "EXEMPLE-0001",
    ("etapes", "type_etape"): "MOBILITE",
    ("etapes", "date_debut"): "05/03/2024",
    ("etapes", "date_fin"): "30/04/2024",
    ("etapes", "id_action"): "ACT-2024-01",
    ("etapes", "operateur"): "Auto-école sociale",
    ("actions", "id_action"): "# ACT-2024-01",
    ("actions", "intitule"): "Atelier mobilité",
    ("actions", "axe"): "Axe 2 – Lever les freins",
    ("actions", "operateur"): "Auto-école sociale",
    ("actions", "territoire"): "200070563|245400171",
    ("actions", "date_debut"): "01/01/2024",
    ("actions", "date_fin"): "31/12/2024",
    ("actions", "budget_total"): "12500,50",
    ("actions", "financement_fse"): "6000",
    ("actions", "autres_financements"): "6500,50",
    ("actions", "places_prevues"): "40",
    ("actions", "theme_experimentation"): "Déterminants de la mobilisation",
    ("suivi_freins", "id_participant"): "# EXEMPLE-0001",
    ("suivi_freins", "date"): "01/03/2024",
    ("suivi_freins", "frein"): "MOBILITE",
    ("suivi_freins", "niveau"): "3",
    ("acquis", "id_participant"): "# EXEMPLE-0001",
    ("acquis", "date"): "15/04/2024",
    ("acquis", "type_acquis"): "PERMIS_CONDUIRE",
    ("acquis", "commentaire"): "Permis B obtenu",
}


def example_row(table: Table) -> list[str]:
    """A plausible row whose first cell starts with ``#`` (skipped at import)."""
    row = []
    for col in table.columns:
        value = _EXAMPLES.get((table.name, col.name))
        if value is None:
            if col.codes is not None:
                value = col.codes.codes()[0]
            elif col.kind == kinds.BOOLEAN:
                value = "non"
            else:
                value = ""
        row.append(value)
    if not row[0].startswith("#"):
        row[0] = "# " + row[0]
    return row


# --------------------------------------------------------------------------- XLSX


def build_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4C4")
    optional_fill = PatternFill("solid", fgColor="E4ECF7")
    example_font = Font(italic=True, color="595959")
    list_columns, ranges = list_layout()

    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append(table.column_names)
        sheet.append(example_row(table))
        for index, col in enumerate(table.columns):
            letter = _column_letter(index)
            cell = sheet.cell(row=1, column=index + 1)
            cell.font = bold
            cell.fill = required_fill if col.required else optional_fill
            comment = Comment(header_note(col), "Repères")
            comment.width, comment.height = 320, 140
            cell.comment = comment
            sheet.cell(row=2, column=index + 1).font = example_font
            sheet.column_dimensions[letter].width = max(14, min(40, len(col.name) + 4))
            name = list_of(col)
            if name is None:
                continue
            validation = DataValidation(type="list", formula1=f"={LISTS_SHEET}!{ranges[name].reference}",
                                        allow_blank=True)
            validation.promptTitle = col.name[:32]
            validation.prompt = (MULTI_NOTE if col.multi else
                                 "Choisissez un libellé dans la liste, ou tapez son code.")[:255]
            validation.showInputMessage = True
            if col.multi:
                # Several values separated by | are not in the list: warn, never block.
                validation.showErrorMessage = False
            else:
                validation.errorTitle = "Valeur inconnue"
                validation.error = f"Choisissez un libellé ou un code de la liste {name} (feuille {LISTS_SHEET})."
                validation.showErrorMessage = True
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"

    lists = book.create_sheet(LISTS_SHEET)
    for index, (header, values) in enumerate(list_columns):
        lists.cell(row=1, column=index + 1, value=header).font = bold
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index + 1, value=value)
        lists.column_dimensions[_column_letter(index)].width = 18 if not header.endswith(")") else 40
    lists.freeze_panes = "A2"

    dictionary = book.create_sheet(DICTIONARY_SHEET)
    dictionary.append(list(DICTIONARY_HEADER))
    for cell in dictionary[1]:
        cell.font = bold
    for row in dictionary_rows():
        dictionary.append(list(row))
    for letter, width in zip("ABCDEFG", (14, 24, 50, 30, 22, 20, 80), strict=True):
        dictionary.column_dimensions[letter].width = width
    for row in dictionary.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    dictionary.freeze_panes = "A2"

    method = book.create_sheet(METHODOLOGY_SHEET)
    method.column_dimensions["A"].width = 120
    method.append([METHODOLOGY_TITLE])
    method["A1"].font = Font(bold=True, size=14)
    for section in METHODOLOGY:
        method.append([])
        method.append([section.title])
        method.cell(row=method.max_row, column=1).font = bold
        for text in section.paragraphs:
            method.append([text])
        for text in section.bullets:
            method.append([f"• {text}"])
    for row in method.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- ODS


def build_ods() -> bytes:
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import ContentValidation, ContentValidations, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    bold = Style(name="entete", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="large", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="4.5cm"))
    doc.automaticstyles.addElement(wide)
    list_columns, ranges = list_layout()

    validations = ContentValidations()
    for name, where in ranges.items():
        # LibreOffice's own syntax for a list taken from a range of another sheet.
        validations.addElement(ContentValidation(
            name=f"liste_{name}", allowemptycell="true", displaylist="sort-ascending",
            condition=f"of:cell-content-is-in-list([$'{LISTS_SHEET}'.{where.reference}])"))
    doc.spreadsheet.addElement(validations)

    def text_cell(value: str, *, style=None, note: str | None = None, validation: str | None = None):
        attrs = {"valuetype": "string"} if value != "" else {}
        if style is not None:
            attrs["stylename"] = style
        if validation is not None:
            attrs["contentvalidationname"] = validation
        cell = TableCell(**attrs)
        if note:
            annotation = Annotation()
            for line in note.split("\n"):
                annotation.addElement(P(text=line))
            cell.addElement(annotation)
        if value != "":
            cell.addElement(P(text=value))
        return cell

    def add_sheet(name: str, rows: list[list[str]], *, header_notes: list[str] | None = None,
                  validated: list[str | None] | None = None, width: int = 0):
        table = Table(name=name)
        if width:
            table.addElement(TableColumn(numbercolumnsrepeated=width, stylename=wide))
        for r, values in enumerate(rows):
            tr = TableRow()
            for c, value in enumerate(values):
                tr.addElement(text_cell(
                    value, style=bold if r == 0 else None,
                    note=header_notes[c] if header_notes and r == 0 else None,
                    validation=(f"liste_{validated[c]}" if validated and r > 0 and validated[c] else None)))
            table.addElement(tr)
        if validated and any(validated):
            # Empty rows below the example carry the drop-down lists too.
            tr = TableRow(numberrowsrepeated=VALIDATED_ROWS - len(rows))
            for name_ in validated:
                tr.addElement(text_cell("", validation=f"liste_{name_}" if name_ else None))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)

    for table in TABLES.values():
        add_sheet(table.name, [table.column_names, example_row(table)],
                  header_notes=[header_note(c) for c in table.columns],
                  validated=[list_of(c) for c in table.columns], width=len(table.columns))
    height = max(len(values) for _, values in list_columns)
    list_rows = [[header for header, _ in list_columns]]
    for i in range(height):
        list_rows.append([values[i] if i < len(values) else "" for _, values in list_columns])
    add_sheet(LISTS_SHEET, list_rows, width=len(list_columns))
    add_sheet(DICTIONARY_SHEET, [list(DICTIONARY_HEADER), *[list(r) for r in dictionary_rows()]],
              width=len(DICTIONARY_HEADER))
    method_rows = [[METHODOLOGY_TITLE]]
    for section in METHODOLOGY:
        method_rows += [[""], [section.title], *[[t] for t in section.paragraphs],
                        *[[f"• {t}"] for t in section.bullets]]
    add_sheet(METHODOLOGY_SHEET, method_rows)

    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- entry points

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def template_bytes(fmt: str = "xlsx") -> bytes:
    if fmt == "xlsx":
        return build_xlsx()
    if fmt == "ods":
        return build_ods()
    raise ValueError(f"Format inconnu : {fmt!r} (xlsx ou ods).")


def format_of(path: Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def write_template(path: Path) -> Path:
    """Write the template at ``path``; its suffix (``.xlsx`` or ``.ods``) chooses the format."""
    fmt = format_of(path)
    if fmt is None:
        raise ValueError(f"« {Path(path).name} » : le modèle s'écrit en .xlsx ou en .ods.")
    Path(path).write_bytes(template_bytes(fmt))
    return Path(path)
