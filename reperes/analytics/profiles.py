"""Participant profiles shared by the analyses of pathways, actions and exits, and the dashboard filters.

A profile is a named way of splitting the participants into groups (sex, age
band, RSA…). Each one is a Polars expression over the ``participants`` frame
that yields the French label of the group, so every breakdown is one
``group_by`` (no row loops). Labels come from the référentiel.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from reperes.analytics.frames import Dataset
from reperes.referentiel.codes import (
    DELD_ANCIENNETE_MOIS,
    DELD_CRITERES,
    INFRA_BAC,
    SEXE,
    TRANCHE_AGE,
    category_of,
    family_of,
)

OUI, NON = "Oui", "Non"


def is_deld() -> pl.Expr:
    """indicateurs.md: ``DELD`` or ``DETLD`` in ``criteres``, or ``anciennete_chomage_mois ≥ 12`` (empty = no)."""
    listed = pl.col("criteres").list.eval(pl.element().is_in(list(DELD_CRITERES))).list.any().fill_null(False)
    return listed | (pl.col("anciennete_chomage_mois") >= DELD_ANCIENNETE_MOIS).fill_null(False)


def has_critere(code: str) -> pl.Expr:
    return pl.col("criteres").list.contains(code).fill_null(False)


def tranche_age() -> pl.Expr:
    age = pl.col("age_entree")
    return (pl.when(age < 26).then(pl.lit(TRANCHE_AGE.label("MOINS_26")))
            .when(age < 50).then(pl.lit(TRANCHE_AGE.label("26_49")))
            .when(age >= 50).then(pl.lit(TRANCHE_AGE.label("50_PLUS")))
            .otherwise(pl.lit("Âge inconnu")))


def _yes_no(flag: pl.Expr) -> pl.Expr:
    return pl.when(flag).then(pl.lit(OUI)).otherwise(pl.lit(NON))


@dataclass(frozen=True)
class Profile:
    key: str
    label: str  # French: « Sexe », « Bénéficiaire du RSA »
    expression: object  # () -> pl.Expr giving the group label
    order: tuple[str, ...] = ()  # display order of the groups


PROFILES: dict[str, Profile] = {p.key: p for p in (
    Profile("sexe", "Sexe", lambda: pl.col("sexe").replace_strict(
        {c.code: c.label for c in SEXE}, default="Non renseigné"), tuple(c.label for c in SEXE)),
    Profile("tranche_age", "Tranche d'âge à l'entrée", tranche_age, tuple(c.label for c in TRANCHE_AGE)),
    Profile("rsa", "Bénéficiaire du RSA", lambda: _yes_no(has_critere("RSA")), (OUI, NON)),
    Profile("deld", "Demandeur d'emploi de longue durée", lambda: _yes_no(is_deld()), (OUI, NON)),
    Profile("th", "Travailleur handicapé (RQTH)", lambda: _yes_no(has_critere("TH")), (OUI, NON)),
    Profile("qpv", "Résident d'un quartier prioritaire (QPV)",
            lambda: _yes_no(pl.col("qpv").fill_null(False)), (OUI, NON)),
    Profile("infra_bac", "Niveau de formation infra-bac (niveau 3 ou moins)",
            lambda: _yes_no(pl.col("niveau_formation").is_in(list(INFRA_BAC)).fill_null(False)), (OUI, NON)),
)}


def profile_labels(participants: pl.DataFrame, key: str) -> pl.Series:
    return participants.select(PROFILES[key].expression().alias("groupe"))["groupe"]


def ordered_groups(key: str, present) -> list[str]:
    present = list(dict.fromkeys(present))
    order = [g for g in PROFILES[key].order if g in present]
    return order + sorted(g for g in present if g not in order)


# ------------------------------------------------------------------------------------ filters


@dataclass(frozen=True)
class Filter:
    """Who the dashboards look at: an EPCI (or ``hors_territoire``) and one group of a profile."""

    epci: str | None = None
    profile: str | None = None  # PROFILES key
    group: str | None = None  # a label of that profile

    def apply(self, dataset: Dataset) -> Dataset:
        people = dataset.participants
        if self.epci:
            if self.epci == "hors_territoire":
                inside = dataset.communes["commune"].to_list()
                people = people.filter(~pl.col("commune").is_in(inside))
            else:
                people = people.filter(pl.col("epci") == self.epci)
        if self.profile in PROFILES and self.group:
            people = people.filter(PROFILES[self.profile].expression() == self.group)
        if people.height == dataset.participants.height:
            return dataset
        keep = people.select("participant")
        return Dataset(
            participants=people,
            etapes=dataset.etapes.join(keep, on="participant", how="semi"),
            actions=dataset.actions,
            suivi_freins=dataset.suivi_freins.join(keep, on="participant", how="semi"),
            acquis=dataset.acquis.join(keep, on="participant", how="semi"),
            communes=dataset.communes,
            epci_populations=dataset.epci_populations,
        )


# ------------------------------------------------------------------------------------ populations

# The period's populations (accompagnés, entrées, sorties) are defined once, in reperes.analytics.populations.


def categorie() -> pl.Expr:
    """The exit category of ``motif_sortie`` (référentiel), null while in the PLIE."""
    from reperes.referentiel.codes import MOTIF_SORTIE

    return pl.col("motif_sortie").replace_strict({c.code: category_of(c.code) for c in MOTIF_SORTIE},
                                                 default=None, return_dtype=pl.String)


def famille() -> pl.Expr:
    from reperes.referentiel.codes import TYPE_ETAPE

    return pl.col("type_etape").replace_strict({c.code: family_of(c.code) for c in TYPE_ETAPE},
                                               default=None, return_dtype=pl.String)


DAYS_PER_MONTH = 30.4375  # indicateurs.md: durations in months
