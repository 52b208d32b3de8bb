"""Line charts and Kaplan–Meier survival curves."""

from __future__ import annotations

import pytest
from chart_helpers import NNBSP, SVG, parse, texts

from reperes.charts import line_chart, step_chart


def test_line_chart_years_stay_years_and_values_are_french():
    chart = line_chart([2019, 2020, 2021, 2022], {"Taux": [0.41, None, 0.45, 0.453], "Objectif": [0.5] * 4},
                       title="Taux de sortie positive", unit="percent")
    drawn = texts(chart.svg())
    assert "2019" in drawn and "2022" in drawn and f"2{NNBSP}019" not in drawn
    assert f"40{NNBSP}%" in drawn  # a tick
    assert "s" in drawn  # the hidden point
    assert chart.table.headers == ("Période", "Taux", "Objectif")
    assert chart.table.rows[1] == ("2020", "s", f"50,0{NNBSP}%")
    assert chart.table.values[3] == (2022, 0.453, 0.5)
    assert f"de 41,0{NNBSP}% (2019) à 45,3{NNBSP}% (2022)" in chart.description
    assert "1 valeur masquée" in chart.description


def test_line_chart_series_differ_by_more_than_colour():
    chart = line_chart(["T1", "T2"], {"A": [1, 2], "B": [2, 3]}, title="T")
    figure = chart.figure()
    lines = figure.axes[0].get_lines()
    assert lines[0].get_marker() != lines[1].get_marker()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()


@pytest.fixture(scope="module")
def survival():
    months = [0, 3, 6, 9, 12, 18, 24]
    curve = [1.0, 0.9, 0.72, 0.6, 0.48, 0.35, 0.3]
    lower = [1.0, 0.85, 0.66, 0.53, 0.41, 0.28, 0.22]
    upper = [1.0, 0.95, 0.78, 0.67, 0.55, 0.42, 0.38]
    return step_chart(months, curve, bands=(lower, upper), title="Encore sans emploi",
                      y_label="Sans emploi", x_label="Mois depuis l'entrée")


def test_survival_curve_table_has_the_confidence_interval(survival):
    table = survival.table
    assert table.headers == ("Mois depuis l'entrée", "Sans emploi", "Sans emploi : IC bas", "Sans emploi : IC haut")
    assert table.rows[2] == ("6", f"72,0{NNBSP}%", f"66,0{NNBSP}%", f"78,0{NNBSP}%")
    assert table.values[2] == (6, 0.72, 0.66, 0.78)


def test_survival_curve_description_gives_landmarks_and_median(survival):
    text = survival.description
    assert "Kaplan–Meier" in text
    assert f"72,0{NNBSP}% à 6 mois" in text and f"48,0{NNBSP}% à 12 mois" in text
    assert "médiane : 12 mois" in text
    assert "intervalle de confiance" in text


def test_survival_curve_draws_a_band_and_percent_ticks(survival):
    svg = survival.svg()
    drawn = texts(svg)
    assert f"100{NNBSP}%" in drawn and "Intervalle de confiance" in drawn
    translucent = [e for e in parse(svg).iter(f"{SVG}path") if "opacity: 0.16" in e.get("style", "")]
    assert translucent  # the band


def test_survival_curves_compared_by_group():
    chart = step_chart([0, 6, 12], {"Femmes": [1, 0.6, 0.4], "Hommes": [1, 0.7, 0.55]}, title="Par sexe",
                       landmarks=(6,))
    assert "Femmes : 60,0" in chart.description and "médiane non atteinte" in chart.description
    assert chart.table.headers == ("Mois", "Femmes", "Hommes")


def test_survival_bands_need_names_with_several_curves():
    with pytest.raises(ValueError):
        step_chart([0, 1], {"A": [1, 0.5], "B": [1, 0.6]}, bands=([1, 0.4], [1, 0.6]), title="T")
