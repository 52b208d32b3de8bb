"""The needs × offer matrix (issue « Territoire et offre », § 4), and the rules it applies.

Rows: one per EPCI of the territory × each data·inclusion category that the territory's needs or offer
touch: a category that a barrier (référentiel ``FREINS``) maps to and that some accompagné of the territory had
at entry (demande > 0 in some EPCI), or a category of a service that covers a commune of the territory. A
category that neither touches (a service in Lille for a territory in Lorraine, a barrier nobody had) has no row.

- ``demande``: accompagnés of the period who had, at entry, a barrier of that
  category (a person counted once per category).
- ``public_potentiel``: an estimate, ``null`` without France Travail / DARES
  figures: long-term job seekers of the EPCI (latest vintage) × the share of the
  EPCI's accompagnés who had that barrier.
- A service covers a commune of the EPCI when its ``zone_eligibilite`` names
  the EPCI, the commune, the commune's département, or ``france`` (or
  ``99100``). An empty zone means the EPCI of the service's own commune
  (stated assumption). ``couverture``: ``totale`` when the services together
  cover every commune of the EPCI, ``partielle`` when some, ``aucune``.
- ``services``: services covering at least one commune of the EPCI with a
  thématique of the category; ``places``: the sum of their capacity when every
  one of them states it, else ``null``.
- ``actions_plie``: the PLIE's own actions, étapes started in the period by
  accompagnés living in the EPCI whose step type works on a barrier of that
  category (référentiel ``ETAPE_FREINS``); an étape counted once per category.
- ``statut``, first rule that applies: ``carence`` (demande > 0, no service and
  no PLIE action), ``plie_seul`` (demande > 0, no service, PLIE actions),
  ``doublon`` (two or more services of the same type — empty = « non précisé » —
  with overlapping publics — empty = ``tous-publics``, which overlaps any
  public), ``sans_besoin`` (no demande, whatever the offer), ``plie_et_services``
  (a demande, PLIE actions and services side by side), ``partiel``
  (a demande, services covering only some communes of the EPCI), ``couvert``
  (a demande, services covering every commune). A row never reads « Couvert »
  beside a partial coverage or a demande of 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from data_inclusion.schema.v1 import Categorie, Public

from reperes import referentiel as ref

NON_PRECISE = "non-precise"
FRANCE = ("france", "99100")
STATUTS = ("carence", "plie_seul", "partiel", "doublon", "plie_et_services", "couvert", "sans_besoin")
STATUT_LABELS = {"carence": "Carence", "plie_seul": "Assuré par le PLIE seul", "partiel": "Couverture partielle",
                 "doublon": "Doublon possible", "plie_et_services": "PLIE et autres services",
                 "couvert": "Couvert", "sans_besoin": "Sans besoin exprimé"}
# The evaluation file (docs/evaluation.md, evidence ``matrice``) knows three statuses: a gap, an overlap, or
# the need met (by the PLIE, by services, partly — ``couverture`` says how much — or no need expressed).
CONTRACT_STATUT = {"carence": "carence", "doublon": "doublon", "plie_seul": "couvert", "partiel": "couvert",
                   "plie_et_services": "couvert", "couvert": "couvert", "sans_besoin": "couvert"}
# The rule, as the matrix page states it under the grid.
STATUT_RULE = (
    "Statut, première règle qui s’applique : carence – une demande, aucun service et aucune action du PLIE ; "
    "assuré par le PLIE seul – une demande, aucun service des autres acteurs, mais des actions du PLIE ; "
    "doublon possible – au moins deux services du même type, aux publics qui se recoupent, dans la même "
    "catégorie ; sans besoin exprimé – aucune demande (qu’il y ait une offre ou non) ; PLIE et autres services – "
    "une demande, des actions du PLIE et des services d’autres acteurs (voir la couverture) ; couverture partielle – une demande et des services qui ne "
    "couvrent qu'une partie des communes de l'intercommunalité ; couvert – une demande et des services qui "
    "couvrent toutes ses communes.")
COUVERTURE_LABELS = {"totale": "Totale", "partielle": "Partielle", "aucune": "Aucune"}
ASSUMPTIONS = (
    "Seules figurent les catégories que le territoire touche : un frein déclaré à l'entrée par un accompagné de la "
    "période, ou un service couvrant une de ses communes.",
    "Un service sans zone d'éligibilité est réputé couvrir l'intercommunalité (EPCI) de sa propre commune.",
    "Un service sans type compte comme un type « non précisé ».",
    "Un service sans publics est réputé ouvert à tous les publics (« tous-publics »), qui recoupe tout autre public.",
    "Un service couvre une commune quand sa zone d'éligibilité nomme la commune, son EPCI, son département ou la "
    "France entière.",
    "Actions du PLIE : étapes commencées dans la période par les accompagnés résidant dans l’intercommunalité, "
    "dont le type agit sur un frein de la catégorie (action mobilité, santé, logement, garde d’enfants, inclusion "
    "numérique, remobilisation, savoirs de base, accompagnement social pour les difficultés financières, "
    "administratives ou juridiques) ; une étape compte une fois par catégorie ; les étapes d’emploi, de formation "
    "qualifiante et d’orientation ne sont pas comptées.",
    "Places : somme des capacités des services, indiquée seulement quand chacun d'eux la connaît.",
    "Public potentiel : estimation, demandeurs d'emploi de longue durée de l'EPCI (France Travail / DARES, dernier "
    "millésime) × part des accompagnés de l'EPCI ayant ce frein ; vide sans ces chiffres.",
)


def category_of_thematique(code: str) -> str | None:
    """The data·inclusion category of a thématique (its prefix), or of a category code itself."""
    prefix = str(code).split("--", 1)[0]
    try:
        return Categorie(prefix).value
    except ValueError:
        return None


def category_label(code: str) -> str:
    try:
        return Categorie(code).label
    except ValueError:
        return code


def barrier_categories() -> list[str]:
    found = []
    for code in ref.FREINS.codes():
        category = ref.datainclusion_category_of(code)
        if category and category not in found:
            found.append(category)
    return found


@dataclass(frozen=True)
class OfferService:
    id: str
    type: str
    categories: frozenset[str]
    publics: frozenset[str]
    zone: tuple[str, ...]
    commune: str  # INSEE code of its place (or its structure's)
    places: int | None


@dataclass(frozen=True)
class Geo:
    """Communes of the territory: code → (EPCI SIREN, département); plus every commune's EPCI for empty zones."""

    communes: dict[str, tuple[str, str]]
    epci_names: dict[str, str]
    epci_of: dict[str, str]  # any commune → its EPCI (for a service located outside the territory)

    def members(self, epci: str) -> set[str]:
        return {c for c, (e, _) in self.communes.items() if e == epci}


def covered_communes(service: OfferService, epci: str, geo: Geo) -> set[str]:
    members = geo.members(epci)
    zone = [z.strip() for z in service.zone if z and z.strip()]
    if not zone:
        own = geo.epci_of.get(service.commune)
        return set(members) if own == epci else set()
    covered: set[str] = set()
    for code in zone:
        low = code.lower()
        if low in FRANCE:
            return set(members)
        if len(code) == 9 and code.isdigit():
            if code == epci:
                return set(members)
        elif len(code) == 5:
            if code in members:
                covered.add(code)
        else:
            covered |= {c for c in members if geo.communes[c][1] == code.upper().zfill(2)}
    return covered


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    every = Public.TOUS_PUBLICS.value
    a = a or frozenset({every})
    b = b or frozenset({every})
    return every in a or every in b or bool(a & b)


def is_doublon(services: list[OfferService]) -> bool:
    by_type: dict[str, list[OfferService]] = {}
    for s in services:
        by_type.setdefault(s.type or NON_PRECISE, []).append(s)
    for group in by_type.values():
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                if _overlap(first.publics, second.publics):
                    return True
    return False


def statut(demande: int, services: list[OfferService], couverture: str = "totale", actions_plie: int = 0) -> str:
    if demande > 0 and not services:
        return "plie_seul" if actions_plie > 0 else "carence"
    if len(services) >= 2 and is_doublon(services):
        return "doublon"
    if demande <= 0:
        return "sans_besoin"
    if actions_plie > 0:
        return "plie_et_services"
    if couverture == "partielle":
        return "partiel"
    return "couvert"


def demande_frame(participants: pl.DataFrame) -> pl.DataFrame:
    """(epci, thematique, demande) from accompagnés with columns ``epci`` and ``freins_entree`` (list)."""
    mapping = {code: ref.datainclusion_category_of(code) for code in ref.FREINS.codes()}
    if participants.height == 0:
        return pl.DataFrame(schema={"epci": pl.String, "thematique": pl.String, "demande": pl.Int64})
    frame = (participants.with_row_index("__row").select("__row", "epci", "freins_entree").explode("freins_entree")
             .with_columns(pl.col("freins_entree").replace_strict(mapping, default=None, return_dtype=pl.String)
                           .alias("thematique"))
             .filter(pl.col("thematique").is_not_null())
             .unique(subset=["__row", "thematique"]))
    return frame.group_by("epci", "thematique").agg(pl.len().cast(pl.Int64).alias("demande"))


def actions_frame(etapes: pl.DataFrame | None) -> dict[tuple[str, str], int]:
    """(epci, category) → PLIE étapes, from étapes with columns ``epci`` and ``type_etape``.

    An étape counts once in each category its type works on (référentiel ``ETAPE_FREINS``)."""
    counts: dict[tuple[str, str], int] = {}
    if etapes is None or etapes.height == 0:
        return counts
    for epci, type_etape in etapes.select("epci", "type_etape").iter_rows():
        for category in ref.datainclusion_categories_of_etape(type_etape):
            counts[(epci, category)] = counts.get((epci, category), 0) + 1
    return counts


def build_cells(*, geo: Geo, epcis: list[str], services: list[OfferService], participants: pl.DataFrame,
                long_term: dict[str, float | None], etapes: pl.DataFrame | None = None) -> list[dict]:
    """The raw matrix cells (no disclosure control), in the order EPCI × category."""
    demand = {(r["epci"], r["thematique"]): r["demande"] for r in demande_frame(participants).iter_rows(named=True)}
    actions = actions_frame(etapes)
    per_epci = dict(participants.group_by("epci").len().iter_rows()) if participants.height else {}
    categories = barrier_categories()
    for _, c in actions:
        if c not in categories:
            categories.append(c)
    for s in services:
        for c in sorted(s.categories):
            if c not in categories:
                categories.append(c)
    order = {c.value: i for i, c in enumerate(Categorie)}
    categories.sort(key=lambda c: order.get(c, 99))
    cells = []
    touched: set[str] = set()  # categories with a demande or a covering service somewhere in the territory
    for epci in epcis:
        members = geo.members(epci)
        coverage = {s.id: covered_communes(s, epci, geo) for s in services}
        for category in categories:
            present = [s for s in services if category in s.categories and coverage[s.id]]
            union = set().union(*(coverage[s.id] for s in present)) if present else set()
            couverture = "aucune" if not union else ("totale" if union >= members else "partielle")
            demande = int(demand.get((epci, category), 0))
            total = per_epci.get(epci, 0)
            deld = long_term.get(epci)
            potentiel = round(deld * demande / total) if deld is not None and total else None
            places = (sum(s.places for s in present) if present and all(s.places is not None for s in present)
                      else None)
            actions_plie = int(actions.get((epci, category), 0))
            if demande or present or actions_plie:
                touched.add(category)
            cells.append({"epci": epci, "thematique": category, "demande": demande, "public_potentiel": potentiel,
                          "services": len(present), "actions_plie": actions_plie, "places": places,
                          "couverture": couverture, "statut": statut(demande, present, couverture, actions_plie)})
    return [c for c in cells if c["thematique"] in touched]


def protect(cells: list[dict], seuil: int) -> tuple[list[dict], list[str]]:
    """The --diffusion version: a demande from 1 to seuil − 1 is hidden, and the estimate derived from it.

    ``actions_plie`` (étapes of a few people) is protected the same way, on its own."""
    from reperes.analytics.disclosure import protect_counts

    values = {i: c["demande"] for i, c in enumerate(cells)}
    protected = protect_counts(values, seuil)
    actions = protect_counts({i: c.get("actions_plie", 0) for i, c in enumerate(cells)}, seuil).values
    out, secret = [], []
    for i, cell in enumerate(cells):
        cell = dict(cell)
        if "actions_plie" in cell and actions[i] is None:
            cell["actions_plie"] = None
            secret.append(f"cells.{i}.actions_plie")
        if protected.values[i] is None:
            cell["demande"] = None
            secret.append(f"cells.{i}.demande")
            if cell["public_potentiel"] is not None:
                cell["public_potentiel"] = None
                secret.append(f"cells.{i}.public_potentiel")
        out.append(cell)
    return out, secret


def period_text(debut: dt.date, fin: dt.date) -> str:
    from reperes import formats

    return f"du {formats.date(debut)} au {formats.date(fin)}"
