"""Maps of communes: choropleth (a value per commune) and outline (the territory).

Contours are GeoJSON geometries (``Polygon`` / ``MultiPolygon``, WGS84
longitude/latitude), keyed by commune code. They are drawn with matplotlib
collections (no geopandas), in an equirectangular projection whose
longitudes are scaled by the cosine of the mean latitude, so communes keep
their shape at the scale of a département. Holes (enclaves) are kept.

A code with data but no contour (a commune created after the contours'
edition, a typo) never breaks a map: it is listed in
``Chart.missing_contours``, told in the description, kept in the table.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path

from reperes import formats
from reperes.charts import style
from reperes.charts.chart import Chart, make_table
from reperes.charts.plots import decorate, new_figure, placeholder
from reperes.charts.style import Unit

Method = Literal["quantiles", "jenks"]

__all__ = ["choropleth", "outline_map", "class_breaks", "classify", "class_labels"]

NO_CONTOUR_MESSAGE = "Aucun contour de commune n'est disponible pour cette carte."
MAP_WIDTH = 5.0  # inches for the map itself; the legend takes the rest of the width
HATCH = "////"
SECRET_HATCH = "xxx"  # cells withheld by statistical secret: told apart from « données insuffisantes »


# --- geometry --------------------------------------------------------------------------------


def _polygons(geometry: Mapping[str, Any] | None) -> list[list[Sequence[Sequence[float]]]]:
    """A GeoJSON geometry (or Feature) as a list of polygons, each a list of rings."""
    if not geometry:
        return []
    if geometry.get("type") == "Feature":
        return _polygons(geometry.get("geometry"))
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates] if coordinates else []
    if kind == "MultiPolygon":
        return [polygon for polygon in coordinates if polygon]
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries") or [] for p in _polygons(g)]
    return []


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


class Projection:
    """Equirectangular, longitudes times cos(mean latitude) (so 1 unit ≈ the same distance both ways)."""

    def __init__(self, lat_min: float, lat_max: float):
        self.lat0 = (lat_min + lat_max) / 2
        self.k = math.cos(math.radians(self.lat0))

    def ring(self, ring: Sequence[Sequence[float]]) -> np.ndarray:
        points = np.asarray([(float(p[0]), float(p[1])) for p in ring], dtype=float)
        points[:, 0] *= self.k
        return points


def _simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Drop the vertices closer than ``tolerance`` to the last kept one (first and last stay)."""
    if len(points) <= 4 or tolerance <= 0:
        return points
    kept = [0]
    last = points[0]
    for index in range(1, len(points) - 1):
        if abs(points[index, 0] - last[0]) + abs(points[index, 1] - last[1]) >= tolerance:
            kept.append(index)
            last = points[index]
    kept.append(len(points) - 1)
    return points[kept] if len(kept) >= 4 else points


def _commune_path(polygons: list[list[Sequence[Sequence[float]]]], projection: Projection,
                  tolerance: float) -> Path | None:
    """One compound path per commune: outer rings counter-clockwise, holes clockwise."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            if len(ring) < 3:
                continue
            points = _simplify(projection.ring(ring), tolerance)
            if not np.allclose(points[0], points[-1]):
                points = np.vstack([points, points[:1]])
            outer = index == 0
            if (_signed_area(points) > 0) != outer:
                points = points[::-1]
            ring_codes = np.full(len(points), Path.LINETO, dtype=Path.code_type)
            ring_codes[0] = Path.MOVETO
            ring_codes[-1] = Path.CLOSEPOLY
            vertices.append(points)
            codes.append(ring_codes)
    if not vertices:
        return None
    return Path(np.vstack(vertices), np.concatenate(codes))


def _paths(features: Mapping[str, Any]) -> tuple[dict[str, Path], tuple[float, float, float, float]]:
    """Commune code → projected Path, and the bounds ``(x0, x1, y0, y1)``."""
    polygons = {str(code): _polygons(geometry) for code, geometry in features.items()}
    polygons = {code: p for code, p in polygons.items() if p}
    lons = [float(pt[0]) for plist in polygons.values() for poly in plist for ring in poly for pt in ring]
    lats = [float(pt[1]) for plist in polygons.values() for poly in plist for ring in poly for pt in ring]
    if not lats:
        return {}, (0.0, 1.0, 0.0, 1.0)
    projection = Projection(min(lats), max(lats))
    bounds = (min(lons) * projection.k, max(lons) * projection.k, min(lats), max(lats))
    tolerance = max(bounds[1] - bounds[0], bounds[3] - bounds[2]) / 1500
    paths = {}
    for code, polygon_list in polygons.items():
        path = _commune_path(polygon_list, projection, tolerance)
        if path is not None:
            paths[code] = path
    return paths, bounds


def _common(label: str) -> str:
    """« Intercommunalité » → « intercommunalité »; an acronym (« EPCI », « DELD ») stays as it is."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def _of(label: str) -> str:
    """« d’intercommunalité », « de canton », « d’EPCI »."""
    word = _common(label)
    return f"d’{word}" if word[:1].lower() in "aeiouyéèêàâîôûh" else f"de {word}"


def _group_boundaries(features: Mapping[str, Any], groups: Mapping[str, str]) -> tuple[
        np.ndarray, dict[str, tuple[float, float]]]:
    """The limits between groups (EPCI) and around the territory, as projected segments, and where to
    write each group's name.

    A segment of a commune's contour is a limit when no commune of the same group shares it: contours that
    share their vertices (IGN Admin Express keeps the topology) give the EPCI's outline without any
    geometry library. A group's name goes at the centre of the commune of that group nearest its
    area-weighted centre (a point inside the group, even for a crescent-shaped one).
    """
    polygons = {str(code): _polygons(geometry) for code, geometry in features.items()}
    lats = [float(pt[1]) for plist in polygons.values() for poly in plist for ring in poly for pt in ring]
    if not lats:
        return np.zeros((0, 2, 2)), {}
    projection = Projection(min(lats), max(lats))
    owners: dict[frozenset, set[str]] = {}
    ends: dict[frozenset, tuple] = {}
    centres: dict[str, tuple[float, float, float]] = {}  # commune → (x, y, area)
    for code, plist in polygons.items():
        group = groups.get(code, "")
        area_total, cx, cy = 0.0, 0.0, 0.0
        for poly in plist:
            for index, ring in enumerate(poly):
                if len(ring) < 3:
                    continue
                points = projection.ring(ring)
                if index == 0:
                    area = abs(_signed_area(points))
                    area_total += area
                    cx += float(points[:, 0].mean()) * area
                    cy += float(points[:, 1].mean()) * area
                for a, b in zip(points[:-1], points[1:], strict=True):
                    key = frozenset(((round(a[0], 6), round(a[1], 6)), (round(b[0], 6), round(b[1], 6))))
                    if len(key) < 2:
                        continue
                    owners.setdefault(key, set()).add(group)
                    ends.setdefault(key, (tuple(a), tuple(b)))
                    owners[key].add(f"\0{code}")  # how many communes hold it
        if area_total:
            centres[code] = (cx / area_total, cy / area_total, area_total)
    segments = []
    for key, who in owners.items():
        communes = [w for w in who if w.startswith("\0")]
        named = {w for w in who if not w.startswith("\0")}
        if len(communes) == 1 or len(named) > 1:  # the territory's edge, or between two groups
            segments.append(ends[key])
    labels: dict[str, tuple[float, float]] = {}
    for group in sorted({g for g in groups.values() if g}, key=_sort_key):
        members = [c for c in centres if groups.get(c) == group]
        if not members:
            continue
        area = sum(centres[c][2] for c in members)
        gx = sum(centres[c][0] * centres[c][2] for c in members) / area
        gy = sum(centres[c][1] * centres[c][2] for c in members) / area
        nearest = min(members, key=lambda c: (centres[c][0] - gx) ** 2 + (centres[c][1] - gy) ** 2)
        labels[group] = (centres[nearest][0], centres[nearest][1])
    return np.asarray(segments, dtype=float).reshape(-1, 2, 2), labels


def _draw_groups(ax, features: Mapping[str, Any], groups: Mapping[str, str], *, names: bool) -> None:
    """The groups' limits over the communes, and their names (with a white halo) when ``names``."""
    from matplotlib.collections import LineCollection

    segments, labels = _group_boundaries(features, groups)
    if len(segments):
        ax.add_collection(LineCollection(segments, colors=style.GROUP_EDGE, linewidths=1.4, zorder=3,
                                         capstyle="round", joinstyle="round"))
    if names:
        for group, (x, y) in labels.items():
            # on a light box (not a stroked halo, which the SVG would draw as shapes, not readable text)
            ax.text(x, y, style.wrap(group, 18), ha="center", va="center", fontsize=style.SMALL_SIZE + 0.5,
                    fontweight="bold", color=style.TEXT, zorder=4, linespacing=1.1,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


def _map_figure(
    bounds: tuple[float, float, float, float],
    *,
    title: str,
    source: str | None,
    with_title: bool,
    handles: list[Patch],
    legend_title: str,
    note: str | None = None,
) -> tuple[Figure, Any]:
    """A figure laid out around the map: title, map and legend to its right, note, source.

    Laid out by hand (the legend is measured first) so the map keeps its
    proportions, fills the width left by the legend, and nothing is clipped.
    """
    x0, x1, y0, y1 = bounds
    ratio = (y1 - y0) / (x1 - x0) if x1 > x0 else 1.0
    width = style.WIDTH
    figure = Figure(figsize=(width, 6.0))
    renderer = FigureCanvasAgg(figure).get_renderer()
    legend = None
    legend_w = legend_h = 0.0
    if handles:
        legend = figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1),
                               title=legend_title or None, alignment="left", handlelength=1.6,
                               handleheight=1.1, labelspacing=0.55, borderaxespad=0.0, borderpad=0.0)
        extent = legend.get_window_extent(renderer)
        legend_w, legend_h = extent.width / figure.dpi, extent.height / figure.dpi

    left = right = 0.16
    gap = 0.3 if legend else 0.0
    title_text = style.wrap(title, 62)
    source_text = style.wrap(f"Source : {source}", 110) if source else ""
    top = 0.14 + ((title_text.count("\n") + 1) * 0.25 + 0.2 if with_title else 0.0)
    bottom = 0.12 + ((source_text.count("\n") + 1) * 0.17 + 0.12 if source else 0.0)
    bottom += 0.28 if note else 0.0
    map_w = max(3.0, width - left - right - gap - legend_w)
    map_h = map_w * ratio
    if map_h > 8.0:
        map_h = 8.0
        map_w = map_h / ratio
    height = top + max(map_h, legend_h) + bottom
    figure.set_size_inches(width, height)

    ax = figure.add_axes((left / width, (height - top - map_h) / height, map_w / width, map_h / height))
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="datalim")
    pad_x, pad_y = (x1 - x0) * 0.01, (y1 - y0) * 0.01
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - pad_y, y1 + pad_y)
    if legend is not None:
        legend.set_bbox_to_anchor(((left + map_w + gap) / width, (height - top) / height),
                                  transform=figure.transFigure)
    if with_title:
        figure.text(left / width, 1 - 0.14 / height, title_text, ha="left", va="top",
                    fontsize=style.TITLE_SIZE, fontweight="bold", color=style.TEXT)
    if note:
        figure.text(left / width, (bottom - 0.06) / height, note, ha="left", va="top",
                    fontsize=style.SMALL_SIZE, color=style.MUTED, style="italic")
    if source:
        figure.text(left / width, 0.12 / height, source_text, ha="left", va="bottom",
                    fontsize=style.SMALL_SIZE, color=style.MUTED)
    return figure, ax


def _sort_key(name: str) -> str:
    """Alphabetical order as a French reader expects it (accents and case ignored)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _legend_patch(label: str, face: str, *, hatch: str | None = None, edge: str = "#8A8A8A",
                  linewidth: float = 0.5) -> Patch:
    patch = Patch(facecolor=face, edgecolor=edge, linewidth=linewidth, hatch=hatch, label=label)
    if hatch:
        patch.set_hatchcolor(style.INSUFFICIENT_HATCH)
    return patch


def _name_list(codes: Sequence[str], names: Mapping[str, str]) -> str:
    shown = [names.get(code, code) for code in codes[:5]]
    text = ", ".join(shown)
    if len(codes) > 5:
        text += f" et {formats.plural(len(codes) - 5, 'autre')}"
    return text


def _missing_sentence(missing: list[str], names: Mapping[str, str]) -> str:
    if not missing:
        return ""
    if len(missing) == 1:
        return (" 1 commune n'a pas de contour et n'est pas représentée sur la carte :"
                f" {_name_list(missing, names)}.")
    return (f" {formats.plural(len(missing), 'commune')} n'ont pas de contour et n'apparaissent pas"
            f" sur la carte : {_name_list(missing, names)}.")


# --- classes ---------------------------------------------------------------------------------


def _jenks(values: np.ndarray, k: int) -> list[float]:
    """Fisher–Jenks natural breaks (exact, dynamic programming): ``k + 1`` bounds."""
    n = len(values)
    s1 = np.concatenate([[0.0], np.cumsum(values)])
    s2 = np.concatenate([[0.0], np.cumsum(values * values)])

    def cost(i: np.ndarray, j: int) -> np.ndarray:  # sum of squared deviations of values[i:j]
        count = j - i
        total = s1[j] - s1[i]
        return (s2[j] - s2[i]) - total * total / count

    best = np.full((k + 1, n + 1), np.inf)
    start = np.zeros((k + 1, n + 1), dtype=int)
    best[0, 0] = 0.0
    for m in range(1, k + 1):
        for j in range(m, n + 1):
            i = np.arange(m - 1, j)
            total = best[m - 1, i] + cost(i, j)
            pick = int(np.argmin(total))
            best[m, j] = total[pick]
            start[m, j] = i[pick]
    bounds = [float(values[-1])]
    j = n
    for m in range(k, 1, -1):
        j = start[m, j]
        bounds.append(float(values[j - 1]))
    bounds.append(float(values[0]))
    return sorted(bounds)


def _round_to(value: float, unit: Unit, decimals: int, how: str = "round") -> float:
    scale = 10 ** (decimals + (2 if unit == "percent" else 0))
    operation = {"round": round, "floor": math.floor, "ceil": math.ceil}[how]
    return operation(value * scale) / scale


def _label_decimals(bounds: Sequence[float], unit: Unit) -> int:
    for decimals in range(0, 5):
        if all(math.isclose(_round_to(b, unit, decimals), b, abs_tol=1e-12) for b in bounds):
            return decimals
    return 4


def class_breaks(
    values: Iterable[float],
    classes: int | Sequence[float] = 5,
    *,
    method: Method = "quantiles",
    unit: Unit = "count",
) -> list[float]:
    """The bounds of the classes, lowest to highest (``k + 1`` numbers for ``k`` classes).

    ``classes``: a number of classes (bounds by ``method``: ``"quantiles"``,
    about as many communes in each class, or ``"jenks"``, natural breaks that
    minimise the spread within classes), or the bounds themselves (widened to
    the data if some values fall outside). Computed bounds are rounded to
    what the legend shows (whole numbers, whole percentages, or more decimals
    when needed to keep classes apart), so a value's class always agrees with
    the legend. Fewer classes come out when the values do not allow more.
    """
    data = np.sort(np.asarray([float(v) for v in values if not style.is_missing(v)], dtype=float))
    if isinstance(classes, int | np.integer):
        if classes < 1:
            raise ValueError("Il faut au moins une classe.")
    else:
        bounds = sorted(float(b) for b in classes)
        if len(bounds) < 2:
            raise ValueError("Donnez au moins deux bornes (le minimum et le maximum).")
        if len(data):
            bounds[0] = min(bounds[0], float(data[0]))
            bounds[-1] = max(bounds[-1], float(data[-1]))
        return bounds
    if not len(data):
        return []
    low, high = float(data[0]), float(data[-1])
    if math.isclose(low, high):
        return [low, high]
    k = min(int(classes), len(np.unique(data)))
    if method == "jenks":
        raw = _jenks(data, k)
    elif method == "quantiles":
        raw = [float(q) for q in np.quantile(data, np.linspace(0, 1, k + 1))]
    else:
        raise ValueError(f"Méthode de classes inconnue : {method!r}.")
    for decimals in range(0, 5):
        inner = [_round_to(b, unit, decimals) for b in raw[1:-1]]
        bounds = [_round_to(low, unit, decimals, "floor"), *inner, _round_to(high, unit, decimals, "ceil")]
        bounds = sorted(set(bounds))
        if len(bounds) == len(set(raw)) or decimals == 4:
            break
    # Drop the classes that rounding left empty (the first class is closed on the left).
    kept = [bounds[0]]
    for bound in bounds[1:]:
        low_bound, first = kept[-1], len(kept) == 1
        if any((low_bound <= v if first else low_bound < v) and v <= bound for v in data):
            kept.append(bound)
    return kept if len(kept) >= 2 else [bounds[0], bounds[-1]]


def classify(value: float | None, bounds: Sequence[float]) -> int | None:
    """The class (0-based) of ``value``: ``bounds[i] < value <= bounds[i+1]``, the first class closed."""
    if value is None or len(bounds) < 2:
        return None
    for index in range(len(bounds) - 1):
        if value <= bounds[index + 1]:
            return index
    return len(bounds) - 2


def class_labels(bounds: Sequence[float], unit: Unit = "count") -> list[str]:
    """French labels of the classes: ``0 à 5``, ``5 à 10`` (``10 % à 20 %``)."""
    decimals = _label_decimals(bounds, unit)
    labels = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        if math.isclose(low, high):
            labels.append(style.fmt(low, unit, decimals))
        else:
            labels.append(f"{style.fmt(low, unit, decimals)} à {style.fmt(high, unit, decimals)}")
    return labels


# --- choropleth ------------------------------------------------------------------------------


METHOD_TEXT = {
    "quantiles": "classes par quantiles, à peu près autant de communes dans chaque classe",
    "jenks": "classes par seuils naturels (Jenks)",
    "fixed": "classes aux seuils fixés",
}


def choropleth(
    features: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, float | None],
    *,
    title: str,
    names: Mapping[str, str] | None = None,
    classes: int | Sequence[float] = 5,
    method: Method = "quantiles",
    unit: Unit = "count",
    decimals: int | None = None,
    description: str | None = None,
    insufficient: Iterable[str] | None = None,
    missing_label: str = "données insuffisantes",
    value_label: str | None = None,
    source: str | None = None,
    secret: Iterable[str] | None = None,
    secret_label: str = "s : secret statistique",
    groups: Mapping[str, str] | None = None,
    group_label: str = "Intercommunalité",
) -> Chart:
    """A map of communes coloured by class of value.

    ``features``: commune code → GeoJSON geometry. ``values``: commune code →
    value (rates between 0 and 1 with ``unit="percent"``). A commune whose
    value is ``None``, absent, or listed in ``insufficient`` is hatched
    (``missing_label``) and its value is not shown anywhere. ``classes``: a
    number of classes (see :func:`class_breaks` and ``method``) or the bounds.

    ``secret``: communes whose value is withheld by statistical secret (« s » in the partner version):
    cross-hatched, with their own legend entry ``secret_label``. ``groups`` (commune code → EPCI name):
    the groups' limits are drawn over the communes and their names written on the map.

    Classes are computed on the communes drawn, so the legend lists exactly the classes on the map.
    The table has one row per commune (by name): commune, code, value, class.
    """
    title, source, value_label = (formats.typography(t) if t else t for t in (title, source, value_label))
    names = {str(k): v for k, v in (names or {}).items()}
    values = {str(k): (None if style.is_missing(v) else float(v)) for k, v in values.items()}
    secret = {str(code) for code in (secret or ())}
    insufficient = {str(code) for code in (insufficient or ())} - secret
    groups = {str(k): str(v) for k, v in (groups or {}).items() if v}
    value_header = value_label or ("Part" if unit == "percent" else "Valeur")
    contour_codes = {str(code) for code in features}

    usable = {code: v for code, v in values.items()
              if not style.is_missing(v) and code not in insufficient and code not in secret}
    drawn_values = [v for code, v in usable.items() if code in contour_codes] or list(usable.values())
    bounds = class_breaks(drawn_values, classes, method=method, unit=unit)
    labels = class_labels(bounds, unit) if bounds else []
    colours = style.sequential(len(labels))
    method_key = method if isinstance(classes, int | np.integer) else "fixed"

    all_codes = sorted(contour_codes | set(values) | insufficient | secret,
                       key=lambda code: (_sort_key(names.get(code, code)), code))
    missing = sorted((set(values) | insufficient | secret) - contour_codes)
    hatched = [code for code in all_codes if code not in usable and code not in secret]

    rows, raw = [], []
    for code in all_codes:
        name = names.get(code, code)
        if code in usable:
            index = classify(usable[code], bounds)
            rows.append([name, code, style.fmt(usable[code], unit, decimals), labels[index]])
            raw.append([name, code, usable[code], labels[index]])
        elif code in secret:
            rows.append([name, code, formats.SUPPRESSED, secret_label])
            raw.append([name, code, None, secret_label])
        else:
            rows.append([name, code, missing_label, missing_label])
            raw.append([name, code, None, missing_label])
    table = make_table(title, ["Commune", "Code", value_header, "Classe"], rows, raw)

    if description is None:
        on_map = len(contour_codes)
        drawn = {code: v for code, v in usable.items() if code in contour_codes}
        text = f"Carte des communes : {title}. {formats.plural(on_map, 'commune')} sur la carte"
        if labels and drawn:
            counts = [0] * len(labels)
            for v in drawn.values():
                counts[classify(v, bounds)] += 1
            listed = " ; ".join(f"{label} : {formats.plural(c, 'commune')}"
                                for label, c in zip(labels, counts, strict=True) if c)
            shown = sum(1 for c in counts if c)
            text += (f", en {formats.plural(shown, 'classe')} {_of(value_header)}"
                     f" ({METHOD_TEXT[method_key]}), de la plus claire à la plus foncée : {listed}.")
            low_code = min(drawn, key=lambda c: (drawn[c], c))
            high_code = max(drawn, key=lambda c: (drawn[c], c))
            text += (f" Valeur la plus faible : {names.get(low_code, low_code)}"
                     f" ({style.fmt(drawn[low_code], unit, decimals)}) ;"
                     f" la plus élevée : {names.get(high_code, high_code)}"
                     f" ({style.fmt(drawn[high_code], unit, decimals)}).")
        else:
            text += ". Aucune valeur n'est disponible."
        hatched_on_map = [c for c in hatched if c in contour_codes]
        if hatched_on_map:
            text += f" {formats.plural(len(hatched_on_map), 'commune hachurée', 'communes hachurées')} : {missing_label}."
        secret_on_map = [c for c in secret if c in contour_codes]
        if secret_on_map:
            text += (f" {formats.plural(len(secret_on_map), 'commune quadrillée', 'communes quadrillées')} :"
                     f" valeur non diffusée ({secret_label}).")
        group_names = sorted({groups[c] for c in contour_codes if c in groups}, key=_sort_key)
        if group_names:
            text += (f" Limites des {formats.plural(len(group_names), _common(group_label))} tracées en"
                     f" trait épais, leurs noms écrits sur la carte : {', '.join(group_names)}."
                     if len(group_names) > 1 else
                     f" Limite {_of(group_label)} {group_names[0]} tracée en trait épais, son nom écrit sur"
                     " la carte.")
        text += _missing_sentence(missing, names)
        description = text

    legend_title = style.wrap(value_header, 28)

    def draw(with_title: bool) -> Figure:
        paths, bounds_xy = _paths(features)
        if not paths:
            figure = new_figure(3.5)
            placeholder(figure, NO_CONTOUR_MESSAGE)
            decorate(figure, title, source, with_title)
            return figure
        coloured = [code for code in paths if code in usable]
        hidden = [code for code in paths if code in secret]
        blank = [code for code in paths if code not in usable and code not in secret]
        drawn_classes = {classify(usable[code], bounds) for code in coloured}
        handles = [_legend_patch(label, colour) for index, (colour, label) in enumerate(zip(colours, labels,
                                                                                          strict=True))
                   if index in drawn_classes]
        if blank:
            handles.append(_legend_patch(missing_label, style.INSUFFICIENT_FACE, hatch=HATCH))
        if hidden:
            handles.append(_legend_patch(secret_label, style.INSUFFICIENT_FACE, hatch=SECRET_HATCH))
        if groups:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], color=style.GROUP_EDGE, linewidth=1.4,
                                  label=f"Limite {_of(group_label)}"))
        note = f"{formats.plural(len(missing), 'commune')} sans contour, absente{'s' if len(missing) > 1 else ''}" \
            " de la carte (voir le tableau)" if missing else None
        figure, ax = _map_figure(bounds_xy, title=title, source=source, with_title=with_title,
                                 handles=handles, legend_title=legend_title, note=note)
        if coloured:
            faces = [colours[classify(usable[code], bounds)] for code in coloured]
            ax.add_collection(PathCollection([paths[c] for c in coloured], facecolors=faces,
                                             edgecolors=style.MAP_EDGE, linewidths=0.5))
        if blank:
            collection = PathCollection([paths[c] for c in blank], facecolors=style.INSUFFICIENT_FACE,
                                        edgecolors=style.INSUFFICIENT_HATCH, linewidths=0.4, hatch=HATCH)
            collection.set_hatchcolor(style.INSUFFICIENT_HATCH)
            ax.add_collection(collection)
        if hidden:
            collection = PathCollection([paths[c] for c in hidden], facecolors=style.INSUFFICIENT_FACE,
                                        edgecolors=style.INSUFFICIENT_HATCH, linewidths=0.4, hatch=SECRET_HATCH)
            collection.set_hatchcolor(style.INSUFFICIENT_HATCH)
            ax.add_collection(collection)
        if groups:
            _draw_groups(ax, features, groups, names=True)
        return figure

    return Chart(kind="carte", title=title, description=description, table=table, source=source,
                 _draw=draw, missing_contours=missing)


# --- outline map -----------------------------------------------------------------------------


def _tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white (``amount`` of white)."""
    r, g, b = to_rgb(colour)
    return to_hex((r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount))


def outline_map(
    features: Mapping[str, Mapping[str, Any]],
    *,
    title: str,
    names: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
    highlight: str | Iterable[str] | None = None,
    group_label: str = "EPCI",
    highlight_label: str = "Mise en évidence",
    description: str | None = None,
    source: str | None = None,
) -> Chart:
    """The communes of the territory, coloured by group (e.g. EPCI) with a legend.

    ``groups``: commune code → group name. ``highlight``: one code or several,
    drawn with a thick dark outline (and listed in the legend and the table).
    """
    names = {str(k): v for k, v in (names or {}).items()}
    groups = {str(k): str(v) for k, v in (groups or {}).items()}
    if isinstance(highlight, str):
        highlight = [highlight]
    highlighted = {str(code) for code in (highlight or ())}
    contour_codes = {str(code) for code in features}
    group_names = sorted(set(groups.values()), key=_sort_key)
    group_colours = {g: _tint(style.series_style(i)[0], 0.45) for i, g in enumerate(group_names)}

    all_codes = sorted(contour_codes | set(groups) | highlighted,
                       key=lambda code: (_sort_key(names.get(code, code)), code))
    missing = sorted((set(groups) | highlighted) - contour_codes)
    headers = ["Commune", "Code"]
    if groups:
        headers.append(group_label)
    if highlighted:
        headers.append(highlight_label)
    rows, raw = [], []
    for code in all_codes:
        shown: list[str] = [names.get(code, code), code]
        values: list[Any] = [names.get(code, code), code]
        if groups:
            shown.append(groups.get(code, "–"))
            values.append(groups.get(code))
        if highlighted:
            shown.append("oui" if code in highlighted else "non")
            values.append(code in highlighted)
        rows.append(shown)
        raw.append(values)
    table = make_table(title, headers, rows, raw)

    if description is None:
        text = f"Carte des communes : {title}. {formats.plural(len(contour_codes), 'commune')} sur la carte."
        if group_names:
            counts = {g: sum(1 for c in contour_codes if groups.get(c) == g) for g in group_names}
            listed = " ; ".join(f"{g} : {formats.plural(counts[g], 'commune')}" for g in group_names)
            text += f" Une couleur par {group_label} ({formats.plural(len(group_names), 'groupe')}) : {listed}."
        if highlighted:
            shown = sorted(highlighted & contour_codes, key=lambda c: _sort_key(names.get(c, c)))
            if shown:
                text += f" {highlight_label} : {_name_list(shown, names)}."
        text += _missing_sentence(missing, names)
        description = text

    def draw(with_title: bool) -> Figure:
        paths, bounds_xy = _paths(features)
        if not paths:
            figure = new_figure(3.5)
            placeholder(figure, NO_CONTOUR_MESSAGE)
            decorate(figure, title, source, with_title)
            return figure
        codes = list(paths)
        shown = [code for code in codes if code in highlighted]
        handles = [_legend_patch(style.wrap(g, 26), group_colours[g]) for g in group_names]
        if groups and any(code not in groups for code in codes):
            handles.append(_legend_patch(f"Sans {group_label}", style.MAP_NEUTRAL))
        if shown:
            handles.append(_legend_patch(highlight_label, "none", edge=style.HIGHLIGHT, linewidth=1.8))
        note = f"{formats.plural(len(missing), 'commune')} sans contour, absente{'s' if len(missing) > 1 else ''}" \
            " de la carte (voir le tableau)" if missing else None
        figure, ax = _map_figure(bounds_xy, title=title, source=source, with_title=with_title,
                                 handles=handles, legend_title=group_label if group_names else "", note=note)
        faces = [group_colours.get(groups.get(code, ""), style.MAP_NEUTRAL) for code in codes]
        ax.add_collection(PathCollection([paths[c] for c in codes], facecolors=faces,
                                         edgecolors=style.MAP_EDGE, linewidths=0.5))
        if groups:
            _draw_groups(ax, features, groups, names=False)  # the legend names the colours
        if shown:
            ax.add_collection(PathCollection([paths[c] for c in shown], facecolors="none",
                                             edgecolors=style.HIGHLIGHT, linewidths=1.8))
        return figure

    return Chart(kind="carte-territoire", title=title, description=description, table=table,
                 source=source, _draw=draw, missing_contours=missing)
