"""Fictitious territorial figures and offer catalogue for the demo (Terres de Lorraine).

Every figure loaded here is stored with ``fictif=True`` under the source
« Démonstration (chiffres fictifs) » and shown as such: no invented figure is
ever presented as official. The catalogue is written as a data·inclusion v1
export, built with the package's own models, then imported through the real
importer.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
from data_inclusion.schema.v1 import Service, Structure

from reperes.offer import stats_files as st

DEMO_SOURCE = "Démonstration (chiffres fictifs)"
DEMO_VINTAGE = "2019"


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def figures_frame(communes: list[tuple[str, str, int]]) -> pl.DataFrame:
    """Plausible figures from each commune's population: (code, epci, population) → long cells.

    Rates are deliberately round and documented: DEFM A-B-C ≈ 7,5 % of the population
    (rounded to 10 like the published series), long-term ≈ 45 % of them, RSA households
    ≈ 3 % (rounded to 5); below the sources' own thresholds the cell is secret (``s``).
    """
    rows, epci_totals = [], {}
    for code, epci, pop in communes:
        factor = 1.0 + ((int(code[-3:]) * 37) % 21 - 10) / 40  # ± 25 %, stable per commune
        values = {st.POPULATION: pop, st.DEFM_ABC: _round(pop * 0.075 * factor, 10),
                  st.DELD: _round(pop * 0.075 * 0.45 * factor, 10),
                  st.RSA_HOUSEHOLDS: _round(pop * 0.03 * factor, 5)}
        for name, value in values.items():
            secret = name != st.POPULATION and value < 10
            rows.append((code, "commune", name, value, secret))
            totals = epci_totals.setdefault(epci, {})
            totals[name] = totals.get(name, 0) + value
    for epci, totals in epci_totals.items():
        for name, value in totals.items():
            rows.append((epci, "epci", name, value, False))
    frame = pl.DataFrame(rows, schema={"code_geo": pl.String, "niveau": pl.String, "indicateur": pl.String,
                                       "valeur": pl.Float64, "secret": pl.Boolean}, orient="row")
    return frame.with_columns(pl.lit(DEMO_VINTAGE).alias("millesime"), pl.lit(DEMO_SOURCE).alias("source"),
                              pl.when(pl.col("secret")).then(None).otherwise(pl.col("valeur")).alias("valeur"))


def load_figures(territory) -> int:
    from reperes.offer.models import StatImport
    from reperes.offer.stats_import import store

    communes = list(territory.communes.values_list("code", "epci_siren", "population"))
    run = StatImport.objects.create(source="demo", source_name="démo (chiffres fictifs)", fictif=True,
                                    report={"status": "ok", "stored": True})
    return store(figures_frame(communes), run)


TODAY = dt.date(2024, 6, 1)
STRUCTURES = (
    ("demo--ml", "Mission locale Terres de Lorraine (fictive)", "54528", {"mission-locale"}),
    ("demo--ft", "France Travail Toul (fictive)", "54528", {"france-travail"}),
    ("demo--ccas", "CCAS de Toul (fictif)", "54528", {"ccas-cias"}),
    ("demo--mob", "Plateforme mobilité du Toulois (fictive)", "54528", set()),
    ("demo--num", "Espace numérique du Saintois (fictif)", "54490", {"espaces-publics-numeriques"}),
    ("demo--cd", "Maison départementale des solidarités (fictive)", "54431", {"departements"}),
)
# (id, structure, nom, type, thématiques, publics, zone, places)
SERVICES = (
    ("demo--ml-1", "demo--ml", "Accompagnement des jeunes vers l'emploi", "accompagnement",
     {"choisir-un-metier--identifier-ses-points-forts-et-ses-competences", "trouver-un-emploi--repondre-a-des-offres-demploi"},
     {"jeunes"}, ["200070563", "245400171", "200035772", "245400510"], 400),
    ("demo--ft-1", "demo--ft", "Ateliers de recherche d'emploi", "atelier",
     {"preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"}, {"demandeurs-emploi"}, ["54"], None),
    ("demo--ccas-1", "demo--ccas", "Aide budgétaire et microcrédit", "aide-financiere",
     {"difficultes-financieres--ameliorer-sa-gestion-budgetaire"}, set(), ["54528"], 60),
    ("demo--mob-1", "demo--mob", "Location solidaire de scooters", "aide-materielle",
     {"mobilite--acceder-a-un-vehicule"}, {"demandeurs-emploi", "beneficiaires-des-minimas-sociaux"}, [], 40),
    ("demo--mob-2", "demo--mob", "Préparation au permis de conduire", "formation",
     {"mobilite--preparer-un-permis"}, set(), ["200070563", "245400171"], 30),
    ("demo--num-1", "demo--num", "Ateliers d'initiation au numérique", "atelier",
     {"numerique--maitriser-les-fondamentaux-du-numerique"}, set(), ["245400510"], 80),
    ("demo--num-2", "demo--cd", "Ateliers numériques des solidarités", "atelier",
     {"numerique--acceder-a-des-services-en-ligne"}, {"beneficiaires-des-minimas-sociaux"}, ["54"], None),
    ("demo--cd-1", "demo--cd", "Accompagnement social des allocataires du RSA", "accompagnement",
     {"difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
      "remobilisation--bien-etre-confiance-en-soi"}, {"beneficiaires-des-minimas-sociaux"}, ["54"], None),
)


def write_catalogue(folder: Path) -> Path:
    """A data·inclusion v1 export (structures.json, services.json) built with the package's models."""
    folder.mkdir(parents=True, exist_ok=True)
    structures = [Structure(source="demo", id=i, nom=nom, date_maj=TODAY, code_insee=code, commune=None,
                            reseaux_porteurs=reseaux or None,
                            description="Structure fictive de la démonstration Repères.").model_dump(mode="json")
                  for i, nom, code, reseaux in STRUCTURES]
    services = []
    for i, structure, nom, kind, thematiques, publics, zone, places in SERVICES:
        item = Service(source="demo", structure_id=structure, id=i, nom=nom, type=kind, thematiques=thematiques,
                       publics=publics or None, zone_eligibilite=zone or None, date_maj=TODAY,
                       description="Service fictif de la démonstration Repères.").model_dump(mode="json")
        item["places"] = places
        services.append(item)
    (folder / "structures.json").write_text(json.dumps(structures, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "services.json").write_text(json.dumps(services, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def load_demo(territory, folder: Path, progress=lambda m: None) -> None:
    from .importer import run_offer_import

    n = load_figures(territory)
    progress(f"Statistiques territoriales fictives : {n} chiffres (libellés « fictifs »).")
    result = run_offer_import(write_catalogue(folder))
    counts = result.report["tables"]
    progress(f"Offre d'insertion fictive : {counts['structures']['accepted']} structures, "
             f"{counts['services']['accepted']} services.")
