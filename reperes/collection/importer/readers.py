"""Read the containers of the exchange format into Polars frames of text.

A folder of CSV files, one XLSX or ODS workbook (one sheet per table), or a
single file holding only ``participants`` (format-echange.md, « Containers »).
Every table comes out as a frame of stripped strings (null when empty), one
column per recognised header, plus the line number of each row in the source
(1 = header). Comment rows (``#``) are counted then dropped, empty rows are
dropped silently, and columns that look like direct identifiers are dropped as
soon as the headers are known: they never reach validation.
"""

from __future__ import annotations

import codecs
import hashlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from reperes import reading, safefiles
from reperes.referentiel import IDENTIFYING_COLUMNS, TABLES, fold

from .parsers import fmt_count

LINE = "__line"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
DELIMITERS = reading.SEMICOLON_FIRST  # order breaks ties: the French habit first

IGNORED_UNKNOWN = "colonne inconnue"
IGNORED_IDENTIFYING = "identifiant direct"
IGNORED_DUPLICATE = "colonne en double"
MAPPED_BUT_IDENTIFYING = ("identifiant direct : le profil la fait correspondre à {target}, mais une colonne dont "
                          "l'en-tête désigne une personne (nom, prénom, NIR, adresse, téléphone, courriel) n'est "
                          "jamais lue ; renommez l'en-tête dans le fichier s'il ne désigne pas une personne")

# Small words dropped when matching headers, so that « Date de naissance »,
# « Commune de résidence » or « Situation à l'entrée » find their column.
_HEADER_STOP_WORDS = frozenset({"a", "au", "d", "de", "des", "du", "l", "la", "le", "les"})


class UnusableInput(Exception):
    """The input cannot be imported at all (exit status 2): nothing is stored.

    ``errors`` are entries of the report's ``errors`` list (several when, say,
    several mandatory columns are missing).
    """

    def __init__(self, message: str, *, table: str | None = None, column: str | None = None,
                 line: int | None = None, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or [{"table": table, "line": line, "column": column, "value": None,
                                  "message": message}]


@dataclass
class RawTable:
    name: str
    source: str  # file name, or « classeur.xlsx, feuille participants »
    frame: pl.DataFrame  # recognised columns (String) + LINE (Int64)
    workbook: bool  # Excel serial numbers are dates only in workbooks
    delimiter: str | None  # the CSV delimiter (multi-valued cells may not use it)
    skipped: int = 0  # comment rows
    ignored_columns: list[dict] = field(default_factory=list)
    # Cells that cannot be read (formula without cached value, error value): line, column, message.
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)
    # Column index in the source grid → recognised column (to place cell problems).
    positions: dict[int, str] = field(default_factory=dict)
    # Exchange column → the header (or what a profile built it from) the user wrote: errors name it first.
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return self.frame.height + self.skipped


@dataclass
class Source:
    tables: dict[str, RawTable]
    sha256: str
    ignored_sheets: list[dict] = field(default_factory=list)
    ignored_files: list[dict] = field(default_factory=list)


def normalise_header(text: object) -> str:
    """The matching form of a header: ``Date d'entrée`` → ``date_entree``."""
    words = re.split(r"[^0-9a-z]+", fold(str(text or "")))
    return "_".join(w for w in words if w and w not in _HEADER_STOP_WORDS)


_COLUMN_INDEX = {name: {normalise_header(c.name): c.name for c in table.columns} for name, table in TABLES.items()}
_TABLE_INDEX = {normalise_header(name): name for name in TABLES}
_IDENTIFYING = {normalise_header(c) for c in IDENTIFYING_COLUMNS}
# Other words of headers that name a direct identifier (« N° de tél. », « Mail », « Portable »…).
_IDENTIFYING_WORDS = {"mail", "tel", "portable", "mobile"}


def table_for_name(name: str) -> str | None:
    """The table a sheet or file name designates (case- and accent-insensitive), if any."""
    return _TABLE_INDEX.get(normalise_header(name))


def is_identifying(header: str) -> bool:
    """A header that names a direct identifier: ``Nom``, ``Prénom``, ``NIR``, ``Adresse postale``…"""
    norm = normalise_header(header)
    words = set(norm.split("_"))
    return (norm in _IDENTIFYING or bool(words & (_IDENTIFYING | _IDENTIFYING_WORDS))
            or "securite_sociale" in norm)


# --------------------------------------------------------------------------- entry point


def read_paths(paths: Iterable[Path], progress: Callable[[str], None] = lambda m: None,
               header_map: Callable[[str, str], str] | None = None, max_bytes: int | None = None) -> Source:
    """Read every table found at ``paths`` (a folder, a workbook, CSV files).

    ``header_map(table, header) → header`` renames source headers before they
    are matched (a mapping profile, ``reperes.collection.mapping``).
    ``max_bytes`` refuses a file (or a folder) larger than that, before reading it
    (``settings.REPERES_MAX_UPLOAD_BYTES``).
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise UnusableInput("Aucun fichier à importer.")
    files: list[Path] = []
    ignored_files: list[dict] = []
    folder_mode = False
    for path in paths:
        if not path.exists():
            raise UnusableInput(f"Fichier ou dossier introuvable : « {path} ». Vérifiez le chemin.")
        if path.is_dir():
            folder_mode = True
            for child in sorted(path.iterdir()):
                if child.name.startswith((".", "~$")) or not child.is_file():
                    continue
                if child.suffix.lower() in CSV_SUFFIXES or child.suffix.lower() in WORKBOOK_SUFFIXES:
                    files.append(child)
                else:
                    ignored_files.append({"file": child.name, "reason": "fichier d'un type non pris en charge"})
        else:
            files.append(path)
    if not files:
        raise UnusableInput("Aucun fichier CSV, XLSX ou ODS à importer dans le dossier. Les fichiers doivent "
                            "porter le nom des tables : participants.csv, etapes.csv…")

    if max_bytes is not None:
        _check_sizes(files, max_bytes)

    digest = hashlib.sha256()
    single = len(files) == 1 and not folder_mode
    files.sort(key=lambda p: p.name)
    tables: dict[str, RawTable] = {}
    ignored_sheets: list[dict] = []
    for path in files:
        check_zip(path.name, path)  # before reading: a zip bomb is refused on its central directory
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnusableInput(f"Impossible de lire « {path.name} » : {exc.strerror or exc}.") from exc
        if single:
            digest.update(data)
        else:
            digest.update(path.name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
            digest.update(data)
        progress(f"Lecture de « {path.name} »…")
        _check_content(path, data)
        if _is_workbook(path, data):
            found, ignored = _read_workbook(path, data, single=single or len(files) == 1, header_map=header_map)
            ignored_sheets.extend(ignored)
        else:
            table = table_for_name(path.stem)
            if table is None:
                if single:
                    table = "participants"
                else:
                    ignored_files.append({"file": path.name,
                                          "reason": "nom de fichier qui ne désigne aucune table du format "
                                                    "(participants, actions, etapes, suivi_freins, acquis)"})
                    continue
            found = [_read_csv(path.name, data, table, header_map)]
        for raw in found:
            if raw.name in tables:
                raise UnusableInput(f"La table « {raw.name} » est présente deux fois ({tables[raw.name].source} "
                                    f"et {raw.source}) : ne gardez qu'une des deux.", table=raw.name)
            tables[raw.name] = raw
            progress(f"{raw.name} : {fmt_count(raw.frame.height)} ligne(s) de données lue(s).")
    if not tables:
        raise UnusableInput("Aucune table du format d'échange trouvée : les fichiers (ou les feuilles) doivent "
                            "s'appeler participants, actions, etapes, suivi_freins ou acquis.")
    if all(raw.frame.height == 0 for raw in tables.values()):
        names = ", ".join(raw.source for raw in tables.values())
        comments = sum(raw.skipped for raw in tables.values())
        also = f" et {fmt_count(comments)} ligne(s) de commentaire (#)" if comments else ""
        raise UnusableInput(f"Aucune ligne de données à importer : {names} ne contient que la ligne d'en-têtes"
                            f"{also}. Ajoutez les données sous les en-têtes, puis importez à nouveau.")
    ordered = {name: tables[name] for name in TABLES if name in tables}
    return Source(ordered, digest.hexdigest(), ignored_sheets, ignored_files)


# --------------------------------------------------------------------------- files that are no table

_SIGNATURES = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
    (b"{\\rtf", "un document RTF"),
)


human_size = safefiles.human_size


def _check_sizes(files: list[Path], max_bytes: int) -> None:
    total = 0
    for path in files:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UnusableInput(f"Impossible de lire « {path.name} » : {exc.strerror or exc}.") from exc
        if size > max_bytes:
            raise UnusableInput(f"« {path.name} » est trop volumineux ({human_size(size)}) : la taille maximale "
                                f"acceptée est de {human_size(max_bytes)}. Découpez le fichier (par exemple une "
                                "table par fichier, ou par année), ou demandez à l'administrateur de relever la "
                                "limite (REPERES_MAX_UPLOAD_BYTES).")
        total += size
    if total > max_bytes:
        raise UnusableInput(f"Les fichiers à importer font {human_size(total)} au total : la taille maximale "
                            f"acceptée pour un import est de {human_size(max_bytes)}. Importez-les en plusieurs "
                            "fois (les participants d'abord, puis les autres tables), ou demandez à "
                            "l'administrateur de relever la limite (REPERES_MAX_UPLOAD_BYTES).")


def _check_content(path: Path, data: bytes) -> None:
    """Refuse an empty file, and a file that is plainly no table (a PDF, an image…) with a clear message."""
    if not data:
        raise UnusableInput(f"« {path.name} » est vide (0 octet) : exportez à nouveau les données, en CSV, XLSX "
                            "ou ODS, avec la ligne d'en-têtes.")
    kind = None
    for signature, label in _SIGNATURES:
        if label and data.startswith(signature):
            kind = label
            break
    if kind is None and data.startswith(b"<?xml") and b"<svg" in data[:2000]:
        kind = "une image SVG"
    if kind is None and data.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\0\0\0\0":
        kind = "une image BMP"
    if kind is None and not _is_workbook(path, data):
        head = data[:8192]
        if b"\0" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            kind = "un fichier binaire"
    if kind:
        raise UnusableInput(f"« {path.name} » n'est pas un tableau de données : c'est {kind}. Exportez les "
                            "données du logiciel (ou du tableur) au format CSV, XLSX ou ODS.")


def check_zip(name: str, data: bytes | Path) -> None:
    """Refuse a workbook over the limits of ``reperes.safefiles`` (entries, uncompressed size, cells), unparsed."""
    try:
        safefiles.check_archive(name, data)
    except safefiles.FileRefused as exc:
        raise UnusableInput(exc.message) from exc


def _is_workbook(path: Path, data: bytes) -> bool:
    return reading.is_workbook(data) or path.suffix.lower() in WORKBOOK_SUFFIXES


# --------------------------------------------------------------------------- CSV


def _decode(name: str, data: bytes) -> bytes:
    """UTF-8 bytes of the file (``reperes.reading``: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252)."""
    try:
        return reading.utf8(data)
    except reading.Undecodable as exc:
        if exc.utf16:
            raise UnusableInput(f"« {name} » : encodage illisible. Enregistrez le fichier en CSV UTF-8.") from exc
        raise UnusableInput(f"« {name} » : encodage non reconnu (ni UTF-8 ni Windows-1252). Enregistrez le "
                            "fichier en « CSV UTF-8 ».") from exc


def _detect_delimiter(data: bytes) -> str:
    return reading.guess_delimiter(data, DELIMITERS)


def _read_csv(name: str, data: bytes, table: str, header_map=None) -> RawTable:
    # NUL never belongs to text (and PostgreSQL cannot store it): dropped before parsing.
    data = _decode(name, data).replace(b"\x00", b"")
    if not data.strip():
        raise UnusableInput(f"« {name} » est vide : la première ligne doit contenir les en-têtes de colonnes.",
                            table=table)
    delimiter = _detect_delimiter(data)
    try:
        grid = pl.read_csv(data, has_header=False, separator=delimiter, infer_schema=False,
                           truncate_ragged_lines=True, quote_char='"', raise_if_empty=False)
    except pl.exceptions.PolarsError as exc:
        raise UnusableInput(f"« {name} » n'est pas un fichier CSV lisible ({exc.__class__.__name__}). "
                            "Enregistrez-le au format CSV (séparateur point-virgule).", table=table) from exc
    lines = _csv_line_numbers(grid, data)
    return _build_table(table, name, grid, lines, workbook=False, delimiter=delimiter, header_map=header_map)


def _csv_line_numbers(grid: pl.DataFrame, data: bytes) -> pl.Series:
    """Physical line of each row (a quoted cell may span several lines)."""
    physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical == grid.height or not grid.width:
        return pl.int_range(1, grid.height + 1, eager=True, dtype=pl.Int64)
    extra = grid.select(pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
                        .cast(pl.Int64).alias("n")).to_series()
    return (pl.int_range(1, grid.height + 1, eager=True, dtype=pl.Int64)
            + extra.cum_sum().shift(1, fill_value=0))


# --------------------------------------------------------------------------- table building


def _build_table(table: str, source: str, grid: pl.DataFrame, lines: pl.Series, *, workbook: bool,
                 delimiter: str | None, header_map=None) -> RawTable:
    """From a grid of text cells (no header), the RawTable of recognised columns."""
    grid = grid.with_columns(pl.col(pl.String).str.strip_chars()).with_columns(
        pl.when(pl.col(pl.String) == "").then(None).otherwise(pl.col(pl.String)).name.keep())
    cols = grid.columns
    if not cols:
        raise UnusableInput(f"« {source} » est vide : la première ligne doit contenir les en-têtes de colonnes.",
                            table=table)
    try:
        safefiles.check_width(source, len(cols))
    except safefiles.FileRefused as exc:
        raise UnusableInput(exc.message, table=table) from exc
    first = pl.col(cols[0])
    empty = pl.all_horizontal(pl.col(cols).is_null())
    comment = first.str.starts_with("#").fill_null(False)
    flags = grid.select(empty.alias("empty"), comment.alias("comment"))
    header_candidates = (~flags["empty"] & ~flags["comment"]).arg_true()
    if header_candidates.len() == 0:
        raise UnusableInput(f"« {source} » ne contient pas de ligne d'en-têtes.", table=table)
    header_idx = int(header_candidates[0])
    header = grid.row(header_idx)

    index = _COLUMN_INDEX[table]
    keep: dict[str, str] = {}
    headers: dict[str, str] = {}
    ignored: list[dict] = []
    for col_name, title in zip(cols, header, strict=True):
        if title is None:
            continue
        canonical = index.get(normalise_header(header_map(table, title) if header_map else title))
        if canonical is not None and canonical not in keep.values():
            keep[col_name] = canonical
            headers[canonical] = title
        elif canonical is not None:
            ignored.append({"table": table, "column": title, "reason": IGNORED_DUPLICATE})
        elif is_identifying(title):
            requested = getattr(header_map, "requested", None)
            target = requested(table, title) if requested else None
            reason = IGNORED_IDENTIFYING
            if target:
                reason = MAPPED_BUT_IDENTIFYING.format(target=target)
            ignored.append({"table": table, "column": title, "reason": reason})
        else:
            ignored.append({"table": table, "column": title, "reason": IGNORED_UNKNOWN})

    body = pl.int_range(0, grid.height, eager=True) > header_idx
    comments = int((flags["comment"] & body & ~flags["empty"]).sum())
    keep_rows = body & ~flags["empty"] & ~flags["comment"]
    # Identifying and unknown columns are dropped here, before anything else reads the rows.
    frame = (grid.with_columns(lines.alias(LINE))
             .select([*(pl.col(c).alias(n) for c, n in keep.items()), pl.col(LINE)])
             .filter(keep_rows))
    positions = {i: keep[c] for i, c in enumerate(cols) if c in keep}
    return RawTable(table, source, frame, workbook=workbook, delimiter=delimiter, skipped=comments,
                    ignored_columns=ignored, positions=positions, headers=headers)


# --------------------------------------------------------------------------- workbooks


def _text_frame(rows: list[list]) -> pl.DataFrame:
    """A sheet's rows of values as a frame of text cells (``column_0``, ``column_1``…), ragged rows padded."""
    rows = reading.text_rows(rows)
    width = max((len(r) for r in rows), default=0)
    columns = {f"column_{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    return pl.DataFrame(columns, schema={c: pl.String for c in columns})


def _read_workbook(path: Path, data: bytes, *, single: bool,
                   header_map=None) -> tuple[list[RawTable], list[dict]]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types and sometimes plain ValueError
        raise UnusableInput(f"« {path.name} » n'est pas un classeur XLSX ou ODS lisible "
                            f"({exc.__class__.__name__}). Ouvrez-le et enregistrez-le à nouveau au format XLSX "
                            "ou ODS.") from exc
    sheets = list(book.sheet_names)
    matched: dict[str, str] = {}
    ignored: list[dict] = []
    for sheet in sheets:
        table = table_for_name(sheet)
        if table is not None and table in matched.values():
            first = next(s for s, t in matched.items() if t == table)
            raise UnusableInput(f"« {path.name} » : les feuilles « {first} » et « {sheet} » désignent toutes deux "
                                f"la table {table} : ne gardez qu'une des deux.", table=table)
        if table is not None:
            matched[sheet] = table
    if not matched and sheets and table_for_name(path.stem) is not None:
        # No sheet names a table: the file's name does (a folder of participants.xlsx, etapes.xlsx…).
        matched[sheets[0]] = table_for_name(path.stem)
    elif not matched and sheets and single:
        # A single workbook without table names holds only participants (its first sheet).
        matched[sheets[0]] = "participants"
    for sheet in sheets:
        if sheet not in matched:
            ignored.append({"sheet": sheet, "reason": "feuille qui ne correspond à aucune table du format"})
    cell_problems = _formula_problems(path, data, list(matched))

    out = []
    for sheet, table in matched.items():
        try:
            rows = safefiles.sheet_rows(f"{path.name}, feuille « {sheet} »", book, sheet, skip_empty_area=False)
        except safefiles.FileRefused as exc:
            raise UnusableInput(exc.message, table=table) from exc
        grid = _text_frame(rows)
        lines = pl.int_range(1, grid.height + 1, eager=True, dtype=pl.Int64)
        raw = _build_table(table, f"{path.name}, feuille « {sheet} »", grid, lines, workbook=True, delimiter=None,
                           header_map=header_map)
        by_position = raw.positions
        kept_lines = set(raw.frame[LINE].to_list()) if cell_problems.get(sheet) else set()
        for (line, col_idx), message in sorted(cell_problems.get(sheet, {}).items()):
            if col_idx in by_position and line in kept_lines:
                raw.cell_errors.append((line, by_position[col_idx], message))
        out.append(raw)
    return out, ignored


FORMULA_WITHOUT_VALUE = ("Formule sans valeur calculée : ouvrez le classeur dans Excel ou LibreOffice, "
                         "laissez-le recalculer, enregistrez-le, puis importez-le à nouveau (ou remplacez la "
                         "formule par sa valeur).")


def _formula_error(value: str) -> str:
    return (f"La formule de cette cellule donne une erreur ({value}) : corrigez la formule ou remplacez-la "
            "par la valeur attendue.")


def _formula_problems(path: Path, data: bytes, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Cells of ``sheets`` whose formula has no cached value (or an error value), by (row, column)."""
    if data[:4] != b"PK\x03\x04" or not sheets:
        return {}  # legacy .xls stores every formula's result
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return _xlsx_formula_problems(archive, sheets)
            if "content.xml" in names:
                return _ods_formula_problems(archive, sheets)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError) as exc:
        raise UnusableInput(f"« {path.name} » : classeur endommagé ({exc.__class__.__name__}). Ouvrez-le et "
                            "enregistrez-le à nouveau.") from exc
    return {}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _cell_position(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    if not match:
        return (0, 0)
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits), col - 1


_XLSX_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]|t=\"e\"")


def _xlsx_formula_problems(archive: zipfile.ZipFile, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    problems: dict[str, dict[tuple[int, int], str]] = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet" or sheet.get("name") not in sheets:
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        member = targets.get(rid)
        if not member or member not in archive.namelist():
            continue
        xml = archive.read(member)
        if not _XLSX_FORMULA.search(xml):
            continue
        found: dict[tuple[int, int], str] = {}
        for _event, elem in ElementTree.iterparse(_BytesReader(xml), events=("end",)):
            if _local(elem.tag) != "c":
                continue
            children = {_local(child.tag): child for child in elem}
            cached = children.get("v")
            value = cached.text if cached is not None else None
            if elem.get("t") == "e":
                found[_cell_position(elem.get("r", ""))] = _formula_error(value or "#ERREUR")
            elif "f" in children and not value and elem.get("t") != "str":
                found[_cell_position(elem.get("r", ""))] = FORMULA_WITHOUT_VALUE
            elem.clear()
        problems[sheet.get("name")] = found
    return problems


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def _ods_formula_problems(archive: zipfile.ZipFile, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    xml = archive.read("content.xml")
    if b"table:formula" not in xml and b":formula=" not in xml:
        return {}
    problems: dict[str, dict[tuple[int, int], str]] = {}
    current: dict[tuple[int, int], str] | None = None
    row = 0
    col = 0
    for event, elem in ElementTree.iterparse(_BytesReader(xml), events=("start", "end")):
        tag = elem.tag
        if tag == _ODS_TABLE + "table":
            if event == "start":
                name = elem.get(_ODS_TABLE + "name")
                current = problems.setdefault(name, {}) if name in sheets else None
                row = 0
            continue
        if current is None:
            if event == "end":
                elem.clear()
            continue
        if tag == _ODS_TABLE + "table-row":
            if event == "start":
                row += 1
                col = 0
            else:
                repeat = int(elem.get(_ODS_TABLE + "number-rows-repeated", "1"))
                row += repeat - 1
                elem.clear()
        elif tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell") and event == "end":
            repeat = int(elem.get(_ODS_TABLE + "number-columns-repeated", "1"))
            if elem.get(_ODS_TABLE + "formula") is not None:
                if elem.get(_ODS_CALCEXT + "value-type") == "error":
                    text = "".join(elem.itertext()) or "Err"
                    for k in range(repeat):
                        current[(row, col + k)] = _formula_error(text)
                elif elem.get(_ODS_OFFICE + "value-type") is None:
                    for k in range(repeat):
                        current[(row, col + k)] = FORMULA_WITHOUT_VALUE
            col += repeat
    return {name: cells for name, cells in problems.items() if cells}


class _BytesReader:
    """A minimal file object over bytes for ``iterparse`` (no copy)."""

    def __init__(self, data: bytes):
        self._view = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        chunk = self._view[self._pos:end].tobytes()
        self._pos = end
        return chunk


# --------------------------------------------------------------------------- grids (profiles that reshape)


@dataclass
class Grid:
    """One sheet or CSV file as written: its headers and rows of text, before any table is recognised.

    ``frame`` has one String column per non-empty header (a repeated header gets « (2) », « (3) »…) and
    ``LINE``; empty and comment rows are dropped (``skipped`` counts the comments).
    """

    file: str
    sheet: str | None
    frame: pl.DataFrame
    workbook: bool
    delimiter: str | None
    skipped: int = 0

    @property
    def source(self) -> str:
        return f"{self.file}, feuille « {self.sheet} »" if self.sheet is not None else self.file

    @property
    def names(self) -> set[str]:
        """The names a profile may designate this grid by: its sheet's, its file's (without suffix)."""
        names = {normalise_header(Path(self.file).stem)}
        if self.sheet is not None:
            names.add(normalise_header(self.sheet))
        return names


def read_grids(paths: Iterable[Path], progress: Callable[[str], None] = lambda m: None,
               max_bytes: int | None = None) -> tuple[list[Grid], str, list[dict]]:
    """Every sheet and CSV file at ``paths`` as a ``Grid`` (for a profile that reshapes rows), the SHA-256 of
    the input and the files of a folder that hold no table. Same refusals as ``read_paths``."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise UnusableInput("Aucun fichier à importer.")
    files: list[Path] = []
    ignored_files: list[dict] = []
    for path in paths:
        if not path.exists():
            raise UnusableInput(f"Fichier ou dossier introuvable : « {path} ». Vérifiez le chemin.")
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith((".", "~$")) or not child.is_file():
                    continue
                if child.suffix.lower() in CSV_SUFFIXES or child.suffix.lower() in WORKBOOK_SUFFIXES:
                    files.append(child)
                else:
                    ignored_files.append({"file": child.name, "reason": "fichier d'un type non pris en charge"})
        else:
            files.append(path)
    if not files:
        raise UnusableInput("Aucun fichier CSV, XLSX ou ODS à importer.")
    if max_bytes is not None:
        _check_sizes(files, max_bytes)
    files.sort(key=lambda p: p.name)
    digest = hashlib.sha256()
    grids: list[Grid] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnusableInput(f"Impossible de lire « {path.name} » : {exc.strerror or exc}.") from exc
        if len(files) == 1:
            digest.update(data)
        else:
            digest.update(path.name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
            digest.update(data)
        progress(f"Lecture de « {path.name} »…")
        _check_content(path, data)
        if _is_workbook(path, data):
            if data[:4] == b"PK\x03\x04":
                check_zip(path.name, data)
            grids.extend(_workbook_grids(path))
        else:
            text = _decode(path.name, data).replace(b"\x00", b"")
            if not text.strip():
                continue
            delimiter = _detect_delimiter(text)
            try:
                grid = pl.read_csv(text, has_header=False, separator=delimiter, infer_schema=False,
                                   truncate_ragged_lines=True, quote_char='"', raise_if_empty=False)
            except pl.exceptions.PolarsError as exc:
                raise UnusableInput(f"« {path.name} » n'est pas un fichier CSV lisible "
                                    f"({exc.__class__.__name__}).") from exc
            found = _grid(path.name, None, grid, _csv_line_numbers(grid, text), workbook=False,
                          delimiter=delimiter)
            if found is not None:
                grids.append(found)
    return grids, digest.hexdigest(), ignored_files


def _workbook_grids(path: Path) -> list[Grid]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types and sometimes plain ValueError
        raise UnusableInput(f"« {path.name} » n'est pas un classeur XLSX ou ODS lisible "
                            f"({exc.__class__.__name__}). Ouvrez-le et enregistrez-le à nouveau.") from exc
    out = []
    for sheet in book.sheet_names:
        try:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnusableInput(f"« {path.name} » : la feuille « {sheet} » est illisible "
                                f"({exc.__class__.__name__}).") from exc
        grid = _text_frame(rows)
        found = _grid(path.name, sheet, grid, pl.int_range(1, grid.height + 1, eager=True, dtype=pl.Int64),
                      workbook=True, delimiter=None)
        if found is not None:
            out.append(found)
    return out


def _grid(file: str, sheet: str | None, grid: pl.DataFrame, lines: pl.Series, *, workbook: bool,
          delimiter: str | None) -> Grid | None:
    """The header row (first non-empty, non-comment row) and the rows below it; None for an empty sheet."""
    if not grid.width:
        return None
    grid = grid.with_columns(pl.col(pl.String).str.strip_chars()).with_columns(
        pl.when(pl.col(pl.String) == "").then(None).otherwise(pl.col(pl.String)).name.keep())
    cols = grid.columns
    flags = grid.select(pl.all_horizontal(pl.col(cols).is_null()).alias("empty"),
                        pl.col(cols[0]).str.starts_with("#").fill_null(False).alias("comment"))
    candidates = (~flags["empty"] & ~flags["comment"]).arg_true()
    if candidates.len() == 0:
        return None
    header_idx = int(candidates[0])
    names: dict[str, str] = {}
    for col, title in zip(cols, grid.row(header_idx), strict=True):
        if title is None:
            continue
        name, n = title, 1
        while name in names.values():
            n += 1
            name = f"{title} ({n})"
        names[col] = name
    body = pl.int_range(0, grid.height, eager=True) > header_idx
    comments = int((flags["comment"] & body & ~flags["empty"]).sum())
    keep = body & ~flags["empty"] & ~flags["comment"]
    frame = (grid.with_columns(lines.alias(LINE)).select([*(pl.col(c).alias(n) for c, n in names.items()),
                                                         pl.col(LINE)]).filter(keep))
    return Grid(file, sheet, frame, workbook, delimiter, comments)
