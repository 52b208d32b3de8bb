"""The PNG of a chart for the Word, PDF and PowerPoint renderers: drawn once per rendering batch, without its
title (every renderer prints the title as the figure's caption)."""

from __future__ import annotations

from typing import Any


def chart_png(chart: Any, cache: dict | None = None, dpi: int = 150) -> bytes:
    """The chart's PNG, drawn once per rendering batch (``cache`` shared by the renderers)."""
    if cache is None:
        return _png(chart, dpi)
    key = (id(chart), dpi)
    if key not in cache:
        cache[key] = (chart, _png(chart, dpi))  # keep the chart alive: its id is not reused
    return cache[key][1]


def _png(chart: Any, dpi: int) -> bytes:
    """The chart without its drawn title: every renderer prints the title as the figure's caption."""
    try:
        return chart.png(dpi=dpi, with_title=False)
    except TypeError:  # a chart of the model's protocol that has no such option
        return chart.png()
