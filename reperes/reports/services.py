"""Generate the deliverables: build the model once, render it in every requested format, store or write it."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings as django_settings

from reperes.analytics import populations
from reperes.documents import Document, render_html

from .builder import build_intermediate_report

logger = logging.getLogger(__name__)

FORMATS = ("html", "docx", "pdf", "pptx")
FORMAT_LABELS = {"html": "Page web (HTML)", "docx": "Word (DOCX)", "pdf": "PDF", "pptx": "PowerPoint (PPTX)"}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reperes" / "reperes.css"


class ReportError(ValueError):
    """A problem the user can fix (French message)."""


def parse_formats(text: str | None) -> list[str]:
    """``"docx,pdf"`` → ``["docx", "pdf"]``; every format when empty; a French error for an unknown one."""
    if not text:
        return list(FORMATS)
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in FORMATS]
    if unknown:
        raise ReportError(f"Format inconnu : {', '.join(unknown)}. Formats possibles : {', '.join(FORMATS)}.")
    return list(dict.fromkeys(wanted))


def file_stem(debut: dt.date, fin: dt.date, diffusion: bool) -> str:
    suffix = "-diffusion" if diffusion else "-interne"
    return f"rapport-intermediaire-{debut.isoformat()}-{fin.isoformat()}{suffix}"


def standalone_html(document: Document) -> str:
    """The report as a self-contained HTML page (the site's stylesheet inlined)."""
    try:
        css = CSS_PATH.read_text(encoding="utf-8")
    except OSError:
        css = ""
    from reperes.formats import typography

    title = escape(typography(f"{document.title} – {document.organisation or ''}"))
    return ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n<style>\n{css}\nmain {{ max-width: 60rem; margin: 0 auto; padding: 1rem; }}"
            "\n</style>\n</head>\n<body>\n<main>\n"
            f"{render_html(document, toc=True)}\n</main>\n</body>\n</html>\n")


PLACEHOLDER_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 480 40">'
                   '<title>Graphique indisponible</title>'
                   '<text x="8" y="26" font-size="16">Graphique indisponible : voir le tableau de données.</text>'
                   "</svg>")


@functools.lru_cache(maxsize=1)
def placeholder_png() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 80), "white")
    ImageDraw.Draw(image).text((16, 30), "Graphique indisponible : voir le tableau de donnees.", fill="#333333")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _safe(function, fallback, title: str):
    @functools.lru_cache(maxsize=4)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:  # one chart that cannot be drawn never loses the report
            logger.exception("Chart %r could not be drawn", title)
            return fallback()

    return wrapper


def memoize_charts(document: Document) -> None:
    """Draw each chart once per generation (its SVG and PNG reused by every renderer, same bytes); a chart
    that cannot be drawn becomes a placeholder (« Graphique indisponible ») instead of failing the report."""
    from reperes.documents import Figure

    for _level, node in document.walk():
        if isinstance(node, Figure) and not getattr(node.chart, "_reperes_memoized", False):
            chart = node.chart
            try:
                chart.svg = _safe(chart.svg, lambda: PLACEHOLDER_SVG, chart.title)
                chart.png = _safe(chart.png, placeholder_png, chart.title)
                chart._reperes_memoized = True
            except (AttributeError, TypeError):  # a frozen chart object: drawn each time
                continue


def render_formats(document: Document, formats: list[str], *, template: bytes | None = None,
                   logo: bytes | None = None) -> dict[str, bytes]:
    """Each requested format's bytes; the charts are drawn once for all of them."""
    memoize_charts(document)
    png_cache: dict = {}
    outputs: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "html":
            outputs[fmt] = standalone_html(document).encode("utf-8")
        elif fmt == "docx":
            from reperes.documents.docx import render_docx

            outputs[fmt] = render_docx(document, template=template, logo=logo, png_cache=png_cache)
        elif fmt == "pdf":
            from reperes.documents.pdf import render_pdf

            outputs[fmt] = render_pdf(document, logo=logo, png_cache=png_cache)
        elif fmt == "pptx":
            from reperes.documents.pptx import render_pptx

            outputs[fmt] = render_pptx(document, png_cache=png_cache)
    return outputs


def _read_field(field) -> bytes | None:
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("File %s could not be read", field.name)
        return None


def customisation() -> tuple[bytes | None, bytes | None]:
    """The PLIE's Word template and logo, when they exist."""
    from reperes.configuration.models import Installation

    from .models import ReportSettings

    return _read_field(ReportSettings.get().template), _read_field(Installation.get().logo)


@dataclass
class Generation:
    document: Document
    outputs: dict[str, bytes]
    stem: str


def check_period(debut: dt.date, fin: dt.date, diffusion: bool) -> None:
    """Refuse, in French, a period a report cannot cover: one ending before it starts or, for partners, one that
    is not made of whole calendar years (two nested partner periods could be subtracted). The first rule and
    its message are the analytics' (:func:`reperes.analytics.populations.check_period`)."""
    try:
        populations.check_period(debut, fin)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    if diffusion:
        from reperes.analytics.disclosure import whole_years

        first, last, message = whole_years(debut, fin)
        if message:
            raise ReportError(f"La version pour les partenaires n'est pas produite : {message[0].lower()}"
                              f"{message[1:-1]}, pas du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}. Choisissez le "
                              f"{first:%d/%m/%Y} au {last:%d/%m/%Y}, ou la version interne.")


def generate(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool,
             formats: list[str] | None = None) -> Generation:
    """Build the intermediate report from the database and render it."""
    check_period(debut, fin, diffusion)
    from reperes.analytics.disclosure import DisclosureError

    try:
        document = build_intermediate_report(debut=debut, fin=fin, date=date, diffusion=diffusion)
    except DisclosureError as exc:  # the audit refused a partner version: say which cell, release nothing
        raise ReportError(str(exc)) from exc
    template, logo = customisation()
    outputs = render_formats(document, formats or list(FORMATS), template=template, logo=logo)
    return Generation(document, outputs, file_stem(debut, fin, diffusion))


def write_files(generation: Generation, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, data in generation.outputs.items():
        path = folder / f"{generation.stem}.{fmt}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def store(generation: Generation, *, debut, fin, date, diffusion, user=None):
    """Save a generation in MEDIA_ROOT/livrables/<id>/ and return its :class:`GeneratedReport`."""
    from .models import GeneratedReport

    report = GeneratedReport.objects.create(
        user=user, debut=debut, fin=fin, date=date, diffusion=diffusion,
        snapshot={k: v for k, v in generation.document.metadata.items()},
        html=render_html(generation.document, heading_level_start=2, toc=True, id_prefix="rapport-"),
    )
    folder_name = f"livrables/{report.pk}"
    write_files(generation, Path(django_settings.MEDIA_ROOT) / folder_name)
    report.folder = folder_name
    report.files = {fmt: f"{generation.stem}.{fmt}" for fmt in generation.outputs}
    report.save(update_fields=["folder", "files"])
    return report


def report_file(report, fmt: str) -> Path | None:
    name = (report.files or {}).get(fmt)
    if not name or not report.folder:
        return None
    path = Path(django_settings.MEDIA_ROOT) / report.folder / name
    return path if path.is_file() else None


def share_with_partners(report, user) -> None:
    """Put a partner version in the partner space (an internal version never goes there)."""
    from django.utils import timezone

    if not report.diffusion:
        raise ReportError("Seule une version pour les partenaires (secret statistique appliqué) peut être "
                          "partagée\u202f: générez le rapport en cochant « version diffusable aux partenaires ».")
    report.shared_at, report.shared_by = timezone.now(), user
    report.save(update_fields=["shared_at", "shared_by"])


def stop_sharing(report) -> None:
    report.shared_at, report.shared_by = None, None
    report.save(update_fields=["shared_at", "shared_by"])
