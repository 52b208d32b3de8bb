"""What the « Tableau de bord » shows, computed once per request (thin view)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from reperes.collection.models import Acquis, Action, Etape, ImportRun, Participant, SuiviFrein
from reperes.configuration.models import Installation
from reperes.territory.services import contours_for, epci_summaries


@dataclass
class Dashboard:
    installation: Installation
    period: tuple
    raw: bool  # staff see raw counts; partners the disclosure-controlled ones
    territory: object = None
    epcis: list = field(default_factory=list)
    communes: int = 0
    population: int = 0
    counts: list = field(default_factory=list)  # (label, value or None when suppressed)
    accompagnes: int | None = None
    imports: list = field(default_factory=list)
    territory_map: object = None
    territory_map_svg: str = ""
    coverage_map: object = None
    coverage_map_svg: str = ""
    missing_contours: list = field(default_factory=list)



def build(user) -> Dashboard:
    from reperes.analytics.disclosure import protect_counts

    installation = Installation.get()
    debut, fin = installation.default_period()
    raw = user.can("view_raw_aggregates")
    if not raw:  # partners: one whole calendar year, as every partner answer (no differencing)
        from reperes.analytics.disclosure import whole_year

        debut, fin, _message = whole_year(debut, fin)
    board = Dashboard(installation=installation, period=(debut, fin), raw=raw,
                      territory=installation.territory)
    seuil = installation.seuil

    counts = {
        "Parcours (participants)": Participant.objects.count(),
        "Étapes de parcours": Etape.objects.count(),
        "Actions du PLIE": Action.objects.count(),
        "Évaluations de freins": SuiviFrein.objects.count(),
        "Acquis": Acquis.objects.count(),
    }
    accompagnes = Participant.objects.accompagnes(debut, fin).count()
    if not raw:
        counts = {label: protect_counts({"n": n}, seuil)[0]["n"] for label, n in counts.items()}
        accompagnes = protect_counts({"n": accompagnes}, seuil)[0]["n"]
    board.counts = list(counts.items())
    board.accompagnes = accompagnes
    if user.can("manage_imports") or raw:
        board.imports = list(ImportRun.objects.history().select_related("user")[:5])

    territory = installation.territory
    if territory is not None:
        board.epcis = epci_summaries(territory)
        board.communes = sum(e.communes for e in board.epcis)
        board.population = sum(e.population for e in board.epcis)
        geometries, names, missing = contours_for(territory)
        board.missing_contours = [(code, names[code]) for code in missing]
        groups = dict(territory.communes.values_list("code", "epci_nom"))
        by_commune = dict(Participant.objects.accompagnes(debut, fin)
                          .values_list("commune_residence").annotate(n=Count("id")))
        values = {code: by_commune.get(code, 0) for code in names}
        if not raw:
            values, _ = protect_counts(values, seuil, total=sum(values.values()))
        from . import maps

        board.territory_map = maps.territory_outline(geometries, names, groups, territory.name)
        board.coverage_map = maps.accompagnes_map(geometries, names, values, (debut, fin), seuil, raw)
        contour_key = (territory.pk, sorted(geometries), len(names))
        board.territory_map_svg = maps.cached_svg(board.territory_map, "carte-territoire-svg",
                                                  (contour_key, sorted(groups.items())))
        board.coverage_map_svg = maps.cached_svg(board.coverage_map, "carte-accompagnes-svg",
                                                 (contour_key, sorted(values.items()), raw, seuil, debut, fin))
    return board
