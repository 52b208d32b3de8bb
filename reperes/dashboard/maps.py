"""The dashboard's maps, drawn by the shared charts module."""

from __future__ import annotations

from reperes import formats
from reperes.charts import choropleth, outline_map


def territory_outline(geometries, names, groups, territory_name):
    return outline_map(geometries, names=names, groups=groups,
                       title=f"Les communes du territoire : {territory_name}")


def accompagnes_map(geometries, names, values, period, seuil, raw):
    debut, fin = period
    title = f"Participants accompagnés par commune de résidence, du {formats.date(debut)} au {formats.date(fin)}"
    insufficient = {code for code, v in values.items() if v is None}
    note = "" if raw else (f" Les communes comptant moins de {seuil} participants (hors zéro) sont hachurées "
                           "« données insuffisantes » (secret statistique).")
    return choropleth(geometries, values, names=names, title=title, unit="count", insufficient=insufficient,
                      source="Repères, données du PLIE" + note)
