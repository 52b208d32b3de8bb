"""Exits worth valuing (« sorties à valoriser »): the quantitative basis of the final report's chapter.

The call asks the PLIE to value exits other than positive ones (retraite,
RQTH, santé…). The grid, exactly as ``indicateurs.md`` defines
``sorties_non_positives_valorisees``:

1. an exit of category ``solution`` (the motif itself is a step forward:
   a short job, a pre-qualifying training, an adapted orientation, health
   care engaged, retirement…);
2. an exit of category ``sans_solution`` whose parcours has at least one
   *acquis* dated between entry and exit (bounds included), or at least one
   barrier *levé* (two assessments of the same barrier on or before the exit,
   the last strictly lower than the first; assessments before entry count).

Positive and neutral exits are outside the grid (the denominator is
``sorties − positives − neutres``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from reperes.analytics.frames import Dataset
from reperes.analytics.populations import sorties
from reperes.analytics.profiles import PROFILES, categorie, ordered_groups
from reperes.referentiel.codes import FREINS, SORTIE_SANS_SOLUTION, SORTIE_SOLUTION, TYPE_ACQUIS

GRID = (
    (SORTIE_SOLUTION, "Sortie « autre solution »",
     "Le motif de sortie est en lui-même une avancée : emploi de moins de 6 mois, contrat aidé ou SIAE, "
     "formation pré-qualifiante, orientation vers un accompagnement plus adapté ou en milieu protégé, "
     "soins engagés, départ à la retraite."),
    ("acquis", "Sortie sans solution avec un acquis",
     "Sortie sans solution (abandon, fin de parcours, autre), mais le parcours a obtenu au moins un acquis "
     "entre l'entrée et la sortie : RQTH, permis de conduire, logement stable, soins, droits, certification…"),
    ("frein_leve", "Sortie sans solution avec un frein levé (sans acquis)",
     "Sortie sans solution sans acquis, mais au moins un frein a baissé : deux évaluations du même frein "
     "au plus tard à la sortie (une évaluation avant l'entrée compte), la dernière strictement plus basse "
     "que la première."),
    ("non_valorisee", "Sortie sans solution non valorisée", "Aucun des cas précédents."),
)
GRID_LABELS = {key: label for key, label, _ in GRID}
DEFINITION = ("Sorties non positives valorisées : sorties « autre solution », plus sorties sans solution dont le "
              "parcours a au moins un acquis ou un frein levé. Taux de valorisation : ces sorties "
              "divisées par les sorties ni positives ni neutres.")


def barriers_leves(dataset: Dataset, people: pl.DataFrame) -> pl.DataFrame:
    """One row per (participant, frein) levé, for ``people`` (the rule lives in indicators.freins_leves)."""
    from .indicators import freins_leves

    return freins_leves(dataset).collect().join(people.select("participant"), on="participant", how="semi")


def acquis_during(dataset: Dataset, people: pl.DataFrame) -> pl.DataFrame:
    """Acquis dated between entry and exit (bounds included) of ``people`` (participant, date_entree, date_sortie)."""
    return (dataset.acquis.join(people.select("participant", "date_entree", "date_sortie"), on="participant",
                                how="inner")
            .filter(pl.col("date").is_between(pl.col("date_entree"), pl.col("date_sortie")))
            .select("participant", "type_acquis"))


def classify(dataset: Dataset, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The non-positive, non-neutral exits of the period with their ``classe`` in the grid (``GRID`` keys)."""
    people = (sorties(dataset.participants, debut, fin).with_columns(categorie().alias("categorie"))
              .filter(pl.col("categorie").is_in([SORTIE_SOLUTION, SORTIE_SANS_SOLUTION])))
    with_acquis = acquis_during(dataset, people).select("participant").unique()
    with_frein = barriers_leves(dataset, people).select("participant").unique()
    return people.with_columns(
        pl.when(pl.col("categorie") == SORTIE_SOLUTION).then(pl.lit(SORTIE_SOLUTION))
        .when(pl.col("participant").is_in(with_acquis["participant"].implode())).then(pl.lit("acquis"))
        .when(pl.col("participant").is_in(with_frein["participant"].implode())).then(pl.lit("frein_leve"))
        .otherwise(pl.lit("non_valorisee")).alias("classe"))


@dataclass
class ValuedRow:
    groupe: str
    counts: dict[str, int]  # GRID key → count
    total: int  # denominator: non-positive, non-neutral exits

    @property
    def valorisees(self) -> int:
        return self.total - self.counts.get("non_valorisee", 0)


def _row(label: str, frame: pl.DataFrame) -> ValuedRow:
    counts = dict(frame.group_by("classe").agg(pl.len()).iter_rows())
    return ValuedRow(label, {key: int(counts.get(key, 0)) for key, _, _ in GRID}, frame.height)


def by_profile(dataset: Dataset, debut: dt.date, fin: dt.date, profile: str | None = None) -> list[ValuedRow]:
    """The grid for every group of a profile (``None``: one row « Ensemble »)."""
    frame = classify(dataset, debut, fin)
    if profile is None:
        return [_row("Ensemble", frame)]
    frame = frame.with_columns(PROFILES[profile].expression().alias("groupe"))
    groups = ordered_groups(profile, frame["groupe"].unique().to_list()) or list(PROFILES[profile].order)
    return [_row(g, frame.filter(pl.col("groupe") == g)) for g in groups]


def acquis_by_type(dataset: Dataset, debut: dt.date, fin: dt.date) -> list[tuple[str, int]]:
    """Non-positive, non-neutral exits of the period with at least one acquis of each type."""
    people = classify(dataset, debut, fin)
    found = acquis_during(dataset, people).unique().group_by("type_acquis").agg(pl.len().alias("n"))
    counts = dict(found.iter_rows())
    return [(code.label, int(counts.get(code.code, 0))) for code in TYPE_ACQUIS]


def freins_leves_by_type(dataset: Dataset, debut: dt.date, fin: dt.date) -> list[tuple[str, int]]:
    """Non-positive, non-neutral exits of the period with each barrier levé."""
    people = classify(dataset, debut, fin)
    counts = dict(barriers_leves(dataset, people).group_by("frein").agg(pl.len()).iter_rows())
    return [(code.label, int(counts.get(code.code, 0))) for code in FREINS]
