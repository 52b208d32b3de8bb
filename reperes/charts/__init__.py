"""Charts and maps, drawn once, as accessible SVG for the web and PNG for documents.

Pure Python (matplotlib, no Django). Every function returns a
:class:`~reperes.charts.chart.Chart`: ``title``, ``description`` (French
summary for screen readers, alt text of the PNG), ``table`` (the data, shown
in French and raw), ``svg()`` and ``png()``. Numbers are always formatted by
:mod:`reperes.formats`.
"""

from reperes.charts.chart import Chart, Table
from reperes.charts.charts import bar_chart, grouped_bar_chart, line_chart, stacked_bar_chart, step_chart
from reperes.charts.maps import choropleth, class_breaks, class_labels, classify, outline_map

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
