"""Store the accepted rows of a run: set-wise upserts, one transaction (the caller's).

Each table goes in two statements, the same on SQLite and PostgreSQL:

1. its accepted rows are *staged* in a temporary table (PostgreSQL: ``COPY``
   from CSV written by Polars; SQLite: one ``executemany`` per large batch);
2. one ``INSERT … SELECT … ON CONFLICT (identity) DO UPDATE`` moves them into
   the real table, resolving foreign keys by joins (participant ``id_hash`` →
   pk, ``id_action`` → pk), never row by row.

Rows are matched on their identity (``id_hash``, ``id_action``, ``etape_key``,
and the identities of suivi_freins and acquis) and updated, never duplicated.
Only the columns the file brought are updated: a re-import without ``qpv``
keeps the ``qpv`` already stored; a new row gets the model's default there.
``replace`` empties the five tables first.

Before any change, the previous version of every row the run touches is copied
into ``ImportSnapshotRow`` (one ``INSERT … SELECT`` per table, the row as
JSON), so that ``undo.undo_import`` can restore the state before the run
exactly. Only the last ``UNDO_DEPTH`` stored runs keep their snapshot.

Large loads (``BULK_FROM_ROWS``): into an *empty* table the rows go straight in
(``load_direct``: no staging, nothing to match nor snapshot), with every index
and constraint dropped before and rebuilt after (``bulk_load``); into a table
that holds fewer rows than the run brings, its secondary indexes (and
PostgreSQL's foreign keys) are dropped and rebuilt around the upsert. Rebuilding
sorts once instead of updating a B-tree per row, and re-adding a foreign key
checks all rows in one query instead of one trigger per row at commit.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import polars as pl
from django.db import connection

from reperes.collection.models import (
    Acquis,
    Action,
    Etape,
    ImportRun,
    ImportSnapshot,
    ImportSnapshotRow,
    Participant,
    SuiviFrein,
)

from .parsers import fmt_count
from .validate import Checked

# Rows staged at a time (PostgreSQL: one CSV block for COPY; SQLite: one executemany).
BATCH = 100_000
# From this many rows, a table is stored in the order of its identity rather than of the file.
SORT_FROM_ROWS = 20_000
# SQLite page cache during a store (KiB, negative as PRAGMA cache_size wants): large indexes stay in memory.
SQLITE_CACHE_KIB = -256 * 1024
# SQLite, while indexes are rebuilt after a bulk load: SQLite's default cache (the sorter sorts runs of its size,
# which stay in the processor's caches) and worker threads to sort and merge them. The 3.16 M étapes' four
# indexes: 9.2–10.6 s instead of 15.8 s with the store's large cache and no thread (identity: 3.3–3.9 s, 9.1 s).
SQLITE_REBUILD_CACHE_KIB = -2000
SQLITE_SORT_THREADS = min(4, os.cpu_count() or 1)
# A run brings at least this many rows to a table, and at least as many as it holds: its secondary indexes
# (and, on PostgreSQL, its foreign keys) are dropped for the load and rebuilt in one pass after it.
BULK_FROM_ROWS = 50_000
# PostgreSQL: memory for rebuilding indexes and checking foreign keys after a bulk load (each sorts or hashes a
# whole table; the defaults, 64 MB and 4 MB, spill a million rows to disk). Set for the rebuild only.
PG_REBUILD_MAINTENANCE_MEM = "512MB"
PG_REBUILD_WORK_MEM = "256MB"
# Stored runs that keep their snapshot (and can therefore be undone, the newest first).
UNDO_DEPTH = 3

# Order of deletion for --replace and undo (children first: Etape.action is PROTECT).
DATASET = (Etape, SuiviFrein, Acquis, Participant, Action)
# Order of insertion (parents first).
PARENTS_FIRST = (Action, Participant, Etape, SuiviFrein, Acquis)

PARTICIPANT_KEY = "participant_hash"  # staged instead of participant_id
ACTION_KEY = "id_action"  # staged instead of action_id (étapes)


@dataclass(frozen=True)
class Spec:
    """How one table is staged and matched."""

    table: str  # name in the exchange format (key of ``checked``)
    model: type
    identity: tuple[str, ...]  # columns of the unique constraint (ON CONFLICT)
    # How a stored row ``t`` matches a staged row ``s`` (for the snapshot), and a further condition once the
    # staged row's participant ``p`` is joined.
    match: str
    match_participant: str = "true"


SPECS = (
    Spec("actions", Action, ("id_action",), "s.id_action = t.id_action"),
    Spec("participants", Participant, ("id_hash",), "s.id_hash = t.id_hash"),
    Spec("etapes", Etape, ("etape_key",), "s.etape_key = t.etape_key"),
    Spec("suivi_freins", SuiviFrein, ("participant_id", "frein", "date"),
         "s.frein = t.frein AND s.date = t.date", "p.id = t.participant_id"),
    Spec("acquis", Acquis, ("participant_id", "type_acquis", "date"),
         "s.type_acquis = t.type_acquis AND s.date = t.date", "p.id = t.participant_id"),
)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def table_of(model) -> str:
    return q(model._meta.db_table)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def delete_dataset() -> None:
    with connection.cursor() as cursor:
        for model in DATASET:
            cursor.execute(f"DELETE FROM {table_of(model)}")


# --------------------------------------------------------------------------- values


def _json_list(expr: pl.Expr) -> pl.Expr:
    """A list of strings as the JSON text Django stores (``["RSA","DELD"]``; ``[]`` when empty or null)."""
    escaped = expr.list.eval(pl.element().str.replace_all("\\", "\\\\", literal=True)
                             .str.replace_all('"', '\\"', literal=True))
    return (pl.when(expr.list.len() > 0)
            .then(pl.concat_str([pl.lit('["'), escaped.list.join('","'), pl.lit('"]')]))
            .otherwise(pl.lit("[]")))


def _default_expr(field) -> pl.Expr:
    """The model default of a column the file does not bring (a new row needs a value)."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        return pl.lit("[]" if field.default is list else "{}")
    if field.null:
        return pl.lit(None)
    if internal == "CharField":
        return pl.lit("")
    return pl.lit(field.get_default())


def _db_value(field, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """One column in the form the database takes it (SQLite: Django's storage; PostgreSQL: COPY text)."""
    internal = field.get_internal_type()
    if isinstance(dtype, pl.List):
        return _json_list(expr)
    if internal == "DecimalField" and dtype.is_float():
        return expr.round(field.decimal_places)
    if dtype == pl.Boolean and not is_postgresql():
        return expr.cast(pl.Int8)
    if dtype == pl.Date and not is_postgresql():
        return expr.dt.strftime("%Y-%m-%d")
    return expr


@dataclass
class Staged:
    """A table's rows ready for staging: column names, their SQL types, the frame."""

    columns: list[str]  # staged columns (model columns + lookup keys)
    types: list[str]
    frame: pl.DataFrame
    updated: list[str]  # model columns the file brought (updated on conflict)
    inserted: list[str]  # every model column written on insert (but the pk and import_run)
    select: list[str]  # SQL expressions matching ``inserted``
    joins: str
    compared: dict[str, str]  # updated column → its new value (SQL), to update only rows that change


def prepare(spec: Spec, rows: pl.DataFrame, *, sort: bool = True) -> Staged:
    """From the accepted rows of ``validate`` (columns named after model fields), the staged frame."""
    model = spec.model
    exprs: list[pl.Expr] = []
    columns: list[str] = []
    types: list[str] = []
    updated: list[str] = []
    inserted: list[str] = []
    select: list[str] = []
    joins = ""
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name == "import_run":
            continue
        column = field.column
        if field.is_relation and field.related_model is Participant:
            exprs.append(pl.col(PARTICIPANT_KEY))
            columns.append(PARTICIPANT_KEY)
            types.append("varchar(64)")
            inserted.append(column)
            select.append("p.id")
            if column not in spec.identity:
                updated.append(column)
            joins += f" JOIN {table_of(Participant)} p ON p.id_hash = s.{PARTICIPANT_KEY}"
            continue
        if field.is_relation and field.related_model is Action:
            exprs.append(pl.col(ACTION_KEY) if ACTION_KEY in rows.columns else pl.lit(None, dtype=pl.String)
                         .alias(ACTION_KEY))
            columns.append(ACTION_KEY)
            types.append("varchar(64)")
            inserted.append(column)
            select.append("a.id")
            updated.append(column)
            joins += f" LEFT JOIN {table_of(Action)} a ON a.id_action = s.{ACTION_KEY}"
            continue
        if field.name in rows.columns:
            exprs.append(_db_value(field, pl.col(field.name), rows.schema[field.name]).alias(column))
            if column not in spec.identity:
                updated.append(column)
        else:
            exprs.append(_default_expr(field).alias(column))
        columns.append(column)
        types.append(field.db_type(connection))
        inserted.append(column)
        select.append(f"s.{q(column)}")
    frame = rows.select(exprs)
    if sort and frame.height >= SORT_FROM_ROWS:
        # Large imports go in the order of the unique index: its B-tree is then filled in sequence (about
        # twice as fast on SQLite). Smaller ones keep the order of the file (primary keys follow it).
        key = [c for c in spec.identity if c in frame.columns] or [PARTICIPANT_KEY]
        frame = frame.sort(key, nulls_last=True)
    values = dict(zip(inserted, select, strict=True))
    compared = {c: values[c] for c in updated}
    return Staged(columns, types, frame, updated, inserted, select, joins, compared)


# --------------------------------------------------------------------------- staging


def stage_name(spec: Spec) -> str:
    return f"reperes_stage_{spec.table}"


def stage(spec: Spec, staged: Staged, progress: Callable[[str], None]) -> str:
    """Create the temporary table of ``spec`` and fill it; returns its name."""
    name = stage_name(spec)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if is_postgresql():
            cols = ", ".join(f"{q(c)} {t}" for c, t in zip(staged.columns, staged.types, strict=True))
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({cols}) ON COMMIT DROP")
        else:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({', '.join(q(c) for c in staged.columns)})")
    write_rows(name, staged.columns, staged.frame, spec, progress)
    return name


def write_rows(table: str, columns: list[str], frame: pl.DataFrame, spec: Spec,
               progress: Callable[[str], None]) -> None:
    """Append ``frame`` (its columns in the order of ``columns``) to ``table``, BATCH rows at a time, inside
    the caller's transaction: ``COPY … FROM STDIN`` fed by Polars' CSV writer on PostgreSQL; on SQLite,
    ``executemany`` on the driver's own connection (Django's wrapper, which rewrites the statement and tees
    the rows to peek at the first, costs more than the insert of a narrow row)."""
    total = frame.height
    names = ", ".join(q(c) for c in columns)
    if is_postgresql():
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, total, BATCH):
                buffer = io.BytesIO()
                frame.slice(start, BATCH).write_csv(buffer, include_header=False)
                copy.write(buffer.getvalue())
                _progress_rows(progress, spec, start + BATCH, total)
        return
    connection.ensure_connection()
    if connection.get_autocommit():
        raise RuntimeError("write_rows runs inside the store's transaction")
    raw = connection.connection  # sqlite3.Connection, already in the transaction Django began
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"
    for start in range(0, total, BATCH):
        raw.executemany(insert, frame.slice(start, BATCH).iter_rows())
        _progress_rows(progress, spec, start + BATCH, total)


def _progress_rows(progress, spec: Spec, done: int, total: int) -> None:
    if total > BATCH:
        progress(f"{spec.table} : {fmt_count(min(done, total))} / {fmt_count(total)} ligne(s) préparée(s)…")


def upsert(spec: Spec, staged: Staged, stage_table: str, run: ImportRun) -> int:
    """Move the staged rows into the table: one INSERT … SELECT … ON CONFLICT DO UPDATE."""
    target = table_of(spec.model)
    run_column = spec.model._meta.get_field("import_run").column
    columns = ", ".join(q(c) for c in [*staged.inserted, run_column])
    select = ", ".join([*staged.select, "%s"])
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in [*staged.updated, run_column])
    # A row whose values are all the same is left alone (it keeps its import_run): re-importing the
    # same file changes nothing.
    changed = differs([f"{target}.{q(c)}" for c in staged.updated], [f"excluded.{q(c)}" for c in staged.updated])
    sql = (f"INSERT INTO {target} ({columns}) SELECT {select} FROM {stage_table} s{staged.joins} WHERE true "
           f"ON CONFLICT ({', '.join(q(c) for c in spec.identity)}) DO UPDATE SET {updates} WHERE {changed}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk])
        return cursor.rowcount


# --------------------------------------------------------------------------- bulk loads


def row_count(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table_of(model)}")
        return cursor.fetchone()[0]


def secondary_indexes(model, *, unique: bool = False) -> list[tuple[str, str]]:
    """``(name, CREATE INDEX …)`` of the table's indexes that no constraint owns, never the primary key.

    Unique indexes only with ``unique=True``: ``ON CONFLICT`` relies on them, so only a load into an
    empty table (no conflict possible) may drop them.
    """
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND (%s OR NOT x.indisunique) AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1",
                [model._meta.db_table, unique])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL AND (%s OR upper(sql) NOT LIKE 'CREATE UNIQUE%%') ORDER BY 1",
                           [model._meta.db_table, unique])
        return list(cursor.fetchall())


def table_constraints(model, *, unique: bool = False) -> list[tuple[str, str]]:
    """PostgreSQL: ``(name, FOREIGN KEY … REFERENCES … DEFERRABLE …)`` of the table's foreign keys, and
    with ``unique=True`` its unique constraints (``UNIQUE (…)``) too, foreign keys last."""
    if not is_postgresql():
        return []  # SQLite cannot drop a constraint; its deferred checks are cheap counters
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND (contype = 'f' OR (%s AND contype = 'u')) "
                       "ORDER BY contype DESC, conname", [model._meta.db_table, unique])
        return list(cursor.fetchall())


@contextmanager
def bulk_load(model, progress: Callable[[str], None], *, unique: bool = False) -> Iterator[None]:
    """Load a large batch into ``model``'s table without maintaining its secondary indexes row by row.

    Inside the caller's transaction: the indexes (and PostgreSQL's foreign keys, which would otherwise
    be checked by one trigger per row at commit) are dropped, then rebuilt after the load, each in one
    sorted pass; re-adding a foreign key checks every row at once. ``unique=True`` (a load into an empty
    table) drops the unique indexes and constraints as well: rebuilding them checks uniqueness once. If
    anything fails, the transaction's rollback brings them all back.
    """
    table = table_of(model)
    indexes = secondary_indexes(model, unique=unique)
    keys = table_constraints(model, unique=unique)
    with connection.cursor() as cursor:
        if keys:  # PostgreSQL alters no table with deferred checks pending: run them now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {q(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {q(name)}")
    yield
    progress(f"Reconstruction des index de {model._meta.verbose_name_plural}…")
    with connection.cursor() as cursor, _rebuild_memory(cursor):
        for _name, definition in indexes:
            cursor.execute(definition)
        if keys:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {q(name)} {definition}")


@contextmanager
def _rebuild_memory(cursor) -> Iterator[None]:
    """PostgreSQL: sort and hash in memory while indexes and keys are rebuilt, then the settings as before
    (``set_config(…, true)``: local to the transaction, gone at its end whatever happens).

    SQLite: the sorter of ``CREATE INDEX`` works in runs of the page cache's size, merged by worker threads;
    the store's large cache (``SQLITE_CACHE_KIB``) made one run of each index, sorted by one thread."""
    if not is_postgresql():
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA threads")
        threads = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SQLITE_REBUILD_CACHE_KIB}")
        cursor.execute(f"PRAGMA threads = {SQLITE_SORT_THREADS}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA threads = {int(threads)}")
        return
    cursor.execute("SELECT current_setting('maintenance_work_mem'), current_setting('work_mem')")
    before = cursor.fetchone()
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true), set_config('work_mem', %s, true)",
                   [PG_REBUILD_MAINTENANCE_MEM, PG_REBUILD_WORK_MEM])
    yield
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true), set_config('work_mem', %s, true)",
                   list(before))


def wants_bulk(spec: Spec, rows: int) -> bool:
    return rows >= BULK_FROM_ROWS and rows >= row_count(spec.model)


def _keys_of(model, key: str) -> pl.DataFrame:
    """``key`` → primary key of every stored row of ``model`` (to resolve foreign keys in Polars)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(key)}, id FROM {table_of(model)}")
        return pl.DataFrame(cursor.fetchall(), schema={"__key": pl.String, "__pk": pl.Int64}, orient="row")


def load_direct(spec: Spec, staged: Staged, run: ImportRun, progress: Callable[[str], None]) -> int:
    """Write the rows straight into ``spec``'s empty table (no staging, no ``ON CONFLICT``).

    Foreign keys are resolved by joins in Polars, with the same meaning as the joins of ``upsert``:
    a row whose participant is not stored is left out (validation already rejected it), an unknown
    action leaves ``action_id`` empty. Call inside ``bulk_load(…, unique=True)``.
    """
    frame = staged.frame
    columns: list[str] = []
    exprs: list[pl.Expr] = []
    for column, select in zip(staged.inserted, staged.select, strict=True):
        if select == "p.id":
            frame = frame.join(_keys_of(Participant, "id_hash").rename({"__pk": "__participant"}),
                               left_on=PARTICIPANT_KEY, right_on="__key", how="inner", maintain_order="left")
            exprs.append(pl.col("__participant").alias(column))
        elif select == "a.id":
            frame = frame.join(_keys_of(Action, "id_action").rename({"__pk": "__action"}),
                               left_on=ACTION_KEY, right_on="__key", how="left", maintain_order="left")
            exprs.append(pl.col("__action").alias(column))
        else:
            exprs.append(pl.col(column))
        columns.append(column)
    run_column = spec.model._meta.get_field("import_run").column
    frame = frame.select([*exprs, pl.lit(run.pk, dtype=pl.Int64).alias(run_column)])
    columns.append(run_column)
    write_rows(table_of(spec.model), columns, frame, spec, progress)
    return frame.height


# --------------------------------------------------------------------------- snapshots


def json_of_row(model, alias: str = "t") -> str:
    """An SQL expression: the row ``alias`` of ``model`` as a JSON object (every concrete column)."""
    pairs = []
    for field in model._meta.concrete_fields:
        value = f"{alias}.{q(field.column)}"
        if field.get_internal_type() == "JSONField" and not is_postgresql():
            value = f"json({value})"
        pairs.append(f"'{field.column}', {value}")
    build, merge = ("jsonb_build_object", " || ") if is_postgresql() else ("json_object", None)
    groups = [pairs[i:i + 40] for i in range(0, len(pairs), 40)]
    parts = [f"{build}({', '.join(group)})" for group in groups]
    if len(parts) == 1:
        return parts[0]
    if merge:
        return merge.join(parts)
    expr = parts[0]
    for part in parts[1:]:
        expr = f"json_patch({expr}, {part})"
    return expr


def _participant_of(model, alias: str = "t") -> str:
    if model is Participant:
        return f"{alias}.id"
    if model is Action:
        return "NULL"
    return f"{alias}.participant_id"


def snapshot_rows(run: ImportRun, model, *, where: str = "", joins: str = "") -> int:
    """Copy the rows of ``model`` (filtered by ``joins``/``where``) into ImportSnapshotRow, set-wise."""
    snap = table_of(ImportSnapshotRow)
    sql = (f"INSERT INTO {snap} (run_id, model, row_id, participant_pk, data) "
           f"SELECT %s, %s, t.id, {_participant_of(model)}, {json_of_row(model)} "
           f"FROM {table_of(model)} t{joins}{where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, model._meta.model_name])
        return cursor.rowcount


def differs(old: list[str], new: list[str]) -> str:
    """SQL: the row values ``old`` and ``new`` differ (NULL-safe)."""
    if not old:
        return "false"
    if is_postgresql():
        return f"({', '.join(old)}) IS DISTINCT FROM ({', '.join(new)})"
    if len(old) == 1:
        return f"{old[0]} IS NOT {new[0]}"
    return f"({', '.join(old)}) IS NOT ({', '.join(new)})"


def snapshot_touched(spec: Spec, staged: Staged, stage_table: str, run: ImportRun) -> int:
    """The previous version of the rows this run is about to update."""
    joins = f" JOIN {stage_table} s ON {spec.match}{staged.joins}"
    changed = differs([f"t.{q(c)}" for c in staged.updated], list(staged.compared.values()))
    return snapshot_rows(run, spec.model, joins=joins, where=f" WHERE {spec.match_participant} AND {changed}")


def prune_snapshots() -> None:
    """Keep the snapshots of the last ``UNDO_DEPTH`` stored runs only (a bounded history)."""
    keep = list(ImportSnapshot.objects.exclude(run__status=ImportRun.Status.UNDONE)
                .order_by("-run__created_at", "-run_id").values_list("run_id", flat=True)[:UNDO_DEPTH])
    old = list(ImportSnapshot.objects.exclude(run_id__in=keep).values_list("run_id", flat=True))
    if old:
        ImportSnapshotRow.objects.filter(run_id__in=old).delete()
        ImportSnapshot.objects.filter(run_id__in=old).delete()


# --------------------------------------------------------------------------- SQLite: keys checked once


@contextmanager
def foreign_keys_checked_at_end(checked: dict[str, Checked]) -> Iterator[None]:
    """Wrap the store's transaction. SQLite, a large run (``BULK_FROM_ROWS``) outside any transaction: foreign
    keys are not checked row by row while the rows go in (a lookup per key per row) but all at once before the
    commit (``store`` runs ``PRAGMA foreign_key_check`` on every table it wrote; a violation raises
    ``IntegrityError`` and rolls the run back) — PostgreSQL drops and re-adds its keys for the same reason
    (``bulk_load``). SQLite ignores the pragma inside a transaction, hence a wrapper; elsewhere, nothing."""
    rows = sum(c.rows.height for c in checked.values())
    if is_postgresql() or rows < BULK_FROM_ROWS or not connection.get_autocommit():
        yield
        return
    disabled = connection.disable_constraint_checking()
    try:
        yield
    finally:
        if disabled:
            connection.enable_constraint_checking()


def _check_foreign_keys_if_off(models) -> None:
    """SQLite with foreign keys off (``foreign_keys_checked_at_end``): check those of ``models`` now, set-wise."""
    if is_postgresql():
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        if cursor.fetchone()[0]:
            return  # checked row by row already
    connection.check_constraints(table_names=[model._meta.db_table for model in models])


# --------------------------------------------------------------------------- entry point


def store(checked: dict[str, Checked], run: ImportRun, *, replace: bool,
          progress: Callable[[str], None] = lambda m: None, keep_snapshot: bool = True) -> None:
    """Write every accepted row. Call inside ``transaction.atomic()``.

    ``keep_snapshot`` records the previous state of what the run changes so
    that it can be undone (``undo.undo_import``).
    """
    if not is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        try:
            _store(checked, run, replace=replace, progress=progress, keep_snapshot=keep_snapshot)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    else:
        _store(checked, run, replace=replace, progress=progress, keep_snapshot=keep_snapshot)


def _store(checked: dict[str, Checked], run: ImportRun, *, replace: bool, progress: Callable[[str], None],
           keep_snapshot: bool) -> None:
    if keep_snapshot:
        ImportSnapshot.objects.create(run=run, replace=replace)
    if replace:
        if keep_snapshot:
            progress("Copie des données existantes (pour pouvoir annuler l'import)…")
            for model in PARENTS_FIRST:
                snapshot_rows(run, model)
        progress("Suppression des données existantes (--replace)…")
        delete_dataset()

    for spec in SPECS:
        if spec.table not in checked or not checked[spec.table].rows.height:
            continue
        rows = checked[spec.table].rows
        progress(f"Enregistrement de {fmt_count(rows.height)} ligne(s) de {spec.table}…")
        if rows.height >= BULK_FROM_ROWS and not row_count(spec.model):
            # A first (or --replace) import of a large table: nothing to match, nothing to snapshot.
            with bulk_load(spec.model, progress, unique=True):
                load_direct(spec, prepare(spec, rows, sort=False), run, progress)
            continue
        staged = prepare(spec, rows)
        stage_table = stage(spec, staged, progress)
        try:
            if keep_snapshot and not replace:
                snapshot_touched(spec, staged, stage_table, run)
            with bulk_load(spec.model, progress) if wants_bulk(spec, rows.height) else nullcontext():
                upsert(spec, staged, stage_table, run)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {stage_table}")
    if keep_snapshot:
        prune_snapshots()
    _check_foreign_keys_if_off((*PARENTS_FIRST, ImportSnapshot, ImportSnapshotRow))
