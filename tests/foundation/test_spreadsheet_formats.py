"""XLSX exports read back: dates are dates shown JJ/MM/AAAA, counts integers with a thousands format, a declared
percentage a percentage — what a French Excel user sorts and sums without retyping."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from reperes.spreadsheets import PERCENT, Sheet, xlsx_bytes


def test_dates_counts_and_rates_keep_their_type_and_french_format():
    data = xlsx_bytes({"Parcours": Sheet(["Entrée", "Étapes", "Taux", "Commune"],
                                         [[dt.date(2019, 3, 4), 1234, 0.495, "Toul"]],
                                         formats=[None, None, PERCENT, None])})
    sheet = load_workbook(io.BytesIO(data))["Parcours"]
    date, count, rate, text = (cell for cell in next(sheet.iter_rows(min_row=2)))
    assert date.is_date and date.value.date() == dt.date(2019, 3, 4) and date.number_format == "DD/MM/YYYY"
    assert count.value == 1234 and count.data_type == "n" and "#" in count.number_format
    assert rate.value == 0.495 and "%" in rate.number_format
    assert text.value == "Toul" and text.data_type == "s"
