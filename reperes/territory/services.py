"""Domain logic of the territory: create a PLIE's perimeter, summarise it, find its contours."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Sum

from .models import Commune, Contour, Territory
from .reference import read_contours


class TerritoryError(ValueError):
    """A French message the user can act on."""


@dataclass
class EpciSummary:
    siren: str
    nom: str
    communes: int
    population: int


def _split(codes) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace(";", ",").split(",")
    return [c.strip() for c in codes or [] if c and c.strip()]


@transaction.atomic
def create_territory(name: str, *, epci=(), communes=(), make_current: bool = True) -> Territory:
    """Create (or replace, by name) a territory from EPCI SIRENs and/or commune codes."""
    name = (name or "").strip()
    if not name:
        raise TerritoryError("Donnez un nom au territoire (par exemple « PLIE du Pays Terres de Lorraine »).")
    sirens = _split(epci)
    codes = [c.zfill(5) if c.isdigit() else c.upper() for c in _split(communes)]
    if not sirens and not codes:
        raise TerritoryError("Indiquez au moins un EPCI (--epci SIREN) ou une commune (--communes CODE).")
    known_sirens = set(Commune.objects.filter(epci_siren__in=sirens).values_list("epci_siren", flat=True))
    unknown = [s for s in sirens if s not in known_sirens]
    if unknown:
        raise TerritoryError(
            "EPCI inconnu(s) dans le référentiel des communes : " + ", ".join(unknown)
            + ". Vérifiez le numéro SIREN (9 chiffres) sur la fiche de l'intercommunalité (BANATIC ou INSEE).")
    members = set(Commune.objects.filter(epci_siren__in=sirens).values_list("code", flat=True))
    known_codes = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in known_codes]
    if missing:
        raise TerritoryError("Commune(s) inconnue(s) dans le référentiel : " + ", ".join(missing)
                             + ". Utilisez le code INSEE à 5 caractères (pas le code postal).")
    territory, _ = Territory.objects.update_or_create(name=name, defaults={"epci_sirens": sirens})
    territory.communes.set(members | known_codes)
    if make_current:
        from reperes.configuration.models import Installation

        installation = Installation.get()
        installation.territory = territory
        installation.save(update_fields=["territory"])
    return territory


def current_territory() -> Territory | None:
    from reperes.configuration.models import Installation

    return Installation.get().territory


def epci_summaries(territory: Territory) -> list[EpciSummary]:
    rows = (territory.communes.values("epci_siren", "epci_nom")
            .annotate(n=Count("code"), pop=Sum("population")).order_by("-pop"))
    return [EpciSummary(r["epci_siren"], r["epci_nom"], r["n"], r["pop"] or 0) for r in rows]


def contours_for(territory: Territory) -> tuple[dict[str, dict], dict[str, str], list[str]]:
    """(code → geometry, code → name, codes whose contour is missing)."""
    communes = dict(territory.communes.values_list("code", "nom"))
    geometries = dict(Contour.objects.filter(code__in=communes).values_list("code", "geometry"))
    missing = sorted(c for c in communes if c not in geometries)
    return geometries, communes, missing


@transaction.atomic
def load_contours(path, source: str = "") -> tuple[int, int]:
    """Add or replace commune contours from a GeoJSON file: (loaded, unknown codes skipped)."""
    known = set(Commune.objects.values_list("code", flat=True))
    loaded = skipped = 0
    batch = []
    for code, name, geometry in read_contours(path):
        if code not in known:
            skipped += 1
            continue
        batch.append(Contour(code=code, nom=name, geometry=geometry, source=source or str(path)))
        loaded += 1
    if not batch and not skipped:
        raise TerritoryError("Aucun contour de commune (Polygon ou MultiPolygon avec un code INSEE) "
                             "n'a été trouvé dans ce fichier.")
    Contour.objects.bulk_create(batch, batch_size=200, update_conflicts=True, unique_fields=["code"],
                                update_fields=["nom", "geometry", "source"])
    return loaded, skipped


def ensure_reference() -> bool:
    """Load the bundled communes and contours when the tables are empty (e.g. after a flush).

    The migration loads them on a new database; this restores them where a
    test or an operator emptied the tables. Returns True when it loaded.
    """
    if Commune.objects.exists():
        return False
    from .rows import load_bundled_reference

    load_bundled_reference(Commune, Contour)
    return True


def place_names(codes) -> dict[str, str]:
    """Commune code or EPCI SIREN → its name (« Toul », « CC Terres Touloises »), from the bundled reference."""
    from reperes.territory.models import Commune

    codes = {c for c in codes if c}
    if not codes:
        return {}
    names = dict(Commune.objects.filter(code__in=codes).values_list("code", "nom"))
    names.update(Commune.objects.filter(epci_siren__in=codes).values_list("epci_siren", "epci_nom").distinct())
    return names
