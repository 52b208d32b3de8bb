"""Build the analytics frames (``reperes.analytics.frames.Dataset``) from the database.

One SQL query per table (no model instances): on PostgreSQL its rows come
as CSV (``COPY (…) TO STDOUT``) read by Polars; elsewhere through the
connection's cursor, handed to Polars as they come, the garbage collector
paused meanwhile; a step, an assessment or an achievement is read with its
participant's and action's primary keys, turned into their ids by joins in
Polars (no join in the database); codes stored as ``""`` become
nulls, JSON lists (``criteres``, ``freins_entree``, ``territoire``) are
decoded by Polars, dates parsed by Polars from their ISO text. The EPCI of a
participant comes from the bundled reference of communes
(``territory_commune``), not from the value stored at import. Works the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from django.db import connection

from reperes.analytics.frames import SCHEMAS, Dataset, conform

from . import frames_on_disk

# Parameters of one query (SQLite allows 32 766 at most; older builds 999).
COMMUNES_PER_QUERY = 900
CODE_COLUMNS = {
    "participants": ("sexe", "commune", "niveau_formation", "situation_entree", "prescripteur", "referent",
                     "motif_sortie", "situation_6_mois", "personne", "epci"),
    "etapes": ("type_etape", "id_action", "operateur", "resultat"),
    "actions": ("axe", "famille", "operateur", "theme_experimentation"),
}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def read_column(model, field: str, alias: str) -> str:
    """``alias.column`` in a SELECT list. SQLite: a date as its stored ISO text (the declared type dropped by
    the cast): Django's converter would parse each value in Python (14 M at a million parcours), Polars
    parses the column at once in ``_frame``."""
    column = f"{alias}.{_col(model, field)}"
    if connection.vendor == "sqlite" and model._meta.get_field(field).get_internal_type() == "DateField":
        return f"CAST({column} AS TEXT)"
    return column


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a query's rows become a frame. Millions of row tuples
    trigger its full passes, each over every tuple made so far: at a million parcours they cost more than
    fetching the rows (turning 3 M rows into columns: 5.9 s with it, 1.1 s without). Rows hold no cycle to
    collect. Left off if it was off (another thread's load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _query(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def rows_frame(schema: dict[str, pl.DataType], rows: list[tuple]) -> pl.DataFrame:
    """Rows of a query, their columns in ``schema``'s order → a frame of those types, converted in Polars
    column by column (JSON lists decoded, dates parsed at once), whatever the driver returns them as."""
    if not rows:
        return pl.DataFrame(schema=schema)
    data = {}
    for (column, target), values in zip(schema.items(), zip(*rows, strict=True), strict=True):
        if isinstance(target, pl.List):
            series = pl.Series(column, [v if v is None or isinstance(v, str) else _json(v) for v in values],
                               dtype=pl.String)
            series = series.str.json_decode(target)
        elif target == pl.Date:
            series = pl.Series(column, values, strict=False)
            if series.dtype == pl.String:
                series = series.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
            elif series.dtype != pl.Date:
                series = series.cast(pl.Date, strict=False)
        elif target == pl.Boolean:
            series = pl.Series(column, values, strict=False)
            series = series.cast(pl.Boolean, strict=False) if series.dtype != pl.Boolean else series
        elif target in (pl.Float64, pl.Int32, pl.Int64):
            series = pl.Series(column, values, strict=False)  # ints, floats or decimals, by the driver
            if not series.dtype.is_numeric():
                series = pl.Series(column, [None if v is None else float(v) for v in values], dtype=pl.Float64)
            series = series.cast(target, strict=False)
        else:
            series = pl.Series(column, values, dtype=pl.String, strict=False)
        data[column] = series
    return pl.DataFrame(data)


def fetch_frame(schema: dict[str, pl.DataType], sql: str, params=()) -> pl.DataFrame:
    """The rows of ``sql`` (``%s`` parameters), its columns in ``schema``'s order, as a frame of those types.

    PostgreSQL: ``COPY (…) TO STDOUT`` as CSV, read by Polars, then each column converted from PostgreSQL's
    text (a Python object per value cost more than the rest of the load: 13.3 s → 4.8 s for 4 M rows).
    Elsewhere: the cursor's rows (:func:`rows_frame`). Same connection, so the same transaction either way."""
    if connection.vendor != "postgresql":
        return rows_frame(schema, _query(sql, params))
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)",
                                                           params or None) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    # Unquoted empty field: NULL; quoted "": the empty text.
    text = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(schema), infer_schema=False)
    return text.select(_from_text(pl.col(column), target).alias(column) for column, target in schema.items())


def _from_text(column: pl.Expr, target: pl.DataType) -> pl.Expr:
    """A column of PostgreSQL's text output (``t``/``f``, ISO dates, JSON) as ``target``."""
    if isinstance(target, pl.List):
        return column.str.json_decode(target)
    if target == pl.Date:
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if target == pl.Boolean:
        return pl.when(column == "t").then(True).when(column == "f").then(False).otherwise(None)
    if target in (pl.Float64, pl.Int32, pl.Int64):
        return column.cast(pl.Float64, strict=False).cast(target, strict=False)
    return column


def _frame(name: str, names: list[str], rows: list[tuple] | str, *,
           keys: dict[str, tuple[pl.DataFrame, str]] | None = None) -> pl.DataFrame:
    """Rows of a query (or the query: see :func:`fetch_frame`) → a frame of the ``name`` schema (codes stored as
    ``""`` become nulls).

    ``keys``: columns the rows carry as another table's primary key, each with that table's frame of ``pk``
    and the column's value, and the join that turns one into the other, rows kept in their order
    (``"inner"`` as SQL's ``JOIN``, ``"left"`` as its ``LEFT JOIN``): joining in SQLite and reading a
    64-character id per step cost more than all the step's other columns. A column ``pk`` in ``names`` (the
    row's own primary key) is kept last, for the keys of the next tables."""
    keys = keys or {}
    schema = {n: pl.Int64 if n in keys or n == "pk" else SCHEMAS[name][n] for n in names}
    frame = fetch_frame(schema, rows) if isinstance(rows, str) else rows_frame(schema, rows)
    for column, (values, how) in keys.items():
        frame = (frame.join(values.rename({"pk": "__key", column: "__value"}), left_on=column, right_on="__key",
                            how=how, maintain_order="left")
                 .with_columns(pl.col("__value").alias(column)).drop("__value"))
    blank = [c for c in CODE_COLUMNS.get(name, ()) if c in frame.columns]
    if blank and frame.height:
        frame = frame.with_columns(pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c))
                                   .alias(c) for c in blank)
    conformed = conform(name, frame)
    return conformed.with_columns(frame.get_column("pk")) if "pk" in schema else conformed


def _json(value) -> str:
    import json

    return json.dumps(value)


def load_dataset(*, territory=None) -> Dataset:
    """Every stored parcours, step, action, assessment and achievement, as frames.

    ``territory``: the perimeter whose communes (with their population) make
    the ``communes`` frame; by default the installation's current territory
    (none: an empty frame, and every participant counts as « hors territoire »).

    The frames of the stored rows are read once per version of the data and kept in the data directory for
    the next process (:mod:`reperes.analyses.frames_on_disk`); the EPCI of each participant and the communes
    are read from the reference every time.
    """
    from reperes.territory.models import Commune

    if territory is None:
        from reperes.configuration.models import Installation

        territory = Installation.get().territory

    version, tables = frames_on_disk.load(kept_version, read_collection)
    # The EPCI of the participants' communes only: the reference holds 35 000 (0.1 s a load, at every page of a
    # small PLIE), and asking the database which communes the participants live in costs a second at 1 M.
    codes = tables["participants"].get_column("commune").drop_nulls().unique().sort().to_list()
    found: list[tuple] = []
    for start in range(0, len(codes), COMMUNES_PER_QUERY):
        chunk = codes[start:start + COMMUNES_PER_QUERY]
        found += _query(f"SELECT {_col(Commune, 'code')}, {_col(Commune, 'epci_siren')} FROM {_table(Commune)} "
                        f"WHERE {_col(Commune, 'code')} IN ({', '.join(['%s'] * len(chunk))})", chunk)
    epcis = rows_frame({"commune": pl.String, "epci": pl.String}, found)
    participants = conform("participants", tables["participants"].drop("epci", strict=False).join(
        epcis.with_columns(pl.when(pl.col("epci").str.strip_chars() == "").then(None).otherwise(pl.col("epci"))
                           .alias("epci")),
        on="commune", how="left", maintain_order="left"))
    populations: dict[str, int] = {}
    if territory is not None:
        communes_rows = list(territory.communes.order_by("code").values_list(
            "code", "nom", "epci_siren", "epci_nom", "population"))
        # An EPCI's population is that of all its communes in the reference, even those outside the territory.
        from django.db.models import Sum

        sirens = {row[2] for row in communes_rows if row[2]}
        populations = {siren: int(total or 0) for siren, total in Commune.objects.of_epci(sirens)
                       .values("epci_siren").annotate(total=Sum("population")).values_list("epci_siren", "total")}
    else:
        communes_rows = []
    communes = _frame("communes", list(SCHEMAS["communes"]), communes_rows)
    dataset = Dataset(participants=participants, etapes=tables["etapes"], actions=tables["actions"],
                      suivi_freins=tables["suivi_freins"], acquis=tables["acquis"], communes=communes,
                      epci_populations=populations,
                      fingerprint_known=frames_on_disk.fingerprint(version, communes) if version else None)
    if version and dataset.fingerprint_known is None:
        dataset.fingerprint_done = lambda value: frames_on_disk.save_fingerprint(version, communes, value)
    return dataset


def kept_version() -> str:
    """The version under which the frames of the stored rows are kept on disk (this module reads them)."""
    return frames_on_disk.collection_version(__file__)


def read_collection() -> dict[str, pl.DataFrame]:
    """The frames of the five collection tables, read from the database (the participants' EPCI left empty)."""
    from reperes.collection.models import Acquis, Action, Etape, Participant, SuiviFrein

    P = Participant
    p_fields = {
        "participant": "id_hash", "personne": "personne_hash", "sexe": "sexe", "annee_naissance": "annee_naissance",
        "age_entree": "age_entree", "commune": "commune_residence", "qpv": "qpv",
        "niveau_formation": "niveau_formation", "situation_entree": "situation_entree",
        "anciennete_chomage_mois": "anciennete_chomage_mois", "criteres": "criteres",
        "freins_entree": "freins_entree", "prescripteur": "prescripteur", "referent": "referent",
        "date_entree": "date_entree", "date_sortie": "date_sortie", "motif_sortie": "motif_sortie",
        "duree_emploi_mois": "duree_emploi_mois", "situation_6_mois": "situation_6_mois",
        "date_situation_6_mois": "date_situation_6_mois",
    }
    select = ", ".join(read_column(P, f, "p") for f in p_fields.values())
    E, A, S, Q = Etape, Action, SuiviFrein, Acquis
    with gc_paused():
        participants = _frame("participants", [*p_fields, "pk"],
                              f"SELECT {select}, p.{_col(P, 'id')} FROM {_table(P)} p")
        hashes = participants.select("pk", "participant")
        participants = participants.drop("pk").drop("epci")

        a_fields = list(SCHEMAS["actions"])
        actions = _frame("actions", [*a_fields, "pk"],
                         f"SELECT {', '.join(_col(A, f) for f in a_fields)}, {_col(A, 'id')} FROM {_table(A)}")
        id_actions = actions.select("pk", "id_action")
        actions = actions.drop("pk")
        by_participant = {"participant": (hashes, "inner")}

        etapes = _frame("etapes", list(SCHEMAS["etapes"]),
                        f"SELECT e.{_col(E, 'participant')}, e.{_col(E, 'type_etape')}, "
                        f"{read_column(E, 'date_debut', 'e')}, {read_column(E, 'date_fin', 'e')}, "
                        f"e.{_col(E, 'action')}, e.{_col(E, 'operateur')}, e.{_col(E, 'resultat')} FROM {_table(E)} e",
                        keys={**by_participant, "id_action": (id_actions, "left")})
        suivi = _frame("suivi_freins", list(SCHEMAS["suivi_freins"]),
                       f"SELECT s.{_col(S, 'participant')}, {read_column(S, 'date', 's')}, s.{_col(S, 'frein')}, "
                       f"s.{_col(S, 'niveau')} FROM {_table(S)} s", keys=by_participant)
        acquis = _frame("acquis", list(SCHEMAS["acquis"]),
                        f"SELECT q.{_col(Q, 'participant')}, {read_column(Q, 'date', 'q')}, "
                        f"q.{_col(Q, 'type_acquis')} FROM {_table(Q)} q", keys=by_participant)
    return {"participants": participants, "etapes": etapes, "actions": actions, "suivi_freins": suivi,
            "acquis": acquis}
