"""A flow (sankey) diagram: sources → one central node → destinations.

Pure Python and matplotlib, like the other charts. Each band's width is
proportional to its count; a hidden count (``None``, disclosure control) is
drawn as a thin hatched band labelled ``s`` and never sized by its value.
The table has one row per flow: from, to, count.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from reperes import formats
from reperes.charts import style
from reperes.charts.chart import Chart, make_table
from reperes.charts.plots import decorate, new_figure, placeholder

__all__ = ["flow_diagram"]

GAP = 0.02  # vertical gap between bands, as a share of the column's height
HIDDEN_SHARE = 0.012  # drawn height of a hidden flow


def _band(ax, x0, y0a, y0b, x1, y1a, y1b, colour, *, hatch=None):
    """A band between two vertical segments, with smooth (cubic) edges."""
    mid = (x0 + x1) / 2
    vertices = [(x0, y0a), (mid, y0a), (mid, y1a), (x1, y1a), (x1, y1b), (mid, y1b), (mid, y0b), (x0, y0b),
                (x0, y0a)]
    codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
             Path.CURVE4, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(vertices, codes), facecolor=colour if not hatch else style.INSUFFICIENT_FACE,
                           edgecolor=style.INSUFFICIENT_HATCH if hatch else "none", hatch=hatch, alpha=0.85,
                           linewidth=0.6 if hatch else 0))


def _layout(values: list[float | None], total_height: float) -> list[tuple[float, float]]:
    n = len(values)
    shown = [v for v in values if v is not None]
    budget = total_height - GAP * max(n - 1, 0) - HIDDEN_SHARE * (n - len(shown))
    scale = budget / (sum(shown) or 1)
    spans, y = [], total_height
    for v in values:
        h = HIDDEN_SHARE if v is None else max(v * scale, 0.0)
        spans.append((y - h, y))
        y -= h + GAP
    return spans


def flow_diagram(
    sources: Mapping[str, int | None],
    destinations: Mapping[str, int | None],
    *,
    title: str,
    centre: str = "PLIE",
    source_label: str = "Origine",
    destination_label: str = "Destination",
    description: str | None = None,
    source: str | None = None,
    suppressed: str = "s",
) -> Chart:
    """Flows ``source → centre`` (left) and ``centre → destination`` (right)."""
    sources = {str(k): (None if style.is_missing(v) else int(v)) for k, v in sources.items()}
    destinations = {str(k): (None if style.is_missing(v) else int(v)) for k, v in destinations.items()}

    def text(v):
        return suppressed if v is None else formats.number(v)

    rows = ([[name, centre, text(v)] for name, v in sources.items()]
            + [[centre, name, text(v)] for name, v in destinations.items()])
    raw = ([[name, centre, v] for name, v in sources.items()] + [[centre, name, v] for name, v in destinations.items()])
    table = make_table(title, [source_label, destination_label, "Participants"], rows, raw)
    if description is None:
        def listing(items):
            return " ; ".join(f"{k} : {text(v)}" for k, v in items.items()) or "aucun"

        description = (f"Diagramme de flux : {title}. À gauche, vers {centre} — {listing(sources)}. "
                       f"À droite, depuis {centre} — {listing(destinations)}. La largeur de chaque bande est "
                       "proportionnelle au nombre de participants.")
        if any(v is None for v in [*sources.values(), *destinations.values()]):
            description += f" Les bandes hachurées sont masquées ({suppressed}, secret statistique)."

    def draw(with_title: bool) -> Figure:
        n = max(len(sources), len(destinations), 1)
        figure = new_figure(max(3.2, 0.42 * n + 1.6))
        if not sources and not destinations:
            placeholder(figure, "Aucun flux sur la période.")
            decorate(figure, title, source, with_title)
            return figure
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.02, 1.02)
        left_x, centre_l, centre_r, right_x = 0.30, 0.47, 0.53, 0.70
        colours = style.PALETTE
        for side, items, x_from, x_to in (("left", sources, left_x, centre_l), ("right", destinations, centre_r,
                                                                                  right_x)):
            names = list(items)
            outer = _layout([items[k] for k in names], 1.0)
            shown_total = sum(v for v in items.values() if v is not None) or 1
            hidden = sum(1 for v in items.values() if v is None)
            inner_budget = 1.0 - HIDDEN_SHARE * hidden
            y = 1.0
            for i, name in enumerate(names):
                v = items[name]
                h_inner = HIDDEN_SHARE if v is None else v / shown_total * inner_budget
                inner = (y - h_inner, y)
                y -= h_inner
                colour = colours[i % len(colours)]
                hatch = "////" if v is None else None
                if side == "left":
                    _band(ax, x_from, outer[i][1], outer[i][0], x_to, inner[1], inner[0], colour, hatch=hatch)
                    ax.text(x_from - 0.01, np.mean(outer[i]), f"{style.wrap(name, 30)} ({text(v)})", ha="right",
                            va="center", fontsize=style.SMALL_SIZE, color=style.TEXT)
                else:
                    _band(ax, x_from, inner[1], inner[0], x_to, outer[i][1], outer[i][0], colour, hatch=hatch)
                    ax.text(x_to + 0.01, np.mean(outer[i]), f"{style.wrap(name, 30)} ({text(v)})", ha="left",
                            va="center", fontsize=style.SMALL_SIZE, color=style.TEXT)
        ax.add_patch(PathPatch(Path([(centre_l, 0), (centre_r, 0), (centre_r, 1), (centre_l, 1), (centre_l, 0)],
                                    [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]),
                               facecolor=style.TEXT, edgecolor="none"))
        ax.text(0.5, 0.5, centre, rotation=90, ha="center", va="center", color="#FFFFFF",
                fontsize=style.FONT_SIZE, fontweight="bold")
        decorate(figure, title, source, with_title)
        return figure

    return Chart(kind="flows", title=title, description=description, table=table, source=source, _draw=draw)
