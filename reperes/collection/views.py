from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record

from .models import ImportRun, Participant


@requires("view_rows")
def participant_list(request):
    """Pseudonymised row-level data: every consultation is written to the audit trail."""
    page = Paginator(Participant.objects.order_by("-date_entree", "id"), 50).get_page(request.GET.get("page"))
    record(Action.ROWS_VIEWED, request=request, target="liste des participants",
           page=page.number, lignes=len(page.object_list))
    return render(request, "collection/participant_list.html", {"page": page})


@requires("manage_imports")
def import_list(request):
    page = Paginator(ImportRun.objects.select_related("user"), 50).get_page(request.GET.get("page"))
    return render(request, "collection/import_list.html", {"page": page})


@requires("manage_imports")
def import_detail(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    errors = run.report.get("errors", [])
    return render(request, "collection/import_detail.html", {
        "run": run, "errors": errors[:500], "more_errors": max(0, len(errors) - 500),
        "tables": run.report.get("tables", {}), "ignored": run.report.get("ignored_columns", []),
    })
