"""Store the accepted rows of a run: bulk upserts, one transaction (the caller's).

Rows are matched on their identity (``id_hash``, ``id_action``, ``etape_key``,
and the identities of suivi_freins and acquis) and updated, never duplicated.
Only the columns the file brought are updated: a re-import without ``qpv``
keeps the ``qpv`` already stored. ``replace`` empties the five tables first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import polars as pl
from django.db import connection

from reperes.collection.models import Acquis, Action, Etape, ImportRun, Participant, SuiviFrein

from .cells import fmt_count
from .validate import Checked

CHUNK = 5000  # rows turned into model instances at a time

# Order of deletion for --replace (children first: Etape.action is PROTECT).
DATASET = (Etape, SuiviFrein, Acquis, Participant, Action)


def delete_dataset() -> None:
    with connection.cursor() as cursor:
        for model in DATASET:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _frames(rows: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for start in range(0, rows.height, CHUNK):
        yield rows.slice(start, CHUNK)


def upsert(model, rows: pl.DataFrame, unique_fields: list[str], run: ImportRun,
           convert: Callable[[dict], dict] | None = None) -> list:
    """``bulk_create`` with ``update_conflicts``, chunk by chunk; returns the created instances."""
    columns = rows.columns
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    update_fields = [c.removesuffix("_id") if c.endswith("_id") and c.removesuffix("_id") in attnames else c
                     for c in columns]
    update_fields = [f for f in update_fields if f not in unique_fields] + ["import_run"]
    created = []
    for chunk in _frames(rows):
        objs = []
        for row in chunk.iter_rows(named=True):
            if convert is not None:
                row = convert(row)
            objs.append(model(import_run=run, **row))
        created.extend(model.objects.bulk_create(objs, update_conflicts=True, unique_fields=unique_fields,
                                                 update_fields=update_fields))
    return created


def _pks(model, key: str, values: list[str], created: list) -> dict[str, int]:
    """Primary keys of the rows just stored, by their identity."""
    pks = {getattr(obj, key): obj.pk for obj in created if obj.pk is not None}
    missing = [v for v in values if v not in pks]
    size = min(connection.features.max_query_params or 999, 10000) - 10
    for start in range(0, len(missing), size):
        chunk = missing[start:start + size]
        pks.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    return pks


def _to_decimal(fields: tuple[str, ...]) -> Callable[[dict], dict]:
    def convert(row: dict) -> dict:
        for name in fields:
            if row.get(name) is not None:
                row[name] = Decimal(str(round(row[name], 2)))
        return row

    return convert


def store(checked: dict[str, Checked], run: ImportRun, *, replace: bool,
          progress: Callable[[str], None] = lambda m: None) -> None:
    """Write every accepted row. Call inside ``transaction.atomic()``."""
    if replace:
        progress("Suppression des données existantes (--replace)…")
        delete_dataset()

    action_pks: dict[str, int] = {}
    if "actions" in checked and checked["actions"].rows.height:
        rows = checked["actions"].rows
        progress(f"Enregistrement de {fmt_count(rows.height)} action(s)…")
        decimals = tuple(f.name for f in Action._meta.concrete_fields if f.get_internal_type() == "DecimalField")
        created = upsert(Action, rows, ["id_action"], run, _to_decimal(decimals))
        action_pks = _pks(Action, "id_action", rows["id_action"].to_list(), created)

    participant_pks: dict[str, int] = {}
    if "participants" in checked and checked["participants"].rows.height:
        rows = checked["participants"].rows
        progress(f"Enregistrement de {fmt_count(rows.height)} participant(s)…")
        created = upsert(Participant, rows, ["id_hash"], run)
        participant_pks = _pks(Participant, "id_hash", rows["id_hash"].to_list(), created)

    def with_participant(rows: pl.DataFrame) -> pl.DataFrame:
        stored = pl.DataFrame({"participant_hash": list(participant_pks),
                               "__run_pk": list(participant_pks.values())},
                              schema={"participant_hash": pl.String, "__run_pk": pl.Int64})
        return (rows.join(stored, on="participant_hash", how="left", maintain_order="left")
                .with_columns(pl.coalesce("__run_pk", "participant_pk").alias("participant_id"))
                .drop("participant_hash", "participant_pk", "__run_pk"))

    if "etapes" in checked and checked["etapes"].rows.height:
        rows = with_participant(checked["etapes"].rows)
        if rows["id_action"].drop_nulls().len():
            wanted = [a for a in rows["id_action"].drop_nulls().unique().to_list() if a not in action_pks]
            action_pks.update(_pks(Action, "id_action", wanted, []))
        actions = pl.DataFrame({"id_action": list(action_pks), "action_id": list(action_pks.values())},
                               schema={"id_action": pl.String, "action_id": pl.Int64})
        rows = rows.join(actions, on="id_action", how="left", maintain_order="left").drop("id_action")
        progress(f"Enregistrement de {fmt_count(rows.height)} étape(s)…")
        upsert(Etape, rows, ["etape_key"], run)

    for name, model, identity in (("suivi_freins", SuiviFrein, ["participant", "frein", "date"]),
                                  ("acquis", Acquis, ["participant", "type_acquis", "date"])):
        if name in checked and checked[name].rows.height:
            rows = with_participant(checked[name].rows)
            progress(f"Enregistrement de {fmt_count(rows.height)} ligne(s) de {name}…")
            upsert(model, rows, identity, run)
