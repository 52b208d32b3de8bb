"""Actions of the PLIE: who they reach, what they cost, and how experimental actions compare.

Counts are over the steps (``etapes``) started in the period and linked to an
action (``id_action``). Costs divide an action's ``budget_total`` by every
participant the action ever reached (all recorded steps, any date) — a budget
covers the whole life of the action — and by those of them whose parcours
ended with a positive exit.

The comparison of experimental actions with the others is descriptive: the
participants were not assigned at random, so a difference may come from who
entered the action, not from the action itself (``CAVEAT``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from reperes.analytics.frames import Dataset
from reperes.analytics.profiles import DAYS_PER_MONTH, categorie
from reperes.analytics.stats import Comparison, compare_rates, wilson
from reperes.referentiel.codes import SORTIE_POSITIVE

CAVEAT = ("Attention : cette comparaison n'est pas une évaluation d'impact. Les participants des actions "
          "expérimentales n'ont pas été tirés au sort ; leurs résultats peuvent différer de ceux des autres "
          "en raison de leur profil ou de la façon dont ils ont été orientés, et non de l'action elle-même.")
DEFINITIONS = {
    "par_action": ("Participants distincts et étapes commencées pendant la période, rattachées à l'action. "
                   "Coût par participant : budget total de l'action ÷ participants qu'elle a accueillis sur "
                   "toute sa durée ; coût par sortie positive : budget ÷ ceux d'entre eux sortis positivement "
                   "(toutes dates)."),
    "par_axe": "Participants distincts et étapes commencées pendant la période, par axe du protocole.",
    "par_operateur": ("Participants distincts et étapes commencées pendant la période, par opérateur "
                      "(celui de l'étape, à défaut celui de l'action)."),
    "experimentation": ("Participants ayant commencé pendant la période au moins une étape dans une action "
                        "expérimentale, comparés aux participants des autres actions (un participant passé "
                        "par les deux compte dans le groupe « expérimentale »). Sorties : toutes dates."),
}
NO_AXE = "Axe non renseigné"
NO_OPERATEUR = "Opérateur non renseigné"


def _steps(dataset: Dataset, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    actions = dataset.actions.select("id_action", "intitule", "axe", pl.col("operateur").alias("operateur_action"),
                                     "experimentale", "theme_experimentation")
    return (dataset.etapes.filter(pl.col("date_debut").is_between(debut, fin) & pl.col("id_action").is_not_null())
            .join(actions, on="id_action", how="inner"))


@dataclass
class ActionRow:
    id_action: str
    intitule: str
    axe: str
    experimentale: bool
    participants: int
    etapes: int
    budget: float | None
    participants_total: int
    sorties_positives_total: int

    @property
    def cout_par_participant(self) -> float | None:
        return self.budget / self.participants_total if self.budget is not None and self.participants_total else None

    @property
    def cout_par_sortie_positive(self) -> float | None:
        if self.budget is None or not self.sorties_positives_total:
            return None
        return self.budget / self.sorties_positives_total


def by_action(dataset: Dataset, debut: dt.date, fin: dt.date) -> list[ActionRow]:
    period = (_steps(dataset, debut, fin).group_by("id_action")
              .agg(pl.col("participant").n_unique().alias("participants"), pl.len().alias("etapes")))
    positives = dataset.participants.filter(categorie() == SORTIE_POSITIVE).select("participant")
    linked = dataset.etapes.filter(pl.col("id_action").is_not_null()).select("id_action", "participant").unique()
    lifetime = linked.group_by("id_action").agg(pl.len().alias("participants_total"))
    positive = (linked.join(positives, on="participant", how="semi").group_by("id_action")
                .agg(pl.len().alias("sorties_positives_total")))
    frame = (dataset.actions.join(period, on="id_action", how="left").join(lifetime, on="id_action", how="left")
             .join(positive, on="id_action", how="left")
             .with_columns(pl.col("participants", "etapes", "participants_total", "sorties_positives_total")
                           .fill_null(0))
             .sort("id_action"))
    return [ActionRow(r["id_action"], r["intitule"] or r["id_action"], r["axe"] or NO_AXE, bool(r["experimentale"]),
                      int(r["participants"]), int(r["etapes"]), r["budget_total"], int(r["participants_total"]),
                      int(r["sorties_positives_total"])) for r in frame.iter_rows(named=True)]


def by_group(dataset: Dataset, debut: dt.date, fin: dt.date, column: str) -> list[tuple[str, int, int]]:
    """(group, distinct participants, steps) by ``axe`` or ``operateur``, largest first."""
    steps = _steps(dataset, debut, fin)
    if column == "axe":
        key = pl.col("axe").fill_null(NO_AXE).replace("", NO_AXE)
    elif column == "operateur":
        key = (pl.coalesce(pl.col("operateur").replace("", None), pl.col("operateur_action").replace("", None))
               .fill_null(NO_OPERATEUR))
    else:
        raise ValueError(column)
    grouped = (steps.with_columns(key.alias("groupe")).group_by("groupe")
               .agg(pl.col("participant").n_unique().alias("p"), pl.len().alias("e"))
               .sort(["p", "groupe"], descending=[True, False]))
    return [(g, int(p), int(e)) for g, p, e in grouped.iter_rows()]


@dataclass
class GroupOutcome:
    label: str
    participants: int
    sorties: int
    positives: int  # positive exits (any date)
    duree_moyenne_mois: float | None

    @property
    def rate(self) -> float | None:
        return self.positives / self.sorties if self.sorties else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.positives, self.sorties)


@dataclass
class Experimentation:
    experimental: GroupOutcome
    others: GroupOutcome
    comparison: Comparison
    themes: list[tuple[str, int]]  # theme → participants
    caveat: str = CAVEAT


def _outcome(label: str, people: pl.DataFrame) -> GroupOutcome:
    out = people.filter(pl.col("date_sortie").is_not_null())
    positives = int(out.filter(categorie() == SORTIE_POSITIVE).height)
    months = out.select(((pl.col("date_sortie") - pl.col("date_entree")).dt.total_days() / DAYS_PER_MONTH)
                        .alias("m"))["m"]
    return GroupOutcome(label, people.height, out.height, positives,
                        float(months.mean()) if months.len() else None)



def experimental_comparison(dataset: Dataset, debut: dt.date, fin: dt.date) -> Experimentation:
    steps = _steps(dataset, debut, fin)
    experimental_ids = steps.filter(pl.col("experimentale").fill_null(False)).select("participant").unique()
    all_ids = steps.select("participant").unique()
    others_ids = all_ids.join(experimental_ids, on="participant", how="anti")
    people = dataset.participants
    exp = _outcome("Actions expérimentales", people.join(experimental_ids, on="participant", how="semi"))
    oth = _outcome("Autres actions", people.join(others_ids, on="participant", how="semi"))
    comparison = compare_rates(exp.positives, exp.sorties, oth.positives, oth.sorties)
    themes = (steps.filter(pl.col("experimentale").fill_null(False))
              .with_columns(pl.col("theme_experimentation").fill_null("Thème non renseigné"))
              .group_by("theme_experimentation").agg(pl.col("participant").n_unique().alias("n"))
              .sort("theme_experimentation"))
    return Experimentation(exp, oth, comparison, [(t, int(n)) for t, n in themes.iter_rows()])
