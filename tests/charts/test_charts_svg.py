"""Every chart's SVG is accessible, self-contained, responsive and deterministic; its PNG too."""

from __future__ import annotations

import functools
import re
import subprocess
import sys

import pytest
from chart_helpers import PNG_SIGNATURE, SVG, load_communes, parse, png_chunks, texts

from reperes.charts import (
    bar_chart,
    choropleth,
    grouped_bar_chart,
    line_chart,
    outline_map,
    stacked_bar_chart,
    step_chart,
)

FEATURES, NAMES = load_communes(codes={"54003", "54005", "54007", "54010"})


def _charts():
    return {
        "barres": bar_chart(["A", "B", "C"], [1234, None, 56], title="Entrées par dispositif"),
        "barres-horizontales": bar_chart(["A", "B"], [0.453, 0.2], title="Parts", unit="percent",
                                         horizontal=True),
        "groupées": grouped_bar_chart(["2023", "2024"], {"Femmes": [10, 20], "Hommes": [None, 30]},
                                      title="Entrées par sexe"),
        "empilées": stacked_bar_chart(["X", "Y"], {"Emploi": [0.5, 0.4], "Formation": [0.5, 0.6]},
                                      title="Sorties", unit="percent"),
        "courbes": line_chart([2022, 2023, 2024], {"Taux": [0.4, 0.45, 0.5]}, title="Taux", unit="percent"),
        "survie": step_chart([0, 6, 12], [1.0, 0.7, 0.4], bands=([1.0, 0.6, 0.3], [1.0, 0.8, 0.5]),
                             title="Maintien sans emploi"),
        "carte": choropleth(FEATURES, {"54003": 3, "54005": 8, "54007": None, "54999": 4}, names=NAMES,
                            title="Participants par commune", classes=2),
        "carte-territoire": outline_map(FEATURES, names=NAMES, groups={"54003": "CC A", "54005": "CC B"},
                                        title="Le territoire"),
    }


CHARTS = _charts()


@functools.cache
def svg_of(name: str) -> str:
    return CHARTS[name].svg()


@pytest.fixture(params=sorted(CHARTS))
def rendered(request):
    return CHARTS[request.param], svg_of(request.param)


def test_svg_parses_and_is_labelled_by_title_and_desc(rendered):
    chart, svg = rendered
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root[0], root[1]  # first children, as screen readers expect
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", title_id, chart.title)
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", desc_id, chart.description)
    assert chart.description.strip() and chart.description.endswith(".")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_svg_scales_with_a_viewbox_and_no_fixed_size(rendered):
    _, svg = rendered
    root = parse(svg)
    assert "width" not in root.attrib and "height" not in root.attrib
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width > 0 and height > 0


def test_svg_is_self_contained(rendered):
    """No script, no metadata, no DTD, no global stylesheet, no reference outside the image."""
    _, svg = rendered
    assert "<script" not in svg and "<metadata" not in svg and "<!DOCTYPE" not in svg
    assert "<style" not in svg and "<?xml" not in svg
    assert "Matplotlib" not in svg and "<image" not in svg
    root = parse(svg)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    prefix = root.get("id")
    assert all(i == prefix or i.startswith(prefix + "-") for i in ids)
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.endswith("href"):
                assert value.startswith("#") and value[1:] in ids
            for target in re.findall(r"url\(([^)]*)\)", value):
                assert target.startswith("#") and target[1:] in ids
    # Only namespace declarations mention http.
    assert set(re.findall(r'"(https?://[^"]*)"', svg)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_svg_text_is_real_text_in_french(rendered):
    chart, svg = rendered
    drawn = texts(svg)
    assert chart.title in " ".join(drawn).replace("\n", " ") or chart.kind.startswith("carte")
    assert not any(re.search(r"\d\.\d", t) for t in drawn), "decimal point instead of a comma"


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg_is_deterministic(name):
    """The same data, drawn again from scratch, gives the same bytes."""
    assert _charts()[name].svg() == svg_of(name)


def test_svg_ids_can_be_chosen_so_a_chart_can_be_shown_twice():
    chart = CHARTS["barres"]
    first, second = chart.svg(id="premier"), chart.svg(id="second")
    assert parse(first).get("aria-labelledby") == "premier-titre premier-desc"
    assert parse(second).get("id") == "second"
    assert 'id="premier-' not in second


def test_different_charts_get_different_default_ids():
    ids = {parse(svg_of(name)).get("id") for name in CHARTS}
    assert len(ids) == len(CHARTS)


def test_svg_without_the_drawn_title_keeps_it_in_title_element():
    chart = CHARTS["barres"]
    svg = chart.svg(with_title=False)
    assert chart.title not in texts(svg)
    assert parse(svg)[0].text == chart.title


@pytest.mark.parametrize("name", ["barres", "carte"])
def test_png_is_a_deterministic_png_without_metadata(name):
    chart = CHARTS[name]
    data = chart.png()
    assert data.startswith(PNG_SIGNATURE)
    assert chart.png() == data
    kinds = [chunk[:4] for chunk in png_chunks(data)]
    assert b"tIME" not in kinds
    assert not any(chunk.startswith((b"tEXt", b"iTXt", b"zTXt")) for chunk in png_chunks(data))
    assert kinds[-1] == b"IEND"


def test_png_resolution_follows_dpi():
    chart = CHARTS["barres"]
    small, large = chart.png(dpi=50), chart.png(dpi=100)

    def width(data: bytes) -> int:
        return int.from_bytes(data[16:20], "big")  # IHDR

    assert width(large) == 2 * width(small) == 800  # 8 inches wide


def test_the_package_imports_nothing_from_django():
    code = "import sys, reperes.charts; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_svg_keeps_its_default_namespace_when_another_library_registers_one():
    """pyxform registers "" for XForms in ElementTree's global map: our SVG must not become <ns0:svg>."""
    import xml.etree.ElementTree as ET

    from reperes.charts import bar_chart

    ET.register_namespace("", "http://www.w3.org/2002/xforms")
    try:
        svg = bar_chart(["A", "B"], [1, 2], title="Essai").svg()
    finally:
        ET.register_namespace("", "http://www.w3.org/2000/svg")
    assert svg.startswith("<svg") and "ns0:" not in svg
