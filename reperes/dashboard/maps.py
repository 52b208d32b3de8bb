"""The dashboard's maps, drawn by the shared charts module.

Drawing a map takes a few hundred milliseconds; the SVG is cached per process,
keyed on what the map shows (territory, contours, values), so a dashboard
request only redraws when the data change.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache

from reperes import formats
from reperes.charts import choropleth, outline_map


def _key(kind: str, *parts) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"reperes:map:{kind}:{digest}"


def cached_svg(chart, svg_id: str, key_parts) -> str:
    key = _key(svg_id, key_parts)
    svg = cache.get(key)
    if svg is None:
        svg = chart.svg(id=svg_id, with_title=False)
        cache.set(key, svg, 3600)
    return svg


def territory_outline(geometries, names, groups, territory_name):
    return outline_map(geometries, names=names, groups=groups, group_label="Intercommunalité",
                       title=f"Les communes du territoire : {territory_name}")


def accompagnes_map(geometries, names, values, period, seuil, raw, groups=None):
    debut, fin = period
    title = f"Participants accompagnés par commune de résidence, du {formats.date(debut)} au {formats.date(fin)}"
    hidden = {code for code, v in values.items() if v is None}
    note = "" if raw else (f" Les communes en secret statistique (moins de {seuil} participants hors zéro, ou "
                           "masquées pour en protéger une autre) sont quadrillées « s » (voir la légende).")
    return choropleth(geometries, values, names=names, title=title, unit="count",
                      insufficient=hidden if raw else None, secret=None if raw else hidden,
                      value_label="Participants accompagnés", source="Repères, données du PLIE." + note,
                      groups=groups)
