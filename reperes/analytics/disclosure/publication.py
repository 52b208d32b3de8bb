"""One protected publication: every figure a partner output holds, with its identities, decided once.

A *publication* is the set of linked tables one partner output contains (a
report in all its formats, the ``--diffusion`` JSON, an export, the
benchmark sheet…), for one data snapshot and one period. Each figure has a
name (``indicateurs.sorties_par_motif.DECES``, ``rapport.sexe.F``…); the
identities a reader knows (motifs add up to their category, F + M = total,
EPCI counts to the accompagnés…) are declared with :meth:`Publication.identity`.
:func:`protect` decides, once for all of them, which figures are hidden
(primary and secondary suppression, see :mod:`reperes.analytics.disclosure`);
every renderer then reads :class:`Protected`, never a raw count.

Public API::

    publication = Publication(seuil)
    publication.add_indicators(payload, numerators=result.numerators)   # the indicators' JSON
    publication.count("rapport.sexe.F", 120, label="Femmes")             # a figure of another table
    publication.same("rapport.sexe.F", "indicateurs.part_femmes")        # …that is the numerator of a share
    publication.identity("indicateurs.participants_accompagnes", ["rapport.sexe.F", "rapport.sexe.M"])
    publication.rate("rapport.taux", "rapport.a", "rapport.b")
    protected = protect(publication)
    protected.value("rapport.sexe.F")        # None when secret
    protected.payload()                       # the ``--diffusion`` JSON of the same decision
    audit(protected)                          # reperes.analytics.disclosure.audit: the attacker's view
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cells import Cell
from .engine import DisclosureError, _check_seuil, _count, _Solution, _System
from .indicator_rules import PREFIX, _IndicatorModel, check_payload


class Publication:
    """The figures of one partner output and the additive relations between them."""

    def __init__(self, seuil: int):
        _check_seuil(seuil)
        self.seuil = seuil
        self.system = _System(seuil)
        self.names: dict[str, int] = {}  # published name → variable (several names may show one figure)
        self.unpublished: dict[str, int] = {}  # figures never shown but recomputable (remainders, ids)
        self.labels: dict[int, str] = {}  # variable → French label, for messages
        self.rates: dict[str, tuple[int, int, float | None]] = {}  # name → numerator, denominator, value
        self.statistics: dict[str, tuple[int, float | None]] = {}  # name → population, value
        self.payload: dict[str, Any] | None = None

    # -- declaring

    def __contains__(self, name: str) -> bool:
        return name in self.names or name in self.unpublished or name in self.rates or name in self.statistics

    def var(self, name: str) -> int:
        """The variable of a figure, published or not (``id:sorties`` names an indicator's figure)."""
        if name in self.names:
            return self.names[name]
        if name in self.unpublished:
            return self.unpublished[name]
        raise DisclosureError(f"figure inconnue de la publication : {name}")

    def raw(self, name: str) -> int | float | None:
        """The raw value (for staff, and for the audit's report to the PLIE): never for a partner."""
        if self.payload is not None and name.startswith(PREFIX + "."):  # the indicator as computed
            node: Any = self.payload.get(PREFIX) or {}
            for key in name.split(".")[1:]:
                node = node[key]
            return node
        if name in self.rates:
            return self.rates[name][2]
        if name in self.statistics:
            return self.statistics[name][1]
        return self.system.vars[self.var(name)].value

    def count(self, name: str, value: int, *, label: str | None = None, rank: int = 0, shown: bool = True) -> str:
        """A count of the publication. ``rank``: cost of hiding it (0 inner cell, 1 subtotal, 2 total, 3 headline)."""
        if name in self:
            raise DisclosureError(f"figure déjà déclarée : {name}")
        var = self.system.var(name, _count(value, name), displayed=shown, rank=rank)
        (self.names if shown else self.unpublished)[name] = var
        self.labels[var] = label or name
        return name

    def same(self, name: str, existing: str, *, label: str | None = None) -> str:
        """Publish ``name`` as the very figure ``existing`` (another table showing it, or a share's numerator)."""
        if name in self.names:
            if self.names[name] != self.var(existing):
                raise DisclosureError(f"{name} est déjà une autre figure")
            return name
        var = self.var(existing)
        self.system.vars[var].displayed = True
        self.unpublished.pop(name, None)
        self.names[name] = var
        if label and self.labels.get(var, "").startswith(("id:", PREFIX)):
            self.labels[var] = label
        return name

    def identity(self, total: str, parts: Sequence[str], *, remainder: str | None = None) -> None:
        """``total = sum(parts)``, a relation every reader knows; a positive difference is an unpublished remainder."""
        total_var, part_vars = self.var(total), [self.var(p) for p in parts]
        values = self.system.vars
        rest = values[total_var].value - sum(values[p].value for p in part_vars)
        if rest < 0:
            raise DisclosureError(f"{total} est inférieur à la somme de ses parties")
        if rest:
            name = remainder or f"{total}:reste:{len(self.unpublished)}"
            part_vars.append(self.system.var(name, rest, displayed=False))
            self.unpublished[name] = part_vars[-1]
            self.labels[part_vars[-1]] = name
        self.system.equation(total_var, part_vars)

    def rate(self, name: str, numerator: str, denominator: str, value: float | None = None) -> str:
        """A rate or share: shown only when its numerator and its denominator are both known."""
        num, den = self.var(numerator), self.var(denominator)
        if value is None:
            den_value = self.system.vars[den].value
            value = self.system.vars[num].value / den_value if den_value else None
        self.rates[name] = (num, den, value)
        return name

    def statistic(self, name: str, population: str | int, value: float | None) -> str:
        """A mean, a median…: shown only when its population is 0 or at least ``seuil``."""
        size = population if isinstance(population, int) else self.system.vars[self.var(population)].value
        self.statistics[name] = (size, value)
        return name

    def add_indicators(self, payload: Mapping[str, Any], *, numerators: Mapping[str, int] | None = None) -> None:
        """The machine output of ``reperes indicators``: its figures are named by their dotted paths."""
        if self.payload is not None:
            raise DisclosureError("une publication ne contient qu'un seul jeu d'indicateurs")
        self.payload = copy.deepcopy(dict(payload))
        indicators = self.payload.get(PREFIX) or {}
        numerators = dict(numerators or {})
        check_payload(indicators, numerators)
        model = _IndicatorModel(indicators, self.seuil, numerators, system=self.system)
        for var, paths in model.paths.items():
            for path in paths:
                self.names[path] = var
            if paths:
                self.labels.setdefault(var, paths[0])
        for ident, var in model.by_id.items():
            self.unpublished.setdefault(f"id:{ident}", var)
            self.labels.setdefault(var, f"id:{ident}")
        for var in range(len(self.system.vars)):
            self.labels.setdefault(var, self.system.vars[var].name)
        for path, numerator, denominator in model.rates:
            *parents, last = path.split(".")[1:]
            node: Any = indicators
            for key in parents:
                node = node[key]
            self.rates[path] = (numerator, denominator, node[last])
        for path, population in model.statistics:
            self.statistics[path] = (population, indicators[path.split(".")[1]])


@dataclass(frozen=True)
class Protected:
    """The decision for one publication: which figures are secret. Renderers read it, never raw counts."""

    publication: Publication
    solution: _Solution
    secret: frozenset[str]
    forced: frozenset[int] = field(default_factory=frozenset)
    audit_result: Any = None  # set by protect(audited=True): the audit of this very decision

    @property
    def seuil(self) -> int:
        return self.publication.seuil

    def is_secret(self, name: str) -> bool:
        if name not in self.publication:
            raise DisclosureError(f"figure inconnue de la publication : {name}")
        return name in self.secret

    def value(self, name: str) -> int | float | None:
        """The figure as a partner may see it: ``None`` when secret."""
        return None if self.is_secret(name) else self.publication.raw(name)

    def cell(self, name: str) -> Cell:
        secret = self.is_secret(name)
        return Cell(None if secret else self.publication.raw(name), self.seuil, secret)

    def payload(self) -> dict[str, Any]:
        """The indicators' ``--diffusion`` JSON of this decision: secret values ``null``, their paths listed."""
        if self.publication.payload is None:
            raise DisclosureError("cette publication ne contient pas d'indicateurs")
        result = copy.deepcopy(self.publication.payload)
        indicators = result.get(PREFIX) or {}
        secret = sorted(name for name in self.secret if name.startswith(PREFIX + "."))
        for path in secret:
            *parents, last = path.split(".")[1:]
            node = indicators
            for key in parents:
                node = node[key]
            node[last] = None
        result["diffusion"] = True
        result["secret"] = sorted(set(result.get("secret") or ()) | set(secret))
        return result

    def label(self, name: str) -> str:
        return self.publication.labels.get(self.publication.var(name), name)


def protect(publication: Publication, keep_secret: Iterable[str] = (), *, audited: bool = False) -> Protected:
    """Decide, once, what a partner sees of ``publication`` (see the package's rules).

    ``audited``: also play the attacker (:func:`reperes.analytics.disclosure.audit`) and, while a small
    count is pinned — by bounds the engine's exact elimination does not use (a cell « s » holds at least
    1) — hide one more figure next to it (the cheapest: inner cell, then smallest), and decide again.
    The result then passes the audit (``Protected.audit_result``).
    """
    forced = frozenset(publication.var(name) for name in keep_secret)
    protected = _decide(publication, forced)
    if not audited:
        return protected
    from .audit import audit

    for _ in range(len(publication.system.vars)):
        result = audit(protected)
        if result.ok:
            break
        extra = _next_to_hide(publication, protected, result)
        if extra is None:
            break
        forced = protected.forced | {extra}
        protected = _decide(publication, forced)
    else:  # pragma: no cover - every figure hidden: cannot happen, each round hides one more
        result = audit(protected)
    object.__setattr__(protected, "audit_result", result)
    return protected


def _next_to_hide(publication: Publication, protected: Protected, result) -> int | None:
    """A shown figure linked to the first pinned small count, the cheapest to hide."""
    system, solution = publication.system, protected.solution
    by_name = {**publication.unpublished, **publication.names}
    pinned = [by_name[i.name] for i in result.intervals if i.pinned and 0 < i.value < publication.seuil
              and i.name in by_name]
    for var in pinned:
        linked = {m for total, parts in system.equations if var in (total, *parts) for m in (total, *parts)}
        pool = [m for m in linked if system.vars[m].displayed and m not in solution.hidden and system.vars[m].value > 0]
        if pool:
            return min(pool, key=lambda m: (system.vars[m].rank, system.vars[m].value, m))
    return None


def _decide(publication: Publication, forced: frozenset[int]) -> Protected:
    system = publication.system
    solution = system.solve(forced)

    def known(var: int) -> bool:
        return var not in solution.unknown or var in solution.determined

    secret = {name for name, var in publication.names.items() if var in solution.hidden}
    for name, (numerator, denominator, _value) in publication.rates.items():
        # A rate adds nothing to what its numerator and denominator tell: shown only when both are known.
        if not (known(numerator) and known(denominator)):
            secret.add(name)
    secret |= {name for name, (size, _value) in publication.statistics.items() if 0 < size < publication.seuil}
    return Protected(publication, solution, frozenset(secret), frozenset(forced))


def protect_indicators(payload: Mapping[str, Any], seuil: int, *,
                       numerators: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The ``--diffusion`` version of the machine output of ``reperes indicators``.

    Hidden values become ``null`` and their dotted paths are listed, sorted,
    in ``"secret"``; ``"diffusion"`` becomes ``true``. Counts, breakdowns
    (with their hierarchy: motifs → categories → sorties, EPCI →
    accompagnés), rates, per-inhabitant rates and statistics over small
    populations are protected together, since a partner sees them together.
    ``numerators`` (rate id → count) states the numerators of the ``part_*``
    shares; by default they are recomputed as ``rate × denominator``.

    A payload already protected (``"diffusion": true``) is returned as is.
    An indicator unknown to this module raises :class:`DisclosureError`:
    declare it in ``COUNTS``, ``BREAKDOWNS``, ``RATES``… first.
    """
    _check_seuil(seuil)
    result = copy.deepcopy(dict(payload))
    if result.get("diffusion"):
        return result
    publication = Publication(seuil)
    publication.add_indicators(result, numerators=numerators)
    return protect(publication).payload()
