"""Turn matplotlib's SVG into an accessible, inline-able, deterministic SVG.

What comes out:

* no XML declaration, no DOCTYPE (no external DTD), no ``<metadata>``, no
  script, no external reference: only ``#id`` references inside the image;
* ``role="img"``, ``aria-labelledby`` pointing at a ``<title>`` and a
  ``<desc>`` that are the first children of the root;
* ``viewBox`` only (no ``width``/``height``): the image takes the width of
  its container and keeps its proportions;
* every id prefixed with the chart's id (unique on a page), ids nobody
  references removed;
* coordinates rounded to 2 decimals, repeated points dropped, whitespace
  between elements removed (a 153-commune map stays well under 400 KB);
* matplotlib's global ``<style>*{…}</style>`` (which, inline, would leak into
  the page and its other SVGs) replaced by attributes on the root.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_NUMBER = re.compile(r"-?\d+\.\d+")
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_SEGMENT = re.compile(r"([MLCQZz])([^MLCQZz]*)")
_NOOP_ROTATE = re.compile(r"\s*rotate\(-?0(?:\.0+)? [^)]*\)")
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _round_number(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def round_numbers(text: str) -> str:
    return _NUMBER.sub(_round_number, text)


def compact_path(d: str) -> str:
    """Round a path's coordinates, drop line-tos that go nowhere, leave implicit line-tos implicit."""
    out: list[str] = []
    previous: str | None = None
    last_command = ""
    for command, args in _SEGMENT.findall(d):
        coords = " ".join(round_numbers(args).split())
        if command == "L" and coords == previous:
            continue
        if command in "ML":
            previous = coords
        elif command in "CQ":
            previous = " ".join(coords.split()[-2:])
        else:
            previous = None
        if command in "Zz":
            out.append("z")
        elif command == "L" and last_command in "ML" and last_command:
            out.append(coords)  # after M or L, a bare pair is a line-to
        else:
            out.append(f"{command} {coords}")
        last_command = command if command != "L" or last_command != "M" else "L"
    return " ".join(out)


def default_id(raw: str) -> str:
    return "graphique-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]


def safe_id(value: str) -> str:
    cleaned = _ID_SAFE.sub("-", value).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "g-" + cleaned
    return cleaned


def accessible_svg(raw: str, *, title: str, description: str, svg_id: str | None = None) -> str:
    """Rewrite matplotlib's SVG ``raw`` (see the module's docstring)."""
    prefix = safe_id(svg_id) if svg_id else default_id(raw)
    # The DOCTYPE names an external DTD: drop it before parsing.
    raw = re.sub(r"<!DOCTYPE[^>]*>", "", raw, count=1)
    root = ET.fromstring(raw)

    # Metadata and the global stylesheet go.
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (_q("metadata"), _q("style"), _q("script")):
                parent.remove(child)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == _q("defs") and len(child) == 0:
                parent.remove(child)

    # Ids: keep (renamed) those something points at, drop the others.
    href_keys = (f"{{{XLINK_NS}}}href", "href")
    referenced: set[str] = set()
    for element in root.iter():
        for key, value in element.attrib.items():
            referenced.update(_URL_REF.findall(value))
            if key in href_keys and value.startswith("#"):
                referenced.add(value[1:])
    renamed: dict[str, str] = {}
    for element in root.iter():
        old = element.attrib.pop("id", None)
        if old is not None and old in referenced:
            renamed[old] = f"{prefix}-{len(renamed) + 1}"
            element.set("id", renamed[old])

    def _rename(match: re.Match[str]) -> str:
        return f"url(#{renamed.get(match.group(1), match.group(1))})"

    for element in root.iter():
        for key, value in list(element.attrib.items()):
            if key in href_keys:
                if not value.startswith("#"):
                    del element.attrib[key]  # never an external reference
                    continue
                element.set(key, "#" + renamed.get(value[1:], value[1:]))
            elif "url(#" in value:
                element.set(key, _URL_REF.sub(_rename, value))
            if key == "d":
                element.set(key, compact_path(value))
            elif key in ("x", "y", "width", "height") and element is not root:
                element.set(key, round_numbers(value))
            elif key == "transform":
                value = _NOOP_ROTATE.sub("", value).strip()
                if value:
                    element.set(key, round_numbers(value))
                else:
                    del element.attrib[key]
        # Whitespace between elements only (text content is kept).
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        if element.tag != _q("text") and element.text is not None and not element.text.strip():
            element.text = None

    # Empty groups (matplotlib leaves many) go, innermost first.
    for parent in reversed(list(root.iter())):
        for child in list(parent):
            if child.tag == _q("g") and len(child) == 0 and not (child.text or "").strip():
                parent.remove(child)

    # The root: responsive, labelled, self-styled.
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    if "viewBox" in root.attrib:
        root.set("viewBox", round_numbers(root.get("viewBox", "")))
    root.set("id", prefix)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-titre {prefix}-desc")
    root.set(f"{{{XML_NS}}}lang", "fr")
    root.set("class", "reperes-graphique")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    title_element = ET.Element(_q("title"), {"id": f"{prefix}-titre"})
    title_element.text = title
    desc_element = ET.Element(_q("desc"), {"id": f"{prefix}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # Other libraries (pyxform…) re-register ElementTree's global prefixes, which would turn
    # <svg> into <ns0:svg>: the SVG namespace is written as a plain xmlns attribute instead.
    svg_prefix = f"{{{SVG_NS}}}"
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(svg_prefix):
            element.tag = element.tag[len(svg_prefix):]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
