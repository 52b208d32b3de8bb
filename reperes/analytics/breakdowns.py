"""Breakdowns of the core indicators, each with its denominators and 95 % Wilson intervals.

Public API (stable):

- :data:`DIMENSIONS` — id → :class:`Dimension` (French label, ``staff_only``).
- :func:`breakdown` ``(dataset, debut, fin, by)`` → :class:`Breakdown`: one
  row per group (every code of the référentiel, zeros included), the counts
  of the contract (``participants_accompagnes``, ``entrees``, ``sorties``…),
  the denominators of the rates (``sorties_hors_neutres``,
  ``sorties_non_positives``) and, for every rate, ``<rate>``,
  ``<rate>_ic_bas``, ``<rate>_ic_haut``.
- :func:`series_by_year` → the same per calendar year, from the year of the
  first entry to the year of ``fin``.

A breakdown by référent evaluates employees: ``staff_only`` is set and the
interface must refuse it to partners. Partner-facing versions go through
:mod:`reperes.analytics.disclosure` (``protect_table``/``protect_rate``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from reperes import referentiel as ref

from .frames import Dataset
from .indicators import (
    HORS_TERRITOIRE,
    SHARE_FLAGS,
    count_exprs,
    participant_frame,
    territory_epcis,
    yearly_frame,
)
from .stats import wilson_exprs

INCONNU = "INCONNU"
LIBELLE_INCONNU = "Non renseigné"


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    staff_only: bool = False
    overlapping: bool = False  # a parcours may belong to several groups (criteria): groups do not add up


DIMENSIONS: dict[str, Dimension] = {d.id: d for d in (
    Dimension("annee", "Année"),
    Dimension("epci", "EPCI de résidence"),
    Dimension("commune", "Commune de résidence"),
    Dimension("sexe", "Sexe"),
    Dimension("tranche_age", "Tranche d'âge à l'entrée"),
    Dimension("critere", "Critère", overlapping=True),
    Dimension("niveau_formation", "Niveau de formation"),
    Dimension("prescripteur", "Prescripteur"),
    Dimension("referent", "Référent de parcours", staff_only=True),
)}

CRITERES = {"RSA": ("rsa", "Bénéficiaires du RSA"), "DELD": ("deld", "Demandeurs d'emploi de longue durée"),
            "TH": ("th", "Travailleurs handicapés (RQTH)"), "QPV": ("qpv_oui", "Habitants des QPV")}

# rate → (numerator column, denominator column)
RATES: dict[str, tuple[str, str]] = {
    "taux_sorties_positives": ("sorties_positives", "sorties"),
    "taux_sorties_positives_hors_neutres": ("sorties_positives", "sorties_hors_neutres"),
    "taux_valorisation_sorties_non_positives": ("sorties_non_positives_valorisees", "sorties_non_positives"),
    **{share: (f"n_{flag}", "participants_accompagnes") for share, flag in SHARE_FLAGS.items()},
}


@dataclass(frozen=True)
class Breakdown:
    dimension: Dimension
    debut: dt.date | None
    fin: dt.date | None
    table: pl.DataFrame  # cle, libelle, counts, denominators, rates with their intervals

    @property
    def staff_only(self) -> bool:
        return self.dimension.staff_only


def _finish(grouped: pl.DataFrame) -> pl.DataFrame:
    """Denominators, rates and Wilson intervals from the grouped counts."""
    table = grouped.with_columns(
        (pl.col("sorties") - pl.col("sorties_neutres")).alias("sorties_hors_neutres"),
        (pl.col("sorties") - pl.col("sorties_positives") - pl.col("sorties_neutres")).alias("sorties_non_positives"),
    )
    exprs = []
    for rate, (num, den) in RATES.items():
        taux, bas, haut = wilson_exprs(num, den)
        exprs += [taux.alias(rate), bas.alias(f"{rate}_ic_bas"), haut.alias(f"{rate}_ic_haut")]
    exprs.append(pl.when(pl.col("participants_accompagnes") > 0)
                 .then(pl.col("etapes") / pl.col("participants_accompagnes")).otherwise(None)
                 .alias("etapes_par_participant"))
    return table.with_columns(exprs)


def _zero_fill(keys: pl.DataFrame, grouped: pl.DataFrame) -> pl.DataFrame:
    """Every expected key, in order, with zero counts where a group is empty."""
    counts = [c for c, dtype in grouped.schema.items() if c != "cle" and dtype.is_integer()]
    table = keys.join(grouped, on="cle", how="left", maintain_order="left")
    return table.with_columns(pl.col(c).fill_null(0) for c in counts)


def _keys(codes: list[str], labels: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"cle": codes, "libelle": labels}, schema={"cle": pl.String, "libelle": pl.String})


def _by_column(frame: pl.DataFrame, column: str, codes=None) -> pl.DataFrame:
    """Group by a code column (nulls as INCONNU); keep only the groups with someone in the period."""
    grouped = (frame.lazy().with_columns(pl.col(column).cast(pl.String).fill_null(INCONNU).alias("cle"))
               .group_by("cle").agg(count_exprs()).collect())
    return grouped


def breakdown(dataset: Dataset, debut: dt.date, fin: dt.date, by: str, *,
              frame: pl.DataFrame | None = None) -> Breakdown:
    """The core indicators of ``[debut, fin]`` by one dimension of :data:`DIMENSIONS`."""
    if by not in DIMENSIONS:
        raise ValueError(f"dimension inconnue : {by} (attendu : {', '.join(DIMENSIONS)})")
    if by == "annee":
        return series_by_year(dataset, debut=debut, fin=fin)
    dimension = DIMENSIONS[by]
    if frame is None:
        frame = participant_frame(dataset, debut, fin)
    active = pl.col("accompagne") | pl.col("entre") | pl.col("sorti")
    if by == "critere":
        parts = [frame.lazy().filter(pl.col(flag)).select(count_exprs()).with_columns(pl.lit(code).alias("cle"))
                 for code, (flag, _) in CRITERES.items()]
        grouped = pl.concat(pl.collect_all(parts), how="diagonal")
        keys = _keys(list(CRITERES), [label for _, label in CRITERES.values()])
    elif by == "epci":
        grouped = _by_column(frame, "zone")
        epcis = territory_epcis(dataset)
        names = dict(dataset.communes.select("epci", "epci_nom").unique("epci").iter_rows())
        keys = _keys([*epcis, HORS_TERRITOIRE], [names.get(e) or e for e in epcis] + ["Hors territoire"])
    elif by == "commune":
        grouped = _by_column(frame.filter(active), "commune")
        names = dict(dataset.communes.select("commune", "nom").iter_rows())
        territory = dataset.communes["commune"].to_list()
        others = sorted(set(grouped["cle"].to_list()) - set(territory))
        keys = _keys([*territory, *others], [names.get(c) or c for c in territory]
                     + [f"{c} (hors territoire)" for c in others])
    elif by in ("sexe", "niveau_formation", "prescripteur", "tranche_age"):
        codes = {"sexe": ref.SEXE, "niveau_formation": ref.NIVEAU_FORMATION, "prescripteur": ref.PRESCRIPTEUR,
                 "tranche_age": ref.TRANCHE_AGE}[by]
        grouped = _by_column(frame, by)
        present_unknown = INCONNU in grouped["cle"].to_list() and INCONNU not in codes
        codes_list = codes.codes() + ([INCONNU] if present_unknown else [])
        keys = _keys(codes_list, [codes.label(c) for c in codes.codes()] + ([LIBELLE_INCONNU] if present_unknown
                                                                              else []))
    else:  # referent: free codes of the PLIE's staff
        grouped = _by_column(frame.filter(active), "referent")
        found = sorted(grouped["cle"].to_list(), key=lambda c: (c == INCONNU, c))
        keys = _keys(found, [LIBELLE_INCONNU if c == INCONNU else c for c in found])
    table = _finish(_zero_fill(keys, grouped))
    return Breakdown(dimension, debut, fin, table)


def years_of(dataset: Dataset, fin: dt.date | None = None) -> list[int]:
    """Calendar years from the first entry to ``fin`` (default: the last entry or exit)."""
    p = dataset.participants
    if p.height == 0 or p["date_entree"].drop_nulls().is_empty():
        return []
    first = p["date_entree"].min().year
    if fin is None:
        last = max(d for d in (p["date_entree"].max(), p["date_sortie"].max()) if d is not None)
        fin = last
    return list(range(first, fin.year + 1))


def series_by_year(dataset: Dataset, *, debut: dt.date | None = None, fin: dt.date | None = None,
                   base: pl.DataFrame | None = None) -> Breakdown:
    """The core indicators per calendar year since the first entry (each year is the period ``[1/1, 31/12]``)."""
    years = years_of(dataset, fin)
    if years:
        yearly = yearly_frame(dataset, years[0], years[-1], base=base)
        grouped = (yearly.lazy().group_by(pl.col("annee").cast(pl.String).alias("cle")).agg(count_exprs())
                   .collect())
    else:
        grouped = participant_frame(dataset, dt.date(2000, 1, 1), dt.date(2000, 12, 31)).select(count_exprs()) \
            .with_columns(pl.lit("").alias("cle")).head(0)
    labels = [str(y) for y in years]
    table = _finish(_zero_fill(_keys(labels, labels), grouped))
    return Breakdown(DIMENSIONS["annee"], debut, fin, table)
