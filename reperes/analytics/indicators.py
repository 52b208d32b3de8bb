"""The indicators of ``docs/indicateurs.md``: one registry, one implementation.

Public API (stable, used by the CLI, the dashboards and the reports):

- :data:`REGISTRY` — id → :class:`Indicator` (French label, French
  definition shown wherever the figure appears, unit, kind);
  :func:`indicator` and :func:`definition` read it.
- :func:`compute` ``(dataset, debut, fin) -> dict`` — the machine output of
  the contract: ``{"periode", "indicateurs", "diffusion": false, "secret": []}``.
- :func:`evaluate` — the same payload plus the numerators of the shares (for
  :func:`reperes.analytics.disclosure.protect_indicators`);
  :func:`diffuse` — the ``--diffusion`` version of a result.
- :func:`participant_frame` — one row per parcours with every derived column
  the indicators use (age, tranche d'âge, DELD, catégorie de sortie, frein
  levé, acquis, populations of the period…): the base of every breakdown.

Everything is vectorised Polars; nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from reperes import referentiel as ref

from .esf import ESF_INDICATORS
from .frames import Dataset
from .populations import Period, accompagne, entre, sorti
from .registry import MOIS, NOMBRE, POUR_1000, RATIO, REPARTITION, TAUX, Indicator  # noqa: F401

DAYS_PER_MONTH = 30.4375
HORS_TERRITOIRE = "hors_territoire"


def _i(id_: str, label: str, definition: str, unit: str, **kw) -> Indicator:
    return Indicator(id_, label, definition, unit, **kw)


_ACC = "participants accompagnés sur la période"
CORE_INDICATORS: tuple[Indicator, ...] = (
    _i("participants_accompagnes", "Participants accompagnés",
       "Nombre de parcours en cours à un moment de la période : entrés au plus tard le dernier jour de la "
       "période et non sortis avant son premier jour (bornes incluses).", NOMBRE),
    _i("entrees", "Entrées", "Nombre de parcours dont la date d'entrée est dans la période (bornes incluses).",
       NOMBRE),
    _i("sorties", "Sorties", "Nombre de parcours dont la date de sortie est dans la période (bornes incluses).",
       NOMBRE),
    _i("sorties_positives", "Sorties positives",
       "Sorties de la période dont le motif est de catégorie « positive » (emploi durable de 6 mois ou plus, "
       "alternance, création d'activité, formation qualifiante).", NOMBRE),
    _i("sorties_neutres", "Sorties neutres",
       "Sorties de la période dont le motif est de catégorie « neutre » (déménagement, décès).", NOMBRE),
    _i("taux_sorties_positives", "Taux de sorties positives",
       "Sorties positives divisées par les sorties de la période ; non calculé sans sortie.", TAUX,
       denominator="sorties de la période"),
    _i("taux_sorties_positives_hors_neutres", "Taux de sorties positives (hors sorties neutres)",
       "Sorties positives divisées par les sorties de la période hors sorties neutres ; non calculé si ce "
       "dénominateur est nul.", TAUX, denominator="sorties hors sorties neutres"),
    _i("sorties_par_motif", "Sorties par motif",
       "Nombre de sorties de la période pour chaque motif du référentiel (zéros compris).", REPARTITION),
    _i("sorties_par_categorie", "Sorties par catégorie",
       "Nombre de sorties de la période par catégorie de motif : positive, autre sortie à valoriser "
       "(solution), neutre, sans solution.", REPARTITION),
    _i("sorties_non_positives_valorisees", "Sorties non positives valorisées",
       "Sorties de catégorie « solution », plus les sorties « sans solution » dont le parcours compte au moins "
       "un acquis daté entre l'entrée et la sortie (bornes incluses) ou au moins un frein levé.", NOMBRE),
    _i("taux_valorisation_sorties_non_positives", "Taux de valorisation des sorties non positives",
       "Sorties non positives valorisées divisées par les sorties ni positives ni neutres de la période.", TAUX,
       denominator="sorties ni positives ni neutres"),
    _i("duree_moyenne_parcours_mois", "Durée moyenne des parcours (mois)",
       "Sur les sorties de la période : moyenne de (date de sortie − date d'entrée) en jours, le jour de sortie "
       "non ajouté, divisée par 30,4375 ; non calculée sans sortie.", MOIS),
    _i("duree_mediane_parcours_mois", "Durée médiane des parcours (mois)",
       "Sur les sorties de la période : médiane de la même durée (pour un nombre pair de sorties, moyenne des "
       "deux valeurs du milieu) ; non calculée sans sortie.", MOIS),
    _i("part_femmes", "Part des femmes", f"Part des {_ACC} de sexe féminin.", TAUX, denominator=_ACC),
    _i("part_moins_26_ans", "Part des moins de 26 ans",
       f"Part des {_ACC} âgés de moins de 26 ans à l'entrée (âge en années révolues ; si seule l'année de "
       "naissance est connue : année d'entrée − année de naissance).", TAUX, denominator=_ACC),
    _i("part_50_ans_et_plus", "Part des 50 ans et plus",
       f"Part des {_ACC} âgés de 50 ans ou plus à l'entrée.", TAUX, denominator=_ACC),
    _i("part_rsa", "Part des bénéficiaires du RSA", f"Part des {_ACC} dont les critères comprennent le RSA.",
       TAUX, denominator=_ACC),
    _i("part_deld", "Part des demandeurs d'emploi de longue durée",
       f"Part des {_ACC} DELD : critère DELD ou DETLD, ou ancienneté de chômage de 12 mois ou plus "
       "(ancienneté inconnue = non).", TAUX, denominator=_ACC),
    _i("part_th", "Part des travailleurs handicapés",
       f"Part des {_ACC} dont les critères comprennent TH (RQTH).", TAUX, denominator=_ACC),
    _i("part_qpv", "Part des habitants des QPV",
       f"Part des {_ACC} résidant en quartier prioritaire (non renseigné = non).", TAUX, denominator=_ACC),
    _i("part_infra_bac", "Part des niveaux infra-bac",
       f"Part des {_ACC} de niveau infra 3 ou 3 (CAP, BEP) ; niveau non renseigné = non.", TAUX,
       denominator=_ACC),
    _i("etapes_par_participant", "Étapes par participant",
       "Étapes (tout résultat) des participants accompagnés commencées dans la période, divisées par le "
       "nombre de participants accompagnés.", RATIO, denominator=_ACC),
    _i("part_accompagnes_avec_etape_emploi", "Part des accompagnés avec une étape emploi",
       f"Part des {_ACC} ayant au moins une étape de la famille Emploi (immersion comprise) commencée dans la "
       "période.", TAUX, denominator=_ACC),
    _i("accompagnes_par_epci", "Accompagnés par EPCI",
       "Participants accompagnés par EPCI de résidence du territoire (zéros compris) ; ceux qui résident hors du "
       "territoire sous « hors territoire ».", REPARTITION),
    _i("accompagnes_pour_1000_habitants_par_epci", "Accompagnés pour 1 000 habitants, par EPCI",
       "1 000 × accompagnés résidant dans l'EPCI ÷ population municipale de l'EPCI (somme de ses communes dans "
       "le référentiel embarqué, INSEE).", POUR_1000),
)

CORE_IDS: tuple[str, ...] = tuple(i.id for i in CORE_INDICATORS)

# Shares whose numerator is not itself an indicator: column of participant_frame that flags it.
SHARE_FLAGS: dict[str, str] = {
    "part_femmes": "femme",
    "part_moins_26_ans": "moins_26",
    "part_50_ans_et_plus": "plus_50",
    "part_rsa": "rsa",
    "part_deld": "deld",
    "part_th": "th",
    "part_qpv": "qpv_oui",
    "part_infra_bac": "infra_bac",
    "part_accompagnes_avec_etape_emploi": "etape_emploi",
}


REGISTRY: dict[str, Indicator] = {i.id: i for i in (*CORE_INDICATORS, *ESF_INDICATORS)}


def indicator(id_: str) -> Indicator:
    """The registry entry of an indicator id (``KeyError`` when unknown)."""
    return REGISTRY[id_]


def definition(id_: str) -> str:
    """The French definition shown next to the figure (footnote, « Définition » tooltip)."""
    return REGISTRY[id_].definition


# --------------------------------------------------------------------------- derived columns


def _lut(mapping: Mapping[str, str], column: str) -> pl.Expr:
    return pl.col(column).replace_strict(dict(mapping), default=None, return_dtype=pl.String)


MOTIF_CATEGORY = {c.code: c.attrs.get("categorie") for c in ref.MOTIF_SORTIE}
STEP_FAMILY = {c.code: c.attrs.get("famille") for c in ref.TYPE_ETAPE}


def age_expr() -> pl.Expr:
    """``age_entree``, else ``year(date_entree) − annee_naissance`` (indicateurs.md)."""
    return pl.coalesce(pl.col("age_entree"),
                       pl.col("date_entree").dt.year().cast(pl.Int32) - pl.col("annee_naissance")).alias("age")


FREIN_INDEX = {code: i for i, code in enumerate(ref.FREINS.codes())}


def _levee_keys(dataset: Dataset, exits: pl.LazyFrame) -> pl.LazyFrame:
    """``key`` (row of the parcours in ``dataset.participants`` × 256 + barrier) of every barrier levé.

    ``exits``: ``pid`` (row index), ``participant``, ``date_sortie`` of the participants. Grouping is done on
    that one integer key: much cheaper than on the two text columns.
    """
    frein = pl.col("frein").replace_strict(FREIN_INDEX, default=255, return_dtype=pl.UInt64)
    return (
        dataset.suivi_freins.lazy().select("participant", "frein", "date", "niveau")
        .join(exits, on="participant", how="inner")
        .filter(pl.col("date_sortie").is_null() | (pl.col("date") <= pl.col("date_sortie")))
        .select((pl.col("pid").cast(pl.UInt64) * 256 + frein).alias("key"), "date", "niveau")
        .group_by("key")
        .agg(pl.len().alias("n"), pl.col("niveau").min_by("date").alias("premier"),
             pl.col("niveau").max_by("date").alias("dernier"))
        .filter((pl.col("n") >= 2) & (pl.col("dernier") < pl.col("premier")))
        .select("key")
    )


def _exits(dataset: Dataset) -> pl.LazyFrame:
    return dataset.participants.lazy().select("participant", "date_sortie").with_row_index("pid")


def freins_leves(dataset: Dataset) -> pl.LazyFrame:
    """The (participant, frein) pairs whose barrier is levé (indicateurs.md): the one implementation of the rule.

    Assessments dated on or before ``date_sortie`` (those before entry count), at least two, the last
    strictly lower than the first.
    """
    exits = _exits(dataset)
    codes = {i: code for code, i in FREIN_INDEX.items()}
    return (
        _levee_keys(dataset, exits)
        .select((pl.col("key") // 256).cast(pl.UInt32).alias("pid"),
                (pl.col("key") % 256).replace_strict(codes, default=None, return_dtype=pl.String).alias("frein"))
        .join(exits.select("pid", "participant"), on="pid", how="inner")
        .select("participant", "frein")
    )


def _levees(dataset: Dataset) -> pl.LazyFrame:
    """Rows (``pid``) of the parcours with at least one barrier levé (the rule of :func:`freins_leves`)."""
    return (_levee_keys(dataset, _exits(dataset))
            .select((pl.col("key") // 256).cast(pl.UInt32).alias("pid")).unique()
            .with_columns(pl.lit(True).alias("frein_leve")))


def _acquis_pendant(dataset: Dataset) -> pl.LazyFrame:
    """Rows (``pid``) of the parcours with at least one acquis dated within [date_entree, date_sortie] (open end
    while in the PLIE)."""
    bounds = dataset.participants.lazy().select("participant", "date_entree", "date_sortie").with_row_index("pid")
    return (
        dataset.acquis.lazy().select("participant", "date")
        .join(bounds, on="participant", how="inner")
        .filter((pl.col("date") >= pl.col("date_entree"))
                & (pl.col("date_sortie").is_null() | (pl.col("date") <= pl.col("date_sortie"))))
        .select("pid").unique()
        .with_columns(pl.lit(True).alias("acquis_pendant"))
    )


def _etapes_in_period(dataset: Dataset, debut: dt.date, fin: dt.date) -> pl.LazyFrame:
    """Per participant: étapes started in the period, and whether one is of family EMPLOI."""
    emploi = [code for code, family in STEP_FAMILY.items() if family == "EMPLOI"]
    return (
        dataset.etapes.lazy().select("participant", "type_etape", "date_debut")
        .filter(pl.col("date_debut").is_between(debut, fin, closed="both"))
        .group_by("participant")
        .agg(pl.len().cast(pl.Int64).alias("etapes_periode"),
             pl.col("type_etape").is_in(emploi).any().alias("etape_emploi"))
    )


def base_frame(dataset: Dataset, *, lazy: bool = False):
    """One row per parcours with every derived column that does not depend on the period.

    Added columns: ``age``, ``tranche_age`` (référentiel ``TRANCHE_AGE``),
    ``categorie`` (of the exit motif), ``femme``, ``moins_26``, ``plus_50``,
    ``rsa``, ``deld``, ``th``, ``qpv_oui``, ``infra_bac``, ``frein_leve``,
    ``acquis_pendant``, ``valorisee`` (non-positive exit worth valuing),
    ``duree_mois`` (for exits), ``zone`` (EPCI of the territory, or
    ``hors_territoire``). Flags are booleans, never null.
    """
    p = dataset.participants.lazy()
    territory = dataset.communes.lazy().select("commune", pl.col("epci").alias("zone_epci")).unique("commune")
    criteres = pl.col("criteres").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    frame = (
        p.with_row_index("__pid").with_columns(age_expr())
        .with_columns(
            pl.when(pl.col("age") < 26).then(pl.lit("MOINS_26"))
            .when(pl.col("age") < 50).then(pl.lit("26_49"))
            .when(pl.col("age").is_not_null()).then(pl.lit("50_PLUS"))
            .otherwise(None).alias("tranche_age"),
            _lut(MOTIF_CATEGORY, "motif_sortie").alias("categorie"),
            (pl.col("sexe") == "F").fill_null(False).alias("femme"),
            (pl.col("age") < 26).fill_null(False).alias("moins_26"),
            (pl.col("age") >= 50).fill_null(False).alias("plus_50"),
            criteres.list.contains("RSA").alias("rsa"),
            (criteres.list.contains("DELD") | criteres.list.contains("DETLD")
             | (pl.col("anciennete_chomage_mois") >= ref.DELD_ANCIENNETE_MOIS).fill_null(False)).alias("deld"),
            criteres.list.contains("TH").alias("th"),
            pl.col("qpv").fill_null(False).alias("qpv_oui"),
            pl.col("niveau_formation").is_in(list(ref.INFRA_BAC)).fill_null(False).alias("infra_bac"),
            ((pl.col("date_sortie") - pl.col("date_entree")).dt.total_days() / DAYS_PER_MONTH).alias("duree_mois"),
        )
        # Rows of the parcours joined on their row index (an integer), not on the participant's text id.
        .join(_levees(dataset).rename({"pid": "__pid"}), on="__pid", how="left")
        .join(_acquis_pendant(dataset).rename({"pid": "__pid"}), on="__pid", how="left")
        .join(territory, on="commune", how="left")
        .with_columns(
            pl.col("frein_leve").fill_null(False),
            pl.col("acquis_pendant").fill_null(False),
            pl.col("zone_epci").fill_null(HORS_TERRITOIRE).alias("zone"),
        )
        .drop("zone_epci", "__pid")
        .with_columns(
            ((pl.col("categorie") == "solution")
             | ((pl.col("categorie") == "sans_solution") & (pl.col("acquis_pendant") | pl.col("frein_leve"))))
            .fill_null(False).alias("valorisee"),
        )
    )
    return frame if lazy else frame.collect()


def participant_frame(dataset: Dataset, debut: dt.date, fin: dt.date, *, lazy: bool = False,
                      base: pl.DataFrame | None = None):
    """One row per parcours, with every column the indicators and breakdowns need for ``[debut, fin]``.

    The columns of :func:`base_frame` (pass ``base`` to reuse one), plus the
    period's populations ``accompagne``, ``entre``, ``sorti`` and
    ``etapes_periode``/``etape_emploi`` (étapes started in the period).
    """
    frame = (base.lazy() if base is not None else base_frame(dataset, lazy=True))
    frame = (
        frame.with_columns(
            entre(debut, fin).fill_null(False).alias("entre"),
            sorti(debut, fin).fill_null(False).alias("sorti"),
            accompagne(debut, fin).fill_null(False).alias("accompagne"),
        )
        .join(_etapes_in_period(dataset, debut, fin), on="participant", how="left")
        .with_columns(pl.col("etapes_periode").fill_null(0), pl.col("etape_emploi").fill_null(False))
    )
    return frame if lazy else frame.collect()


def yearly_frame(dataset: Dataset, first: int, last: int, *, base: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (parcours, calendar year in which it is accompagné), years ``first``…``last``.

    Same columns as :func:`participant_frame` for the period ``[1/1, 31/12]``
    of ``annee``; a parcours entering or leaving in a year is accompagné
    that year, so the rows cover every entrée and sortie too.
    """
    emploi = [code for code, family in STEP_FAMILY.items() if family == "EMPLOI"]
    frame = base.lazy() if base is not None else base_frame(dataset, lazy=True)
    start = pl.max_horizontal(pl.col("date_entree").dt.year(), pl.lit(first)).cast(pl.Int32)
    end = pl.min_horizontal(pl.col("date_sortie").dt.year().fill_null(last), pl.lit(last)).cast(pl.Int32)
    steps = (dataset.etapes.lazy()
             .group_by("participant", pl.col("date_debut").dt.year().cast(pl.Int32).alias("annee"))
             .agg(pl.len().cast(pl.Int64).alias("etapes_periode"),
                  pl.col("type_etape").is_in(emploi).any().alias("etape_emploi")))
    keep = ["participant", "sexe", "zone", "tranche_age", "date_entree", "date_sortie", "categorie", "valorisee",
            "duree_mois", *(flag for flag in SHARE_FLAGS.values() if flag != "etape_emploi")]
    return (
        frame.filter(start <= end)
        .select(*keep, pl.int_ranges(start, end + 1, dtype=pl.Int32).alias("annee"))
        .explode("annee")
        .with_columns(
            pl.lit(True).alias("accompagne"),
            (pl.col("date_entree").dt.year() == pl.col("annee")).alias("entre"),
            (pl.col("date_sortie").dt.year() == pl.col("annee")).fill_null(False).alias("sorti"),
        )
        .join(steps, on=["participant", "annee"], how="left")
        .with_columns(pl.col("etapes_periode").fill_null(0), pl.col("etape_emploi").fill_null(False))
        .collect()
    )


# --------------------------------------------------------------------------- aggregation


def count_exprs() -> list[pl.Expr]:
    """Aggregations of :func:`participant_frame` giving every count of the core, per group or overall.

    Column names: the indicator ids for counts, ``n_<share flag>`` for the
    numerators of the shares, ``etapes`` for the étapes of the period,
    ``duree_moyenne_parcours_mois``/``duree_mediane_parcours_mois``.
    """
    acc, sor = pl.col("accompagne"), pl.col("sorti")
    cat = pl.col("categorie")
    exprs = [
        acc.sum().cast(pl.Int64).alias("participants_accompagnes"),
        pl.col("entre").sum().cast(pl.Int64).alias("entrees"),
        sor.sum().cast(pl.Int64).alias("sorties"),
        (sor & (cat == "positive")).sum().cast(pl.Int64).alias("sorties_positives"),
        (sor & (cat == "neutre")).sum().cast(pl.Int64).alias("sorties_neutres"),
        (sor & (cat == "solution")).sum().cast(pl.Int64).alias("sorties_solution"),
        (sor & (cat == "sans_solution")).sum().cast(pl.Int64).alias("sorties_sans_solution"),
        (sor & pl.col("valorisee")).sum().cast(pl.Int64).alias("sorties_non_positives_valorisees"),
        pl.col("duree_mois").filter(sor).mean().alias("duree_moyenne_parcours_mois"),
        pl.col("duree_mois").filter(sor).median().alias("duree_mediane_parcours_mois"),
        pl.col("etapes_periode").filter(acc).sum().cast(pl.Int64).alias("etapes"),
    ]
    exprs += [(acc & pl.col(flag)).sum().cast(pl.Int64).alias(f"n_{flag}") for flag in SHARE_FLAGS.values()]
    return exprs


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _float(value) -> float | None:
    return None if value is None else float(value)


@dataclass
class Result:
    """A computed payload and what the disclosure layer needs besides it."""

    payload: dict[str, Any]
    numerators: dict[str, int] = field(default_factory=dict)
    denominators: dict[str, int] = field(default_factory=dict)

    @property
    def indicateurs(self) -> dict[str, Any]:
        return self.payload["indicateurs"]


def evaluate(dataset: Dataset, debut: dt.date, fin: dt.date, *, esf: bool = True,
             frame: pl.DataFrame | None = None) -> Result:
    """Every indicator of the period, with the numerators of the shares (see :func:`compute`).

    ``frame``: a :func:`participant_frame` of the same period already computed (saves the work).
    """
    period = Period(debut, fin)
    # One plan: the counts, the exits by motif, the accompagnés by zone (and ESF+) collected together, the
    # participant frame (when not given) computed once for all of them, only the columns they use.
    lazy = participant_frame(dataset, debut, fin, lazy=True) if frame is None else frame.lazy()
    queries = [lazy.select(count_exprs()),
               lazy.filter(pl.col("sorti")).group_by("motif_sortie").agg(pl.len()),
               lazy.filter(pl.col("accompagne")).group_by("zone").agg(pl.len())]
    if esf:
        from .esf import esf_query

        queries.append(esf_query(lazy))
    counts, motifs, zones, *esf_grouped = pl.collect_all(queries)
    row = counts.row(0, named=True)
    acc, sorties = row["participants_accompagnes"], row["sorties"]
    positives, neutres = row["sorties_positives"], row["sorties_neutres"]

    motif_counts = dict(zip(motifs["motif_sortie"].to_list(), motifs["len"].to_list(), strict=True))
    par_motif = {code: int(motif_counts.get(code, 0)) for code in ref.MOTIF_SORTIE.codes()}
    par_categorie = {category: 0 for category in ref.CATEGORIE_SORTIE.codes()}
    for code, n in par_motif.items():
        par_categorie[MOTIF_CATEGORY[code]] += n

    par_epci, pour_1000 = _epci(dataset, zones)
    valorisees = row["sorties_non_positives_valorisees"]
    indicateurs: dict[str, Any] = {
        "participants_accompagnes": acc,
        "entrees": row["entrees"],
        "sorties": sorties,
        "sorties_positives": positives,
        "sorties_neutres": neutres,
        "taux_sorties_positives": _ratio(positives, sorties),
        "taux_sorties_positives_hors_neutres": _ratio(positives, sorties - neutres),
        "sorties_par_motif": par_motif,
        "sorties_par_categorie": par_categorie,
        "sorties_non_positives_valorisees": valorisees,
        "taux_valorisation_sorties_non_positives": _ratio(valorisees, sorties - positives - neutres),
        "duree_moyenne_parcours_mois": _float(row["duree_moyenne_parcours_mois"]),
        "duree_mediane_parcours_mois": _float(row["duree_mediane_parcours_mois"]),
    }
    numerators = {}
    for share, flag in SHARE_FLAGS.items():
        numerators[share] = row[f"n_{flag}"]
        indicateurs[share] = _ratio(row[f"n_{flag}"], acc)
    indicateurs["etapes_par_participant"] = _ratio(row["etapes"], acc)
    numerators["etapes_par_participant"] = row["etapes"]
    indicateurs["accompagnes_par_epci"] = par_epci
    indicateurs["accompagnes_pour_1000_habitants_par_epci"] = pour_1000
    indicateurs = {key: indicateurs[key] for key in CORE_IDS}  # registry order
    if esf:
        from .esf import esf_values

        indicateurs.update(esf_values(esf_grouped[0]))
    denominators = {"participants_accompagnes": acc, "sorties": sorties, "sorties_hors_neutres": sorties - neutres,
                    "sorties_non_positives": sorties - positives - neutres}
    payload = {"periode": period.as_dict(), "indicateurs": indicateurs, "diffusion": False, "secret": []}
    return Result(payload, numerators, denominators)


def compute(dataset: Dataset, debut: dt.date, fin: dt.date, *, esf: bool = True) -> dict[str, Any]:
    """The contract's machine output for ``[debut, fin]``: full precision, nothing suppressed."""
    return evaluate(dataset, debut, fin, esf=esf).payload


def diffuse(result: Result, seuil: int) -> dict[str, Any]:
    """The partner-facing (``--diffusion``) version of a result: secret cells are ``null`` and listed."""
    from .disclosure import protect_indicators

    return protect_indicators(result.payload, seuil, numerators=result.numerators)


def territory_epcis(dataset: Dataset) -> list[str]:
    """SIREN codes of the territory's EPCI, sorted."""
    return sorted(e for e in dataset.communes["epci"].drop_nulls().unique().to_list() if e)


def epci_populations(dataset: Dataset) -> dict[str, int]:
    """EPCI SIREN → population municipale: the sum of all its communes in the reference (indicateurs.md),
    given by the loader; else the sum of its communes in the communes frame."""
    if dataset.epci_populations:
        return dict(dataset.epci_populations)
    pops = (dataset.communes.filter(pl.col("epci").is_not_null()).unique("commune")
            .group_by("epci").agg(pl.col("population").sum()))
    return dict(zip(pops["epci"].to_list(), pops["population"].to_list(), strict=True))


def _epci(dataset: Dataset, counts: pl.DataFrame) -> tuple[dict[str, int], dict[str, float | None]]:
    """Accompagnés per EPCI of the territory (and hors territoire), per 1 000 inhabitants; ``counts``: the
    accompagnés by ``zone`` (``len``)."""
    by_zone = dict(zip(counts["zone"].to_list(), counts["len"].to_list(), strict=True))
    epcis = territory_epcis(dataset)
    par_epci = {siren: int(by_zone.get(siren, 0)) for siren in epcis}
    par_epci[HORS_TERRITOIRE] = int(by_zone.get(HORS_TERRITOIRE, 0))
    populations = epci_populations(dataset)
    pour_1000 = {siren: (1000 * par_epci[siren] / populations[siren] if populations.get(siren) else None)
                 for siren in epcis}
    return par_epci, pour_1000

