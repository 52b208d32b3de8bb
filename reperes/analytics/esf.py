"""ESF+ common indicators (Regulation (EU) 2021/1057, Annex I), by sex.

The annex lists the indicators without numbering them; the codes used here
(``EECO…`` output, ``EECR…`` result) are those of the Commission's
electronic data exchange system (SFC2021) for the ESF+ common indicators:
EECO01 is the total number of participants, computed from the
labour-market-status indicators, EECO02–EECO05 that status, EECO06–EECO08
the age groups, EECO09–EECO11 the ISCED groups, EECO12 disabilities, EECO16
housing exclusion; EECR02 and EECR04 are immediate results « upon leaving »,
EECR05 the longer-term result « six months after leaving ». The annex's
codes could not be re-read from an official source while writing this
module: they are the ids of the payload, and ``docs/indicateurs.md`` asks to
check them against the annex before a report names them.

Each value is ``{"F": n, "M": n, "total": n}``. Output indicators count the
**entrées** of the period, results the **sorties**. The exchange format
approximates several definitions; each indicator says how
(``Indicator.approximation``), and the product shows it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from reperes import referentiel as ref

from .registry import NOMBRE, TAUX, Indicator

SEXES = ("F", "M")
TOTAL = "total"

EMPLOI_A_LA_SORTIE = ("EMPLOI_CDI", "EMPLOI_CDD_6M", "EMPLOI_INTERIM_6M", "ALTERNANCE", "CREATION_ACTIVITE",
                      "EMPLOI_TRANSITION")
FORMATION_A_LA_SORTIE = ("FORMATION_QUALIFIANTE", "FORMATION_PREQUALIFIANTE")

_ENT = "entrées de la période"
_SOR = "sorties de la période"


def _esf(code: str, label: str, definition: str, approximation: str | None = None, unit: str = NOMBRE,
         denominator: str | None = None) -> Indicator:
    return Indicator(code, label, definition, unit, section="fse", approximation=approximation, by_sex=True,
                     denominator=denominator)


ESF_INDICATORS: tuple[Indicator, ...] = (
    _esf("EECO01", "Nombre total de participants", f"Nombre d'{_ENT}, par sexe."),
    _esf("EECO02", "Chômeurs, y compris de longue durée",
         f"{_ENT.capitalize()} dont la situation à l'entrée est « demandeur d'emploi ».",
         "Situation déclarée à l'entrée (demandeur d'emploi), pas la définition du BIT."),
    _esf("EECO03", "Chômeurs de longue durée",
         f"{_ENT.capitalize()} DELD : critère DELD ou DETLD, ou ancienneté de chômage de 12 mois ou plus.",
         "Règle DELD des indicateurs (critère ou ancienneté d'inscription), quelle que soit la situation "
         "déclarée ; l'annexe vise 12 mois de chômage continu (6 mois pour les moins de 25 ans)."),
    _esf("EECO04", "Personnes inactives", f"{_ENT.capitalize()} dont la situation à l'entrée est « inactif »."),
    _esf("EECO05", "Personnes ayant un emploi, y compris les indépendants",
         f"{_ENT.capitalize()} dont la situation à l'entrée est « en emploi ».",
         "Emploi précaire ou à temps partiel subi déclaré à l'entrée."),
    _esf("EECO06", "Moins de 18 ans", f"{_ENT.capitalize()} âgées de moins de 18 ans à l'entrée.",
         "Âge à l'entrée ; si seule l'année de naissance est connue, année d'entrée − année de naissance."),
    _esf("EECO07", "18 à 29 ans", f"{_ENT.capitalize()} âgées de 18 à 29 ans à l'entrée.",
         "Âge à l'entrée ; si seule l'année de naissance est connue, année d'entrée − année de naissance."),
    _esf("EECO08", "55 ans et plus", f"{_ENT.capitalize()} âgées de 55 ans ou plus à l'entrée.",
         "Âge à l'entrée ; si seule l'année de naissance est connue, année d'entrée − année de naissance."),
    _esf("EECO09", "Niveau CITE 0 à 2", f"{_ENT.capitalize()} sans diplôme ou de niveau infra 3.",
         "Correspondance nomenclature française 2019 → CITE du référentiel (niveau non renseigné : aucun groupe)."),
    _esf("EECO10", "Niveau CITE 3 ou 4", f"{_ENT.capitalize()} de niveau 3 (CAP, BEP) ou 4 (baccalauréat).",
         "Correspondance nomenclature française 2019 → CITE du référentiel."),
    _esf("EECO11", "Niveau CITE 5 à 8", f"{_ENT.capitalize()} de niveau 5 ou plus (bac + 2 et au-delà).",
         "Correspondance nomenclature française 2019 → CITE du référentiel."),
    _esf("EECO12", "Participants handicapés", f"{_ENT.capitalize()} dont les critères comprennent TH ou AAH.",
         "Reconnaissance administrative (RQTH, AAH) : le handicap non reconnu n'est pas compté."),
    _esf("EECO16", "Sans domicile ou exclus du logement",
         f"{_ENT.capitalize()} dont les critères comprennent « sans domicile ou exclusion du logement ».",
         "Critère déclaré à l'entrée (pas la typologie ETHOS complète)."),
    _esf("EECR02", "En études ou en formation à la sortie",
         f"{_SOR.capitalize()} pour formation qualifiante ou pré-qualifiante.",
         "Motif de sortie (formation qualifiante ou pré-qualifiante), pas une enquête à la sortie."),
    _esf("EECR04", "En emploi, y compris indépendant, à la sortie",
         f"{_SOR.capitalize()} pour emploi (CDI, CDD ou intérim de 6 mois ou plus, alternance, création "
         "d'activité, emploi de moins de 6 mois, contrat aidé ou SIAE).",
         "Motif de sortie, pas une enquête à la sortie."),
    _esf("EECR05", "En emploi, y compris indépendant, six mois après la sortie",
         f"{_SOR.capitalize()} dont la situation six mois après est « en emploi ».",
         "Situation à 6 mois renseignée par le PLIE ; calculée sur les sorties dont elle est connue."),
    _esf("EECR05_sorties", "Sorties de la période (base du suivi à 6 mois)", f"Nombre de {_SOR}, par sexe."),
    _esf("EECR05_situation_connue", "Sorties dont la situation à 6 mois est connue",
         f"{_SOR.capitalize()} dont la situation six mois après la sortie est renseignée (autre que « non "
         "connue »)."),
    _esf("EECR05_taux", "Taux d'emploi six mois après la sortie",
         "Sorties en emploi six mois après, divisées par les sorties dont la situation à 6 mois est connue.",
         unit=TAUX, denominator="sorties dont la situation à 6 mois est connue"),
    _esf("EECR05_part_situation_inconnue", "Part des sorties dont la situation à 6 mois est inconnue",
         "Sorties dont la situation à 6 mois n'est pas renseignée ou « non connue », divisées par les sorties.",
         unit=TAUX, denominator=_SOR),
)

ESF_IDS = tuple(i.id for i in ESF_INDICATORS)

# Counts (by sex) and the population they count: "entrees" or "sorties".
ESF_COUNTS = {i.id: ("sorties" if i.id.startswith("EECR") else "entrees") for i in ESF_INDICATORS if i.unit == NOMBRE}
# Rates (by sex): id → (numerator id or None, denominator id), both ESF counts.
ESF_RATES = {"EECR05_taux": ("EECR05", "EECR05_situation_connue"),
             "EECR05_part_situation_inconnue": (None, "EECR05_sorties")}
# Additive relations a reader knows: total = sum of parts (a remainder, never shown, completes them).
ESF_PARTITIONS = (
    ("EECO01", ("EECO02", "EECO04", "EECO05")),
    ("EECO01", ("EECO06", "EECO07", "EECO08")),
    ("EECO01", ("EECO09", "EECO10", "EECO11")),
)
# ESF counts equal to a sum of motifs of ``sorties_par_motif``.
ESF_MOTIFS = {"EECR04": EMPLOI_A_LA_SORTIE, "EECR02": FORMATION_A_LA_SORTIE}
# ESF counts whose total equals a core count.
ESF_SAME_AS = {"EECO01": "entrees", "EECR05_sorties": "sorties"}


def _flags() -> dict[str, tuple[str, pl.Expr]]:
    """ESF count id → (population column, flag expression over participant_frame)."""
    criteres = pl.col("criteres").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    isced = {c.code: c.attrs.get("isced") for c in ref.NIVEAU_FORMATION}
    groupe = pl.col("niveau_formation").replace_strict(isced, default=None, return_dtype=pl.String)
    age = pl.col("age")
    situation = pl.col("situation_6_mois")
    return {
        "EECO01": ("entre", pl.lit(True)),
        "EECO02": ("entre", pl.col("situation_entree") == "DE"),
        "EECO03": ("entre", pl.col("deld")),
        "EECO04": ("entre", pl.col("situation_entree") == "INACTIF"),
        "EECO05": ("entre", pl.col("situation_entree") == "EMPLOI"),
        "EECO06": ("entre", age < 18),
        "EECO07": ("entre", age.is_between(18, 29, closed="both")),
        "EECO08": ("entre", age >= 55),
        "EECO09": ("entre", groupe == "0-2"),
        "EECO10": ("entre", groupe == "3-4"),
        "EECO11": ("entre", groupe == "5-8"),
        "EECO12": ("entre", criteres.list.contains("TH") | criteres.list.contains("AAH")),
        "EECO16": ("entre", criteres.list.contains("SANS_DOMICILE")),
        "EECR02": ("sorti", pl.col("motif_sortie").is_in(list(FORMATION_A_LA_SORTIE))),
        "EECR04": ("sorti", pl.col("motif_sortie").is_in(list(EMPLOI_A_LA_SORTIE))),
        "EECR05": ("sorti", situation == "EMPLOI"),
        "EECR05_sorties": ("sorti", pl.lit(True)),
        "EECR05_situation_connue": ("sorti", situation.is_not_null() & (situation != "INCONNU")),
    }


def esf_query(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Per sex, the count of every ESF+ flag: each flag evaluated once, summed in one pass."""
    flags = _flags()
    return (frame
            .select(pl.col("sexe"), *[(pl.col(population) & flag.fill_null(False)).alias(id_)
                                      for id_, (population, flag) in flags.items()])
            .group_by("sexe").agg(pl.all().sum().cast(pl.Int64)))


def esf_values(grouped: pl.DataFrame) -> dict[str, Any]:
    """ESF+ values (id → {"F", "M", "total"}) from the result of :func:`esf_query` (the total: every sex,
    unknown included)."""
    sexes = grouped["sexe"].to_list()
    values: dict[str, Any] = {}
    for id_ in ESF_IDS:
        if id_ in grouped.columns:
            by_sex = dict(zip(sexes, grouped[id_].to_list(), strict=True))
            values[id_] = {**{s: int(by_sex.get(s) or 0) for s in SEXES},
                           TOTAL: int(sum(n or 0 for n in by_sex.values()))}
    for key in (*SEXES, TOTAL):
        emploi, connue, sorties = (values[i][key] for i in ("EECR05", "EECR05_situation_connue", "EECR05_sorties"))
        values.setdefault("EECR05_taux", {})[key] = emploi / connue if connue else None
        values.setdefault("EECR05_part_situation_inconnue", {})[key] = (
            (sorties - connue) / sorties if sorties else None)
    return {id_: values[id_] for id_ in ESF_IDS}


def compute_esf(frame: pl.DataFrame) -> dict[str, Any]:
    """ESF+ values (id → {"F", "M", "total"}) from a :func:`~reperes.analytics.indicators.participant_frame`."""
    return esf_values(esf_query(frame.lazy()).collect())
