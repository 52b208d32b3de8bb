"""Bounded reading of uploaded files: no « zip bomb », no giant grid, no traceback.

Every reader of an uploaded file (data import, territorial statistics, offer,
XLSForm, survey answers, interviews) calls :func:`check_archive` before it
parses a ZIP-based file (XLSX, ODS, DOCX, ODT, a ZIP of CSV files). Only the
central directory is read first (number of entries, declared uncompressed
size, compression ratio); then the worksheets are decompressed as a stream,
never held whole, and their cells counted until the cap on rows × columns is
reached. A file over a limit is refused at once with a French message that
gives the limit. :func:`sheet_rows` reads one sheet through python-calamine with
the same cap, and :func:`check_width` refuses a table wider than the column cap.

The limits live in the settings (``REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES``,
``REPERES_UPLOAD_MAX_ARCHIVE_ENTRIES``, ``REPERES_UPLOAD_MAX_CELLS``,
``REPERES_UPLOAD_MAX_COLUMNS``), with the defaults below when Django is not
configured (this module imports nothing from Django at import time).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

DEFAULT_MAX_UNCOMPRESSED = 256 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_CELLS = 5_000_000
DEFAULT_MAX_COLUMNS = 300
# A member compressing better than this is a bomb, whatever the totals (real workbooks: 5 to 30 times).
MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024  # small members may compress a lot (empty styles…)
_CHUNK = 1 << 20


class FileRefused(ValueError):
    """A file refused before (or while) it is parsed; ``message`` says in French what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooWide(FileRefused):
    """A table with more columns than the cap."""


@dataclass(frozen=True)
class Limits:
    uncompressed: int = DEFAULT_MAX_UNCOMPRESSED  # bytes, every entry of an archive together
    entries: int = DEFAULT_MAX_ENTRIES  # entries of an archive
    cells: int = DEFAULT_MAX_CELLS  # rows × columns of a workbook (every sheet)
    columns: int = DEFAULT_MAX_COLUMNS  # columns of one table

    def tighter(self, **caps: int) -> Limits:
        """These limits, lowered to ``caps`` where a reader needs less (a questionnaire, an interview)."""
        return replace(self, **{k: min(getattr(self, k), v) for k, v in caps.items()})


def limits() -> Limits:
    """The limits of the settings (defaults outside Django)."""
    try:
        from django.conf import settings

        if not settings.configured:
            return Limits()
        return Limits(
            uncompressed=int(getattr(settings, "REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED)),
            entries=int(getattr(settings, "REPERES_UPLOAD_MAX_ARCHIVE_ENTRIES", DEFAULT_MAX_ENTRIES)),
            cells=int(getattr(settings, "REPERES_UPLOAD_MAX_CELLS", DEFAULT_MAX_CELLS)),
            columns=int(getattr(settings, "REPERES_UPLOAD_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)))
    except ImportError:  # pragma: no cover - Django is a dependency
        return Limits()


# --------------------------------------------------------------------------- messages


def human_size(size: int) -> str:
    """``104857600`` → ``100 Mo`` (French units, for messages)."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{size} octet{'s' if size > 1 else ''}"


def count(n: int) -> str:
    """``5000000`` → ``5 000 000`` (narrow no-break spaces, as everywhere in Repères)."""
    return f"{n:,}".replace(",", "\u202f")


def unreadable(name: str) -> str:
    """The message of a file no reader can parse (« fichier illisible »)."""
    return (f"« {name} » : fichier illisible (abîmé, tronqué, ou d’un autre format que celui attendu). "
            "Ouvrez-le dans le logiciel qui l’a produit, enregistrez-le à nouveau dans un format accepté, puis "
            "recommencez.")


def _bomb(name: str, detail: str) -> FileRefused:
    return FileRefused(f"« {name} » est refusé : {detail} (« bombe de décompression » possible). S’il vient bien "
                       "de votre logiciel, découpez-le ou enregistrez-le en CSV, puis importez à nouveau ; "
                       "l’administrateur peut aussi relever la limite dans les paramètres du serveur.")


def _too_many_cells(name: str, limit: int) -> FileRefused:
    return FileRefused(f"« {name} » est refusé : il contient plus de {count(limit)} cellules (lignes × colonnes), "
                       "la limite acceptée (REPERES_UPLOAD_MAX_CELLS). Supprimez les lignes et colonnes inutiles, "
                       "ou découpez le fichier (par année, par table), puis importez à nouveau.")


# --------------------------------------------------------------------------- archives


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def check_archive(name: str, source: bytes | Path | str, lim: Limits | None = None) -> None:
    """Refuse a ZIP-based file over the limits; does nothing for other files.

    ``source`` is the file's content or its path. Raises :class:`FileRefused`.
    """
    lim = lim or limits()
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            if not is_zip(fh.read(4)):
                return
        opener = lambda: zipfile.ZipFile(source)  # noqa: E731
    else:
        if not is_zip(source):
            return
        opener = lambda: zipfile.ZipFile(io.BytesIO(source))  # noqa: E731
    try:
        with opener() as archive:
            infos = archive.infolist()
            if len(infos) > lim.entries:
                raise _bomb(name, f"l’archive contient {count(len(infos))} éléments, au-delà de la limite de "
                                  f"{count(lim.entries)}")
            total = sum(info.file_size for info in infos)
            if total > lim.uncompressed:
                raise _bomb(name, f"une fois décompressé, il ferait {human_size(total)}, au-delà de la limite "
                                  f"de {human_size(lim.uncompressed)}")
            for info in infos:
                if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise _bomb(name, f"un de ses éléments se décompresse plus de {MAX_RATIO} fois")
            _count_cells(name, archive, lim)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, KeyError,
            NotImplementedError, ElementTree.ParseError, RuntimeError) as exc:
        raise FileRefused(unreadable(name)) from exc


_XLSX_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _count_cells(name: str, archive: zipfile.ZipFile, lim: Limits) -> None:
    """Stream the worksheets (XLSX) or the content (ODS) and stop as soon as the cells exceed the cap.

    A worksheet's declared dimension cannot be trusted (LibreOffice declares ``A1:AMJ1048576`` for a
    formatted column): the cells themselves are counted.
    """
    names = archive.namelist()
    sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    cells = 0
    for member in sheets:
        with archive.open(member) as stream:  # zipfile checks the CRC: declared sizes cannot lie
            head = stream.read(_CHUNK)
            found = _XLSX_PREFIX.search(head)
            prefix = (found.group(1) + b":") if found and found.group(1) else b""
            tokens = [b"<" + prefix + b"c" + end for end in (b" ", b">", b"/", b"\n", b"\t", b"\r")]
            tail = b""
            chunk = head
            while chunk:
                block = tail + chunk
                # Tokens are a few bytes long: those cut by a chunk boundary are found in tail + chunk;
                # those wholly inside the tail were counted with the previous chunk.
                cells += sum(block.count(t) for t in tokens) - sum(tail.count(t) for t in tokens)
                if cells > lim.cells:
                    raise _too_many_cells(name, lim.cells)
                tail = block[-8:]
                chunk = stream.read(_CHUNK)
    if "content.xml" in names and "xl/workbook.xml" not in names:
        _count_ods_cells(name, archive, lim)


def _count_ods_cells(name: str, archive: zipfile.ZipFile, lim: Limits) -> None:
    """Cells holding a value, repetitions included (an ODS may repeat one row a million times)."""
    cells = 0
    row_repeat = 1
    with archive.open("content.xml") as stream:
        for event, elem in ElementTree.iterparse(stream, events=("start", "end")):
            tag = elem.tag
            if tag == _ODS_TABLE + "table-row":
                if event == "start":
                    row_repeat = int(elem.get(_ODS_TABLE + "number-rows-repeated", "1") or 1)
                else:
                    elem.clear()
            elif tag == _ODS_TABLE + "table-cell" and event == "end":
                if elem.get(_ODS_OFFICE + "value-type") is not None or len(elem):
                    repeat = int(elem.get(_ODS_TABLE + "number-columns-repeated", "1") or 1)
                    cells += repeat * row_repeat
                    if cells > lim.cells:
                        raise _too_many_cells(name, lim.cells)
            elif tag == _ODS_TABLE + "table" and event == "end":
                elem.clear()


# --------------------------------------------------------------------------- sheets and tables


def sheet_rows(name: str, book, sheet: str | int, lim: Limits | None = None, *,
               nrows: int | None = None, skip_empty_area: bool = True) -> list[list]:
    """The rows of one sheet of a python-calamine workbook, refused above the cap on rows × columns."""
    lim = lim or limits()
    try:
        found = book.get_sheet_by_index(sheet) if isinstance(sheet, int) else book.get_sheet_by_name(sheet)
        height, width = found.height, found.width
        if nrows is not None:
            height = min(height, nrows)
        if height * width > lim.cells:
            raise _too_many_cells(name, lim.cells)
        kwargs = {"skip_empty_area": skip_empty_area}
        if nrows is not None:
            kwargs["nrows"] = nrows
        return found.to_python(**kwargs)
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types and sometimes plain ValueError
        raise FileRefused(unreadable(name)) from exc


def open_workbook(name: str, source: bytes | Path | str, lim: Limits | None = None):
    """Check then open a workbook with python-calamine; :class:`FileRefused` when it cannot be read."""
    from python_calamine import CalamineWorkbook

    check_archive(name, source, lim)
    try:
        if isinstance(source, (str, Path)):
            return CalamineWorkbook.from_path(str(source))
        return CalamineWorkbook.from_filelike(io.BytesIO(source))
    except Exception as exc:  # noqa: BLE001
        raise FileRefused(unreadable(name)) from exc


def check_width(name: str, width: int, lim: Limits | None = None) -> None:
    """Refuse a table with more columns than the cap (a 10 000-column export)."""
    lim = lim or limits()
    if width > lim.columns:
        raise TooWide(f"« {name} » a {count(width)} colonnes : la limite est de {count(lim.columns)} colonnes "
                          "(REPERES_UPLOAD_MAX_COLUMNS). Supprimez les colonnes inutiles (ou vides) avant "
                          "l’import, ou exportez seulement les colonnes utiles.")
