"""The partner space: what the team shared with partners (partner versions of deliverables), to read and download.

Only partner versions (``diffusion``: secret statistique applied) that the team chose to share are reachable
here; anything else is « introuvable » (404), for every role alike.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.reports import services as report_services
from reperes.reports.models import GeneratedReport

from .sections import sections_for


def _files(report) -> list[tuple[str, str]]:
    return [(fmt, report_services.FORMAT_LABELS[fmt]) for fmt in report_services.FORMATS
            if report_services.report_file(report, fmt)]


@requires("view_aggregates")
def home(request):
    reports = [{"report": r, "files": _files(r)} for r in GeneratedReport.objects.shared_with_partners()]
    return render(request, "partners/home.html", {"reports": reports, "sections": sections_for(request)})


@requires("view_aggregates")
def report(request, pk: int):
    shared = get_object_or_404(GeneratedReport.objects.shared_with_partners(), pk=pk)
    record(Action.EXPORT, request=request, target=str(shared), livrable=shared.audit_name, format="page",
           espace="partenaires")
    return render(request, "partners/report.html", {
        "report": shared, "files": _files(shared), "html": mark_safe(shared.html)})  # escaped by the renderer


@requires("view_aggregates")
def download(request, pk: int, fmt: str):
    shared = get_object_or_404(GeneratedReport.objects.shared_with_partners(), pk=pk)
    path = report_services.report_file(shared, fmt) if fmt in report_services.FORMATS else None
    if path is None:
        raise Http404
    record(Action.EXPORT, request=request, target=str(shared), livrable=shared.audit_name, format=fmt,
           espace="partenaires")
    response = HttpResponse(path.read_bytes(), content_type=report_services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, path.name)
    return response
