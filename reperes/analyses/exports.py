"""Each table of the analysis dashboards as XLSX or CSV: what the page shows, never more.

The exported cells are the block's values: raw numbers for staff, the
disclosure-controlled ones (``s``, with the mark's note under the table) for
partners — the same object the page rendered.
For spreadsheets, a rate stays a number (formatted as a percentage in XLSX), a
confidence interval becomes two numeric columns (lower and upper bound), and
the source and definition go in a note of the sheet. Text cells are
neutralised against formula injection by :mod:`reperes.spreadsheets`. Every export
is recorded in the audit trail.
"""

from __future__ import annotations

import re

from reperes import spreadsheets
from reperes.referentiel.codes import fold

# format → (content type, file suffix, label of the link)
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX (Excel)"),
    "csv": ("text/csv; charset=utf-8", "csv", "CSV pour Excel (France)"),
    "csv-standard": ("text/csv; charset=utf-8", "csv", "CSV standard"),
}
INTERVAL = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[–-]\s*(-?\d+(?:\.\d+)?)\s*$")
PERCENT_TEXT = re.compile(r"\d\s*%")  # « 44,9 % », « 100,0 % (fragile) »


def content_type(fmt: str) -> str:
    return FORMATS[fmt][0]


def filename(page, block, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{page.theme} {block.id}")).strip("-")
    suffix = "-standard" if fmt == "csv-standard" else ""
    period = f"{page.filters.debut.isoformat()}-{page.filters.fin.isoformat()}"
    return f"reperes-{slug}-{period}{suffix}.{FORMATS[fmt][1]}"


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def spreadsheet_table(block) -> tuple[list[str], list[list], list[str | None]]:
    """(headers, rows, number format per column) of a block, for a spreadsheet.

    A column is a percentage when its page text reads « … % » where its value
    is a number; a column of intervals (« 0.4486 – 0.7522 ») is split into its
    two bounds, as numbers. Hidden cells keep their text.
    """
    headers, values = block.table()
    texts = block.rows
    width = len(headers)
    interval_cols, percent_cols = set(), set()
    for i, row in enumerate(values):
        text_row = texts[i] if i < len(texts) else []
        for j, value in enumerate(row[:width]):
            if isinstance(value, str) and INTERVAL.match(value):
                interval_cols.add(j)
            elif _is_number(value) and j < len(text_row) and PERCENT_TEXT.search(str(text_row[j])):
                percent_cols.add(j)
    out_headers: list[str] = []
    formats: list[str | None] = []
    for j, header in enumerate(headers):
        if j in interval_cols:
            out_headers += [f"{header} : borne basse", f"{header} : borne haute"]
            formats += [spreadsheets.PERCENT, spreadsheets.PERCENT]
        else:
            out_headers.append(header)
            formats.append(spreadsheets.PERCENT if j in percent_cols else None)
    rows = []
    for row in values:
        out = []
        for j, value in enumerate(list(row[:width]) + [None] * (width - len(row))):
            if j in interval_cols:
                match = INTERVAL.match(value) if isinstance(value, str) else None
                if match:
                    out += [float(match.group(1)), float(match.group(2))]
                else:
                    out += [value, value]
            else:
                out.append(value)
        rows.append(out)
    for k, fmt in enumerate(formats):
        if fmt is None and any(isinstance(r[k], float) for r in rows):
            formats[k] = spreadsheets.DECIMAL
    return out_headers, rows, formats


def note(page, block) -> str:
    lines = [f"Source : Repères, {page.title} — {block.title}.", f"Période : {page.filters.describe()}.",
             f"Définition : {block.definition}"]
    if block.denominator:
        lines.append(f"Dénominateur : {block.denominator}.")
    lines.append(page.rule)
    return "\n".join(lines)


def render(page, block, fmt: str) -> bytes:
    headers, rows, formats = spreadsheet_table(block)
    if not page.raw:  # the mark's note under the table, as on the page
        rows = [*rows, [], [page.legend]]
    if fmt == "csv":
        return spreadsheets.csv_bytes(headers, rows, dialect=spreadsheets.EXCEL_FR)
    if fmt == "csv-standard":
        return spreadsheets.csv_bytes(headers, rows, dialect=spreadsheets.PLAIN)
    text = note(page, block)
    return spreadsheets.xlsx_bytes({
        block.title[:31]: spreadsheets.Sheet(headers, rows, formats, note=text),
        "Lisez-moi": spreadsheets.Sheet(["Note"], [[line] for line in text.splitlines()]),
    })
