"""The analysis dashboards: one page per theme, filtered through htmx, each table exportable.

Thin views: :mod:`reperes.analyses.services` builds (and caches) the pages;
partners get the disclosure-controlled version, staff the raw one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record

from . import exports, services


def _context(request):
    from reperes.configuration.models import Installation

    installation = Installation.get()
    territory = installation.territory
    epcis = {}
    if territory is not None:
        epcis = territory.epci_names()
    raw = request.user.can("view_raw_aggregates")
    filters = services.parse_filters(request.GET, installation.default_period(), epcis, partner=not raw)
    return installation, filters, raw, sorted(epcis.items(), key=lambda item: item[1])


def _retain_url(request) -> str:
    """« Retenir comme preuve » (the evaluation register), for those who write findings, when the app is there."""
    from django.urls import NoReverseMatch

    if not request.user.can("run_analyses"):
        return ""
    try:
        return reverse("evaluation:retain")
    except NoReverseMatch:
        return ""


def _page(request, theme: str):
    installation, filters, raw, epcis = _context(request)
    result = services.page(theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
    context = {
        "page": result, "filters": filters, "epcis": epcis, "themes": services.THEMES, "theme": theme,
        "profile_choices": services.profile_choices(), "breakdowns": services.PROFILES,
        "query_string": urlencode(filters.query()), "export_url": reverse("analyses:export"),
        "summary": services.THEMES[theme][1], "retain_url": _retain_url(request),
    }
    template = "analyses/_results.html" if request.headers.get("HX-Request") else "analyses/page.html"
    return render(request, template, context)


@requires("view_aggregates")
def home(request):
    return _page(request, "home")


@requires("view_aggregates")
def publics(request):
    return _page(request, "publics")


@requires("view_aggregates")
def parcours(request):
    return _page(request, "parcours")


@requires("view_aggregates")
def actions(request):
    return _page(request, "actions")


@requires("view_aggregates")
def sorties(request):
    return _page(request, "sorties")


@requires("view_aggregates")
def chart(request, key: str):
    """One chart of a page, drawn on its own request (htmx swaps it in place of its placeholder)."""
    theme = request.GET.get("page") if request.GET.get("page") in services.THEMES else "home"
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        return HttpResponse("Graphique introuvable.", status=404, content_type="text/plain; charset=utf-8")
    installation, filters, raw, _ = _context(request)
    download = request.GET.get("telecharger")
    if download in ("png", "svg"):
        content = services.chart_file(key, download, theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
        if content is None:
            return HttpResponse("Ce graphique n'est plus à jour : rechargez la page puis téléchargez-le à nouveau.",
                                status=404, content_type="text/plain; charset=utf-8")
        record(Action.EXPORT, request=request, target=f"analyses:{theme}:graphique", format=download,
               diffusion=not raw, periode=[filters.debut.isoformat(), filters.fin.isoformat()])
        response = HttpResponse(content, content_type="image/png" if download == "png" else "image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="reperes-graphique-{theme}-{key[:8]}.{download}"'
        return response
    svg = services.chart_svg(key, theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
    if svg is None:
        # The data changed since the page was shown (an import): the page has other charts now.
        return HttpResponse('<p class="rp-note">Ce graphique n\'est plus à jour : rechargez la page.</p>',
                            content_type="text/html; charset=utf-8")
    return HttpResponse(svg, content_type="text/html; charset=utf-8")


@requires("view_aggregates")
def export(request):
    installation, filters, raw, _ = _context(request)
    # Without parameters: the key indicators of the default period, as XLSX.
    theme = request.GET.get("page") or "home"
    block_id = request.GET.get("bloc") or ("indicateurs" if theme == "home" else "")
    fmt = request.GET.get("format") or "xlsx"
    if theme not in services.THEMES or fmt not in exports.FORMATS:
        return render(request, "analyses/export_error.html", {
            "message": "Ce tableau ne peut pas être exporté : la page ou le format demandé n'existe pas "
                       "(formats possibles : XLSX, CSV pour Excel (France) ou CSV standard). Revenez à la page d'analyse et utilisez ses liens "
                       "d'export."}, status=400)
    result = services.page(theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
    block = result.block(block_id)
    if block is None or not block.headers:
        return render(request, "analyses/export_error.html", {
            "message": "Ce tableau n'existe pas sur cette page (ou n'a pas de données pour ces filtres). "
                       "Revenez à la page d'analyse et utilisez ses liens d'export."}, status=404)
    content = exports.render(result, block, fmt)
    record(Action.EXPORT, request=request, target=f"analyses:{theme}:{block.id}", format=fmt,
           diffusion=not raw, periode=[filters.debut.isoformat(), filters.fin.isoformat()],
           epci=filters.epci, profil=filters.profil)
    response = HttpResponse(content, content_type=exports.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(result, block, fmt)}"'
    return response


@requires("view_aggregates")
def definitions(request):
    """Every indicator's definition, generated from the registry (the contract users cannot open as a file)."""
    from reperes.analytics import registry
    from reperes.analytics.indicators import CORE_INDICATORS, ESF_INDICATORS

    units = {registry.NOMBRE: "nombre", registry.TAUX: "taux (en %)", registry.MOIS: "durée en mois",
             registry.RATIO: "moyenne par personne", registry.REPARTITION: "répartition",
             registry.POUR_1000: "pour 1 000 habitants"}
    staff = request.user.can("view_raw_aggregates")

    def entries(indicators):
        return [{"ind": i, "unit": units.get(i.unit, i.unit)} for i in indicators if staff or not i.staff_only]

    sections = [("coeur", "Indicateurs du PLIE", entries(CORE_INDICATORS)),
                ("fse", "Indicateurs communs du FSE+", entries(ESF_INDICATORS))]
    return render(request, "analyses/definitions.html", {"sections": sections})
