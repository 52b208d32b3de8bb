"""Bar charts: French numbers, hidden cells, the data table, the description."""

from __future__ import annotations

import pytest
from chart_helpers import NNBSP, paths_filled_with, texts

from reperes import formats
from reperes.charts import bar_chart, grouped_bar_chart, stacked_bar_chart
from reperes.charts.style import PALETTE

BLUE, VERMILION = PALETTE[0], PALETTE[1]


@pytest.fixture(scope="module")
def counts():
    return bar_chart(
        ["Accompagnement renforcé", "Clause sociale", "Formation", "Mobilité"],
        [1234, 87, None, 5600],
        title="Participants par dispositif",
        source="Repères, suivi 2024",
    )


@pytest.fixture(scope="module")
def counts_svg(counts):
    return counts.svg()


def test_values_and_ticks_are_formatted_in_french(counts_svg):
    drawn = texts(counts_svg)
    assert f"1{NNBSP}234" in drawn  # value label
    assert f"5{NNBSP}600" in drawn
    assert any(t.startswith(("2", "4", "6")) and t.endswith(f"{NNBSP}000") for t in drawn)  # a tick
    assert "Source : Repères, suivi 2024" in drawn


def test_percentages_are_formatted_in_french():
    chart = bar_chart(["Emploi", "Formation"], [0.453, 0.12], title="Sorties", unit="percent")
    drawn = texts(chart.svg())
    assert f"45,3{NNBSP}%" in drawn and f"12,0{NNBSP}%" in drawn
    assert f"40{NNBSP}%" in drawn  # ticks: whole percentages
    assert chart.table.rows == (("Emploi", f"45,3{NNBSP}%"), ("Formation", f"12,0{NNBSP}%"))


def test_a_hidden_value_has_no_bar_and_reads_as_below_the_threshold(counts, counts_svg):
    assert paths_filled_with(counts_svg, BLUE) == 3  # four categories, one hidden
    assert texts(counts_svg).count("s") == 1
    assert counts.table.rows[2] == ("Formation", "s")
    assert counts.table.values[2] == ("Formation", None)
    assert "1 valeur masquée" in counts.description


def test_the_table_holds_every_category_formatted_and_raw(counts):
    table = counts.table
    assert table.caption == "Participants par dispositif"
    assert table.headers == ("Catégorie", "Effectif")
    assert [row[0] for row in table.rows] == ["Accompagnement renforcé", "Clause sociale", "Formation", "Mobilité"]
    assert table.rows[0] == ("Accompagnement renforcé", f"1{NNBSP}234")
    assert table.values[0] == ("Accompagnement renforcé", 1234)


def test_the_table_exports_to_a_french_csv(counts):
    shown = counts.table.to_csv()
    assert shown.splitlines()[0] == "Catégorie;Effectif"
    assert f"Accompagnement renforcé;1{NNBSP}234" in shown
    raw = counts.table.to_csv(raw=True).splitlines()
    assert raw[1] == "Accompagnement renforcé;1234.0".replace(".", ",") or raw[1] == "Accompagnement renforcé;1234"
    assert raw[3] == "Formation;s"


def test_the_description_summarises_the_data(counts):
    text = counts.description
    assert text.startswith("Diagramme en barres : Participants par dispositif.")
    assert "4 catégories" in text
    assert f"Mobilité (5{NNBSP}600)" in text and "Clause sociale (87)" in text


@pytest.mark.parametrize(("suppressed", "label"), [(5, "s"), ("secret", "secret"), (None, "s")])
def test_the_hidden_label_comes_from_the_caller_or_the_threshold(suppressed, label):
    chart = bar_chart(["A", "B"], [20, None], title="T", suppressed=suppressed)
    assert chart.table.rows[1] == ("B", label)
    assert label in texts(chart.svg())
    assert formats.suppressed(5) == "s"


def test_horizontal_bars_keep_the_given_order_from_the_top():
    chart = bar_chart(["Toul", "Vézelise", "Chaligny"], [30, 12, 25], title="Communes", horizontal=True)
    svg = chart.svg()
    assert paths_filled_with(svg, BLUE) == 3
    from chart_helpers import SVG, parse

    positions = {}
    for element in parse(svg).iter(f"{SVG}text"):
        if element.text in ("Toul", "Vézelise", "Chaligny"):
            positions[element.text] = float(element.get("y") or element.get("transform").split()[-1].rstrip(")"))
    assert positions["Toul"] < positions["Vézelise"] < positions["Chaligny"]


def test_grouped_bars_one_colour_per_series_and_a_legend():
    chart = grouped_bar_chart(["2023", "2024"], {"Femmes": [120, None], "Hommes": [98, 1102]},
                              title="Entrées par sexe")
    svg = chart.svg()
    assert paths_filled_with(svg, BLUE) == 1 + 1  # one bar + the legend key
    assert paths_filled_with(svg, VERMILION) == 2 + 1
    drawn = texts(svg)
    assert "Femmes" in drawn and "Hommes" in drawn and "s" in drawn and f"1{NNBSP}102" in drawn
    assert chart.table.headers == ("Catégorie", "Femmes", "Hommes")
    assert chart.table.rows == (("2023", "120", "98"), ("2024", "s", f"1{NNBSP}102"))
    assert "2 séries (Femmes et Hommes)" in chart.description


def test_stacked_bars_show_segments_totals_and_hidden_parts():
    chart = stacked_bar_chart(["2023", "2024"], {"Emploi": [35, 41], "Formation": [20, None]},
                              title="Sorties positives")
    drawn = texts(chart.svg())
    assert {"35", "20", "41"} <= set(drawn)
    assert "55" in drawn  # total of a complete bar
    assert "+ s" in drawn  # the second bar has a hidden part
    assert chart.table.rows[1] == ("2024", "41", "s")


def test_stacked_percentages_end_at_one_hundred_percent():
    chart = stacked_bar_chart(["A"], {"Oui": [0.6], "Non": [0.4]}, title="Parts", unit="percent",
                              horizontal=True)
    drawn = texts(chart.svg())
    assert f"100{NNBSP}%" in drawn and f"120{NNBSP}%" not in drawn


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="3 valeurs pour 2 catégories"):
        bar_chart(["A", "B"], [1, 2, 3], title="T")


def test_no_data_draws_a_placeholder():
    chart = bar_chart([], [], title="Rien")
    assert "Aucune donnée à afficher." in texts(chart.svg())
    assert chart.table.rows == ()


def test_all_values_hidden():
    chart = bar_chart(["A", "B"], [None, None], title="T")
    assert "Toutes les valeurs sont masquées" in chart.description
    assert texts(chart.svg()).count("s") == 2
