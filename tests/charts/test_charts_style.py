"""Colours readable on white and distinguishable; numbers through reperes.formats."""

from __future__ import annotations

from chart_helpers import NNBSP

from reperes.charts import style


def test_bar_colours_contrast_at_least_three_to_one_with_white():
    for colour in style.PALETTE:
        assert style.contrast_ratio(colour) >= 4.5, colour  # also enough for white labels inside


def test_text_colours_are_dark_grey_and_readable():
    assert style.contrast_ratio(style.TEXT) >= 7
    assert style.contrast_ratio(style.MUTED) >= 4.5
    assert style.contrast_ratio(style.INSUFFICIENT_HATCH) >= 3


def test_sequential_palette_goes_from_light_to_dark():
    colours = style.sequential(5)
    luminances = [style.relative_luminance(c) for c in colours]
    assert luminances == sorted(luminances, reverse=True)
    assert len(set(colours)) == 5


def test_series_beyond_the_palette_get_a_hatching():
    assert style.series_style(0) == (style.PALETTE[0], "")
    colour, hatch = style.series_style(len(style.PALETTE))
    assert colour == style.PALETTE[0] and hatch


def test_numbers_go_through_reperes_formats():
    assert style.fmt(1234, "count") == f"1{NNBSP}234"
    assert style.fmt(0.453, "percent") == f"45,3{NNBSP}%"
    assert style.fmt(None, "count") == "–"
    assert style.tick_decimals(0.05, "percent") == 0  # 5 %
    assert style.tick_decimals(0.005, "percent") == 1  # 0,5 %
    assert style.tick_decimals(0.25, "count") == 2
    assert style.tick_decimals([0, 0.5, 1.0], "count") == 1
    assert style.tick_decimals([0, 0.2, 0.4], "percent") == 0
