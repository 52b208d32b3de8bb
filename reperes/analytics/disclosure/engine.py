"""The engine of disclosure control: figures, the additive relations between them, secondary suppression.

See the package's docstring (:mod:`reperes.analytics.disclosure`) for the rules.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SEUIL_PAR_DEFAUT = 11
"""The contract's default threshold; an installation's settings may set another one."""

RELATIVE_TOLERANCE = 1e-9  # indicateurs.md: machine comparisons of values


class DisclosureError(ValueError):
    """A figure this module cannot protect (unknown indicator, inconsistent payload).

    Raised rather than guessed: an unprotected figure must never reach a partner.
    """



# --------------------------------------------------------------------------- the engine


@dataclass
class _Var:
    name: str
    value: int
    displayed: bool  # False: never shown, but a reader may recompute it (margin, complement, remainder)
    rank: int  # cost of hiding it: 0 inner cell, 1 subtotal, 2 total, 3 headline total


@dataclass(frozen=True)
class _Solution:
    hidden: frozenset[int]  # displayed figures to hide
    unknown: frozenset[int]  # hidden ∪ never displayed
    determined: frozenset[int]  # unknowns a reader can still recompute (never a protected one)


class _System:
    """Figures (variables) and the additive relations between them (equations).

    The one core of disclosure control: tables, breakdowns and the
    indicators' payload are all described this way and protected by
    :meth:`solve`.
    """

    def __init__(self, seuil: int):
        self.seuil = seuil
        self.vars: list[_Var] = []
        self.equations: list[tuple[int, tuple[int, ...]]] = []  # total = sum(parts)

    def var(self, name: str, value: int, *, displayed: bool = True, rank: int = 0) -> int:
        self.vars.append(_Var(name, value, displayed, rank))
        return len(self.vars) - 1

    def equation(self, total: int, parts: Iterable[int]) -> None:
        parts = tuple(parts)
        if self.vars[total].value != sum(self.vars[p].value for p in parts):
            raise DisclosureError(f"{self.vars[total].name} ≠ somme de ses parties")
        self.equations.append((total, parts))

    # -- solving

    def solve(self, keep_secret: Iterable[int] = ()) -> _Solution:
        seuil, variables = self.seuil, self.vars
        hidden = {i for i, v in enumerate(variables) if v.displayed and 0 < v.value < seuil}
        hidden |= set(keep_secret)
        never_shown = {i for i, v in enumerate(variables) if not v.displayed}
        members = [(total, *parts) for total, parts in self.equations]
        equations_of: dict[int, list[int]] = {}
        for k, eq in enumerate(members):
            for m in eq:
                equations_of.setdefault(m, []).append(k)

        def unknown() -> set[int]:
            return hidden | never_shown

        def protected(i: int) -> bool:
            value = variables[i].value
            return value != 0 if i in hidden else (i in never_shown and 0 < value < seuil)

        def cost(candidate: int, current: int | None, unknowns: set[int]) -> tuple[int, int, int, int]:
            opened = fixed = 0
            for k in equations_of.get(candidate, ()):
                if k == current:
                    continue
                left = [m for m in members[k] if m in unknowns]
                if not left:
                    opened += 1
                elif len(left) == 1 and protected(left[0]):
                    fixed += 1
            return (variables[candidate].rank, opened - fixed, variables[candidate].value, candidate)

        def candidates(eq: Iterable[int], unknowns: set[int]) -> list[int]:
            shown = [m for m in dict.fromkeys(eq) if m not in unknowns]
            return [m for m in shown if variables[m].value > 0] or shown

        while True:
            unknowns = unknown()
            # (a) an equation with a single unknown to protect, (b) a small sum of hidden parts.
            problem = next((k for k, eq in enumerate(members) if self._alone(eq, unknowns, protected)), None)
            if problem is None:
                problem = next((k for k in range(len(members)) if self._small_sum(k, unknowns, hidden)), None)
            if problem is not None:
                pool = candidates(members[problem], unknowns)
                hidden.add(min(pool, key=lambda c, p=problem: cost(c, p, unknowns)))
                continue
            # (c) a protected unknown recomputable from a combination of equations.
            exposed = sorted(i for i in _determined(self.equations, unknowns) if protected(i))
            if not exposed:
                break
            target = exposed[0]
            equations = self._component(target, unknowns, members, equations_of)
            pool = candidates((m for k in equations for m in members[k]), unknowns)
            if not pool:  # every figure around is already unknown: cannot happen with consistent sums
                raise DisclosureError(f"{variables[target].name} ne peut pas être protégé")
            pool.sort(key=lambda c: cost(c, None, unknowns))
            chosen = next((c for c in pool if target not in _determined(self.equations, unknowns | {c})),
                          pool[0])
            hidden.add(chosen)
        unknowns = unknown()
        return _Solution(frozenset(hidden), frozenset(unknowns),
                         frozenset(_determined(self.equations, unknowns)))

    @staticmethod
    def _alone(eq: tuple[int, ...], unknowns: set[int], protected) -> bool:
        left = [m for m in eq if m in unknowns]
        return len(left) == 1 and protected(left[0])

    def _small_sum(self, k: int, unknowns: set[int], hidden: set[int]) -> bool:
        total, parts = self.equations[k]
        if total in unknowns:
            return False
        hidden_parts = [p for p in parts if p in unknowns]
        if not hidden_parts:
            return False
        rest = sum(self.vars[p].value for p in hidden_parts)  # = total − shown parts, as a reader computes it
        if 0 < rest < self.seuil:
            return True
        # Every hidden shown-cell is at least 1 (zeros are shown): as many of them as their sum means all 1s.
        return rest == len(hidden_parts) and all(p in hidden for p in hidden_parts)

    @staticmethod
    def _component(target: int, unknowns: set[int], members, equations_of) -> list[int]:
        """Equations linked to ``target`` through unknowns (where a new hidden cell can help)."""
        seen_vars, seen_eqs, todo = {target}, [], [target]
        while todo:
            var = todo.pop()
            for k in equations_of.get(var, ()):
                if k in seen_eqs:
                    continue
                seen_eqs.append(k)
                for m in members[k]:
                    if m in unknowns and m not in seen_vars:
                        seen_vars.add(m)
                        todo.append(m)
        return sorted(seen_eqs)


def _determined(equations: Sequence[tuple[int, tuple[int, ...]]], unknowns: set[int]) -> set[int]:
    """Unknowns whose value follows from the equations and the known figures.

    Exact Gauss–Jordan elimination over the integers on the unknowns'
    columns: ``x`` is determined when the unit vector of ``x`` lies in the
    row space, i.e. when a reduced row has ``x`` as its only entry.
    """
    basis: dict[int, dict[int, int]] = {}  # pivot → fully reduced row
    for total, parts in equations:
        row: dict[int, int] = {}
        if total in unknowns:
            row[total] = -1
        for p in parts:
            if p in unknowns:
                row[p] = row.get(p, 0) + 1
        row = {k: c for k, c in row.items() if c}
        for pivot, pivot_row in basis.items():
            if pivot in row:
                row = _eliminate(row, pivot_row, pivot)
        if not row:
            continue
        pivot = min(row)
        for other, other_row in basis.items():
            if pivot in other_row:
                basis[other] = _eliminate(other_row, row, pivot)
        basis[pivot] = row
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _eliminate(row: dict[int, int], pivot_row: dict[int, int], pivot: int) -> dict[int, int]:
    a, b = pivot_row[pivot], row[pivot]
    combined = {}
    for k in row.keys() | pivot_row.keys():
        c = a * row.get(k, 0) - b * pivot_row.get(k, 0)
        if c:
            combined[k] = c
    g = math.gcd(*combined.values()) if combined else 1
    return {k: c // g for k, c in sorted(combined.items())}


# --------------------------------------------------------------------------- validation


def _check_seuil(seuil: int) -> None:
    if isinstance(seuil, bool) or not isinstance(seuil, int) or seuil < 1:
        raise ValueError(f"seuil must be a positive integer, not {seuil!r}")


def _count(value: Any, what: str = "count") -> int:
    """A non-negative integer count (NumPy integers and integral floats accepted)."""
    if value is None or isinstance(value, bool):
        raise ValueError(f"{what}: a count is required, not {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            raise ValueError(f"{what}: a count must be an integer, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{what}: a count cannot be negative ({number})")
    return number


