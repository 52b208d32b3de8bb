"""Files we write for users (CSV, XLSX): French spreadsheet conventions, no formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be run as a formula by Excel or LibreOffice (CSV injection): such text is
prefixed with an apostrophe. Numbers are written as numbers.

Two CSV dialects: « CSV pour Excel (France) » (``;``, decimal comma, dates
``JJ/MM/AAAA``, UTF-8 with BOM), which French Excel opens with numbers as
numbers and accents intact; and plain CSV (``,``, decimal point, ISO dates,
UTF-8 without BOM) for other tools. XLSX cells carry a number format (percent,
thousands, dates) so that a rate reads « 44,9 % », not 0.449.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXCEL_FR = "excel-fr"
PLAIN = "plain"

# Number formats of XLSX cells (Excel shows them in the reader's locale: « 1 234 », « 44,9 % »).
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATE = "DD/MM/YYYY"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value, dialect: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        if dialect == EXCEL_FR:
            return "oui" if value else "non"
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:
            text = f"{value:.12f}".rstrip("0").rstrip(".")
        text = text.removesuffix(".0")
        return text.replace(".", ",") if dialect == EXCEL_FR else text
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if dialect == EXCEL_FR else value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if dialect == EXCEL_FR else value.isoformat()
    return neutralise(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence], dialect: str = EXCEL_FR) -> bytes:
    """CSV for French Excel (default: ``;``, decimal comma, UTF-8 with BOM) or plain CSV (``,``, point)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dialect == EXCEL_FR else ",", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v, dialect) for v in row])
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if dialect == EXCEL_FR else text.encode("utf-8")


@dataclass
class Sheet:
    """One sheet: headers, rows, a number format per column (None: as it comes), a note on its first cell."""

    headers: Sequence[str]
    rows: Iterable[Sequence]
    formats: Sequence[str | None] = ()
    note: str = ""


def _number_format(value, declared: str | None) -> str | None:
    if declared and isinstance(value, int | float) and not isinstance(value, bool):
        return declared
    if isinstance(value, dt.datetime):
        return DATE + " hh:mm"
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, int) and not isinstance(value, bool):
        return INTEGER
    return None


def xlsx_bytes(sheets: dict[str, Sheet | tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX workbook, one sheet per entry (title → ``Sheet`` or (headers, rows)); text neutralised like CSV.

    Integers get a thousands format, dates ``JJ/MM/AAAA``, and a column declared
    ``PERCENT`` or ``DECIMAL`` its format; the note (source, definition) is a
    comment on the first header cell.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, content in sheets.items():
        sheet_data = content if isinstance(content, Sheet) else Sheet(*content)
        sheet = book.create_sheet(title[:31])
        header_cells = []
        for i, h in enumerate(sheet_data.headers):
            cell = WriteOnlyCell(sheet, value=neutralise(h))
            cell.font = bold
            if i == 0 and sheet_data.note:
                cell.comment = Comment(sheet_data.note, "Repères", width=400, height=200)
            header_cells.append(cell)
        sheet.append(header_cells)
        formats = list(sheet_data.formats)
        for row in sheet_data.rows:
            cells = []
            for j, v in enumerate(row):
                cell = WriteOnlyCell(sheet, value=None if v is None else neutralise(v))
                number_format = _number_format(v, formats[j] if j < len(formats) else None)
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
