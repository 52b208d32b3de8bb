"""The compare chart highlights this PLIE: another colour, hatched, its name in bold (not colour alone)."""

from __future__ import annotations

import re

from reperes.charts.plots import bar_chart


def test_highlighted_bar_is_hatched_and_named_in_bold():
    plain = bar_chart(["PLIE A", "Ce PLIE", "PLIE B"], [0.5, 0.4, 0.3], title="Taux", unit="percent",
                      horizontal=True).svg(id="a")
    marked = bar_chart(["PLIE A", "Ce PLIE", "PLIE B"], [0.5, 0.4, 0.3], title="Taux", unit="percent",
                       horizontal=True, highlight=[1]).svg(id="a")
    assert "<pattern" not in plain and "<pattern" in marked  # matplotlib writes a hatch as an SVG pattern
    bold = re.findall(r"<text[^>]*font-weight: ?(?:bold|700)[^>]*>([^<]*)<", marked)
    assert bold == ["Ce PLIE"] or "Ce PLIE" in "".join(bold)
    assert not re.findall(r"<text[^>]*font-weight: ?(?:bold|700)[^>]*>Ce PLIE<", plain)
