"""Helpers of the chart tests: read back the SVG and PNG that the charts produce."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "reperes" / "territory" / "data"
SVG = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_communes(filename: str = "communes-terres-de-lorraine-2018.geojson", codes=None):
    """Commune code → geometry and code → name, from the bundled contours."""
    collection = json.loads((DATA / filename).read_text(encoding="utf-8"))
    features, names = {}, {}
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        if codes is None or code in codes:
            features[code] = feature["geometry"]
            names[code] = feature["properties"]["nom"]
    return features, names


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    """Every piece of text drawn in the SVG (not the <title>/<desc>)."""
    root = parse(svg)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def paths_filled_with(svg: str, colour: str) -> int:
    colour = colour.lower()
    return sum(
        1
        for element in parse(svg).iter(f"{SVG}path")
        if f"fill: {colour}" in element.get("style", "").lower() or element.get("fill", "").lower() == colour
    )


def png_chunks(data: bytes) -> list[bytes]:
    assert data.startswith(PNG_SIGNATURE)
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type = data[offset + 4 : offset + 8]
        chunks.append(chunk_type + data[offset + 8 : offset + 8 + min(length, 64)])
        offset += 12 + length
    return chunks
