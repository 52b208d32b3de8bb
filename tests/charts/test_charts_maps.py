"""Choropleth and outline maps: classes, hatching, missing contours, real contours."""

from __future__ import annotations

import math

import numpy as np
import pytest
from chart_helpers import NNBSP, SVG, parse, texts

from reperes.charts import choropleth, class_breaks, class_labels, classify, outline_map
from reperes.charts.maps import NO_CONTOUR_MESSAGE, Projection, _commune_path
from reperes.charts.style import INSUFFICIENT_HATCH, sequential


def _hatch_patterns(svg: str) -> list:
    return list(parse(svg).iter(f"{SVG}pattern"))


def _paths_using(svg: str, pattern_id: str) -> list:
    return [e for e in parse(svg).iter(f"{SVG}path") if f"url(#{pattern_id})" in e.get("style", "")]


@pytest.fixture(scope="module")
def rates(six_communes):
    features, names = six_communes
    codes = sorted(features)
    values = {codes[0]: 0.05, codes[1]: 0.12, codes[2]: 0.18, codes[3]: None, codes[4]: 0.3, codes[5]: 0.04}
    values["54999"] = 0.25  # a commune created after 2018: no contour
    return choropleth(features, values, names={**names, "54999": "Commune nouvelle"}, title="Taux de sortie",
                      classes=[0, 0.1, 0.2, 0.3], unit="percent", insufficient={codes[4]},
                      value_label="Taux de sortie positive")


@pytest.fixture(scope="module")
def rates_svg(rates):
    return rates.svg()


def test_legend_classes_are_french_bounds(rates_svg):
    drawn = texts(rates_svg)
    assert f"0{NNBSP}% à 10{NNBSP}%" in drawn
    assert f"10{NNBSP}% à 20{NNBSP}%" in drawn
    # only the commune without contour (25 %) is in 20–30 %: no commune drawn has that colour, so the
    # legend does not list it (issue 17: the legend lists exactly the classes drawn); the table keeps it
    assert f"20{NNBSP}% à 30{NNBSP}%" not in drawn
    assert "données insuffisantes" in drawn
    assert "Taux de sortie positive" in drawn  # the legend's title


def test_missing_and_insufficient_communes_are_hatched(rates, rates_svg):
    patterns = _hatch_patterns(rates_svg)
    assert patterns, "no hatch pattern"
    hatch_id = patterns[0].get("id")
    # Two communes on the map have no usable value (None, and « insufficient ») + the legend key.
    assert len(_paths_using(rates_svg, hatch_id)) == 3
    assert INSUFFICIENT_HATCH.lower() in "".join(e.get("style", "") for e in patterns[0].iter()).lower()
    assert "2 communes hachurées : données insuffisantes" in rates.description


def test_a_code_without_contour_is_listed_and_the_map_still_renders(rates, rates_svg):
    assert rates.missing_contours == ["54999"]
    assert "1 commune n'a pas de contour" in rates.description and "Commune nouvelle" in rates.description
    assert "1 commune sans contour, absente de la carte (voir le tableau)" in texts(rates_svg)
    assert ("Commune nouvelle", "54999", f"25,0{NNBSP}%", f"20{NNBSP}% à 30{NNBSP}%") in rates.table.rows
    assert rates.png().startswith(b"\x89PNG")


def test_map_table_one_row_per_commune_by_name(rates, six_communes):
    features, names = six_communes
    table = rates.table
    assert table.headers == ("Commune", "Code", "Taux de sortie positive", "Classe")
    assert len(table.rows) == 7
    shown = [row[0] for row in table.rows]
    assert shown == sorted(shown, key=lambda n: n.casefold())
    codes = sorted(features)
    by_code = {row[1]: row for row in table.rows}
    assert by_code[codes[0]][2:] == (f"5,0{NNBSP}%", f"0{NNBSP}% à 10{NNBSP}%")
    assert by_code[codes[3]][2:] == ("données insuffisantes", "données insuffisantes")
    # An « insufficient » commune's value is shown nowhere, not even raw.
    assert by_code[codes[4]][2] == "données insuffisantes"
    assert next(v for v in table.values if v[1] == codes[4])[2] is None


def test_each_commune_gets_its_class_colour(six_communes):
    features, names = six_communes
    codes = sorted(features)
    chart = choropleth(features, {c: i for i, c in enumerate(codes)}, title="T", classes=[0, 2.5, 5])
    svg = chart.svg()
    light, dark = sequential(2)
    styles = [e.get("style", "") for e in parse(svg).iter(f"{SVG}path")]
    assert sum(f"fill: {light}" in s for s in styles) == 3 + 1  # three communes + the legend key
    assert sum(f"fill: {dark}" in s for s in styles) == 3 + 1
    assert not _hatch_patterns(svg)
    assert "0,0 à 2,5" in texts(svg) and "2,5 à 5,0" in texts(svg)  # one precision for the legend


def test_no_contour_at_all_renders_a_placeholder():
    chart = choropleth({}, {"54003": 4, "54005": 9}, title="Sans contours")
    svg = chart.svg()
    assert NO_CONTOUR_MESSAGE in texts(svg)
    assert chart.missing_contours == ["54003", "54005"]
    assert "2 communes n'ont pas de contour" in chart.description
    assert len(chart.table.rows) == 2
    assert chart.png().startswith(b"\x89PNG")


def test_broken_geometries_count_as_missing_contours():
    features = {"1": None, "2": {"type": "Point", "coordinates": [6.0, 48.0]}}
    chart = choropleth(features, {"1": 3.0, "2": 4.0}, title="T")
    assert NO_CONTOUR_MESSAGE in texts(chart.svg())


def test_the_whole_territory_map_is_small_enough(territory):
    features, names = territory
    values = {code: (index % 37) / 36 for index, code in enumerate(sorted(features))}
    chart = choropleth(features, values, names=names, title="Terres de Lorraine", unit="percent")
    svg = chart.svg()
    assert len(svg.encode("utf-8")) < 400_000
    assert len(chart.table.rows) == 153
    assert "classes par quantiles" in chart.description
    root = parse(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert height > width * 0.9  # the territory is taller than wide, and not squashed


def test_outline_map_colours_groups_and_highlights(six_communes):
    features, names = six_communes
    codes = sorted(features)
    groups = {code: ("CC Terres Touloises" if i < 3 else "CC du Pays du Saintois") for i, code in enumerate(codes)}
    chart = outline_map(features, names=names, groups=groups, highlight=codes[0], title="Le territoire")
    drawn = texts(chart.svg())
    assert {"EPCI", "CC Terres Touloises", "CC du Pays du Saintois", "Mise en évidence"} <= set(drawn)
    assert chart.table.headers == ("Commune", "Code", "EPCI", "Mise en évidence")
    assert (names[codes[0]], codes[0], "CC Terres Touloises", "oui") in chart.table.rows
    assert "CC Terres Touloises : 3 communes" in chart.description
    assert f"Mise en évidence : {names[codes[0]]}" in chart.description
    assert chart.missing_contours == []


def test_outline_map_without_groups_and_with_a_missing_code(six_communes):
    features, names = six_communes
    chart = outline_map(features, names=names, highlight=["99999"], title="Communes")
    assert chart.missing_contours == ["99999"]
    assert chart.svg().startswith("<svg")


# --- classes ---------------------------------------------------------------------------------


def test_quantile_breaks_share_the_communes_evenly():
    values = list(range(1, 101))
    bounds = class_breaks(values, 4)
    assert bounds[0] == 1 and bounds[-1] == 100 and len(bounds) == 5
    counts = np.bincount([classify(v, bounds) for v in values])
    assert max(counts) - min(counts) <= 2  # bounds rounded to whole numbers


def test_jenks_breaks_find_the_natural_groups():
    values = [1, 2, 3, 10, 11, 12, 50, 51, 52]
    bounds = class_breaks(values, 3, method="jenks")
    assert bounds == [1, 3, 12, 52]
    assert [classify(v, bounds) for v in values] == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_breaks_are_rounded_as_the_legend_shows_them_and_agree_with_classes():
    values = [0.0123, 0.0567, 0.1011, 0.2345, 0.3456, 0.4111, 0.5222]
    bounds = class_breaks(values, 3, unit="percent")
    labels = class_labels(bounds, "percent")
    for bound in bounds:  # whole percentages
        assert math.isclose(round(bound * 100), bound * 100, abs_tol=1e-9)
    for value in values:
        index = classify(value, bounds)
        assert bounds[index] <= value <= bounds[index + 1]
    assert all(NNBSP + "%" in label and " à " in label for label in labels)


def test_equal_values_make_one_class_and_explicit_bounds_widen_to_the_data():
    assert class_labels(class_breaks([7, 7, 7], 5)) == ["7"]
    assert class_breaks([-1, 5, 30], [0, 10, 20]) == [-1, 10, 30]
    assert class_labels([0, 5, 10]) == ["0 à 5", "5 à 10"]
    assert class_labels([0, 1500, 3000]) == [f"0 à 1{NNBSP}500", f"1{NNBSP}500 à 3{NNBSP}000"]


def test_classes_need_a_value():
    assert class_breaks([None, float("nan")], 5) == []
    assert classify(None, [0, 1]) is None


# --- geometry --------------------------------------------------------------------------------


def test_projection_corrects_longitudes_by_the_cosine_of_the_latitude():
    projection = Projection(48.0, 49.0)
    assert math.isclose(projection.k, math.cos(math.radians(48.5)))
    ring = projection.ring([[6.0, 48.5], [7.0, 48.5]])
    assert math.isclose(ring[1, 0] - ring[0, 0], projection.k)


def test_holes_are_kept_with_opposite_orientation():
    outer = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]  # clockwise
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]  # counter-clockwise
    path = _commune_path([[outer, hole]], Projection(0, 0), 0)
    rings = [poly for poly in path.to_polygons(closed_only=True)]
    assert len(rings) == 2

    def area(points):
        x, y = points[:, 0], points[:, 1]
        return 0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

    assert area(rings[0]) > 0 > area(rings[1])


def test_choropleth_without_any_usable_value_still_renders():
    """Every commune hidden (or a ratio over zero: NaN, infinity): hatched, never a crash."""
    import json
    from pathlib import Path

    from reperes.charts import choropleth

    path = Path(__file__).resolve().parents[2] / "reperes/territory/data/communes-terres-de-lorraine-2018.geojson"
    features = {f["properties"]["code"]: f["geometry"] for f in json.loads(path.read_text())["features"][:5]}
    codes = list(features)
    for values in ({c: None for c in codes}, {codes[0]: float("inf"), codes[1]: float("nan"), codes[2]: 1.0}):
        chart = choropleth(features, values, title="Ratio")
        svg = chart.svg()
        assert "données insuffisantes" in svg
        assert chart.table.rows


def test_epci_limits_and_names_secret_class_and_an_alt_text_of_what_is_drawn(six_communes):
    """Six communes in two EPCI (three each): A holds the first three codes. Values by hand: 2, 4 (class
    « 0 à 5 »), 9 (« 5 à 10 »), one commune secret (« s »), one with no data, one more at 8."""
    features, names = six_communes
    codes = sorted(features)
    groups = {c: ("CC Alpha" if i < 3 else "CC Bêta") for i, c in enumerate(codes)}
    values = {codes[0]: 2, codes[1]: 4, codes[2]: 9, codes[3]: None, codes[4]: None, codes[5]: 8}
    chart = choropleth(features, values, names=names, title="Accompagnés", classes=[0, 5, 10, 40],
                       secret={codes[3]}, insufficient={codes[4]}, groups=groups, value_label="Accompagnés")
    drawn = texts(chart.svg())
    # the legend: the two classes drawn (never « 10 à 40 »: no commune has it), the secret class, the limits
    assert "0 à 5" in drawn and "5 à 10" in drawn and "10 à 40" not in drawn
    assert "s : secret statistique" in drawn and "données insuffisantes" in drawn
    assert "Limite d’intercommunalité" in drawn
    assert "CC Alpha" in drawn and "CC Bêta" in drawn  # names written on the map
    # two hatch patterns: « données insuffisantes » (////) and the secret (xxx), told apart
    assert len(_hatch_patterns(chart.svg())) == 2
    # the alt text counts the communes of each class drawn, and says nothing of classes not drawn
    text = chart.description
    assert "en 2 classes d’accompagnés" in text
    assert "0 à 5 : 2 communes ; 5 à 10 : 2 communes." in text and "10 à 40" not in text
    assert "1 commune quadrillée : valeur non diffusée (s : secret statistique)" in text
    assert "1 commune hachurée : données insuffisantes" in text
    assert "Limites des 2 intercommunalités tracées en trait épais" in text and "CC Alpha, CC Bêta" in text
    # the table: « s » for the secret commune, its class named
    secret_row = next(r for r in chart.table.rows if r[1] == codes[3])
    assert list(secret_row[2:]) == ["s", "s : secret statistique"]


def test_epci_limits_are_the_edges_between_groups_and_around_the_territory():
    """Two unit squares side by side, one per group, sharing the edge x = 1 (and a third square of group B
    above the second): the limit between A and B is the shared edge; B's inner edge (between its squares) is
    not a limit."""
    from reperes.charts.maps import _group_boundaries

    def square(x, y):
        return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}

    features = {"1": square(0, 0), "2": square(1, 0), "3": square(1, 1)}
    segments, labels = _group_boundaries(features, {"1": "A", "2": "B", "3": "B"})
    # 3 squares = 12 edges, 10 distinct (1|2 and 2|3 are shared); 2|3 lies inside B and is no limit → 9
    assert len(segments) == 9
    k = float(segments[:, :, 0].max()) / 2  # the projection scales longitudes by cos(latitude)

    def has(a, b):
        return any({tuple(np.round(p, 4)) for p in seg} == {tuple(np.round(a, 4)), tuple(np.round(b, 4))}
                   for seg in segments)

    assert has((k, 0), (k, 1))  # between A and B
    assert not has((k, 1), (2 * k, 1))  # between the two squares of B
    assert set(labels) == {"A", "B"}
