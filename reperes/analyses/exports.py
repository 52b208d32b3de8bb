"""Each table of the analysis dashboards as XLSX or CSV: what the page shows, never more.

The exported cells are the block's values: raw numbers for staff, the
disclosure-controlled ones (``s``) for partners — the same object the page
rendered. Text cells are neutralised against formula injection by
:mod:`reperes.exports`. Every export is recorded in the audit trail.
"""

from __future__ import annotations

import re

from reperes import exports
from reperes.referentiel.codes import fold

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


def filename(page, block, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{page.theme} {block.id}")).strip("-")
    return f"reperes-{slug}-{page.filters.debut.isoformat()}-{page.filters.fin.isoformat()}.{fmt}"


def render(page, block, fmt: str) -> bytes:
    headers, rows = block.table()
    if not page.raw:  # the mark's note under the table, as on the page
        rows = [*rows, [], [page.legend]]
    if fmt == "csv":
        return exports.csv_bytes(headers, rows)
    note = [[f"Période : {page.filters.describe()}"], [f"Définition : {block.definition}"],
            [f"Dénominateur : {block.denominator}"] if block.denominator else [], [page.rule]]
    return exports.xlsx_bytes({block.title[:31]: (headers, rows),
                               "Lisez-moi": (["Note"], [n for n in note if n])})
