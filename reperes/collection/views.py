from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from reperes import referentiel as ref
from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.exports import csv_bytes

from .models import ImportRun, Participant


@requires("view_rows")
def participant_list(request):
    """Pseudonymised row-level data: every consultation is written to the audit trail."""
    page = Paginator(Participant.objects.order_by("-date_entree", "id"), 50).get_page(request.GET.get("page"))
    record(Action.ROWS_VIEWED, request=request, target="liste des participants",
           page=page.number, lignes=len(page.object_list))
    return render(request, "collection/participant_list.html", {"page": page})


EXPORT_COLUMNS = ("id_hash", "personne_hash", "sexe", "annee_naissance", "age_entree", "commune_residence",
                  "epci_siren", "qpv", "niveau_formation", "situation_entree", "anciennete_chomage_mois", "criteres",
                  "freins_entree", "prescripteur", "referent", "date_entree", "date_sortie", "motif_sortie",
                  "duree_emploi_mois", "situation_6_mois", "date_situation_6_mois")


@requires("export_rows")
def participant_export(request):
    """The pseudonymised participants as CSV (staff only; recorded in the audit trail)."""
    rows = Participant.objects.order_by("date_entree", "id").values_list(*EXPORT_COLUMNS)

    def cells():
        for row in rows.iterator(chunk_size=2000):
            yield ["|".join(v) if isinstance(v, list) else v for v in row]

    body = csv_bytes(EXPORT_COLUMNS + ("categorie_sortie",),
                     (row + [ref.category_of(row[17]) or ""] for row in cells()))
    record(Action.EXPORT, request=request, target="participants-pseudonymises.csv", lignes=rows.count())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="participants-pseudonymises.csv"'
    return response


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
