"""Read the bundled reference files (pure Python: used by migrations and commands)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
COMMUNES_CSV = DATA / "communes-france.csv"
BUNDLED_CONTOURS = (
    (DATA / "communes-54-2018.geojson", "IGN Admin Express COG 2018 (Licence Ouverte), via france-geojson"),
    (DATA / "communes-terres-de-lorraine-2018.geojson",
     "IGN Admin Express COG 2018 (Licence Ouverte), via france-geojson"),
)
ATTRIBUTION = ("Référentiel des communes : INSEE (COG), DGCL, populations légales INSEE, via "
               "@etalab/decoupage-administratif — Licence Ouverte 2.0. Contours : IGN Admin Express "
               "COG 2018 — Licence Ouverte.")


def read_communes(path: Path = COMMUNES_CSV) -> Iterator[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {
                "code": row["code_insee"],
                "nom": row["nom"],
                "departement": row["departement"],
                "region": row["region"],
                "codes_postaux": row["codes_postaux"],
                "population": int(row["population_municipale"] or 0),
                "epci_siren": row["code_epci"],
                "epci_nom": row["nom_epci"],
                "epci_type": row["type_epci"],
            }


def read_contours(path: Path) -> Iterator[tuple[str, str, dict]]:
    """(code, name, geometry) for each feature of a GeoJSON FeatureCollection.

    The code is read from the usual property names (``code``, ``insee``, ``INSEE_COM``,
    ``codgeo``…). Raises ValueError with a French message when the file is not usable.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Le fichier n'est pas un GeoJSON lisible : {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError("Le fichier doit être une FeatureCollection GeoJSON (contours de communes).")
    keys = ("code", "insee", "code_insee", "INSEE_COM", "insee_com", "codgeo", "CODGEO", "com")
    for feature in data.get("features") or []:
        props = feature.get("properties") or {}
        code = next((str(props[k]) for k in keys if props.get(k)), None)
        geometry = feature.get("geometry")
        if not code or not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        name = str(props.get("nom") or props.get("NOM") or props.get("name") or "")
        yield code.zfill(5) if code.isdigit() else code, name, geometry
