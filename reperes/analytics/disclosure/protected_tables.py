"""One-way breakdowns and two-way tables, each protected on its own (see :mod:`.publication` to link them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .cells import Cell
from .engine import _check_seuil, _count, _System

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
    if isinstance(counts, pl.DataFrame):
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


