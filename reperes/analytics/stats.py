"""Confidence intervals and comparisons of rates (pure Python, vectorised with NumPy).

Every rate Repères shows comes with its 95 % Wilson score interval: unlike the
textbook « p ± 1,96 √(p(1−p)/n) », it stays within [0, 1] and behaves for
small groups and for rates near 0 or 1 (Wilson, 1927; Brown, Cai & DasGupta,
2001, recommend it).

Whether two groups differ is told by the **two-proportion z-test** (pooled
variance, two-sided, 5 % level): the interface says « écart non
significatif » when its p-value is 0.05 or more. Non-overlapping intervals
are not used as the criterion: they are a much stricter rule that misses
real differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

Z_95 = 1.959963984540054  # standard normal quantile 0.975
ALPHA = 0.05

METHODE_INTERVALLE = ("Intervalle de confiance à 95 % de Wilson : la valeur réelle a 95 chances sur 100 de s'y "
                      "trouver, compte tenu de la taille du groupe.")
METHODE_COMPARAISON = ("Deux groupes sont comparés par un test de différence de deux proportions (test z, "
                       "bilatéral, seuil de 5 %) : « écart non significatif » signifie que la différence observée "
                       "peut s'expliquer par le hasard.")


def wilson(successes: int, total: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval ``(low, high)`` of ``successes / total``; ``None`` when ``total`` is 0."""
    if total < 0 or successes < 0 or successes > total:
        raise ValueError(f"invalid proportion {successes}/{total}")
    if total == 0:
        return None
    p = successes / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_arrays(successes, totals, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`wilson`: arrays of lows and highs (NaN where the total is 0)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def wilson_exprs(successes: str, total: str, prefix: str = "", z: float = Z_95) -> list[pl.Expr]:
    """Polars expressions adding ``{prefix}taux``, ``{prefix}ic_bas`` and ``{prefix}ic_haut`` (null when total is 0)."""
    k = pl.col(successes).cast(pl.Float64)
    n = pl.col(total).cast(pl.Float64)
    z2 = z * z
    p = k / n
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denom
    valid = pl.col(total) > 0
    return [
        pl.when(valid).then(p).otherwise(None).alias(f"{prefix}taux"),
        pl.when(valid).then((centre - half).clip(0.0, 1.0)).otherwise(None).alias(f"{prefix}ic_bas"),
        pl.when(valid).then((centre + half).clip(0.0, 1.0)).otherwise(None).alias(f"{prefix}ic_haut"),
    ]


@dataclass(frozen=True)
class Comparison:
    """The two-proportion z-test of two groups' rates."""

    rate_a: float | None
    rate_b: float | None
    difference: float | None  # rate_a - rate_b
    z: float | None
    p_value: float | None  # None when the test cannot be made (an empty group, or both rates 0 or 1)
    significant: bool

    @property
    def texte(self) -> str:
        """French verdict shown next to a comparison."""
        if self.p_value is None:
            return "comparaison impossible (groupe vide ou aucune variation)"
        if self.significant:
            return "écart significatif (test de différence de proportions, seuil de 5 %)"
        return "écart non significatif (peut s'expliquer par le hasard, seuil de 5 %)"


def compare_rates(successes_a: int, total_a: int, successes_b: int, total_b: int,
                  alpha: float = ALPHA) -> Comparison:
    """Two-sided two-proportion z-test with pooled variance: is rate A different from rate B?"""
    if total_a == 0 or total_b == 0:
        ra = successes_a / total_a if total_a else None
        rb = successes_b / total_b if total_b else None
        return Comparison(ra, rb, None, None, None, False)
    ra, rb = successes_a / total_a, successes_b / total_b
    pooled = (successes_a + successes_b) / (total_a + total_b)
    variance = pooled * (1 - pooled) * (1 / total_a + 1 / total_b)
    if variance == 0:
        return Comparison(ra, rb, ra - rb, None, None, False)
    z = (ra - rb) / math.sqrt(variance)
    p_value = math.erfc(abs(z) / math.sqrt(2))
    return Comparison(ra, rb, ra - rb, z, p_value, p_value < alpha)


def intervals_overlap(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool | None:
    """Whether two intervals overlap (``None`` when one is missing). Informative only: see the module's note."""
    if a is None or b is None:
        return None
    return a[0] <= b[1] and b[0] <= a[1]
