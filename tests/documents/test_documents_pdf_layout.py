"""PDF tables a comité can read (issue 17): widths from the content, nothing wider than the page, a long
checksum wrapped, short tables never split from their caption, long ones with their header repeated."""

from __future__ import annotations

import datetime as dt
import re

from reperes.documents import Column, Document, Section, Table
from reperes.documents.pdf import breakable, render_pdf, table_layout, typst_source

SHA = "930a3ada9d7e349be8758d17c435f3837fdd7a14c995276da9fcbdcb18c2477b"


def percents(layout) -> list[float]:
    """Each column's share of the page width, in percent (the layout gives ``fr`` shares of the text width)."""
    shares = [float(c.removesuffix("fr")) for c in layout.columns]
    return [100 * s / sum(shares) for s in shares]


def test_a_wide_table_gives_each_column_at_least_its_longest_word_and_stays_within_the_page():
    labels = ["Intercommunalité", "Accompagnés DELD", "Demandeurs d’emploi de longue durée", "Ratio DELD",
              "Accompagnés RSA", "Foyers RSA (CAF)", "Ratio RSA"]
    rows = [["CC du Pays de Colombey et du Sud Toulois", "34", "370", "9,2\u202f%", "29", "360", "8,1\u202f%"],
            ["CC Terres Touloises", "163", "1\u202f460", "11,2\u202f%", "144", "1\u202f300", "11,1\u202f%"]]
    layout = table_layout(labels, rows, ["left"] + ["right"] * 6)
    widths = percents(layout)
    assert all(c.endswith("fr") for c in layout.columns)  # shares of the text width: never wider than the page
    # the first column was squeezed to a few letters (« CC Terres Toulois es »): its longest word,
    # « Intercommunalité » (16 letters, bold), needs more than the fifth of the page a number column gets.
    assert widths[0] >= max(widths[1:])
    # a column is never narrower than a sibling whose longest word is shorter
    assert widths[2] >= widths[3]  # « Demandeurs » vs « Ratio » / « DELD »


def test_a_table_that_fits_keeps_its_natural_widths():
    layout = table_layout(["Sexe", "Effectif"], [["Femme", "355"], ["Homme", "388"]], ["left", "right"])
    assert layout.columns == ["auto", "auto"] and layout.font_size == 8.5


def test_a_table_whose_words_cannot_fit_is_set_smaller_rather_than_overflowing():
    labels = [f"Indicateur{i:02d}xxxxxxxxxxx" for i in range(6)]  # 6 × 21 letters, unbreakable
    layout = table_layout(labels, [["1"] * 6], ["right"] * 6)
    assert layout.font_size < 8.5 and all(c.endswith("fr") for c in layout.columns)


def test_a_long_checksum_gets_break_opportunities_and_reads_the_same():
    text = breakable(SHA)
    assert "\u200b" in text and text.replace("\u200b", "") == SHA
    assert breakable("Document interne") == "Document interne"


def _doc(*blocks) -> Document:
    return Document("Rapport", [Section("A", list(blocks))], date=dt.date(2026, 12, 3), organisation="PLIE",
                    metadata={"Empreinte des données (SHA-256)": SHA})


def test_a_table_is_measured_where_it_falls_and_set_whole_with_its_caption_and_notes():
    """Typst measures each table (caption, table, notes in one body): it is set in one piece where it fits,
    moved whole to the next page when it fits a page but not the room left (no orphan or widow row), and only
    a table taller than a page breaks, repeating its header."""
    table = Table("Sorties", [Column("Motif"), Column("Effectif", "count")], [["CDI", 3], ["CDD", 4]],
                  source="Repères")
    source = typst_source(_doc(table))
    body = source[source.index("let body = "):source.index("let height")]
    assert body.index("Sorties") < body.index("table.header") < body.index("Source")
    logic = source[source.index("let height"):]
    assert "measure(block(width:" in logic
    assert "if height <= left { block(breakable: false" in logic
    assert "else if height <= full { pagebreak(); block(breakable: false" in logic
    assert "else { if left < " in logic and "pagebreak() }; block(width: 100%, body)" in logic


def test_a_long_table_repeats_its_header_on_every_page():
    rows = [[f"Action {i}", i] for i in range(1, 121)]
    table = Table("Actions", [Column("Action"), Column("Participants", "count")], rows)
    source = typst_source(_doc(table))
    assert "table.header(" in source[source.index("Actions"):]
    pdf = render_pdf(_doc(table))
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 4  # cover, contents, two or more pages of rows
    assert "\u200b".join([SHA[i:i + 16] for i in range(0, 64, 16)]) in source


def test_word_tables_take_their_widths_from_the_content_too():
    import io

    import docx
    from docx.shared import Cm

    from reperes.documents.docx import render_docx

    table = Table("Public potentiel", [Column("Intercommunalité"), Column("Accompagnés DELD", "count"),
                                       Column("Demandeurs d’emploi de longue durée", "count"),
                                       Column("Ratio DELD", "percent"), Column("Femmes", "count")],
                  [["CC du Pays de Colombey et du Sud Toulois", 34, 370, 0.092, 12]])
    word = docx.Document(io.BytesIO(render_docx(_doc(table))))
    grid = next(t for t in word.tables if len(t.columns) == 5)
    widths = [cell.width for cell in grid.rows[0].cells]
    assert sum(widths) <= Cm(16.5) + Cm(0.01)
    # « Intercommunalité » (16 letters) needs more than « Femmes » (6); the old fixed 2,2 cm number columns
    # left the first one 5 cm whatever it held
    assert widths[0] > widths[4] and widths[0] > Cm(3)


def test_word_keeps_a_short_table_whole_and_a_long_one_from_leaving_orphan_rows():
    import io

    import docx

    from reperes.documents.docx import render_docx

    short = Table("Court", [Column("Motif"), Column("Effectif", "count")], [[f"m{i}", i] for i in range(5)])
    long = Table("Long", [Column("Action"), Column("Effectif", "count")], [[f"a{i}", i] for i in range(60)])
    word = docx.Document(io.BytesIO(render_docx(_doc(short, long))))
    grids = [t for t in word.tables if len(t.columns) == 2 and len(t.rows) > 3]

    def kept(row):
        return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)

    court, longue = grids[0], grids[1]
    assert all(kept(row) for row in court.rows[:-1]) and not kept(court.rows[-1])
    assert all(row._tr.trPr.find(docx.oxml.ns.qn("w:cantSplit")) is not None for row in court.rows)
    rows = longue.rows
    assert all(kept(row) for row in rows[:4]) and all(kept(row) for row in rows[-3:-1])
    assert not kept(rows[30])  # the middle of a long table may break
