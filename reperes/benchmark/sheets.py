"""Read and check a PLIE sheet (``docs/fiche-plie.md``): CSV, XLSX or ODS, as received. Pure Python.

:func:`parse` returns the valid rows and the rejected lines (number and French
message); a file that cannot be read at all raises :class:`UnreadableSheet`.
Lines are numbered as in ``format-echange.md``: line 1 is the header row (in
a CSV, a quoted cell spanning several lines counts them all; a row is named by
its first line).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reperes import formats, reading

from .indicators import BY_ID, COLUMNS, COUNT, EUROS, MULTIPLE, REQUIRED_COLUMNS, SHARE, SUPPRESSED_MARK, TEXT

NB = "\u00a0"  # before « : » and inside « »
MAX_BYTES = 20 * 1024 * 1024
SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def q(text: object) -> str:
    """French quotation marks with non-breaking spaces."""
    return f"«{NB}{text}{NB}»"


class UnreadableSheet(Exception):
    """The file cannot be used at all (format, encoding, missing columns): nothing is imported."""


@dataclass(frozen=True)
class SheetRow:
    line: int
    plie: str
    annee: int
    indicateur: str
    nombre: float | None  # numeric value (a share as a fraction); None for text or suppressed
    texte: str  # value of a text indicator
    secret: bool  # ``s``: suppressed by its producer
    source: str
    date_source: str
    definition: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return self.plie, self.annee, self.indicateur

    @property
    def content(self) -> tuple:
        """What makes two rows of the same key the same value."""
        return (self.indicateur, self.nombre, self.texte, self.secret, self.source, self.date_source,
                self.definition, self.note)

    @property
    def valeur(self) -> float | int | str | None:
        if self.secret:
            return None
        if self.texte:
            return self.texte
        return as_number(self.indicateur, self.nombre)


def as_number(indicateur: str, value: float | None) -> float | int | None:
    if value is None:
        return None
    if BY_ID[indicateur].kind == COUNT and float(value).is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Rejection:
    line: int
    message: str

    def as_dict(self) -> dict:
        return {"ligne": self.line, "message": self.message}


@dataclass
class ParsedSheet:
    rows: list[SheetRow]
    rejections: list[Rejection]


# --------------------------------------------------------------------------- reading


def normalise_header(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower().lstrip("\ufeff"))


def _decode(name: str, data: bytes) -> str:
    try:
        return reading.decode(data)
    except reading.Undecodable:
        raise UnreadableSheet(f"{q(name)}{NB}: encodage non reconnu (ni UTF-8 ni Windows-1252). Enregistrez le "
                              f"fichier en {q('CSV UTF-8')}.") from None


def _csv_records(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(name, data).replace("\x00", "")
    delimiter = reading.guess_delimiter(text, reading.SEMICOLON_FIRST)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, previous = [], 0
    try:
        for row in reader:
            records.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error as exc:
        raise UnreadableSheet(f"{q(name)}{NB}: fichier CSV illisible à la ligne {reader.line_num} ({exc}).") from None
    return records


def _workbook_records(path: Path, name: str) -> list[tuple[int, list[str]]]:
    """The first sheet's rows, read within the upload limits (no « zip bomb », no giant grid: safefiles)."""
    from reperes import safefiles

    try:
        book = safefiles.open_workbook(name, path)
        rows = safefiles.sheet_rows(name, book, 0, skip_empty_area=False)
    except safefiles.FileRefused as exc:
        if exc.message != safefiles.unreadable(name):  # over a limit: the message gives it
            raise UnreadableSheet(exc.message) from None
        raise UnreadableSheet(f"{q(name)} n’est pas un classeur XLSX ou ODS lisible. "
                              "Ouvrez-le et enregistrez-le à nouveau au format XLSX, ODS ou CSV.") from None
    return [(i + 1, [reading.cell_text(c) or "" for c in row]) for i, row in enumerate(rows)]


def read_records(path: Path, name: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """The data rows of the file: (line, {column: text}), header checked, empty rows left out."""
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSheet(f"{q(name)} ne peut pas être lu ({exc.strerror or exc}).") from None
    if len(data) > MAX_BYTES:
        raise UnreadableSheet(f"{q(name)} est refusé{NB}: il dépasse 20{NB}Mo, bien plus qu’une fiche PLIE. "
                              "Vérifiez que c’est le bon fichier.")
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        records = _workbook_records(path, name)
    else:
        records = _csv_records(name, data)
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise UnreadableSheet(f"{q(name)} est vide{NB}: la première ligne doit contenir les en-têtes "
                              f"({', '.join(COLUMNS)}).")
    header_line, header = records[0]
    columns = [normalise_header(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise UnreadableSheet(
            f"{q(name)}, ligne {header_line}{NB}: {'colonne obligatoire absente' if len(missing) == 1 else 'colonnes obligatoires absentes'}"
            f"{NB}: {', '.join(missing)}. La première ligne doit nommer les colonnes "
            f"{', '.join(COLUMNS)} (dans n’importe quel ordre).")
    positions = {c: columns.index(c) for c in COLUMNS if c in columns}
    out = []
    for line, cells in records[1:]:
        out.append((line, {c: (cells[j].replace("\r\n", "\n").strip() if j < len(cells) else "")
                           for c, j in positions.items()}))
    return out


# --------------------------------------------------------------------------- values


def parse_number(text: str) -> tuple[float, bool]:
    """``1 234,5`` → 1234.5; ``47 %`` → (47.0, True). Raises ValueError with a French message."""
    compact = SPACES.sub("", text)
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1]
    if "," in compact and "." in compact:  # the last one is the decimal separator
        decimal = "," if compact.rfind(",") > compact.rfind(".") else "."
        compact = compact.replace("." if decimal == "," else ",", "")
    if compact.count(",") > 1 or compact.count(".") > 1 or not NUMBER.match(compact):
        raise ValueError(f"valeur {q(text)}{NB}: un nombre est attendu (par exemple 1 234, 27,6 ou 47{NB}%)")
    number = float(compact.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(f"valeur {q(text)}{NB}: un nombre est attendu")
    return number, percent


def _value(indicateur: str, text: str) -> tuple[float | None, str, bool]:
    """(number, text, suppressed) of a cell, or ValueError with the French reason."""
    kind = BY_ID[indicateur].kind
    if kind == TEXT:
        return None, text, False
    if text.strip().lower() == SUPPRESSED_MARK:
        return None, "", True
    number, percent = parse_number(text)
    if percent and kind != SHARE:
        raise ValueError(f"valeur {q(text)}{NB}: un pourcentage n’est attendu que pour une part, pas pour "
                         f"{indicateur}")
    if percent:
        number /= 100
    if kind == SHARE and not 0 <= number <= 1:
        raise ValueError(f"valeur {q(text)}{NB}: une part doit être comprise entre 0 et 1 (0,47) ou entre 0{NB}% "
                         f"et 100{NB}% (47{NB}%)")
    if number < 0:
        what = "un effectif" if kind == COUNT else "cette valeur"
        raise ValueError(f"valeur {q(text)}{NB}: {what} ne peut pas être négati{'f' if kind == COUNT else 've'}")
    if kind == COUNT and not number.is_integer():
        raise ValueError(f"valeur {q(text)}{NB}: un effectif doit être un nombre entier de personnes")
    return number, "", False


DATE_SOURCE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def _date_source(text: str) -> str:
    if not DATE_SOURCE.match(text):
        raise ValueError(f"date_source {q(text)}{NB}: attendu une année (AAAA) ou une date (AAAA-MM-JJ)")
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"date_source {q(text)}{NB}: cette date n’existe pas") from None
    return text


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"annee {q(text)}{NB}: attendu une année sur quatre chiffres (AAAA), par exemple 2019")
    year = int(text)
    if not 1980 <= year <= 2100:
        raise ValueError(f"annee {q(text)}{NB}: année hors de la plage 1980–2100")
    return year


def check(records: list[tuple[int, dict[str, str]]]) -> ParsedSheet:
    """Valid rows and rejected lines; within the file, a key given twice with another value is an error."""
    rows: list[SheetRow] = []
    rejections: list[Rejection] = []
    seen: dict[tuple, tuple[int, tuple]] = {}
    for line, cells in records:
        problems = []
        missing = [c for c in REQUIRED_COLUMNS if not cells.get(c)]
        if missing:
            rejections.append(Rejection(line, f"{'champ obligatoire vide' if len(missing) == 1 else 'champs obligatoires vides'}"
                                              f"{NB}: {', '.join(missing)}"))
            continue
        indicateur = cells["indicateur"].strip()
        if indicateur not in BY_ID:
            rejections.append(Rejection(line, f"indicateur {q(indicateur)} inconnu{NB}: voir la liste de la fiche "
                                              "PLIE (par exemple participants_accompagnes, taux_sorties_positives)"))
            continue
        values: dict = {}
        for field, parse in (("annee", _year), ("valeur", lambda t, i=indicateur: _value(i, t)),
                             ("date_source", _date_source)):
            try:
                values[field] = parse(cells[field])
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            rejections.append(Rejection(line, " ; ".join(problems)))
            continue
        nombre, texte, secret = values["valeur"]
        row = SheetRow(line, SPACES.sub(" ", cells["plie"]).strip(), values["annee"], indicateur, nombre, texte,
                       secret, cells["source"], values["date_source"], cells.get("definition", ""),
                       cells.get("note", ""))
        key = row.key + ((row.texte,) if indicateur in MULTIPLE else ())
        if key in seen:
            first_line, first_content = seen[key]
            if first_content != row.content:
                rejections.append(Rejection(line, f"même PLIE, même année et même indicateur que la ligne "
                                                  f"{first_line}, avec une autre valeur{NB}: gardez une seule ligne"))
            continue  # the same row twice: kept once
        seen[key] = (line, row.content)
        rows.append(row)
    return ParsedSheet(rows, rejections)


def parse(path: Path, name: str | None = None) -> ParsedSheet:
    return check(read_records(path, name))


def display_value(indicateur: str, value, secret: bool = False) -> str:
    """French display of a sheet value: ``s`` when suppressed, ``47,0 %``, ``1 234``, ``27,6``."""
    if secret:
        return SUPPRESSED_MARK
    if value is None:
        return "–"
    kind = BY_ID[indicateur].kind
    if kind == TEXT:
        return str(value)
    if kind == SHARE:
        return formats.percent(value)
    if kind == COUNT:
        return formats.number(value)
    if kind == EUROS:
        return formats.number(value) + f"{NB}€"
    return formats.number(value, 0 if float(value).is_integer() else 1)

