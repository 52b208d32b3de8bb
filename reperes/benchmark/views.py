"""« Comparer »: this PLIE beside its peers and the national figures; import and export of sheets."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reperes import formats
from reperes.accounts.decorators import requires
from reperes.audit.models import Action as AuditAction
from reperes.audit.trail import record
from reperes.charts.plots import bar_chart
from reperes.configuration.models import Installation

from . import services
from .forms import OrganisationForm, SheetImportForm
from .indicators import BY_ID, COMPARABLE_IDS, COUNT, MONTHS, SHARE, SUPPRESSED_MARK
from .models import Organisation, SheetImport
from .sheets import NB, display_value

DEFAULT_INDICATOR = "taux_sorties_positives"
PRODUCER_NOTE = (f"Une valeur qu’un autre PLIE a masquée dans sa fiche est aussi marquée {SUPPRESSED_MARK}"
                 f"{NB}: son producteur l’a couverte par le secret statistique.")


def secret_notes(seuil: int) -> list[str]:
    """The notes under the comparison: the contract's legend of « s », then where a peer's « s » comes from."""
    return [formats.suppression_legend(seuil) + ".", PRODUCER_NOTE]


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) == 4 else None


def _label(line: dict) -> str:
    return f"{line['plie']} ({line['annee']})"


def comparison(indicateur: str, annee: int | None) -> dict:
    """Table rows and chart of one indicator: comparable values in the chart, the others listed apart."""
    payload = services.compare(indicateur, annee)
    entry = BY_ID[indicateur]
    rows = []
    for line in payload["lignes"]:
        rows.append({**line, "text": display_value(indicateur, line["valeur"], line["secret"])})
    comparable = [r for r in rows if r["comparable"]]
    shown = sorted([r for r in comparable if not r["secret"]], key=lambda r: -float(r["valeur"])) + \
        [r for r in comparable if r["secret"]]
    chart = svg = None
    if shown:
        unit = "percent" if entry.kind == SHARE else "count"
        decimals = 1 if entry.kind in (SHARE, MONTHS) else 0
        own = [i for i, r in enumerate(shown) if r["moi"]]
        chart = bar_chart(
            [_label(r) + (" — ce PLIE" if r["moi"] else "") for r in shown],
            [None if r["secret"] else r["valeur"] for r in shown],
            title=entry.label, unit=unit, horizontal=True, suppressed=SUPPRESSED_MARK, decimals=decimals,
            value_label=entry.label, category_label="PLIE (année)", highlight=own,
            source="voir la source et la date de chaque valeur dans le tableau ; valeurs non comparables exclues",
        )
        svg = chart.svg(id="comparaison-svg", with_title=False)
    return {"entry": entry, "rows": rows, "chart": chart, "svg": svg,
            "non_comparable": [r for r in rows if not r["comparable"]],
            "has_secret": any(r["secret"] for r in rows), "count_kind": entry.kind == COUNT}


@requires("view_aggregates")
def home(request):
    installation = Installation.get()
    indicateur = request.GET.get("indicateur") or DEFAULT_INDICATOR
    if indicateur not in COMPARABLE_IDS:
        indicateur = DEFAULT_INDICATOR
    annee = _year(request.GET.get("annee"))
    query = request.GET.get("q", "").strip()[:200]
    can_manage = request.user.can("run_analyses")
    organisation = services.organisation_table()
    context = {
        "installation": installation,
        "indicators": [BY_ID[i] for i in COMPARABLE_IDS], "indicateur": indicateur, "annee": annee,
        "years": services.own_years(),
        "comparison": comparison(indicateur, annee),
        "organisation": organisation,
        "org_rows": [(BY_ID[i], [{**e["cells"][i], "text": display_value(i, e["cells"][i]["valeur"],
                                                                           e["cells"][i]["secret"])}
                                 for e in organisation])
                     for i in ("structure_porteuse", "gouvernance", "referents_etp", "participants_par_referent",
                               "budget_total_euros", "cout_par_participant_euros", "part_fse")],
        "practices": services.practices(query), "query": query,
        "can_manage": can_manage, "can_edit_organisation": request.user.can("manage_settings"),
        "imports": SheetImport.objects.all()[:50] if can_manage else [],
        "form": SheetImportForm() if can_manage else None,
        "secret_notes": secret_notes(installation.seuil), "default_year": services.default_year(),
    }
    return render(request, "benchmark/home.html", context)


@requires("run_analyses")
def export(request):
    annee = _year(request.GET.get("annee"))
    rows = services.own_sheet(annee)
    annee = rows[0]["annee"] if rows else annee
    record(AuditAction.EXPORT, request=request, target=f"fiche PLIE {annee}", valeurs=len(rows),
           masquees=sum(r["secret"] for r in rows))
    response = HttpResponse(services.sheet_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fiche-plie-{annee}.csv"'
    return response


def _upload_to_temp(upload) -> Path:
    suffix = Path(upload.name).suffix.lower()[:10]
    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


@requires("run_analyses")
def import_view(request):
    form = SheetImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        path = _upload_to_temp(upload)
        try:
            outcome = services.import_sheet(path, name=upload.name, user=request.user, strict=form.cleaned_data["strict"],
                                            request=request)
        finally:
            path.unlink(missing_ok=True)
    return render(request, "benchmark/import.html", {"form": form, "outcome": outcome})


@requires("run_analyses")
def delete(request, pk: int):
    sheet = get_object_or_404(SheetImport, pk=pk)
    if request.method == "POST":
        name = services.remove_import(sheet.pk, user=request.user, request=request)
        messages.success(request, f"Fiche «{NB}{name}{NB}» supprimée, avec ses valeurs.")
        return redirect("benchmark:home")
    return render(request, "benchmark/delete.html", {"sheet": sheet, "count": sheet.values.count()})


@requires("manage_settings")
def organisation(request):
    instance = Organisation.get()
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(AuditAction.SETTINGS_CHANGED, request=request, target="organisation du PLIE (fiche PLIE)")
        messages.success(request, "Organisation du PLIE enregistrée : elle figure dans la fiche exportée.")
        return redirect(reverse("benchmark:home") + "#organisation")
    return render(request, "benchmark/organisation.html", {"form": form})
