"""Colours, fonts and number formatting shared by every chart and map.

Colours
    ``PALETTE``: five categorical colours, each with a contrast of at least
    4.5:1 against white (so a bar reads against the page, and white text
    reads on the bar), chosen so that the first four stay distinct under the
    three common colour-vision deficiencies (Okabe–Ito hues, darkened).
    Beyond five series the colours repeat with a hatching, so no two series
    look alike.
    ``SEQUENTIAL``: the classes of a choropleth map, sampled from *viridis*
    (perceptually uniform, colour-blind safe, and still ordered in greyscale),
    light for the low values, dark for the high ones.

Numbers
    Every figure shown (ticks, value labels, legend classes, tables) goes
    through :mod:`reperes.formats`: ``1 234``, ``45,3 %``.
"""

from __future__ import annotations

import math
import textwrap
import threading
from collections.abc import Sequence
from typing import Literal

from matplotlib import colormaps
from matplotlib.colors import to_hex

from reperes import formats

Unit = Literal["count", "percent"]

TEXT = "#333333"  # 12.6:1 on white
MUTED = "#5A5A5A"  # 6.9:1 on white: axes, ticks, notes
GRID = "#DDDDDD"
BACKGROUND = "#FFFFFF"
EDGE = "#FFFFFF"  # gaps between bars, segments and communes

PALETTE = (
    "#1D5A9E",  # blue        6.98:1
    "#C04A00",  # vermilion   4.98:1
    "#007A5A",  # green       5.34:1
    "#A8467F",  # purple      5.46:1
    "#2B2B2B",  # near black 14.6:1
)
# Repeated colours get these hatchings (series 6 to 15).
SERIES_HATCHES = ("", "///", "...")
# Line charts: a marker and a dash per series, so lines differ by more than colour.
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":")

INSUFFICIENT_FACE = "#FFFFFF"
INSUFFICIENT_HATCH = "#6E6E6E"  # 5.1:1 on white
MAP_EDGE = "#FFFFFF"
GROUP_EDGE = "#1F1F1F"  # limits of the intercommunalités drawn over the communes
MAP_NEUTRAL = "#C9D6E3"  # communes of an outline map without groups
HIGHLIGHT = "#111111"

FONT_FAMILY = ["DejaVu Sans", "Verdana", "Bitstream Vera Sans", "Arial"]
FONT_SIZE = 11
TITLE_SIZE = 13.5
SMALL_SIZE = 9.5
WIDTH = 8.0  # inches: 576 pt, a 16:9 slide or a portrait page with margins

DEFAULT_SEUIL = 11

# matplotlib's rcParams are global: drawing and saving happen under this lock
# and inside ``rc_context(RC)``, so concurrent requests never mix settings.
LOCK = threading.RLock()

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT_FAMILY,
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": TEXT,
    "axes.labelsize": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.unicode_minus": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.facecolor": BACKGROUND,
    "savefig.facecolor": BACKGROUND,
    "hatch.linewidth": 0.9,
    "path.simplify": True,
    "path.simplify_threshold": 0.2,
    "svg.fonttype": "none",  # real <text>: selectable, searchable, small
    "svg.hashsalt": "reperes",  # stable ids: same data, same bytes
    "svg.image_inline": True,
}


def series_style(index: int) -> tuple[str, str]:
    """Colour and hatching of the n-th series (0-based)."""
    colour = PALETTE[index % len(PALETTE)]
    hatch = SERIES_HATCHES[(index // len(PALETTE)) % len(SERIES_HATCHES)]
    return colour, hatch


def sequential(n: int) -> list[str]:
    """``n`` ordered colours, light (low values) to dark (high values)."""
    cmap = colormaps["viridis"]
    if n <= 0:
        return []
    if n == 1:
        return [to_hex(cmap(0.55))]
    return [to_hex(cmap(0.93 - 0.88 * i / (n - 1))) for i in range(n)]


def relative_luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio between two ``#RRGGBB`` colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """White or dark text, whichever reads best on ``background``."""
    return "#FFFFFF" if contrast_ratio(background, "#FFFFFF") >= 4.5 else TEXT


# --- numbers -----------------------------------------------------------------


def is_missing(value: object) -> bool:
    """``None``, NaN or an infinity (a ratio over zero): a cell hidden by disclosure control, or absent."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def clean(values: Sequence[float | None]) -> list[float | None]:
    return [None if is_missing(v) else float(v) for v in values]


def default_decimals(unit: Unit) -> int:
    return 1 if unit == "percent" else 0


def fmt(value: float | None, unit: Unit, decimals: int | None = None) -> str:
    """One value as French text: ``1 234`` or ``45,3 %`` (rates given as 0–1)."""
    if decimals is None:
        decimals = default_decimals(unit)
    if unit == "percent":
        return formats.percent(value, decimals)
    return formats.number(value, decimals)


def tick_decimals(ticks: float | Sequence[float], unit: Unit) -> int:
    """Fewest decimals (0 to 4) that write every tick exactly (a step or the ticks themselves)."""
    values = [ticks] if isinstance(ticks, int | float) else list(ticks)
    scale = 100 if unit == "percent" else 1
    for decimals in range(0, 5):
        if all(math.isclose(round(v * scale, decimals), v * scale, abs_tol=1e-9) for v in values):
            return decimals
    return 4


def suppressed_label(suppressed: str | int | None) -> str:
    """The text of a hidden cell: given as is, or the mark ``s`` (secret statistique) from a threshold."""
    if isinstance(suppressed, str):
        return suppressed
    return formats.suppressed(DEFAULT_SEUIL if suppressed is None else suppressed)


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=max(width, 6), break_long_words=False)) or str(text)
