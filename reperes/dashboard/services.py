"""What the « Tableau de bord » shows, computed once per request (thin view)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from reperes import formats
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
    years: tuple[int, int] | None = None  # first and last year the data cover
    todo: list = field(default_factory=list)  # (what is missing, link text, url or "")
    comparison: list = field(default_factory=list)  # Comparison rows: this period against the year before
    previous_period: tuple | None = None
    comparison_has_secret: bool = False  # a partner's comparison holds « s »: its legend under the table
    secret_legend: str = ""


SUPPRESSED = formats.SUPPRESSED  # « s »: the one mark of a secret cell


@dataclass
class Comparison:
    label: str
    definition: str
    current: object  # int, rate (0–1), or None when hidden or absent
    previous: object
    rate: bool = False

    @property
    def change(self):
        """The difference (points for a rate): « s » when either side is secret, None when one is absent."""
        if SUPPRESSED in (self.current, self.previous):
            return SUPPRESSED
        if not isinstance(self.current, int | float) or not isinstance(self.previous, int | float):
            return None
        return self.current - self.previous


# What each count is, in plain words: a « parcours » is not a person, and the counts cover every year.
COUNT_LABELS = {
    "participants": "parcours enregistrés, toutes années confondues (une personne revenue au PLIE en a plusieurs)",
    "etapes": "étapes de parcours (ateliers, formations, emplois…), toutes années",
    "actions": "actions programmées par le PLIE",
    "freins": "évaluations de freins (suivi des difficultés des participants)",
    "acquis": "acquis enregistrés (permis, qualification, RQTH…)",
}


def _shift_year(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_figures(debut, fin) -> dict[str, int]:
    """Accompanied, entries, exits and positive exits of a period (bounds included), counted in the database."""
    from reperes import referentiel as ref

    positive = [c.code for c in ref.MOTIF_SORTIE if ref.category_of(c.code) == ref.SORTIE_POSITIVE]
    exits = Participant.objects.filter(date_sortie__gte=debut, date_sortie__lte=fin)
    return {
        "accompagnes": Participant.objects.accompagnes(debut, fin).count(),
        "entrees": Participant.objects.filter(date_entree__gte=debut, date_entree__lte=fin).count(),
        "sorties": exits.count(),
        "positives": exits.filter(motif_sortie__in=positive).count(),
    }


def partner_figures(debut, fin, seuil: int) -> dict[str, int | float | None]:
    """The same four figures for partners: the cells of the period's publication (« s » when secret, ``None``
    for a rate without exits)."""
    from reperes.analyses import partner

    protected = partner.period(debut, fin, seuil).protected

    def cell(name: str):  # a rate without exits is not a figure of the publication
        name = "indicateurs." + name
        if name not in protected.publication:
            return None
        return SUPPRESSED if protected.is_secret(name) else protected.value(name)

    return {"accompagnes": cell("participants_accompagnes"), "entrees": cell("entrees"),
            "sorties": cell("sorties"), "taux": cell("taux_sorties_positives")}


def compare(debut, fin, *, raw: bool, seuil: int) -> list[Comparison]:
    """The key figures of the period against the same period a year before.

    Partners read both years from their publications (each a whole calendar year: the same cells as the
    partner report and ``reperes indicators --diffusion`` of that year)."""
    if raw:
        now = period_figures(debut, fin)
        before = period_figures(_shift_year(debut), _shift_year(fin))
    else:
        now = partner_figures(debut, fin, seuil)
        before = partner_figures(_shift_year(debut), _shift_year(fin), seuil)

    def rate(figures):
        if "taux" in figures:  # partners: the publication's rate, or « s »
            return figures["taux"]
        return figures["positives"] / figures["sorties"] if figures["sorties"] else None

    return [
        Comparison("Participants accompagnés", "parcours en cours à un moment de la période",
                   now["accompagnes"], before["accompagnes"]),
        Comparison("Entrées", "parcours commencés pendant la période", now["entrees"],
                   before["entrees"]),
        Comparison("Sorties", "parcours terminés pendant la période", now["sorties"], before["sorties"]),
        Comparison("Taux de sorties positives", "sorties positives (emploi durable, formation qualifiante…) "
                   "sur l'ensemble des sorties de la période", rate(now), rate(before), rate=True),
    ]


def covered_years() -> tuple[int, int] | None:
    from django.db.models import Max, Min

    span = Participant.objects.aggregate(first=Min("date_entree"), last_in=Max("date_entree"),
                                         last_out=Max("date_sortie"))
    if span["first"] is None:
        return None
    last = max(d for d in (span["last_in"], span["last_out"]) if d is not None)
    return span["first"].year, last.year


def todo_list(user, territory) -> list[tuple[str, str, str]]:
    """What the PLIE has not loaded yet, each with the link to do it (when this user may)."""
    from django.urls import reverse

    from reperes.offer.models import Service
    from reperes.surveys.models import Campaign

    items = []

    def add(text, link_text, url_name, permission):
        allowed = user.can(permission)
        items.append((text, link_text if allowed else "", reverse(url_name) if allowed else ""))

    if territory is None:
        add("Aucun territoire n'est défini : les cartes et les taux par habitant ne peuvent pas être calculés.",
            "Définir le territoire", "configuration:territory_create", "manage_settings")
    if not Participant.objects.exists():
        add("Aucun parcours n'est chargé : les analyses sont vides.", "Importer les données du PLIE",
            "collection:import_upload", "manage_imports")
    elif not Etape.objects.exists():
        add("Aucune étape de parcours n'est chargée : les analyses des parcours et des actions sont vides.",
            "Importer les étapes", "collection:import_upload", "manage_imports")
    if not Action.objects.exists() and Participant.objects.exists():
        add("Aucune action du PLIE n'est chargée : les coûts par action ne peuvent pas être calculés.",
            "Importer les actions", "collection:import_upload", "manage_imports")
    if not Service.objects.exists():
        add("Pas encore de catalogue de l'offre d'insertion : la matrice besoins × offre est vide.",
            "Importer l'offre (data·inclusion)", "offer:import", "manage_imports")
    if not Campaign.objects.exists():
        add("Pas encore d'enquête auprès des participants : leur point de vue manque à l'évaluation.",
            "Préparer une enquête", "surveys:home", "run_analyses")
    return items



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
        COUNT_LABELS["participants"]: Participant.objects.count(),
        COUNT_LABELS["etapes"]: Etape.objects.count(),
        COUNT_LABELS["actions"]: Action.objects.count(),
        COUNT_LABELS["freins"]: SuiviFrein.objects.count(),
        COUNT_LABELS["acquis"]: Acquis.objects.count(),
    }
    accompagnes = Participant.objects.accompagnes(debut, fin).count()
    if not raw:
        counts = {label: protect_counts({"n": n}, seuil)[0]["n"] for label, n in counts.items()}
        accompagnes = partner_figures(debut, fin, seuil)["accompagnes"]
    board.counts = list(counts.items())
    board.accompagnes = accompagnes
    board.years = covered_years()
    board.todo = todo_list(user, installation.territory)
    if board.years is not None:
        board.comparison = compare(debut, fin, raw=raw, seuil=seuil)
        board.comparison_has_secret = any(SUPPRESSED in (c.current, c.previous) for c in board.comparison)
        board.secret_legend = formats.suppression_legend(seuil)
        board.previous_period = (_shift_year(debut), _shift_year(fin))
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
        if not raw:  # the map shows the cells of the analyses page « Publics » (one decision for the territory)
            from reperes.analyses import partner

            cells = partner.territory(debut, fin, seuil)
            values = {code: cells.commune(code, "accompagnes") for code in names}
        from . import maps

        board.territory_map = maps.territory_outline(geometries, names, groups, territory.name)
        board.coverage_map = maps.accompagnes_map(geometries, names, values, (debut, fin), seuil, raw, groups)
        contour_key = (territory.pk, sorted(geometries), len(names))
        board.territory_map_svg = maps.cached_svg(board.territory_map, "carte-territoire-svg",
                                                  (contour_key, sorted(groups.items())))
        board.coverage_map_svg = maps.cached_svg(board.coverage_map, "carte-accompagnes-svg",
                                                 (contour_key, sorted(values.items()), raw, seuil, debut, fin,
                                                  sorted(groups.items())))
    return board
