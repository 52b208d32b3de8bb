"""One way to read a file people send: text decoding, delimiter guessing, workbook grids.

Every importer reads through here (data import and its upload probe, territorial
statistics, offer, survey answers, interviews), so that a file one screen reads
is read the same by the others. Pure Python: nothing here imports Django; the
bounds on archives and grids are ``reperes.safefiles``'s.

- ``decode``: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252
  (the habit of French spreadsheets); ``Undecodable`` when none fits, or
  replacement characters when the caller asks to be lenient.
- ``guess_delimiter``: the most frequent candidate on the first line that is
  neither empty nor a comment (``#``); ties go to the first candidate.
- ``cell_text`` and ``workbook_grids``: a workbook's sheets as rows of text as
  a CSV export would hold them (``1234.0`` → ``1234``, dates in ISO form).

Each importer keeps its own French messages: it catches ``Undecodable`` and
``safefiles.FileRefused`` and says what to do in its own words.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reperes import safefiles

SEMICOLON_FIRST = (";", "\t", ",")  # the French habit first: ties go to « ; »
COMMA_FIRST = (",", ";", "\t")  # exports of collection tools (Kobo, ODK, LimeSurvey)
WITH_PIPE = (*SEMICOLON_FIRST, "|")  # public statistics files, some written with « | »


class Undecodable(ValueError):
    """Bytes that are no text in any encoding we read. ``utf16`` tells a broken UTF-16 file apart."""

    def __init__(self, *, utf16: bool = False):
        super().__init__("ni UTF-8 ni Windows-1252" if not utf16 else "UTF-16 illisible")
        self.utf16 = utf16


# --------------------------------------------------------------------------- text


def decode(data: bytes, *, lenient: bool = False) -> str:
    """The text of ``data``: UTF-8 (BOM dropped), UTF-16 with a BOM, else Windows-1252.

    ``lenient`` replaces the few bytes Windows-1252 leaves undefined instead of raising ``Undecodable``.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            if lenient:
                return data.decode("utf-16", errors="replace")
            raise Undecodable(utf16=True) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        if lenient:
            return data.decode("cp1252", errors="replace")
        raise Undecodable() from exc


def utf8(data: bytes) -> bytes:
    """``decode`` as UTF-8 bytes (for Polars' CSV reader), without copying a file that is UTF-8 already."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
    return decode(data).encode("utf-8")


def first_line(text: str | bytes, *, within: int = 50) -> str:
    """The first line of ``text`` (among the first ``within``) that is neither empty nor a comment (``#``)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace") if len(text) < 1 << 20 else (
            text[:1 << 20].decode("utf-8", errors="replace"))
    for line in text.split("\n", within)[:within]:
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return ""


def guess_delimiter(text: str | bytes, candidates: Sequence[str] = SEMICOLON_FIRST, *,
                    default: str | None = None) -> str:
    """The delimiter of a CSV text: the candidate most frequent on its first line of data (see ``first_line``).

    Ties go to the first candidate; a line without any candidate gives ``default`` (the first candidate
    when not given).
    """
    line = first_line(text)
    best = max(candidates, key=line.count)  # max keeps the first of equals
    if line.count(best):
        return best
    return default if default is not None else candidates[0]


# --------------------------------------------------------------------------- workbooks


def is_workbook(data: bytes) -> bool:
    """An XLSX/ODS (ZIP) or legacy XLS (OLE) container, told by its first bytes."""
    return data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cell_text(value) -> str | None:
    """A workbook cell as the text a CSV export would hold (``1234.0`` → ``1234``); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_rows(rows: list[list]) -> list[list[str | None]]:
    """Rows of workbook values as rows of text (``cell_text`` on every cell)."""
    return [[cell_text(v) for v in row] for row in rows]


def workbook_grids(name: str, source: bytes | Path | str, *, sheets: Sequence[str | int] | None = None,
                   nrows: int | None = None, skip_empty_area: bool = True, check_width: bool = True,
                   as_text: bool = True, limits: safefiles.Limits | None = None) -> dict[str | int, list[list]]:
    """The sheets of a workbook (all, or ``sheets`` by name or index) as rows of text, in order.

    ``as_text=False`` keeps the cells' values as the workbook types them (numbers, dates, booleans), for a
    reader whose rules depend on the type (a number typed in a sheet loses its leading zero).

    Bounded by ``reperes.safefiles`` (archive, cells, and columns unless ``check_width`` is False):
    raises ``safefiles.FileRefused`` (``TooWide`` for a grid over the column cap) with a French message.
    """
    book = safefiles.open_workbook(name, source, limits)
    wanted = list(book.sheet_names) if sheets is None else list(sheets)
    grids: dict[str | int, list[list]] = {}
    for sheet in wanted:
        where = name if sheets is not None and isinstance(sheet, int) else f"{name}, feuille « {sheet} »"
        rows = safefiles.sheet_rows(name, book, sheet, limits, nrows=nrows, skip_empty_area=skip_empty_area)
        if check_width:
            safefiles.check_width(where, max((len(r) for r in rows), default=0), limits)
        grids[sheet] = text_rows(rows) if as_text else rows
    return grids


def sheet_names(name: str, source: bytes | Path | str) -> list[str]:
    """The names of a workbook's sheets, in order (bounded like ``workbook_grids``)."""
    return list(safefiles.open_workbook(name, source).sheet_names)
