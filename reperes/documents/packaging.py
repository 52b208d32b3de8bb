"""What the DOCX, PDF and PPTX renderers share: provenance lines, fonts, reproducible ZIP packages.

Office files are ZIP archives whose entries carry a date, and whose core
properties (``docProps/core.xml``) carry creation and modification times;
an embedded workbook (a PowerPoint chart's data) is itself such an archive.
:func:`reproducible_zip` rewrites all of them with one fixed date — the
document's date — so the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from .formatting import LABELS, NBSP, format_period, suppression_note
from .model import Figure, KeyFigure, Period, Table

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu Sans"  # bundled, Bitstream Vera / DejaVu licence (fonts/LICENSE_DEJAVU.txt)

_CORE_DATES = re.compile(
    rb"(<(dcterms:(?:created|modified)|cp:lastPrinted)\b[^>]*>)[^<]*(</\2>)")


def labelled(label: str, text: str) -> str:
    """« Source : … » with French typography (no-break space before the colon)."""
    return f"{label}{NBSP}: {text}"


def provenance_lines(period: Period | str | None, definition: str | None, source: str | None,
                     notes: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The lines printed under a figure or a table, in the HTML renderer's order."""
    lines = []
    if period is not None:
        lines.append(labelled(LABELS["period"], format_period(period)))
    if definition:
        lines.append(labelled(LABELS["definition"], definition))
    lines.extend(notes)
    if source:
        lines.append(labelled(LABELS["source"], source))
    return lines


def table_notes(table: Table) -> list[str]:
    notes = list(table.notes)
    if table.has_suppressed:
        notes.append(suppression_note(table.seuils))
    return notes


def key_figure_lines(figure: KeyFigure) -> list[str]:
    notes = [suppression_note((figure.seuil,))] if figure.suppressed else []
    return provenance_lines(figure.period, figure.definition, figure.source, notes)


def figure_alt(figure: Figure) -> str:
    """The alternative text of a chart: its French description (written from the data), else its title."""
    from reperes.formats import typography

    return typography(getattr(figure.chart, "description", "") or figure.chart.title)


def fixed_datetime(date: dt.date | None) -> dt.datetime:
    """Midnight UTC of the document's date (1 January 2000 without one): every timestamp inside the files."""
    date = date or dt.date(2000, 1, 1)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same ZIP with every entry dated ``when``, core properties' dates set to it, nested packages too."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith("docProps/core.xml"):
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            elif info.filename.endswith((".xlsx", ".docx", ".pptx")) and content[:2] == b"PK":
                content = reproducible_zip(content, when)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, content)
    return out.getvalue()


def set_core_properties(core, document, *, keywords: str, comments: str) -> None:
    """The core properties of a DOCX or PPTX (python-docx and python-pptx share their names), fixed to the
    document's date so that the same data give the same bytes. ``comments`` is cut to Office's 255 characters."""
    core.title = document.title
    core.subject = document.subtitle or ""
    core.author = document.organisation or "Repères"
    core.last_modified_by = "Repères"
    core.language = "fr-FR"
    core.keywords = keywords
    core.comments = comments[:255]
    core.created = core.modified = core.last_printed = fixed_datetime(document.date).replace(tzinfo=None)
    core.revision = 1


SNAPSHOT_WORDS = ("import", "empreinte", "version")  # metadata keys that identify the data's snapshot


def metadata_rows(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    from .formatting import format_metadata_value

    return [(str(key), format_metadata_value(value)) for key, value in metadata.items()]
