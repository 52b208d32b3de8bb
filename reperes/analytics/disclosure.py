"""Disclosure control (« secret statistique »): the one gate of every figure shown to partners.

Why. Partners (comité de suivi, COPIL, published reports) must never learn
anything about fewer than ``seuil`` people. Repères applies the rule of the
French health-data platforms — *règle du secret statistique, seuil 11
appliqué par les plateformes de données de santé*: no count from 1 to 10 is
published — as the contract of ``docs/indicateurs.md`` (« Disclosure
control »). Every partner-facing table, chart, map and document, and
``reperes indicators --diffusion``, goes through this module; internal staff
views may show raw counts.

Rules, as implemented:

1. **Primary suppression.** A count ``n`` with ``0 < n < seuil`` is hidden.
   Zero is shown: knowing that nobody is concerned reveals nobody. A total
   is a count like any other: a published total below ``seuil`` is hidden.
2. **Rates.** A rate is hidden when its numerator (other than zero) or its
   denominator is below ``seuil`` — exactly the contract's rule. The
   complement of a share (97 % of 100 tells that 3 are not concerned) is not
   protected: indicateurs.md does not ask for it, and the contract is tested
   as written.
3. **Secondary suppression.** A hidden count must not be recomputable from
   what is published. Every additive relation a reader knows (the cells of a
   row add up to its total; motifs add up to their category, categories to
   the sorties…) is an equation ``total = part + part + …``. Cells are added
   to the hidden ones until a fixed point where:

   a. no equation has exactly one unknown that needs protection (the usual
      « one more cell in the row or column »);
   b. in every equation whose total is published, the hidden parts add up to
      zero or to at least ``seuil`` — otherwise their sum is itself a count
      about fewer than ``seuil`` people (``[1, 1, 50]`` of a published 52:
      hiding both 1s still tells « 2 people », hence 1 and 1, since zeros are
      always shown); nor may there be as many hidden parts as their sum
      (each would then be 1);
   c. no hidden count is determined by any combination of the equations
      (exact Gauss–Jordan elimination over the integers). In a two-way table this is
      stronger than « two hidden cells per line »: two blocks of hidden cells
      joined by a single cell let a reader recompute that cell from the
      margins of one block.

   A cell needs protection when it is hidden and not zero, or when it is
   never shown but would reveal fewer than ``seuil`` people if recomputed
   (an unpublished margin, a complement, a remainder). Secondary cells are
   protected like primary ones, so that the published table does not even
   tell which hidden cells are the small ones.
4. **Choice of the extra cell** (deterministic, so that a report is
   reproducible): the cheapest figure first — inner cells before subtotals
   before totals — then the one that fixes another line rather than opening
   a new one, then the smallest value, then the order of the table.

Every hidden cell reads ``s`` (secret statistique, see
:func:`reperes.formats.suppressed`), primary or secondary, so that no one
can tell which ones are small; :func:`legend` says so in one sentence
(« s : effectif inférieur à 11, ou masqué pour en protéger un autre »). In
machine output a hidden value is ``null`` and its dotted path is listed in
the top-level ``"secret"``.

The protected objects never keep a hidden value: a template cannot leak what
it does not receive.
"""

from __future__ import annotations

import copy
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reperes import formats
from reperes.analytics import esf
from reperes.referentiel.codes import CATEGORIE_SORTIE, category_of

SEUIL_PAR_DEFAUT = 11
"""The contract's default threshold; an installation's settings may set another one."""

RELATIVE_TOLERANCE = 1e-9  # indicateurs.md: machine comparisons of values


class DisclosureError(ValueError):
    """A figure this module cannot protect (unknown indicator, inconsistent payload).

    Raised rather than guessed: an unprotected figure must never reach a partner.
    """


# --------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Cell:
    """One figure as a partner may see it: its value, or ``secret`` (the value is then ``None``).

    ``value`` is ``None`` too for a figure that does not exist (a rate whose
    denominator is 0, a duration without any sortie): it then reads ``–``,
    not ``s``.
    """

    value: int | float | None
    seuil: int
    secret: bool = False

    def text(self, *, percent: bool = False, decimals: int | None = None, empty: str = "–") -> str:
        """French display: ``1 234``, ``45,3 %``, ``s`` when secret, ``empty`` when there is no value."""
        if self.secret:
            return formats.suppressed(self.seuil)
        if percent:
            return formats.percent(self.value, 1 if decimals is None else decimals, empty=empty)
        return formats.number(self.value, decimals or 0, empty=empty)

    def __str__(self) -> str:
        return self.text()


def display(value: int | float | None, seuil: int, *, secret: bool | None = None, percent: bool = False,
            decimals: int | None = None, empty: str = "–") -> str:
    """French display of a protected value.

    ``secret`` defaults to ``value is None``, right for protected counts
    (a count is never missing otherwise). Pass ``secret=False`` for a value
    that may legitimately be missing (a rate whose denominator is 0).
    """
    _check_seuil(seuil)
    secret = value is None if secret is None else secret
    return Cell(None if secret else value, seuil, secret).text(percent=percent, decimals=decimals, empty=empty)


def legend(seuil: int) -> str:
    """The note under every partner-facing table: « s : effectif inférieur à 11, ou masqué pour en protéger un autre »."""
    _check_seuil(seuil)
    return formats.suppression_legend(seuil)


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


# --------------------------------------------------------------------------- rates


def protect_rate(numerator: int, denominator: int, seuil: int, *, share: bool = True) -> float | None:
    """``numerator / denominator``, or ``None`` when it must not be shown (or does not exist).

    Hidden when the denominator is below ``seuil``, when the numerator is
    neither 0 nor at least ``seuil``, and — for a share (``share=True``, the
    numerator being part of the denominator, checked not to exceed it). ``None``
    too when the denominator is 0; :func:`rate_cell` tells the two apart.
    """
    return rate_cell(numerator, denominator, seuil, share=share).value


def rate_cell(numerator: int, denominator: int, seuil: int, *, share: bool = True) -> Cell:
    """The :class:`Cell` of a rate (see :func:`protect_rate`); a rate over nobody has no value but is no secret."""
    _check_seuil(seuil)
    numerator, denominator = _count(numerator, "numerator"), _count(denominator, "denominator")
    if share and numerator > denominator:
        raise ValueError(f"a share's numerator ({numerator}) exceeds its denominator ({denominator})")
    if denominator == 0:
        return Cell(None, seuil)
    if any(0 < n < seuil for n in (denominator, numerator)):
        return Cell(None, seuil, secret=True)
    return Cell(numerator / denominator, seuil)


# --------------------------------------------------------------------------- one-way breakdowns


@dataclass(frozen=True)
class ProtectedCounts:
    """A breakdown (key → count) and its total, as partners may see them.

    Unpacks as ``values, secret = protect_counts(...)`` (and ``[0]`` is the values).
    """

    seuil: int
    values: dict[Any, int | None]  # None: secret
    secret: tuple[Any, ...]  # hidden keys, in the breakdown's order
    total: int | None  # None: no published total, or secret (see total_secret)
    total_secret: bool = False

    def __iter__(self):
        return iter((self.values, self.secret))

    def __getitem__(self, index: int):
        return (self.values, self.secret)[index]

    def __len__(self) -> int:
        return 2

    def cells(self) -> dict[Any, Cell]:
        return {key: Cell(value, self.seuil, key in self.secret) for key, value in self.values.items()}

    def total_cell(self) -> Cell:
        return Cell(self.total, self.seuil, self.total_secret)

    def secret_paths(self, prefix: str) -> list[str]:
        """Dotted paths of the hidden values, e.g. ``indicateurs.sorties_par_motif.DECES``."""
        return sorted(f"{prefix}.{key}" for key in self.secret)


def protect_counts(mapping: Mapping[Any, int], seuil: int, *, total: int | None = None,
                   keep_secret: Iterable[Any] = ()) -> ProtectedCounts:
    """Protect a one-way breakdown, e.g. sorties by motif.

    ``total``: the published total the breakdown adds up to (``sorties``),
    ``None`` when none is published. A total above the sum of the mapping
    means some people are in no key: that remainder is never shown, but a
    reader can recompute it, so it is protected like a cell. The total
    itself may be hidden (below ``seuil``, or when it is the only way to
    protect a cell). ``keep_secret``: keys to hide anyway (already hidden
    elsewhere, where partners can see them too).
    """
    _check_seuil(seuil)
    system = _System(seuil)
    keys = list(mapping)
    cells = [system.var(str(key), _count(mapping[key], str(key))) for key in keys]
    total_var = None
    if total is not None:
        total = _count(total, "total")
        remainder = total - sum(system.vars[i].value for i in cells)
        if remainder < 0:
            raise ValueError(f"the total ({total}) is less than the sum of the breakdown")
        parts = cells + ([system.var("reste", remainder, displayed=False)] if remainder else [])
        total_var = system.var("total", total, rank=2)
        system.equation(total_var, parts)
    keep_secret = list(keep_secret)
    unknown_keys = set(keep_secret) - set(keys)
    if unknown_keys:
        raise ValueError(f"keep_secret: unknown keys {sorted(map(str, unknown_keys))}")
    solution = system.solve(cells[keys.index(key)] for key in keep_secret)
    values = {key: None if i in solution.hidden else system.vars[i].value for key, i in zip(keys, cells, strict=True)}
    total_secret = total_var is not None and total_var in solution.hidden
    return ProtectedCounts(
        seuil=seuil, values=values, secret=tuple(key for key in keys if values[key] is None),
        total=None if total_var is None or total_secret else total, total_secret=total_secret)


# --------------------------------------------------------------------------- two-way tables


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table of counts and its margins, as partners may see them.

    ``secret`` lists hidden positions in the extended table: ``(i, j)`` for
    a cell, ``(i, n_columns)`` for the total of row ``i``, ``(n_rows, j)``
    for the total of column ``j``, ``(n_rows, n_columns)`` for the grand
    total. A margin that is not published is ``None`` (not a secret).
    """

    seuil: int
    row_labels: tuple[Any, ...]
    column_labels: tuple[str, ...] | tuple[Any, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None
    secret: frozenset[tuple[int, int]]
    _label_columns: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)

    def values(self) -> list[list[int | None]]:
        """The cells' published values, ``None`` where secret."""
        return [[cell.value for cell in row] for row in self.cells]

    def as_dict(self, total_label: str = "total") -> dict[Any, dict[Any, int | None]]:
        """``{row: {column: value}}``, published margins under ``total_label``, for JSON output."""
        table: dict[Any, dict[Any, int | None]] = {}
        for i, label in enumerate(self.row_labels):
            row = {column: cell.value for column, cell in zip(self.column_labels, self.cells[i], strict=True)}
            if self.row_totals is not None:
                row[total_label] = self.row_totals[i].value
            table[label] = row
        if self.column_totals is not None or self.grand_total is not None:
            totals: dict[Any, int | None] = {}
            if self.column_totals is not None:
                totals.update({c: cell.value for c, cell in zip(self.column_labels, self.column_totals, strict=True)})
            if self.grand_total is not None:
                totals[total_label] = self.grand_total.value
            table[total_label] = totals
        return table

    def secret_paths(self, prefix: str, total_label: str = "total") -> list[str]:
        """Dotted paths of the hidden values in :meth:`as_dict`'s layout, sorted."""
        n_rows, n_columns = len(self.row_labels), len(self.column_labels)
        paths = []
        for i, j in self.secret:
            row = total_label if i == n_rows else self.row_labels[i]
            column = total_label if j == n_columns else self.column_labels[j]
            paths.append(f"{prefix}.{row}.{column}")
        return sorted(paths)

    def to_polars(self):
        """The cells as a Polars frame: the label columns (``libelle`` for a list input), nullable counts."""
        import polars as pl

        labels = self._label_columns if self._label_columns is not None else {"libelle": list(self.row_labels)}
        data: dict[str, Any] = {name: pl.Series(name, values) for name, values in labels.items()}
        for j, column in enumerate(self.column_labels):
            data[str(column)] = pl.Series(str(column), [row[j].value for row in self.cells], dtype=pl.Int64)
        return pl.DataFrame(data)


def protect_table(counts, seuil: int, *, row_labels: Sequence[Any] | None = None,
                  column_labels: Sequence[Any] | None = None, labels: str | Sequence[str] | None = None,
                  row_totals_published: bool = True, column_totals_published: bool = True,
                  grand_total_published: bool = True,
                  keep_secret: Iterable[tuple[int, int]] = ()) -> ProtectedTable:
    """Protect a two-way table of counts and its margins.

    ``counts``: a list of rows of counts, or a Polars frame whose label
    columns (``labels``, by default every non-numeric column) name the rows
    and whose other columns are counts. Margins are computed here; say which
    ones partners see (anywhere they can put side by side with this table).
    An unpublished margin is not shown, but it still lets no small cell be
    recomputed and is protected itself when small.

    ``keep_secret``: extended positions (see :class:`ProtectedTable`) to hide
    anyway; protecting with the result's ``secret`` gives the same result.
    """
    _check_seuil(seuil)
    rows, row_labels, column_labels, label_columns = _table_input(counts, row_labels, column_labels, labels)
    n_rows, n_columns = len(rows), len(column_labels)
    system = _System(seuil)
    index: dict[tuple[int, int], int] = {}
    for i, row in enumerate(rows):
        if len(row) != n_columns:
            raise ValueError(f"row {i} has {len(row)} cells, expected {n_columns}")
        for j, value in enumerate(row):
            index[i, j] = system.var(f"({i}, {j})", _count(value, f"cell ({i}, {j})"))
    value = {position: system.vars[v].value for position, v in index.items()}
    for i in range(n_rows):
        total = sum(value[i, j] for j in range(n_columns))
        index[i, n_columns] = system.var(f"total ligne {i}", total, displayed=row_totals_published, rank=1)
    for j in range(n_columns):
        total = sum(value[i, j] for i in range(n_rows))
        index[n_rows, j] = system.var(f"total colonne {j}", total, displayed=column_totals_published, rank=1)
    grand = sum(value.values())
    index[n_rows, n_columns] = system.var("total", grand, displayed=grand_total_published, rank=2)
    for i in range(n_rows + 1):
        system.equation(index[i, n_columns], (index[i, j] for j in range(n_columns)))
    for j in range(n_columns + 1):
        system.equation(index[n_rows, j], (index[i, j] for i in range(n_rows)))

    forced = []
    for position in keep_secret:
        position = tuple(position)
        if position not in index or not system.vars[index[position]].displayed:
            raise ValueError(f"keep_secret: {position} is not a published position of the table")
        forced.append(index[position])
    solution = system.solve(forced)

    def cell(position: tuple[int, int]) -> Cell:
        v = index[position]
        secret = v in solution.hidden
        return Cell(None if secret else system.vars[v].value, seuil, secret)

    return ProtectedTable(
        seuil=seuil,
        row_labels=tuple(row_labels),
        column_labels=tuple(column_labels),
        cells=tuple(tuple(cell((i, j)) for j in range(n_columns)) for i in range(n_rows)),
        row_totals=tuple(cell((i, n_columns)) for i in range(n_rows)) if row_totals_published else None,
        column_totals=tuple(cell((n_rows, j)) for j in range(n_columns)) if column_totals_published else None,
        grand_total=cell((n_rows, n_columns)) if grand_total_published else None,
        secret=frozenset(p for p, v in index.items() if v in solution.hidden),
        _label_columns=label_columns,
    )


def _table_input(counts, row_labels, column_labels, labels):
    """Rows of counts, row labels, column labels and (for a frame) its label columns."""
    try:
        import polars as pl
    except ImportError:  # pragma: no cover - polars is a dependency
        pl = None
    if pl is not None and isinstance(counts, pl.DataFrame):
        if row_labels is not None or column_labels is not None:
            raise ValueError("a Polars frame carries its own labels: use labels=, not row_labels/column_labels")
        if labels is None:
            label_names = [name for name, dtype in counts.schema.items() if not dtype.is_numeric()]
        else:
            label_names = [labels] if isinstance(labels, str) else list(labels)
        missing = [name for name in label_names if name not in counts.columns]
        if missing:
            raise ValueError(f"labels: no column {missing}")
        count_names = [name for name in counts.columns if name not in label_names]
        label_columns = {name: counts[name].to_list() for name in label_names}
        if len(label_names) == 1:
            frame_row_labels = label_columns[label_names[0]]
        elif label_names:
            frame_row_labels = list(zip(*label_columns.values(), strict=True))
        else:
            frame_row_labels = list(range(counts.height))
        rows = [list(row) for row in counts.select(count_names).rows()]
        return rows, frame_row_labels, count_names, label_columns
    if labels is not None:
        raise ValueError("labels= names the label columns of a Polars frame")
    rows = [list(row) for row in counts]
    n_columns = len(rows[0]) if rows else len(column_labels or ())
    row_labels = list(range(len(rows))) if row_labels is None else list(row_labels)
    column_labels = list(range(n_columns)) if column_labels is None else list(column_labels)
    if len(row_labels) != len(rows) or len(column_labels) != n_columns:
        raise ValueError("as many labels as rows and columns are needed")
    return rows, row_labels, column_labels, None


# --------------------------------------------------------------------------- the indicators' payload


@dataclass(frozen=True)
class Rate:
    """A rate of ``docs/indicateurs.md``.

    ``numerator``: the count indicator it divides, or ``None`` when the
    numerator is not an indicator (it is then read from ``numerators``, or
    recomputed as ``rate × denominator`` — which is exactly what a partner
    could do). ``denominator``: a count indicator, or a difference of them
    (``"sorties - sorties_neutres"``). ``share``: the numerator is part of
    the denominator, so its complement is a count too.
    """

    numerator: str | None
    denominator: str
    share: bool = True


COUNTS = ("participants_accompagnes", "entrees", "sorties", "sorties_positives", "sorties_neutres",
          "sorties_non_positives_valorisees")
HEADLINE_TOTALS = ("participants_accompagnes", "entrees", "sorties")  # hidden last of all
BREAKDOWNS = {  # breakdown → the published count it adds up to
    "sorties_par_motif": "sorties",
    "sorties_par_categorie": "sorties",
    "accompagnes_par_epci": "participants_accompagnes",
}
RATES = {
    "taux_sorties_positives": Rate("sorties_positives", "sorties"),
    "taux_sorties_positives_hors_neutres": Rate("sorties_positives", "sorties - sorties_neutres"),
    "taux_valorisation_sorties_non_positives": Rate(
        "sorties_non_positives_valorisees", "sorties - sorties_positives - sorties_neutres"),
    "part_femmes": Rate(None, "participants_accompagnes"),
    "part_moins_26_ans": Rate(None, "participants_accompagnes"),
    "part_50_ans_et_plus": Rate(None, "participants_accompagnes"),
    "part_rsa": Rate(None, "participants_accompagnes"),
    "part_deld": Rate(None, "participants_accompagnes"),
    "part_th": Rate(None, "participants_accompagnes"),
    "part_qpv": Rate(None, "participants_accompagnes"),
    "part_infra_bac": Rate(None, "participants_accompagnes"),
    "part_accompagnes_avec_etape_emploi": Rate(None, "participants_accompagnes"),
    # étapes per accompagné: × the published denominator gives the count of étapes back.
    "etapes_par_participant": Rate(None, "participants_accompagnes", share=False),
}
DENOMINATORS = {rate: spec.denominator for rate, spec in RATES.items()}
STATISTICS = {  # statistics over a population: hidden when it has fewer than seuil people
    "duree_moyenne_parcours_mois": "sorties",
    "duree_mediane_parcours_mois": "sorties",
}
PER_CAPITA = {  # rate per inhabitant → its counts (× the public population gives each count back)
    "accompagnes_pour_1000_habitants_par_epci": "accompagnes_par_epci",
}
# ESF+ indicators (reperes.analytics.esf), each {"F": n, "M": n, "total": n}: counts by sex (total = F + M),
# rates by sex, the partitions a reader knows (situation, age, ISCED groups of the entrées, with a never shown
# remainder), the counts that are sums of exit motifs, and the totals equal to a core count.
BY_SEX_KEYS = ("F", "M", "total")
BY_SEX_COUNTS = dict(esf.ESF_COUNTS)
BY_SEX_RATES = {rate: Rate(numerator, denominator) for rate, (numerator, denominator) in esf.ESF_RATES.items()}
BY_SEX_COMPLEMENTS = {"EECR05_part_situation_inconnue": "EECR05_situation_connue"}  # numerator = den − this
BY_SEX_PARTITIONS = esf.ESF_PARTITIONS
BY_SEX_MOTIFS = esf.ESF_MOTIFS
BY_SEX_SAME_AS = esf.ESF_SAME_AS
KNOWN_INDICATORS = (frozenset(COUNTS) | set(BREAKDOWNS) | set(RATES) | set(STATISTICS) | set(PER_CAPITA)
                    | set(BY_SEX_COUNTS) | set(BY_SEX_RATES))

PREFIX = "indicateurs"


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
    indicators = result.get(PREFIX) or {}
    unknown = sorted(set(indicators) - KNOWN_INDICATORS)
    if unknown:
        raise DisclosureError(f"indicateurs sans règle de secret statistique : {', '.join(unknown)}")
    numerators = dict(numerators or {})
    unknown = sorted(set(numerators) - set(RATES))
    if unknown:
        raise DisclosureError(f"numerators: pas des taux : {', '.join(unknown)}")
    secret = _IndicatorModel(indicators, seuil, numerators).secret_paths()
    for path in secret:
        *parents, last = path.split(".")[1:]
        node = indicators
        for key in parents:
            node = node[key]
        node[last] = None
    result["diffusion"] = True
    result["secret"] = sorted(set(result.get("secret") or ()) | secret)
    return result


def indicator_cell(payload: Mapping[str, Any], path: str, seuil: int) -> Cell:
    """The :class:`Cell` at a dotted ``path`` (``indicateurs.sorties_par_motif.DECES``) of a payload."""
    node: Any = payload
    for key in path.split("."):
        node = node[key]
    secret = path in (payload.get("secret") or ())
    return Cell(None if secret else node, seuil, secret)


class _IndicatorModel:
    """The payload's figures and the relations a partner knows between them, as a :class:`_System`."""

    def __init__(self, indicators: Mapping[str, Any], seuil: int, numerators: Mapping[str, int]):
        self.indicators = indicators
        self.seuil = seuil
        self.system = _System(seuil)
        self.paths: dict[int, list[str]] = {}
        self.by_id: dict[str, int] = {}  # indicator id (or derived expression) → variable
        self.rates: list[tuple[str, int, int]] = []  # path, numerator, denominator
        self.statistics: list[tuple[str, int]] = []  # path, population
        self._categories()
        for indicator in COUNTS:
            if indicator not in self.by_id and self._present(indicator):
                rank = 3 if indicator in HEADLINE_TOTALS else 2
                self._shown(indicator, _count(indicators[indicator], indicator), [_path(indicator)], rank)
        self._sorties()
        self._valorisees()
        self._epci()
        self._by_sex()
        for indicator, spec in RATES.items():
            if self._present(indicator):
                self._rate(indicator, spec, numerators.get(indicator))
        for indicator, spec in BY_SEX_RATES.items():
            if self._present(indicator):
                self._rate_by_sex(indicator, spec)
        for indicator, population in STATISTICS.items():
            if self._present(indicator):
                if not self._present(population):
                    raise DisclosureError(f"{indicator} : il faut {population} pour le protéger")
                self.statistics.append((_path(indicator), _count(indicators[population], population)))

    # -- building

    def _present(self, indicator: str) -> bool:
        return self.indicators.get(indicator) is not None

    def _breakdown(self, indicator: str) -> dict[str, int] | None:
        if not self._present(indicator):
            return None
        value = self.indicators[indicator]
        if not isinstance(value, Mapping):
            raise DisclosureError(f"{indicator} doit être un objet")
        return {key: _count(count, f"{indicator}.{key}") for key, count in value.items()}

    def _shown(self, name: str, value: int, paths: list[str], rank: int) -> int:
        var = self.system.var(name, value, displayed=bool(paths), rank=rank)
        self.paths[var] = paths
        self.by_id[name] = var
        return var

    def _hidden(self, name: str, value: int) -> int:
        if value < 0:
            raise DisclosureError(f"indicateurs incohérents : {name} = {value}")
        var = self.system.var(name, value, displayed=False)
        self.by_id[name] = var
        return var

    def _categories(self) -> None:
        """The four categories of exit, shared by ``sorties_par_categorie`` and ``sorties_positives``/``_neutres``."""
        by_category = self._breakdown("sorties_par_categorie") or {}
        unknown = sorted(set(by_category) - set(CATEGORIE_SORTIE.codes()))
        if unknown:
            raise DisclosureError(f"sorties_par_categorie : catégories inconnues {unknown}")
        motifs = self._breakdown("sorties_par_motif")
        self.motif_categories: dict[str, str] = {}
        if motifs is not None:
            for code in motifs:
                category = category_of(code)
                if category is None:
                    raise DisclosureError(f"sorties_par_motif : motif inconnu {code}")
                self.motif_categories[code] = category
        aliases = {"positive": "sorties_positives", "neutre": "sorties_neutres"}
        for category in CATEGORIE_SORTIE.codes():
            values = {}
            if category in by_category:
                values["sorties_par_categorie"] = by_category[category]
            if motifs is not None:
                values["sorties_par_motif"] = sum(n for code, n in motifs.items()
                                                  if self.motif_categories[code] == category)
            alias = aliases.get(category)
            if alias and self._present(alias):
                values[alias] = _count(self.indicators[alias], alias)
            if len(set(values.values())) > 1:
                raise DisclosureError(f"indicateurs incohérents pour la catégorie {category} : {values}")
            if not values:
                continue
            paths = ([_path("sorties_par_categorie", category)] if category in by_category else [])
            if alias and self._present(alias):
                paths.append(_path(alias))
            rank = 2 if alias and self._present(alias) else 1
            var = self._shown(f"categorie:{category}", next(iter(values.values())), paths, rank)
            if alias:
                self.by_id[alias] = var

    def _sorties(self) -> None:
        """Motifs add up to their category; categories (and motifs) add up to the sorties."""
        motifs = self._breakdown("sorties_par_motif")
        motif_vars = {}
        for code, n in (motifs or {}).items():
            motif_vars[code] = self._shown(f"motif:{code}", n, [_path("sorties_par_motif", code)], 0)
        categories = [self.by_id[f"categorie:{c}"] for c in CATEGORIE_SORTIE.codes() if f"categorie:{c}" in self.by_id]
        if motifs is not None:
            for category in CATEGORIE_SORTIE.codes():
                self.system.equation(self.by_id[f"categorie:{category}"],
                                     [v for code, v in motif_vars.items() if self.motif_categories[code] == category])
        if "sorties" not in self.by_id:
            return
        sorties = self.by_id["sorties"]
        total = self.system.vars[sorties].value
        groups = [categories] + ([list(motif_vars.values())] if motifs is not None else [])
        remainder = None
        for parts in groups:
            if not parts:
                continue
            rest = total - sum(self.system.vars[p].value for p in parts)
            if rest:  # sorties in no category shown (never a structural zero: a reader would know it)
                remainder = remainder if remainder is not None else self._hidden("sorties:reste", rest)
                if self.system.vars[remainder].value != rest:
                    raise DisclosureError("sorties_par_motif et sorties_par_categorie incohérents")
                parts = parts + [remainder]
            self.system.equation(sorties, parts)

    def _valorisees(self) -> None:
        """Valued non-positive exits: every ``solution`` exit plus some ``sans_solution`` ones."""
        if "sorties_non_positives_valorisees" not in self.by_id:
            return
        solution, sans_solution = self.by_id.get("categorie:solution"), self.by_id.get("categorie:sans_solution")
        if solution is None or sans_solution is None:
            return
        valued = self.by_id["sorties_non_positives_valorisees"]
        value = self.system.vars
        among = self._hidden("sans_solution:valorisees", value[valued].value - value[solution].value)
        others = self._hidden("sans_solution:non_valorisees", value[sans_solution].value - value[among].value)
        self.system.equation(valued, [solution, among])
        self.system.equation(sans_solution, [among, others])

    def _epci(self) -> None:
        counts = self._breakdown("accompagnes_par_epci")
        per_capita = self.indicators.get("accompagnes_pour_1000_habitants_par_epci")
        if per_capita is not None and counts is None:
            raise DisclosureError("accompagnes_pour_1000_habitants_par_epci : il faut accompagnes_par_epci")
        if counts is None:
            return
        epci_vars = {key: self._shown(f"epci:{key}", n, [_path("accompagnes_par_epci", key)], 0)
                     for key, n in counts.items()}
        for key, value in (per_capita or {}).items():
            if key not in epci_vars:
                raise DisclosureError(f"accompagnes_pour_1000_habitants_par_epci : {key} absent des effectifs")
            if value is not None:  # the count × 1000 / population: the same figure
                self.paths[epci_vars[key]].append(_path("accompagnes_pour_1000_habitants_par_epci", key))
        if "participants_accompagnes" in self.by_id:
            total_var = self.by_id["participants_accompagnes"]
            parts = list(epci_vars.values())
            rest = self.system.vars[total_var].value - sum(counts.values())
            if rest:
                parts.append(self._hidden("epci:reste", rest))
            self.system.equation(total_var, parts)

    def _by_sex(self) -> None:
        """ESF+ counts by sex, and the relations between them and with the core counts."""
        for indicator in BY_SEX_COUNTS:
            if not self._present(indicator):
                continue
            value = self.indicators[indicator]
            if not isinstance(value, Mapping) or set(value) != set(BY_SEX_KEYS):
                raise DisclosureError(f"{indicator} doit être un objet {{F, M, total}}")
            counts = {key: _count(value[key], f"{indicator}.{key}") for key in BY_SEX_KEYS}
            parts = [self._shown(f"{indicator}.{key}", counts[key], [_path(indicator, key)], 0)
                     for key in BY_SEX_KEYS[:-1]]
            total = self._shown(f"{indicator}.total", counts["total"], [_path(indicator, "total")], 1)
            self.by_id[indicator] = total
            rest = counts["total"] - sum(counts[key] for key in BY_SEX_KEYS[:-1])
            if rest:
                parts.append(self._hidden(f"{indicator}.reste", rest))
            self.system.equation(total, parts)
        for whole, members in BY_SEX_PARTITIONS:
            if not all(self._present(i) for i in (whole, *members)):
                continue
            for key in BY_SEX_KEYS:
                total = self.by_id[f"{whole}.{key}"]
                parts = [self.by_id[f"{m}.{key}"] for m in members]
                rest = self.system.vars[total].value - sum(self.system.vars[p].value for p in parts)
                if rest:
                    parts.append(self._hidden(f"{whole}.{key}-{'+'.join(members)}", rest))
                self.system.equation(total, parts)
        for indicator, motifs in BY_SEX_MOTIFS.items():
            if self._present(indicator) and all(f"motif:{m}" in self.by_id for m in motifs):
                self.system.equation(self.by_id[f"{indicator}.total"], [self.by_id[f"motif:{m}"] for m in motifs])
        for indicator, core in BY_SEX_SAME_AS.items():
            if self._present(indicator) and core in self.by_id:
                self.system.equation(self.by_id[core], [self.by_id[f"{indicator}.total"]])

    def _rate_by_sex(self, indicator: str, spec: Rate) -> None:
        rates = self.indicators[indicator]
        if not isinstance(rates, Mapping) or set(rates) != set(BY_SEX_KEYS):
            raise DisclosureError(f"{indicator} doit être un objet {{F, M, total}}")
        complement = BY_SEX_COMPLEMENTS.get(indicator)
        for key in BY_SEX_KEYS:
            names = [spec.denominator, spec.numerator or complement]
            missing = [n for n in names if f"{n}.{key}" not in self.by_id]
            if missing:
                raise DisclosureError(f"{indicator} : il faut {', '.join(missing)} pour le protéger")
            denominator = self.by_id[f"{spec.denominator}.{key}"]
            den_value = self.system.vars[denominator].value
            if spec.numerator:
                numerator = self.by_id[f"{spec.numerator}.{key}"]
            else:  # the complement: never shown as a count, but recomputable from the two others
                name = f"{spec.denominator}.{key}-{complement}"
                if name not in self.by_id:
                    other = self.by_id[f"{complement}.{key}"]
                    numerator = self._hidden(name, den_value - self.system.vars[other].value)
                    self.system.equation(denominator, [other, numerator])
                numerator = self.by_id[name]
            rate = rates[key]
            if den_value == 0:
                if rate is not None:
                    raise DisclosureError(f"{indicator}.{key} = {rate} alors que son dénominateur est nul")
                continue
            num_value = self.system.vars[numerator].value
            if rate is None or not math.isclose(num_value / den_value, rate, rel_tol=RELATIVE_TOLERANCE,
                                                abs_tol=1e-12):
                raise DisclosureError(f"{indicator}.{key} = {rate} ≠ {num_value} / {den_value}")
            self.rates.append((_path(indicator, key), numerator, denominator))

    def _expression(self, expression: str) -> tuple[int, int]:
        """Variable and value of a denominator such as ``sorties - sorties_neutres``."""
        terms = [term.strip() for term in expression.split(" - ")]
        missing = [term for term in terms if term not in self.by_id]
        if missing:
            raise DisclosureError(f"il faut {', '.join(missing)} pour protéger un taux sur « {expression} »")
        if len(terms) == 1:
            var = self.by_id[terms[0]]
            return var, self.system.vars[var].value
        if expression not in self.by_id:
            first, *others = (self.by_id[t] for t in terms)
            value = self.system.vars[first].value - sum(self.system.vars[o].value for o in others)
            var = self._hidden(expression, value)
            self.system.equation(first, [var, *others])
        var = self.by_id[expression]
        return var, self.system.vars[var].value

    def _rate(self, indicator: str, spec: Rate, given: int | None) -> None:
        rate = self.indicators[indicator]
        if not isinstance(rate, int | float) or isinstance(rate, bool):
            raise DisclosureError(f"{indicator} doit être un nombre")
        denominator, den_value = self._expression(spec.denominator)
        if den_value == 0:
            raise DisclosureError(f"{indicator} = {rate} alors que son dénominateur est nul")
        shown_by_rate = spec.numerator is None or spec.numerator not in self.by_id
        if shown_by_rate:
            num_value = _count(given, indicator) if given is not None else round(rate * den_value)
            numerator = self._shown(f"numerateur:{indicator}", num_value, [_path(indicator)], 1)
        else:
            numerator = self.by_id[spec.numerator]
            num_value = self.system.vars[numerator].value
        if not math.isclose(num_value / den_value, rate, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12):
            raise DisclosureError(f"{indicator} = {rate} ≠ {num_value} / {den_value}")
        self.rates.append((_path(indicator), numerator, denominator))

    # -- protecting

    def secret_paths(self) -> set[str]:
        solution = self.system.solve()

        def known(var: int) -> bool:
            return var not in solution.unknown or var in solution.determined

        secret = {path for var in solution.hidden for path in self.paths.get(var, ())}
        for path, numerator, denominator in self.rates:
            # A rate adds nothing to what its numerator and denominator tell: shown only when both are known.
            if not (known(numerator) and known(denominator)):
                secret.add(path)
        secret |= {path for path, population in self.statistics if 0 < population < self.seuil}
        return secret


def _path(*keys: str) -> str:
    return ".".join((PREFIX, *keys))
