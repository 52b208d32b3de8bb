"""The audit: play the attacker on a protected publication, with an integer linear programme.

From what a partner receives — the published figures, the identities every
reader knows (:meth:`Publication.identity`), and what the mark implies (a
cell shown « s » holds at least 1, since zeros are shown) — the attacker
looks for the smallest and the largest value each hidden figure can take.
Both are integer programmes solved by HiGHS (:func:`scipy.optimize.milp`).
A hidden figure about 1 to ``seuil − 1`` people whose interval is a single
value is *pinned*: the publication leaks it, and must not be released.

The audit works on each connected group of figures (linked by identities)
separately, so a report of a few hundred figures is audited in well under a
second.

:func:`compare_nested` checks two allowed answers over nested populations or
periods (a year and a part of it, the whole population and a profile):
a published count that differs by 1 to ``seuil − 1`` between them is a leak
by differencing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: the publication calls the audit, not the other way round
    from .publication import Protected

INFINITY = math.inf


@dataclass(frozen=True)
class Interval:
    """What the attacker can tell about one hidden figure: ``low ≤ value ≤ high``."""

    name: str
    label: str
    low: float
    high: float
    value: int  # the true value: for the PLIE's own report of the audit, never for a partner
    published: bool  # a cell shown « s » (True), or a figure never shown but recomputable (False)

    @property
    def pinned(self) -> bool:
        return self.high - self.low < 0.5


@dataclass(frozen=True)
class AuditResult:
    seuil: int
    intervals: tuple[Interval, ...]
    failures: tuple[str, ...]  # French, one per leak

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "seuil": self.seuil,
            "ok": self.ok,
            "echecs": list(self.failures),
            "cases": [{"nom": i.name, "libelle": i.label, "min": _json_bound(i.low), "max": _json_bound(i.high),
                       "publiee": i.published, "epinglee": i.pinned} for i in self.intervals],
        }


def _json_bound(value: float) -> int | None:
    return None if math.isinf(value) else int(round(value))


def audit(protected: Protected) -> AuditResult:
    """The feasible interval of every hidden figure of ``protected``, and the leaks (pinned small counts)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    publication = protected.publication
    system, solution, seuil = publication.system, protected.solution, publication.seuil
    variables = system.vars
    unknown = solution.unknown
    names = _names_of(publication)
    # Groups of figures linked by identities (union–find): each is a small programme of its own.
    parent = list(range(len(variables)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for total, parts in system.equations:
        for p in parts:
            parent[find(p)] = find(total)
    groups: dict[int, list[int]] = {}
    for i in range(len(variables)):
        groups.setdefault(find(i), []).append(i)
    equations_of: dict[int, list[int]] = {}
    for k, (total, _parts) in enumerate(system.equations):
        equations_of.setdefault(find(total), []).append(k)

    intervals: list[Interval] = []
    failures: list[str] = []
    for root, members in groups.items():
        # Every cell shown « s », and every figure never shown that is a small count (a remainder…).
        targets = [i for i in members if i in solution.hidden or (i in unknown and 0 < variables[i].value < seuil)]
        if not targets:
            continue
        index = {v: j for j, v in enumerate(members)}
        eqs = equations_of.get(root, [])
        lows, highs = [], []
        for v in members:
            if v not in unknown:
                lows.append(variables[v].value)
                highs.append(variables[v].value)
            elif v in solution.hidden:
                lows.append(1)  # shown « s »: zeros are shown, so it holds at least 1
                highs.append(INFINITY)
            else:
                lows.append(0)
                highs.append(INFINITY)
        matrix = lil_matrix((max(len(eqs), 1), len(members)))
        for row, k in enumerate(eqs):
            total, parts = system.equations[k]
            matrix[row, index[total]] -= 1
            for p in parts:
                matrix[row, index[p]] += 1
        constraints = [LinearConstraint(matrix.tocsr(), 0, 0)] if eqs else []
        bounds = Bounds(np.array(lows, dtype=float), np.array(highs, dtype=float))
        integrality = np.ones(len(members))
        for v in targets:
            cost = np.zeros(len(members))
            cost[index[v]] = 1.0
            low = milp(cost, constraints=constraints, bounds=bounds, integrality=integrality)
            high = milp(-cost, constraints=constraints, bounds=bounds, integrality=integrality)
            label = publication.labels.get(v, variables[v].name)
            if low.status == 2 or high.status == 2:  # infeasible: the published figures contradict the marks
                failures.append(f"« {label} » : les cases publiées sont incohérentes avec la marque « s » "
                                "(une case masquée vaut zéro ?)")
                continue
            lo = float(low.fun) if low.status == 0 else 0.0
            hi = -float(high.fun) if high.status == 0 else INFINITY
            lo, hi = math.ceil(lo - 1e-6), (hi if math.isinf(hi) else math.floor(hi + 1e-6))  # counts are integers
            interval = Interval(names.get(v, variables[v].name), label, lo, hi, variables[v].value,
                                v in solution.hidden)
            intervals.append(interval)
            if interval.pinned and 0 < interval.value < seuil:
                failures.append(f"« {label} » se recalcule exactement à partir de ce qui est publié "
                                f"(effectif inférieur à {seuil}) : la publication ne peut pas être diffusée.")
    return AuditResult(seuil, tuple(sorted(intervals, key=lambda i: i.name)), tuple(failures))


def _names_of(publication) -> dict[int, str]:
    names: dict[int, str] = {}
    for name, var in list(publication.unpublished.items()) + list(publication.names.items()):
        names[var] = name  # a published name wins
    return names


def compare_nested(larger: Protected, smaller: Protected, names: Iterable[str], *,
                   what: str = "") -> list[str]:
    """Leaks by differencing between two allowed answers over nested periods or populations.

    ``names``: counts that can only grow from ``smaller`` to ``larger`` (entrées, sorties, motifs…).
    A count published in both whose difference is 1 to ``seuil − 1`` is a leak.
    """
    failures = []
    seuil = larger.seuil
    for name in names:
        if name not in larger.publication or name not in smaller.publication:
            continue
        a, b = larger.value(name), smaller.value(name)
        if a is None or b is None:
            continue
        if 0 < abs(a - b) < seuil:
            failures.append(f"« {larger.label(name)} » : {what or 'deux réponses emboîtées'} diffèrent de moins "
                            f"de {seuil} personnes.")
    return failures
