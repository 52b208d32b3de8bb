"""Determinants of a positive exit: a logistic regression on the profile at entry (statsmodels).

Population: the **sorties** of the period; outcome: the exit's category is
``positive``. Each variable is a yes/no at entry (reference group in
``VARIABLES``); a variable nobody (or everybody) has in the population is left
out and said so. Below ``min_sample`` exits, or with fewer than
``min_events`` positive and non-positive exits each, no model is fitted: the
result says why, in French, rather than printing unstable odds ratios.

« Rural »: the INSEE's former definition of a rural commune (fewer than 2 000
inhabitants) applied to the commune of residence — an approximation, since
the bundled reference holds populations, not the INSEE's density grid.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from reperes import formats
from reperes.analytics.frames import Dataset
from reperes.analytics.populations import sorties
from reperes.analytics.profiles import categorie, has_critere, is_deld
from reperes.referentiel.codes import INFRA_BAC, SORTIE_POSITIVE

MIN_SAMPLE = 200
MIN_EVENTS = 20
RURAL_POPULATION = 2000

# key → (French label, reference group, expression)
VARIABLES = {
    "femme": ("Femme", "homme", lambda: pl.col("sexe") == "F"),
    "moins_26": ("Moins de 26 ans", "26 à 49 ans", lambda: pl.col("age_entree") < 26),
    "plus_50": ("50 ans et plus", "26 à 49 ans", lambda: pl.col("age_entree") >= 50),
    "infra_bac": ("Niveau infra-bac (niveau 3 ou moins)", "niveau 4 et plus ou inconnu",
                  lambda: pl.col("niveau_formation").is_in(list(INFRA_BAC))),
    "rsa": ("Bénéficiaire du RSA", "non bénéficiaire", lambda: has_critere("RSA")),
    "deld": ("Demandeur d'emploi de longue durée", "non DELD", is_deld),
    "th": ("Travailleur handicapé (RQTH)", "sans RQTH", lambda: has_critere("TH")),
    "qpv": ("Résident d'un QPV", "hors QPV ou inconnu", lambda: pl.col("qpv")),
    "freins_2_plus": ("Deux freins ou plus à l'entrée", "zéro ou un frein",
                      lambda: pl.col("freins_entree").list.len() >= 2),
    "rural": ("Commune de résidence rurale (moins de 2 000 habitants)", "commune de 2 000 habitants ou plus",
              lambda: pl.col("population_commune") < RURAL_POPULATION),
}
DEFINITION = ("Régression logistique de la probabilité d'une sortie positive, sur les sorties de la période, "
              "selon le profil à l'entrée. Rapport des cotes (odds ratio) : supérieur à 1, la caractéristique "
              "va avec plus de sorties positives, toutes les autres étant égales ; inférieur à 1, avec moins. "
              "Intervalle de confiance à 95 %. Une association n'est pas une causalité.")


@dataclass
class OddsRatio:
    key: str
    label: str
    reference: str
    n_yes: int
    odds_ratio: float
    low: float
    high: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05

    def reading(self) -> str:
        """A plain-French sentence for a non-specialist reader."""
        ratio = formats.number(self.odds_ratio, 2)
        interval = f"(intervalle de confiance à 95 % : {formats.number(self.low, 2)} à {formats.number(self.high, 2)})"
        if not self.significant:
            return (f"{self.label} : pas de différence significative par rapport au groupe « {self.reference} » "
                    f"{interval}, toutes les autres caractéristiques étant égales.")
        direction = "plus" if self.odds_ratio > 1 else "moins"
        return (f"{self.label} : chances de sortie positive multipliées par {ratio} par rapport au groupe "
                f"« {self.reference} » {interval}, toutes les autres caractéristiques étant égales — "
                f"soit {direction} de sorties positives.")


@dataclass
class Model:
    n: int
    events: int
    fitted: bool
    message: str  # why there is no model, or a summary
    ratios: list[OddsRatio] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # variables without variation
    pseudo_r2: float | None = None


def design(dataset: Dataset, debut: dt.date, fin: dt.date) -> pl.DataFrame:
    """The exits of the period with one 0/1 column per variable and ``positive``."""
    people = sorties(dataset.participants, debut, fin)
    population = dataset.communes.select("commune", pl.col("population").alias("population_commune"))
    people = people.join(population, on="commune", how="left")
    return people.select(
        (categorie() == SORTIE_POSITIVE).fill_null(False).cast(pl.Int32).alias("positive"),
        *[expr().fill_null(False).cast(pl.Int32).alias(key) for key, (_, _, expr) in VARIABLES.items()])


def fit(dataset: Dataset, debut: dt.date, fin: dt.date, *, min_sample: int = MIN_SAMPLE,
        min_events: int = MIN_EVENTS) -> Model:
    frame = design(dataset, debut, fin)
    n = frame.height
    events = int(frame["positive"].sum()) if n else 0
    if n < min_sample:
        return Model(n, events, False,
                     f"Pas de modèle : {formats.plural(n, 'sortie')} sur la période, il en faut au moins "
                     f"{formats.number(min_sample)} pour estimer des effets fiables. Élargissez la période ou "
                     f"retirez des filtres.")
    if min(events, n - events) < min_events:
        return Model(n, events, False,
                     f"Pas de modèle : {formats.plural(events, 'sortie positive', 'sorties positives')} et "
                     f"{formats.plural(n - events, 'autre sortie', 'autres sorties')} ; il en faut au moins "
                     f"{formats.number(min_events)} de chaque sorte.")
    keys = [k for k in VARIABLES if 0 < int(frame[k].sum()) < n]
    dropped = [VARIABLES[k][0] for k in VARIABLES if k not in keys]
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    x = sm.add_constant(frame.select(keys).to_numpy().astype(float), has_constant="add")
    y = frame["positive"].to_numpy().astype(float)
    try:
        result = sm.Logit(y, x).fit(disp=0, maxiter=200)
    except (PerfectSeparationError, np.linalg.LinAlgError) as error:
        return Model(n, events, False, f"Pas de modèle : l'estimation n'a pas abouti ({error.__class__.__name__}) ; "
                                       f"une caractéristique sépare parfaitement les sorties.", dropped=dropped)
    params, conf, pvalues = result.params, result.conf_int(0.05), result.pvalues
    ratios = []
    for i, key in enumerate(keys, start=1):
        label, reference, _ = VARIABLES[key]
        if not all(math.isfinite(v) for v in (params[i], conf[i][0], conf[i][1])):
            continue
        ratios.append(OddsRatio(key, label, reference, int(frame[key].sum()), float(np.exp(params[i])),
                                float(np.exp(conf[i][0])), float(np.exp(conf[i][1])), float(pvalues[i])))
    significant = sum(r.significant for r in ratios)
    message = (f"Modèle estimé sur {formats.plural(n, 'sortie')} dont "
               f"{formats.plural(events, 'sortie positive', 'sorties positives')} ; "
               f"{formats.plural(significant, 'caractéristique significative', 'caractéristiques significatives')} "
               f"au seuil de 5 %.")
    return Model(n, events, True, message, ratios, dropped, float(result.prsquared))
