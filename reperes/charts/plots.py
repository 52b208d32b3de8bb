"""Bar, line and survival charts.

Conventions shared by every function here:

* ``unit="count"`` (numbers, ``1 234``) or ``unit="percent"`` (rates given
  between 0 and 1, shown ``45,3 %``); ``decimals`` overrides the decimals of
  the value labels and table (0 for counts, 1 for percentages by default).
* A value ``None`` (or NaN) is a cell hidden by disclosure control: no bar nor
  point is drawn, the chart and the table show ``suppressed`` instead — a
  text (``"s"``) or a threshold (``11`` → :func:`reperes.formats.suppressed`);
  by default the threshold :data:`reperes.charts.style.DEFAULT_SEUIL`.
* ``description``: the French summary read by screen readers; written from the
  data when not given.
* ``source``: printed small under the chart (``Source : …``).
* ``value_label`` / ``category_label`` (or ``x_label``): axis titles when
  given, and the table's column headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, Formatter, MaxNLocator

from reperes import formats
from reperes.charts import style
from reperes.charts.chart import Chart, make_table
from reperes.charts.style import Unit

Number = float | int | None
BarMode = Literal["single", "grouped", "stacked"]

__all__ = ["bar_chart", "grouped_bar_chart", "stacked_bar_chart", "line_chart", "step_chart"]


# --- shared drawing helpers ------------------------------------------------------------------


class FrenchFormatter(Formatter):
    """Tick labels through :mod:`reperes.formats`, with just enough decimals."""

    def __init__(self, unit: Unit):
        self.unit = unit
        self.decimals = 0

    def set_locs(self, locs) -> None:
        self.decimals = style.tick_decimals([float(v) for v in locs], self.unit)

    def __call__(self, x: float, pos: int | None = None) -> str:
        if abs(x) < 1e-12:
            x = 0.0
        return style.fmt(x, self.unit, self.decimals)


def new_figure(height: float, width: float = style.WIDTH) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    figure.get_layout_engine().set(w_pad=0.12, h_pad=0.1)
    return figure


def decorate(figure: Figure, title: str, source: str | None, with_title: bool) -> None:
    """Title (top left, bold) and source (bottom left, small grey)."""
    if with_title:
        figure.suptitle(style.wrap(title, 62), x=0.02, ha="left", fontsize=style.TITLE_SIZE,
                        fontweight="bold", color=style.TEXT)
    if source:
        figure.supxlabel(style.wrap(f"Source : {source}", 110), x=0.02, ha="left",
                         fontsize=style.SMALL_SIZE, color=style.MUTED)


def series_legend(ax, handles: list, *, budget: int = 78, **options) -> None:
    """The legend of the series, above the plot (under the title), read left to right.

    ``budget``: about how many characters fit in a row above the plot.
    """
    labels = [h.get_label() for h in handles]
    n = len(handles)
    if sum(len(label) + 5 for label in labels) <= budget:
        ncols = n
    else:
        longest = max(len(label) for label in labels)
        ncols = 3 if longest <= 22 else 2 if longest <= 36 else 1
    ncols = max(1, min(ncols, n))
    # matplotlib fills the legend column by column: reorder so that it reads row by row.
    rows = -(-n // ncols)
    ordered = [handles[row * ncols + col] for col in range(ncols) for row in range(rows)
               if row * ncols + col < n]
    ax.legend(handles=ordered, loc="lower left", bbox_to_anchor=(0, 1.02), borderaxespad=0.0,
              ncols=ncols, columnspacing=1.6, **options)


def placeholder(figure: Figure, message: str) -> None:
    """An empty drawing that says why it is empty."""
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=style.FONT_SIZE + 1,
            color=style.MUTED, style="italic", transform=ax.transAxes)


def _value_axis(ax, unit: Unit, horizontal: bool, integer: bool) -> None:
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=integer))
    axis.set_major_formatter(FrenchFormatter(unit))
    ax.grid(True, axis="x" if horizontal else "y")
    ax.tick_params(axis="both", length=0, pad=4)
    if horizontal:
        ax.spines["left"].set_visible(True)
        ax.spines["bottom"].set_visible(False)
    else:
        ax.spines["left"].set_visible(False)


def _check_lengths(categories: Sequence, series: Mapping[str, Sequence]) -> None:
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(
                f"La série « {name} » a {len(values)} valeurs pour {len(categories)} catégories."
            )


def _hidden_sentence(count: int, label: str) -> str:
    if not count:
        return ""
    masked = formats.plural(count, "valeur masquée", "valeurs masquées")
    return f" {masked} par le secret statistique (affichée{'s' if count > 1 else ''} « {label} »)."


def _extremes(cells: list[tuple[str, float | None]], unit: Unit, decimals: int | None) -> str:
    shown = [(label, value) for label, value in cells if value is not None]
    if not shown:
        return ""
    if len(shown) == 1:
        label, value = shown[0]
        return f" {label} : {style.fmt(value, unit, decimals)}."
    high = max(shown, key=lambda cell: cell[1])
    low = min(shown, key=lambda cell: cell[1])
    return (f" Valeur la plus élevée : {high[0]} ({style.fmt(high[1], unit, decimals)}) ;"
            f" la plus faible : {low[0]} ({style.fmt(low[1], unit, decimals)}).")


def _series_list(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


# --- bars -----------------------------------------------------------------------------------


def _bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    mode: BarMode,
    title: str,
    description: str | None,
    unit: Unit,
    horizontal: bool,
    suppressed: str | int | None,
    source: str | None,
    decimals: int | None,
    value_label: str | None,
    category_label: str | None,
    highlight: Sequence[int] = (),
) -> Chart:
    categories = [str(c) for c in categories]
    highlight = frozenset(highlight)
    _check_lengths(categories, series)
    data = {str(name): style.clean(values) for name, values in series.items()}
    names = list(data)
    hidden_text = style.suppressed_label(suppressed)
    value_header = value_label or ("Part" if unit == "percent" else "Effectif")
    category_header = category_label or "Catégorie"

    # The table.
    if mode == "single":
        headers = [category_header, value_header]
    else:
        headers = [category_header, *names]
    rows, raw = [], []
    for index, category in enumerate(categories):
        cells = [data[name][index] for name in names]
        rows.append([category, *(hidden_text if v is None else style.fmt(v, unit, decimals) for v in cells)])
        raw.append([category, *cells])
    table = make_table(title, headers, rows, raw)

    # The description.
    hidden = sum(v is None for values in data.values() for v in values)
    if description is None:
        kind = {"single": "Diagramme en barres", "grouped": "Diagramme en barres groupées",
                "stacked": "Diagramme en barres empilées"}[mode]
        if horizontal:
            kind += " horizontales"
        text = f"{kind} : {title}. {formats.plural(len(categories), 'catégorie')}"
        if mode != "single":
            text += f", {formats.plural(len(names), 'série')} ({_series_list(names)})"
        text += "."
        if mode == "single":
            cells = [(c, data[names[0]][i]) for i, c in enumerate(categories)] if names else []
        else:
            cells = [(f"{c}, {n}", data[n][i]) for i, c in enumerate(categories) for n in names]
        if categories and hidden == len(cells):
            text += " Toutes les valeurs sont masquées par le secret statistique."
        else:
            text += _extremes(cells, unit, decimals) + _hidden_sentence(hidden, hidden_text)
        description = text

    def draw(with_title: bool) -> Figure:
        n = len(categories)
        if horizontal:
            per_bar = 0.34 if mode != "grouped" else 0.2 * max(len(names), 1) + 0.12
            height = min(14.0, max(2.8, 1.3 + per_bar * n + (0.4 if mode != "single" else 0)))
        else:
            height = 4.6
        figure = new_figure(height)
        if not categories or not names:
            placeholder(figure, "Aucune donnée à afficher.")
            decorate(figure, title, source, with_title)
            return figure
        ax = figure.add_subplot()
        positions = list(range(n))
        all_values = [v for values in data.values() for v in values if v is not None]
        integer = unit == "count" and all(float(v).is_integer() for v in all_values)
        _value_axis(ax, unit, horizontal, integer)

        group_width = 0.72 if mode != "grouped" else 0.8
        width = group_width / (len(names) if mode == "grouped" else 1)
        many = n * (len(names) if mode == "grouped" else 1) > 30
        label_size = 9 if (mode == "grouped" or many) else 10
        show_values = not (mode == "grouped" and n * len(names) > 24 and not horizontal)
        bottoms = [0.0] * n
        hidden_in_stack = [0] * n
        totals = [sum(v for v in (data[name][i] for name in names) if v is not None) for i in range(n)]
        top = max([*(totals if mode == "stacked" else all_values), 0.0])
        low = min([*all_values, 0.0])
        span = (top - low) or 1.0

        handles = []
        for s, name in enumerate(names):
            colour, hatch = style.series_style(s)
            handles.append(Patch(facecolor=colour, edgecolor=style.EDGE, hatch=hatch or None, label=name))
            for i, value in enumerate(data[name]):
                if mode == "grouped":
                    pos = positions[i] - group_width / 2 + width * (s + 0.5)
                else:
                    pos = positions[i]
                if value is None:
                    if mode == "stacked":
                        hidden_in_stack[i] += 1
                        continue
                    _hidden_mark(ax, pos, hidden_text, horizontal, narrow=mode == "grouped" and len(names) > 1)
                    continue
                base = bottoms[i] if mode == "stacked" else 0.0
                bar_colour, bar_hatch = ((style.series_style(1)[0], "///") if mode == "single" and i in highlight
                                         else (colour, hatch))
                common = {"color": bar_colour, "edgecolor": style.EDGE, "hatch": bar_hatch or None,
                          "linewidth": 0.8 if mode == "stacked" else 0}
                if horizontal:
                    ax.barh([pos], [value], height=width, left=base, **common)
                else:
                    ax.bar([pos], [value], width=width, bottom=base, **common)
                text = style.fmt(value, unit, decimals)
                if mode == "stacked":
                    bottoms[i] += value
                    fits = (value / span) >= (0.05 if not horizontal else 0.0135 * (len(text) + 1))
                    if fits and show_values and not hatch:
                        centre = base + value / 2
                        xy = (centre, pos) if horizontal else (pos, centre)
                        ax.annotate(text, xy, ha="center", va="center", fontsize=label_size,
                                    color=style.text_colour_on(colour))
                elif show_values:
                    _end_label(ax, pos, value, text, horizontal, label_size, rotate=False)
        if mode == "stacked":
            for i, count in enumerate(hidden_in_stack):
                if count:
                    extra = f"+ {hidden_text}" + (f" (×{count})" if count > 1 else "")
                    _end_label(ax, positions[i], bottoms[i], extra, horizontal, label_size,
                               rotate=False, muted=True)
            if show_values and unit == "count" and len(names) > 1:
                for i in range(n):
                    if not hidden_in_stack[i] and bottoms[i]:
                        _end_label(ax, positions[i], bottoms[i], style.fmt(bottoms[i], unit, decimals),
                                   horizontal, label_size, rotate=False, bold=True)

        # Room for the labels at the end of the bars.
        headroom = 0.16 if horizontal else 0.1
        limit = top + span * headroom + span * 0.04
        if mode == "stacked" and unit == "percent" and top <= 1.0001:
            # Parts of a whole: the axis ends at 100 % (a little room for ``+ s``).
            limit = 1.0 + (0.12 if any(hidden_in_stack) else 0.0)
            (ax.xaxis if horizontal else ax.yaxis).set_major_locator(FixedLocator([0, 0.2, 0.4, 0.6, 0.8, 1.0]))
        if horizontal:
            ax.set_xlim(low - (span * 0.02 if low < 0 else 0), limit)
            ax.set_ylim(n - 0.5, -0.5)  # first category on top
            ax.set_yticks(positions, [style.wrap(c, 32) for c in categories])
        else:
            ax.set_ylim(low - (span * 0.05 if low < 0 else 0), limit)
            ax.set_xlim(-0.5, n - 0.5)
            slot = 90 / max(n, 1)  # about how many characters fit under a bar
            wrapped = [style.wrap(c, max(8, int(slot))) for c in categories]
            if any(len(line) > slot + 1 for label in wrapped for line in label.split("\n")):
                # Too many or too long names to sit side by side: slanted (horizontal=True reads better).
                ax.set_xticks(positions, [style.wrap(c, 24) for c in categories], rotation=40,
                              ha="right", rotation_mode="anchor")
            else:
                ax.set_xticks(positions, wrapped)
        if highlight:
            for i, tick in enumerate(ax.get_yticklabels() if horizontal else ax.get_xticklabels()):
                if i in highlight:
                    tick.set_fontweight("bold")
        if value_label:
            (ax.set_xlabel if horizontal else ax.set_ylabel)(value_label)
        if category_label:
            (ax.set_ylabel if horizontal else ax.set_xlabel)(category_label)
        if mode != "single":
            series_legend(ax, handles, budget=50 if horizontal else 78, handlelength=1.2, handleheight=1.0)
        decorate(figure, title, source, with_title)
        return figure

    return Chart(kind=f"barres-{mode}", title=title, description=description, table=table,
                 source=source, _draw=draw)


def _end_label(ax, pos: float, value: float, text: str, horizontal: bool, size: float, *,
               rotate: bool, muted: bool = False, bold: bool = False) -> None:
    sign = -1 if value < 0 else 1
    if horizontal:
        xy, offset = (value, pos), (4 * sign, 0)
        ha, va = ("left" if sign > 0 else "right"), "center"
    else:
        xy, offset = (pos, value), (0, 3 * sign)
        ha, va = "center", ("bottom" if sign > 0 else "top")
    ax.annotate(text, xy, xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=size,
                color=style.MUTED if muted else style.TEXT, style="italic" if muted else "normal",
                fontweight="bold" if bold else "normal", rotation=90 if rotate else 0)


def _hidden_mark(ax, pos: float, text: str, horizontal: bool, *, narrow: bool) -> None:
    """A hidden cell: no bar, its label (``s``) at the base, in grey italics."""
    if horizontal:
        ax.annotate(text, (0, pos), xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                    fontsize=9, color=style.MUTED, style="italic")
    else:
        ax.annotate(text, (pos, 0), xytext=(0, 3), textcoords="offset points", ha="center",
                    va="bottom", fontsize=9, color=style.MUTED, style="italic",
                    rotation=90 if narrow else 0)


def bar_chart(
    categories: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    description: str | None = None,
    unit: Unit = "count",
    horizontal: bool = False,
    suppressed: str | int | None = None,
    source: str | None = None,
    decimals: int | None = None,
    value_label: str | None = None,
    category_label: str | None = None,
    highlight: Sequence[int] = (),
) -> Chart:
    """One bar per category, its value at the end of the bar.

    Prefer ``horizontal=True`` for more than about six categories or long
    names (communes, dispositifs): the names then read without wrapping much.
    ``highlight``: indices of the categories drawn in the second series' colour,
    hatched, their names in bold (« this PLIE » among its peers); say so in ``description``.
    """
    return _bars(categories, {value_label or title: values}, mode="single", title=title,
                 description=description, unit=unit, horizontal=horizontal, suppressed=suppressed,
                 source=source, decimals=decimals, value_label=value_label, category_label=category_label,
                 highlight=highlight)


def grouped_bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    title: str,
    description: str | None = None,
    unit: Unit = "count",
    horizontal: bool = False,
    suppressed: str | int | None = None,
    source: str | None = None,
    decimals: int | None = None,
    value_label: str | None = None,
    category_label: str | None = None,
) -> Chart:
    """Side by side bars: for each category, one bar per series (legend above the chart)."""
    return _bars(categories, series, mode="grouped", title=title, description=description, unit=unit,
                 horizontal=horizontal, suppressed=suppressed, source=source, decimals=decimals,
                 value_label=value_label, category_label=category_label)


def stacked_bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    title: str,
    description: str | None = None,
    unit: Unit = "count",
    horizontal: bool = False,
    suppressed: str | int | None = None,
    source: str | None = None,
    decimals: int | None = None,
    value_label: str | None = None,
    category_label: str | None = None,
) -> Chart:
    """Stacked bars: for each category, the series one on top of the other.

    Segments are separated by a white gap and labelled inside when they are
    large enough; counts also get their total at the end of the bar. A hidden
    segment is not drawn: the bar ends with ``+ s``.
    """
    return _bars(categories, series, mode="stacked", title=title, description=description, unit=unit,
                 horizontal=horizontal, suppressed=suppressed, source=source, decimals=decimals,
                 value_label=value_label, category_label=category_label)


# --- lines ----------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def x_text(value: object) -> str:
    """An x value as text: years and months as they are (``2024``), others in French."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else formats.number(value, 1)
    return str(value)


def line_chart(
    x: Sequence[object],
    series: Mapping[str, Sequence[Number]],
    *,
    title: str,
    description: str | None = None,
    unit: Unit = "count",
    suppressed: str | int | None = None,
    source: str | None = None,
    decimals: int | None = None,
    value_label: str | None = None,
    x_label: str | None = None,
) -> Chart:
    """One line per series over ``x`` (years, months, or any labels).

    Each series has its own colour, marker and dash. A hidden value breaks the
    line (no point); the table shows it as ``s``.
    """
    x = list(x)
    _check_lengths(x, series)
    data = {str(name): style.clean(values) for name, values in series.items()}
    names = list(data)
    hidden_text = style.suppressed_label(suppressed)
    labels = [x_text(v) for v in x]
    table = make_table(
        title,
        [x_label or "Période", *names],
        [[labels[i], *(hidden_text if data[n][i] is None else style.fmt(data[n][i], unit, decimals)
                       for n in names)] for i in range(len(x))],
        [[x[i], *(data[n][i] for n in names)] for i in range(len(x))],
    )
    hidden = sum(v is None for values in data.values() for v in values)
    if description is None:
        text = f"Graphique en courbes : {title}."
        if x:
            text += f" De {labels[0]} à {labels[-1]}."
        for name in names:
            points = [(labels[i], v) for i, v in enumerate(data[name]) if v is not None]
            if not points:
                text += f" {name} : toutes les valeurs sont masquées."
            elif len(points) == 1:
                text += f" {name} : {style.fmt(points[0][1], unit, decimals)} ({points[0][0]})."
            else:
                (x0, v0), (x1, v1) = points[0], points[-1]
                text += (f" {name} : de {style.fmt(v0, unit, decimals)} ({x0})"
                         f" à {style.fmt(v1, unit, decimals)} ({x1}).")
        description = text + _hidden_sentence(hidden, hidden_text)

    numeric = bool(x) and all(_is_number(v) for v in x)
    positions = [float(v) for v in x] if numeric else list(range(len(x)))

    def draw(with_title: bool) -> Figure:
        figure = new_figure(4.6)
        if not x or not names:
            placeholder(figure, "Aucune donnée à afficher.")
            decorate(figure, title, source, with_title)
            return figure
        ax = figure.add_subplot()
        values = [v for vs in data.values() for v in vs if v is not None]
        integer = unit == "count" and all(float(v).is_integer() for v in values)
        _value_axis(ax, unit, False, integer)
        ax.spines["bottom"].set_color(style.MUTED)
        for s, name in enumerate(names):
            colour, _ = style.series_style(s)
            ax.plot(positions, [float("nan") if v is None else v for v in data[name]], color=colour,
                    linewidth=2.2, marker=style.MARKERS[s % len(style.MARKERS)], markersize=6.5,
                    markeredgecolor="white", markeredgewidth=0.8,
                    linestyle=style.LINESTYLES[s % len(style.LINESTYLES)], label=name)
            for i, v in enumerate(data[name]):
                if v is None:
                    ax.annotate(hidden_text, (positions[i], 0), xytext=(0, 3), textcoords="offset points",
                                ha="center", va="bottom", fontsize=9, color=style.MUTED, style="italic")
        if len(x) <= 16:
            ax.xaxis.set_major_locator(FixedLocator(positions))
            ax.set_xticks(positions, [style.wrap(label, 12) for label in labels])
        low = min([*values, 0.0])
        high = max([*values, 0.0]) or 1.0
        ax.set_ylim(low, high + (high - low) * 0.08)
        margin = (positions[-1] - positions[0]) * 0.03 if len(positions) > 1 else 0.5
        ax.set_xlim(min(positions) - margin, max(positions) + margin)
        if value_label:
            ax.set_ylabel(value_label)
        if x_label:
            ax.set_xlabel(x_label)
        if len(names) > 1:
            series_legend(ax, ax.get_legend_handles_labels()[0], handlelength=2.6)
        decorate(figure, title, source, with_title)
        return figure

    return Chart(kind="courbes", title=title, description=description, table=table, source=source,
                 _draw=draw)


def _median_time(x: Sequence[float], y: Sequence[float | None]) -> float | None:
    for xi, yi in zip(x, y, strict=True):
        if yi is not None and yi <= 0.5:
            return xi
    return None


def step_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float | None]] | Sequence[float | None],
    *,
    title: str,
    bands: Mapping[str, tuple[Sequence[float | None], Sequence[float | None]]]
    | tuple[Sequence[float | None], Sequence[float | None]]
    | None = None,
    description: str | None = None,
    source: str | None = None,
    decimals: int = 1,
    x_label: str = "Mois",
    y_label: str | None = None,
    landmarks: Sequence[float] = (6, 12, 24),
) -> Chart:
    """A survival curve (Kaplan–Meier): steps over ``x`` (months), ``y`` between 0 and 1 (shown in %).

    ``series``: one curve (a list) or several (``{"name": list}``), evaluated
    at the same ``x``. ``bands``: the confidence interval, ``(lower, upper)``
    (or one such pair per series name), drawn as a shaded band. The
    description gives each curve at the ``landmarks`` months and its median.
    """
    x = list(x)
    if not isinstance(series, Mapping):
        series = {y_label or "Ensemble": series}
        if bands is not None and not isinstance(bands, Mapping):
            bands = {y_label or "Ensemble": bands}
    elif bands is not None and not isinstance(bands, Mapping):
        raise ValueError("Avec plusieurs courbes, donnez les intervalles par nom : {nom: (bas, haut)}.")
    _check_lengths(x, series)
    data = {str(name): style.clean(values) for name, values in series.items()}
    band_data = {str(k): (style.clean(lo), style.clean(hi)) for k, (lo, hi) in (bands or {}).items()}
    for name, (lo, hi) in band_data.items():
        if name not in data:
            raise ValueError(f"Intervalle pour une courbe inconnue : « {name} ».")
        _check_lengths(x, {name: lo, f"{name} (haut)": hi})
    names = list(data)
    labels = [x_text(v) for v in x]

    headers = [x_label]
    for name in names:
        headers.append(name)
        if name in band_data:
            headers += [f"{name} : IC bas", f"{name} : IC haut"]
    rows, raw = [], []
    for i in range(len(x)):
        row, values = [labels[i]], [x[i]]
        for name in names:
            cells = [data[name][i]]
            if name in band_data:
                cells += [band_data[name][0][i], band_data[name][1][i]]
            row += [style.fmt(v, "percent", decimals) for v in cells]
            values += cells
        rows.append(row)
        raw.append(values)
    table = make_table(title, headers, rows, raw)

    if description is None:
        text = f"Courbe de survie (estimateur de Kaplan–Meier) : {title}."
        if x:
            text += f" De {labels[0]} à {labels[-1]} {x_label.lower()}."
        for name in names:
            parts = []
            for month in landmarks:
                at = [v for xi, v in zip(x, data[name], strict=True) if xi <= month and v is not None]
                if at and x and x[-1] >= month:
                    parts.append(f"{style.fmt(at[-1], 'percent', decimals)} à {x_text(month)} mois")
            median = _median_time(x, data[name])
            parts.append(f"médiane : {x_text(median)} mois" if median is not None else "médiane non atteinte")
            prefix = f" {name} : " if len(names) > 1 or name != "Ensemble" else " "
            text += prefix + " ; ".join(parts) + "."
        if band_data:
            text += " La zone ombrée est l'intervalle de confiance."
        description = text

    def draw(with_title: bool) -> Figure:
        figure = new_figure(4.6)
        if not x or not names:
            placeholder(figure, "Aucune donnée à afficher.")
            decorate(figure, title, source, with_title)
            return figure
        ax = figure.add_subplot()
        _value_axis(ax, "percent", False, False)
        ax.spines["bottom"].set_color(style.MUTED)
        handles = []
        for s, name in enumerate(names):
            colour, _ = style.series_style(s)
            ys = [float("nan") if v is None else v for v in data[name]]
            if name in band_data:
                lo, hi = band_data[name]
                ax.fill_between(x, [float("nan") if v is None else v for v in lo],
                                [float("nan") if v is None else v for v in hi], step="post",
                                color=colour, alpha=0.16, linewidth=0)
            ax.step(x, ys, where="post", color=colour, linewidth=2.2,
                    linestyle=style.LINESTYLES[s % len(style.LINESTYLES)])
            handles.append(Line2D([], [], color=colour, linewidth=2.2,
                                  linestyle=style.LINESTYLES[s % len(style.LINESTYLES)], label=name))
        ax.set_ylim(0, 1.02)
        ax.set_xlim(min(x), max(x))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, steps=[1, 2, 3, 6, 10], integer=True))
        ax.xaxis.set_major_formatter(FrenchFormatter("count"))
        ax.set_xlabel(x_label)
        if y_label:
            ax.set_ylabel(y_label)
        if len(names) > 1 or band_data:
            if band_data:
                handles.append(Patch(facecolor=style.PALETTE[0] if len(names) == 1 else "#999999",
                                     alpha=0.16, label="Intervalle de confiance"))
            series_legend(ax, handles, handlelength=2.6)
        decorate(figure, title, source, with_title)
        return figure

    return Chart(kind="survie", title=title, description=description, table=table, source=source,
                 _draw=draw)
