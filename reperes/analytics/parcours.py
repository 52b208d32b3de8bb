"""Pathways (« parcours »): durations, time to the first step, steps by family, sequences, time to exit.

Pure Polars (lifelines for the Kaplan–Meier estimator). Every function takes
a :class:`~reperes.analytics.frames.Dataset` and a period ``[debut, fin]``
(bounds included) and returns raw figures; disclosure control is applied by
the caller before anything reaches a partner.

Populations (French definitions in ``DEFINITIONS``):

* durations and sequences: the **sorties** of the period (finished parcours);
* time to the first step: the **entrées** of the period;
* steps by family: the **accompagnés** and their steps started in the period;
* Kaplan–Meier: the **entrées** of the period followed until ``date_observation``
  (the latest date known in the data), an exit of the other kind being a censoring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from reperes.analytics.frames import Dataset
from reperes.analytics.populations import accompagnes, entrees, sorties
from reperes.analytics.profiles import (
    DAYS_PER_MONTH,
    PROFILES,
    categorie,
    famille,
    ordered_groups,
)
from reperes.referentiel.codes import FAMILLE_ETAPE, SORTIE_POSITIVE

# Bands of the distribution of durations, in months: [low, high).
DURATION_BANDS = ((0, 6, "Moins de 6 mois"), (6, 12, "6 à 12 mois"), (12, 24, "12 à 24 mois"),
                  (24, 36, "24 à 36 mois"), (36, None, "36 mois et plus"))
NO_STEP = "Aucune étape"

DEFINITIONS = {
    "durees": ("Durée des parcours terminés : de la date d'entrée à la date de sortie, en mois "
               "(jours ÷ 30,4375), pour les parcours sortis pendant la période."),
    "premiere_etape": ("Délai d'accès à la première étape : jours entre l'entrée et le début de la première "
                       "étape du parcours, pour les participants entrés pendant la période (une étape peut "
                       "commencer jusqu'à 31 jours avant l'entrée : le délai est alors négatif)."),
    "etapes_famille": ("Étapes commencées pendant la période par les participants accompagnés, par famille "
                       "d'étape ; « par participant » : nombre d'étapes ÷ participants accompagnés."),
    "sequences": ("Suite des familles d'étapes de chaque parcours terminé pendant la période, dans l'ordre "
                  "de leur début ; deux étapes successives de la même famille ne comptent qu'une fois."),
    "survie": ("Courbe de Kaplan–Meier : part des participants entrés pendant la période qui sont encore "
               "sans sortie (de ce type) après x mois. Les parcours en cours sont censurés à la date "
               "des dernières données ; pour la sortie positive, une sortie d'un autre type est une "
               "censure. L'intervalle de confiance à 95 % est la zone ombrée."),
}


def _months(start: str, end: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_days() / DAYS_PER_MONTH


# ------------------------------------------------------------------------------------ durations


@dataclass
class Durations:
    n: int
    mean: float | None
    median: float | None
    bands: list[tuple[str, int]]  # (label, count), every band present


def durations(dataset: Dataset, debut: dt.date, fin: dt.date) -> Durations:
    """Durations of the parcours that ended in the period, like ``duree_moyenne/mediane_parcours_mois``."""
    months = sorties(dataset.participants, debut, fin).select(_months("date_entree", "date_sortie").alias("m"))["m"]
    bands = []
    for low, high, label in DURATION_BANDS:
        inside = (months >= low) if high is None else ((months >= low) & (months < high))
        bands.append((label, int(inside.sum())))
    if months.len() == 0:
        return Durations(0, None, None, bands)
    return Durations(months.len(), float(months.mean()), float(months.median()), bands)


# ------------------------------------------------------------------------------------ first step


@dataclass
class FirstStep:
    entrees: int
    with_step: int
    mean_days: float | None
    median_days: float | None
    within_30_days: int  # first step started at most 30 days after entry (before entry included)


def time_to_first_step(dataset: Dataset, debut: dt.date, fin: dt.date) -> FirstStep:
    people = entrees(dataset.participants, debut, fin).select("participant", "date_entree")
    first = (dataset.etapes.join(people, on="participant", how="semi")
             .group_by("participant").agg(pl.col("date_debut").min().alias("premiere")))
    delays = people.join(first, on="participant", how="inner").select(
        (pl.col("premiere") - pl.col("date_entree")).dt.total_days().alias("d"))["d"]
    if delays.len() == 0:
        return FirstStep(people.height, 0, None, None, 0)
    return FirstStep(people.height, delays.len(), float(delays.mean()), float(delays.median()),
                     int((delays <= 30).sum()))


# ------------------------------------------------------------------------------------ steps by family


@dataclass
class FamilyRow:
    famille: str  # code
    label: str
    etapes: int
    participants: int  # accompagnés with at least one step of the family in the period
    accompagnes: int  # denominator

    @property
    def per_participant(self) -> float | None:
        return self.etapes / self.accompagnes if self.accompagnes else None


def steps_by_family(dataset: Dataset, debut: dt.date, fin: dt.date) -> list[FamilyRow]:
    people = accompagnes(dataset.participants, debut, fin).select("participant")
    steps = (dataset.etapes.filter(pl.col("date_debut").is_between(debut, fin))
             .join(people, on="participant", how="semi").with_columns(famille().alias("famille")))
    counts = {row["famille"]: row for row in steps.group_by("famille").agg(
        pl.len().alias("etapes"), pl.col("participant").n_unique().alias("participants")).to_dicts()}
    return [FamilyRow(code.code, code.label, int(counts.get(code.code, {}).get("etapes", 0)),
                      int(counts.get(code.code, {}).get("participants", 0)), people.height)
            for code in FAMILLE_ETAPE]


# ------------------------------------------------------------------------------------ sequences


def top_sequences(dataset: Dataset, debut: dt.date, fin: dt.date, n: int = 10) -> tuple[list[tuple[str, int]], int]:
    """The ``n`` most frequent sequences of step families of the parcours ended in the period, and their total.

    Families are labelled in French and joined by `` → ``; consecutive repeats
    collapse (Emploi, Emploi, Formation → « Emploi → Formation »). Ties are
    broken by the sequence's text so that the result is reproducible.
    """
    people = sorties(dataset.participants, debut, fin).select("participant")
    labels = {c.code: c.label for c in FAMILLE_ETAPE}
    steps = (dataset.etapes.join(people, on="participant", how="semi")
             .with_columns(famille().replace_strict(labels, default="Autre").alias("f"))
             .sort(["participant", "date_debut", "type_etape"])
             .with_columns(pl.col("f").shift(1).over("participant").alias("previous"))
             .filter(pl.col("previous").is_null() | (pl.col("previous") != pl.col("f"))))
    sequences = (steps.group_by("participant", maintain_order=True).agg(pl.col("f").str.join(" → ").alias("s")))
    sequences = people.join(sequences, on="participant", how="left").with_columns(pl.col("s").fill_null(NO_STEP))
    counts = (sequences.group_by("s").agg(pl.len().alias("n"))
              .sort(["n", "s"], descending=[True, False]).head(n))
    return [(row[0], int(row[1])) for row in counts.iter_rows()], people.height


# ------------------------------------------------------------------------------------ Kaplan–Meier


@dataclass
class Curve:
    label: str
    n: int
    events: int
    survival: list[float]  # at each month of ``Survival.months``
    low: list[float]
    high: list[float]
    median_months: float | None
    at_risk: list[int] = field(default_factory=list)  # still followed at each month (disclosure control)


@dataclass
class Survival:
    event: str  # "positive" or "toute"
    months: list[int]
    observation: dt.date | None
    curves: list[Curve] = field(default_factory=list)


def date_observation(dataset: Dataset) -> dt.date | None:
    """The latest date known in the data: ongoing parcours are censored there."""
    candidates = [dataset.participants["date_entree"].max(), dataset.participants["date_sortie"].max(),
                  dataset.etapes["date_debut"].max(), dataset.etapes["date_fin"].max(),
                  dataset.suivi_freins["date"].max(), dataset.acquis["date"].max()]
    dates = [d for d in candidates if d is not None]
    return max(dates) if dates else None


def survival_frame(dataset: Dataset, debut: dt.date, fin: dt.date, event: str,
                   observation: dt.date | None = None) -> pl.DataFrame:
    """One row per entrée: ``duree`` (months) and ``evenement`` (bool), plus the participant's columns."""
    if event not in ("positive", "toute"):
        raise ValueError("event: 'positive' ou 'toute'")
    observation = observation or date_observation(dataset)
    people = entrees(dataset.participants, debut, fin)
    if observation is None or people.height == 0:
        return people.with_columns(pl.lit(None, pl.Float64).alias("duree"), pl.lit(None, pl.Boolean).alias("evenement"))
    exited = pl.col("date_sortie").is_not_null() & (pl.col("date_sortie") <= observation)
    end = pl.when(exited).then(pl.col("date_sortie")).otherwise(pl.lit(observation))
    happened = exited if event == "toute" else exited & (categorie() == SORTIE_POSITIVE)
    return people.with_columns(
        ((end - pl.col("date_entree")).dt.total_days().clip(lower_bound=0) / DAYS_PER_MONTH).alias("duree"),
        happened.fill_null(False).alias("evenement"))


def kaplan_meier(dataset: Dataset, debut: dt.date, fin: dt.date, *, event: str = "toute",
                 by: str | None = None, horizon: int = 36, min_group: int = 1) -> Survival:
    """Kaplan–Meier curves of the time to exit (lifelines), overall or by profile (``PROFILES`` key).

    Curves are evaluated at every month from 0 to ``horizon`` (capped at the
    longest follow-up); groups smaller than ``min_group`` are left out.
    """
    from lifelines import KaplanMeierFitter

    observation = date_observation(dataset)
    frame = survival_frame(dataset, debut, fin, event, observation)
    result = Survival(event=event, months=[], observation=observation)
    if frame.height == 0:
        return result
    longest = float(frame["duree"].max() or 0)
    months = list(range(0, max(1, min(horizon, int(np.ceil(longest)))) + 1))
    result.months = months
    if by is None:
        groups = [("Ensemble", frame)]
    else:
        frame = frame.with_columns(PROFILES[by].expression().alias("groupe"))
        present = frame["groupe"].unique().to_list()
        groups = [(g, frame.filter(pl.col("groupe") == g)) for g in ordered_groups(by, present)]
    for label, group in groups:
        if group.height < max(1, min_group):
            continue
        fitter = KaplanMeierFitter(alpha=0.05)
        fitter.fit(group["duree"].to_numpy(), group["evenement"].to_numpy(), label=label)
        times = np.asarray(months, dtype=float)
        surv = fitter.survival_function_at_times(times).to_numpy()
        ci = fitter.confidence_interval_survival_function_
        index = ci.index.to_numpy()
        positions = np.searchsorted(index, times, side="right") - 1
        positions = np.clip(positions, 0, len(index) - 1)
        low = ci.iloc[positions, 0].to_numpy()
        high = ci.iloc[positions, 1].to_numpy()
        median = fitter.median_survival_time_
        result.curves.append(Curve(
            label=label, n=group.height, events=int(group["evenement"].sum()),
            survival=[float(v) for v in surv], low=[float(v) for v in low], high=[float(v) for v in high],
            median_months=None if not np.isfinite(median) else float(median),
            at_risk=[int(v) for v in (group["duree"].to_numpy()[None, :] >= times[:, None]).sum(axis=1)]))
    return result
