"""« Territoire » and « Offre » pages (thin: the domain is in services, matrix, importer, statistics)."""

from __future__ import annotations

import datetime as dt
import io
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
from reperes.configuration.models import Installation

from . import matrix as mx
from . import services
from .forms import OfferUploadForm, ServiceForm, StatsUploadForm, StructureForm
from .models import Service, StatImport, Structure
from .shared import shared


def _period(request):
    def parse(name):
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    debut, fin = services.period(None, parse("debut"), parse("fin"))
    if debut > fin:
        debut, fin = services.period()
    if not request.user.can("view_raw_aggregates"):  # partners: one whole calendar year (no differencing)
        from reperes.analytics.disclosure import whole_year

        debut, fin, _message = whole_year(debut, fin)
    return debut, fin


def _context(request):
    installation = Installation.get()
    raw = request.user.can("view_raw_aggregates")
    return installation, raw, installation.seuil


@requires("view_aggregates")
def territory(request):
    context = shared("territoire", request, lambda: _territory_context(request))
    context["can_import"] = request.user.can("manage_imports")
    return render(request, "offer/territory.html", context)


def _territory_context(request) -> dict:
    installation, raw, seuil = _context(request)
    terr = installation.territory
    context = {"installation": installation, "raw": raw, "seuil": seuil, "territory": terr, "maps": services.MAPS,
               "ratios": services.RATIOS}
    if terr is None:
        return context
    debut, fin = _period(request)
    epci_rows, commune_rows = services.coverage(terr, debut, fin, raw=raw, seuil=seuil)
    key = request.GET.get("carte") if request.GET.get("carte") in services.MAPS else "pop"
    chart, missing = services.indicator_map(terr, commune_rows, key, (debut, fin))
    svg = chart.svg(id="carte-territoire-svg", with_title=False)
    total = sum(p.accompagnes or 0 for p in epci_rows)
    measure, ranked = services.underserved(commune_rows, total)
    names = dict(terr.communes.values_list("code", "nom"))
    context.update({
        "period": (debut, fin), "epci_rows": epci_rows, "commune_rows": commune_rows, "map_key": key,
        "map_label": services.MAPS[key][0], "chart": chart, "svg": svg,
        "missing": [(c, names.get(c, c)) for c in missing],
        "missing_departements": services.missing_contour_departements(missing),
        "underserved": ranked, "underserved_measure": measure, "underserved_method": services.UNDERSERVED_METHOD,
        "imports": list(StatImport.objects.exclude(status="refused")[:10]),
        "provenances": sorted({f"{label} : {fig.provenance}" for p in epci_rows + commune_rows
                               for label, fig in (("Demandeurs d'emploi de longue durée", p.long_term),
                                                  ("Foyers RSA", p.rsa_households)) if fig}),
    })
    return context


def _upload_to_temp(upload) -> Path:
    suffix = Path(upload.name).suffix.lower()
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=suffix)
    for chunk in upload.chunks():
        handle.write(chunk)
    handle.close()
    return Path(handle.name)


@requires("manage_imports")
def stats_upload(request):
    report = None
    form = StatsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from .stats_import import run_stats_import

        upload = form.cleaned_data["fichier"]
        path = _upload_to_temp(upload)
        try:
            result = run_stats_import(path, source=form.cleaned_data["source"] or None, user=request.user,
                                      source_name=upload.name, millesime=form.cleaned_data["millesime"] or None,
                                      request=request)
        finally:
            path.unlink(missing_ok=True)
        report = result.report
    return render(request, "offer/upload.html", {
        "form": form, "report": report, "title": "Importer des statistiques territoriales",
        "intro": "INSEE (comparateur de territoires, dossier complet), France Travail / DARES, CAF, liste des QPV "
                 "ou format long (code_geo, indicateur, valeur, millesime, source).",
        "back": reverse("offer:territory"), "back_label": "Retour à la page Territoire"})


@requires("view_aggregates")
def home(request):
    structures = list(Structure.objects.prefetch_related("services", "services__actions"))
    _name_places(structures)
    return render(request, "offer/home.html", {
        "structures": structures, "can_edit": request.user.can("run_analyses"),
        "can_import": request.user.can("manage_imports"), "categories": mx.category_label})


def _name_places(structures) -> None:
    """Give each structure its commune's name and each service the names of its eligibility zone."""
    codes = {s.code_insee for s in structures}
    for s in structures:
        for v in s.services.all():
            codes.update(v.zone_eligibilite or [])
    from reperes.territory.services import place_names

    names = place_names(codes)
    for s in structures:
        s.commune_nom = names.get(s.code_insee, s.code_insee)
        for v in s.services.all():
            v.zone_noms = ", ".join(names.get(code, code) for code in (v.zone_eligibilite or []))


@requires("manage_imports")
def offer_upload(request):
    report = None
    form = OfferUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from .importer import run_offer_import

        upload = form.cleaned_data["fichier"]
        # Under its own name: messages name the user's file, a dated name tells the table, and the validator's
        # template (no « source » column) gets its source from the file name.
        with tempfile.TemporaryDirectory() as folder:
            name = Path(upload.name).name.replace("\x00", "") or "offre"
            path = Path(folder) / (Path(name).stem[:100] + Path(name).suffix.lower())
            with open(path, "wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            report = run_offer_import(path, user=request.user, request=request).report
    return render(request, "offer/upload.html", {
        "form": form, "report": report, "title": "Importer l'offre d'insertion (data·inclusion)",
        "intro": "Un fichier data·inclusion tel que téléchargé (open data structures-inclusion-….csv|json|xlsx, "
                 "services-inclusion-…, ou réponse JSON de l'API), le modèle XLSX du valideur data·inclusion, ou le "
                 "classeur XLSX/ODS de Repères (feuilles « structures » et « services »). Pour un dossier complet : "
                 "reperes offer import DOSSIER.",
        "back": reverse("offer:home"), "back_label": "Retour au catalogue"})


def _edit(request, form_class, instance, title, audit_target):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if not obj.di_id:
            prefix = "reperes--structure" if isinstance(obj, Structure) else "reperes--service"
            last = type(obj).objects.order_by("-id").values_list("id", flat=True).first() or 0
            obj.di_id = f"{prefix}-{last + 1}"
        obj.save()
        form.save_m2m()
        messages.success(request, f"« {obj.nom} » est enregistré.")
        return redirect("offer:home")
    return render(request, "offer/form.html", {"form": form, "title": title})


@requires("run_analyses")
def structure_create(request):
    return _edit(request, StructureForm, None, "Nouvelle structure", "structure")


@requires("run_analyses")
def structure_edit(request, pk):
    obj = get_object_or_404(Structure, pk=pk)
    return _edit(request, StructureForm, obj, f"Modifier la structure « {obj.nom} »", "structure")


@requires("run_analyses")
def service_create(request):
    return _edit(request, ServiceForm, None, "Nouveau service", "service")


@requires("run_analyses")
def service_edit(request, pk):
    obj = get_object_or_404(Service, pk=pk)
    return _edit(request, ServiceForm, obj, f"Modifier le service « {obj.nom} »", "service")


@requires("view_aggregates")
def service_detail(request, pk):
    service = get_object_or_404(Service.objects.select_related("structure").prefetch_related("actions"), pk=pk)
    return render(request, "offer/service_detail.html", {
        "service": service, "structure": service.structure, "can_edit": request.user.can("run_analyses"),
        "categories": sorted({mx.category_label(c) for c in (mx.category_of_thematique(t)
                                                             for t in service.thematiques or []) if c})})


@requires("view_aggregates")
def catalogue_xlsx(request):
    from .catalogue import workbook

    content, count = workbook()
    record(AuditAction.EXPORT, request=request, target="catalogue-offre.xlsx", services=count)
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="catalogue-offre.xlsx"'
    return response


def _matrix(request):
    installation, raw, seuil = _context(request)
    if installation.territory is None:
        return installation, raw, None, None
    debut, fin = _period(request)
    payload = services.matrix_payload(installation.territory, debut, fin, diffusion=not raw, seuil=seuil)
    return installation, raw, payload, (debut, fin)


def _display_cells(payload, installation, seuil):
    names = installation.territory.epci_names()
    rows = []
    for cell in payload["cells"]:
        def show(value):
            return formats.suppressed(seuil) if value is None else formats.number(value)
        rows.append({**cell, "epci_nom": names.get(cell["epci"], cell["epci"]),
                     "thematique_label": mx.category_label(cell["thematique"]),
                     "demande_text": show(cell["demande"]),
                     "potentiel_text": "–" if cell["public_potentiel"] is None and cell["demande"] is not None
                     else show(cell["public_potentiel"]),
                     "actions_text": show(cell.get("actions_plie", 0)),
                     "places_text": "–" if cell["places"] is None else formats.number(cell["places"]),
                     "statut_label": mx.STATUT_LABELS[cell["statut"]],
                     "couverture_label": mx.COUVERTURE_LABELS[cell["couverture"]]})
    return rows


@requires("view_aggregates")
def matrix(request):
    return render(request, "offer/matrix.html", shared("matrice", request, lambda: _matrix_context(request)))


def _matrix_context(request) -> dict:
    installation, raw, payload, period = _matrix(request)
    context = {"installation": installation, "raw": raw, "assumptions": mx.ASSUMPTIONS, "territory":
               installation.territory, "seuil": installation.seuil}
    if payload is not None:
        rows = _display_cells(payload, installation, installation.seuil)
        counts = {s: sum(1 for r in rows if r["statut"] == s) for s in mx.STATUTS}
        grid = matrix_grid(rows, statut=request.GET.get("statut", ""), epci=request.GET.get("epci", ""),
                           sort=request.GET.get("tri", ""))
        period_query = {k: v for k, v in request.GET.items() if k not in ("statut", "epci", "tri")}
        context.update({"rows": rows, "period": period, "counts": [(mx.STATUT_LABELS[s], n) for s, n in counts.items()],
                        "query": request.GET.urlencode(), "grid": grid, "statut_rule": mx.STATUT_RULE,
                        "statut_choices": [(s, mx.STATUT_LABELS[s]) for s in mx.STATUTS],
                        "sort_choices": SORTS, "period_query": period_query,
                        "epcis": sorted(installation.territory.epci_names().items(), key=lambda e: e[1])})
    return context


SORTS = (("categorie", "Catégorie (ordre data·inclusion)"), ("carences", "Nombre de carences"),
         ("demande", "Demande totale"), ("nom", "Nom de la catégorie"))


def matrix_grid(rows: list[dict], *, statut: str = "", epci: str = "", sort: str = "") -> dict:
    """The matrix as a grid: one row per need (category), one column per EPCI, filtered and sorted.

    ``statut`` keeps the needs with at least one cell of that status; ``epci``
    keeps one column; ``sort``: data·inclusion order, most carences, largest
    known demand, or name.
    """
    columns: dict[str, str] = {}
    needs: dict[str, dict] = {}
    for r in rows:
        columns.setdefault(r["epci"], r["epci_nom"])
        need = needs.setdefault(r["thematique"], {"code": r["thematique"], "label": r["thematique_label"],
                                                  "cells": {}, "order": len(needs)})
        need["cells"][r["epci"]] = r
    if epci in columns:
        columns = {epci: columns[epci]}
    lines = []
    for need in needs.values():
        cells = [need["cells"].get(code) for code in columns]
        if statut in mx.STATUTS and not any(c and c["statut"] == statut for c in cells):
            continue
        lines.append({**need, "row": cells, "carences": sum(1 for c in cells if c and c["statut"] == "carence"),
                      "demande": sum(c["demande"] or 0 for c in cells if c)})
    if sort == "carences":
        lines.sort(key=lambda n: (-n["carences"], n["order"]))
    elif sort == "demande":
        lines.sort(key=lambda n: (-n["demande"], n["order"]))
    elif sort == "nom":
        from reperes.referentiel import fold

        lines.sort(key=lambda n: fold(n["label"]))
    return {"columns": list(columns.items()), "needs": lines, "statut": statut if statut in mx.STATUTS else "",
            "epci": epci if epci in columns else "", "sort": sort if sort in dict(SORTS) else "categorie"}


@requires("view_aggregates")
def matrix_xlsx(request):
    from openpyxl import Workbook

    from reperes.spreadsheets import neutralise

    installation, raw, payload, period = _matrix(request)
    rows = _display_cells(payload, installation, installation.seuil) if payload is not None else []
    book = Workbook()
    sheet = book.active
    sheet.title = "matrice"
    if payload is None:
        sheet.append(["Aucun territoire n'est défini : la matrice est vide (reperes territory create …)."])
    else:
        sheet.append([neutralise(f"Matrice besoins × offre, {mx.period_text(*period)}"
                                 + ("" if raw else " — version diffusion (secret statistique)"))])
    headers = ["EPCI", "SIREN", "Catégorie", "Demande", "Public potentiel", "Services", "Actions du PLIE (étapes)",
               "Places", "Couverture", "Statut"]
    sheet.append(headers)
    for r in rows:
        sheet.append([neutralise(v) for v in (
            r["epci_nom"], r["epci"], r["thematique_label"],
            r["demande"] if r["demande"] is not None else r["demande_text"],
            r["public_potentiel"] if r["public_potentiel"] is not None else r["potentiel_text"],
            r["services"], r["actions_plie"] if r["actions_plie"] is not None else r["actions_text"],
            r["places"] if r["places"] is not None else "–", r["couverture_label"],
            r["statut_label"])])
    if not raw:  # the mark's note under the table
        from reperes.analytics.disclosure import legend

        sheet.append([])
        sheet.append([legend(installation.seuil)])
    notes = book.create_sheet("hypothèses")
    for text in mx.ASSUMPTIONS:
        notes.append([neutralise(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    record(AuditAction.EXPORT, request=request, target="matrice-besoins-offre.xlsx", lignes=len(rows),
           diffusion=not raw)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="matrice-besoins-offre.xlsx"'
    return response


@requires("view_aggregates")
def actors(request):
    return render(request, "offer/actors.html", shared("acteurs", request, lambda: _actors_context(request)))


def _actors_context(request) -> dict:
    from reperes.analytics.disclosure import protect_counts
    from reperes.charts import bar_chart

    installation, raw, seuil = _context(request)
    debut, fin = _period(request)
    flows = services.flows(debut, fin)
    staying = services.still_accompanied(debut, fin)
    prescripteurs = flows["prescripteurs"]
    destinations = {**flows["sorties"], "Toujours accompagnés à la fin de la période": staying}
    operateurs = flows["operateurs"]
    if not raw:
        # Both sides add up to the accompagnés: protected against that total (secondary suppression).
        total = sum(prescripteurs.values())
        prescripteurs = dict(protect_counts(prescripteurs, seuil, total=total).values)
        destinations = dict(protect_counts(destinations, seuil, total=total).values)
        operateurs = dict(protect_counts(operateurs, seuil).values)
    sorties = {k: v for k, v in destinations.items() if k in flows["sorties"]}
    titles = {"prescripteurs": "Qui oriente vers le PLIE (prescripteurs)",
              "operateurs": "Où vont les participants : opérateurs des étapes (participants distincts)",
              "sorties": "Où vont les participants : sorties de la période"}
    groups = []
    for key, shown in (("prescripteurs", prescripteurs), ("operateurs", operateurs), ("sorties", sorties)):
        chart = None
        if shown:
            chart = bar_chart(list(shown), list(shown.values()), title=titles[key], horizontal=True,
                              value_label="Participants", category_label="Acteur", suppressed=seuil,
                              source="Repères, données du PLIE, " + mx.period_text(debut, fin) + ".")
        groups.append({"key": key, "title": titles[key], "chart": chart,
                       "svg": chart.svg(id=f"flux-{key}-svg", with_title=False) if chart else ""})
    from reperes.charts.flows import flow_diagram

    diagram = flow_diagram(prescripteurs, destinations, title="Des prescripteurs aux sorties : les flux du PLIE",
                           source_label="De", destination_label="Vers",
                           source="Repères, données du PLIE, accompagnés " + mx.period_text(debut, fin) + ".",
                           suppressed=formats.suppressed(seuil))
    return {"groups": groups, "period": (debut, fin), "raw": raw, "seuil": seuil, "diagram": diagram,
            "diagram_svg": diagram.svg(id="flux-svg", with_title=False)}
