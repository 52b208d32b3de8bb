"""Charts and maps, drawn once, as accessible SVG for the web and PNG for documents.

Pure Python (matplotlib, numpy, Babel through :mod:`reperes.formats`; nothing
from Django). Every function returns a :class:`Chart`:

``chart.title`` / ``chart.description``
    The description is a French summary for screen readers, written from the
    data unless given: the SVG's ``<desc>`` and the PNG's alternative text.
``chart.table``
    :class:`Table`: ``caption``, ``headers``, ``rows`` (French text: ``1 234``,
    ``45,3 %``, ``s``), ``values`` (raw, ``None`` when hidden), ``to_csv()``.
``chart.svg(id=None, with_title=True)``
    Inline-able SVG: ``role="img"``, ``aria-labelledby`` → ``<title>`` and
    ``<desc>``, a ``viewBox`` and no fixed size, real ``<text>``, no script,
    no external reference, same data → same bytes.
``chart.png(dpi=150, with_title=True)``
    PNG bytes without metadata: same data → same bytes.
``chart.missing_contours``
    Maps: the codes that have data but no contour (drawn without them).

The functions::

    bar_chart(categories, values, *, title, description=None, unit="count", horizontal=False,
              suppressed=None, source=None, decimals=None, value_label=None, category_label=None)
    grouped_bar_chart(categories, series: {name: values}, *, same options)
    stacked_bar_chart(categories, series: {name: values}, *, same options)
    line_chart(x, series: {name: values}, *, title, description=None, unit="count",
               suppressed=None, source=None, decimals=None, value_label=None, x_label=None)
    step_chart(x_months, series (list or {name: list}), *, title, bands=None (lower, upper),
               description=None, source=None, decimals=1, x_label="Mois", y_label=None,
               landmarks=(6, 12, 24))
    choropleth(features {code: geometry}, values {code: value}, *, title, names=None, classes=5
               (or the bounds), method="quantiles" | "jenks", unit="count", decimals=None,
               description=None, insufficient=None, missing_label="données insuffisantes",
               value_label=None, source=None)
    outline_map(features, *, title, names=None, groups={code: group}, highlight=code(s),
                group_label="EPCI", highlight_label="Mise en évidence", description=None, source=None)
    class_breaks(values, classes=5, *, method="quantiles", unit="count") -> bounds
    classify(value, bounds) -> class index;  class_labels(bounds, unit) -> ["0 à 5", "5 à 10"]

``unit="percent"`` takes rates between 0 and 1. A value ``None`` is a cell
hidden by disclosure control: no bar or point, ``suppressed`` shown instead (a
text, or a threshold → :func:`reperes.formats.suppressed`; default ``s``).
"""

from reperes.charts.chart import Chart, Table
from reperes.charts.maps import choropleth, class_breaks, class_labels, classify, outline_map
from reperes.charts.plots import bar_chart, grouped_bar_chart, line_chart, stacked_bar_chart, step_chart

__all__ = [
    "Chart",
    "Table",
    "bar_chart",
    "choropleth",
    "class_breaks",
    "class_labels",
    "classify",
    "grouped_bar_chart",
    "line_chart",
    "outline_map",
    "stacked_bar_chart",
    "step_chart",
]
