"""Undo the last stored import, restoring the state before it exactly.

Before storing, ``store`` copies the previous version of every row the run
touches into ``ImportSnapshotRow`` (the whole dataset for ``--replace``), set-wise.
Every row the run inserted or updated carries ``import_run = run``; undoing
therefore (1) deletes every row whose ``import_run`` is the run, children
first, then (2) puts the snapshot rows back with their original primary keys,
parents first — rows it inserted are gone, rows it updated have their previous
values (and previous ``import_run``), and, after ``--replace``, the previous
dataset is back whole. One transaction; foreign keys are checked at commit.

Only the last stored import can be undone (then the one before it, and so on
while snapshots remain): snapshots are kept for the last ``UNDO_DEPTH``
stored runs only, so that they stay bounded (a ``--replace`` snapshot holds a
copy of the whole previous dataset).

Used by ``reperes imports undo ID`` and the « Annuler le dernier import »
button of the app::

    try:
        summary = undo_import(run, user=request.user, request=request)
    except UndoError as exc:
        messages.error(request, str(exc))
"""

from __future__ import annotations

from django.db import connection, transaction

from reperes.collection.models import ImportRun, ImportSnapshot, ImportSnapshotRow

from .parsers import fmt_count
from .store import DATASET, PARENTS_FIRST, SPECS, UNDO_DEPTH, is_postgresql, q, table_of

__all__ = ["UndoError", "UNDO_DEPTH", "forget_participants", "last_stored_run", "undo_import", "undo_refusal"]

TABLE_NAMES = {spec.model: spec.table for spec in SPECS}


class UndoError(Exception):
    """An import that cannot be undone; the message says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def last_stored_run() -> ImportRun | None:
    """The newest import that stored data and is not undone (the only one that can be undone)."""
    return (ImportRun.objects.filter(stored=True).exclude(status=ImportRun.Status.UNDONE)
            .exclude(mode="dry_run").order_by("-created_at", "-id").first())


def undo_refusal(run: ImportRun) -> str | None:
    """Why ``run`` cannot be undone (French), or None when it can."""
    if run.mode == "dry_run":
        return ("Une vérification seule (--dry-run) n'a rien enregistré : il n'y a rien à annuler.")
    if run.status == ImportRun.Status.UNDONE:
        return f"L'import n° {run.pk} a déjà été annulé."
    if not run.stored:
        return (f"L'import n° {run.pk} n'a rien enregistré (fichier refusé, ou lignes rejetées avec --strict) : "
                "il n'y a rien à annuler.")
    last = last_stored_run()
    if last is not None and last.pk != run.pk:
        return (f"Seul le dernier import enregistré peut être annulé : c'est l'import n° {last.pk} "
                f"(« {last.source_name} »). Annulez d'abord les imports plus récents.")
    if not ImportSnapshot.objects.filter(run=run).exists():
        return (f"L'état des données avant l'import n° {run.pk} n'a pas été conservé (il l'est pour les "
                f"{UNDO_DEPTH} derniers imports seulement) : cet import ne peut pas être annulé.")
    return None


def _restore_select(model) -> tuple[list[str], str]:
    """Columns of ``model`` and the SQL expressions that read them back from ``r.data``."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(q(column))
        if is_postgresql():
            if field.get_internal_type() == "JSONField":
                values.append(f"r.data -> '{column}'")
            else:
                values.append(f"CAST(r.data ->> '{column}' AS {field.db_type(connection)})")
        else:
            values.append(f"json_extract(r.data, '$.{column}')")
    return columns, ", ".join(values)


def undo_import(run: ImportRun, *, user=None, request=None) -> dict:
    """Undo ``run`` (the last stored import): raises ``UndoError`` when it cannot be undone.

    Returns ``{"run": id, "status": "annule", "deleted": {table: n}, "restored": {table: n}}``
    (``deleted`` counts the rows the run had inserted or updated, ``restored`` the previous
    versions put back).
    """
    from reperes.audit.models import Action as AuditAction
    from reperes.audit.trail import record

    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        reason = undo_refusal(run)
        if reason:
            raise UndoError(reason)
        deleted: dict[str, int] = {}
        restored: dict[str, int] = {}
        snapshot = table_of(ImportSnapshotRow)
        with connection.cursor() as cursor:
            for model in DATASET:
                column = q(model._meta.get_field("import_run").column)
                cursor.execute(f"DELETE FROM {table_of(model)} WHERE {column} = %s", [run.pk])
                deleted[TABLE_NAMES[model]] = max(cursor.rowcount, 0)
            for model in PARENTS_FIRST:
                columns, values = _restore_select(model)
                cursor.execute(f"INSERT INTO {table_of(model)} ({', '.join(columns)}) SELECT {values} "
                               f"FROM {snapshot} r WHERE r.run_id = %s AND r.model = %s",
                               [run.pk, model._meta.model_name])
                restored[TABLE_NAMES[model]] = max(cursor.rowcount, 0)
        ImportSnapshotRow.objects.filter(run=run).delete()
        ImportSnapshot.objects.filter(run=run).delete()
        run.status = ImportRun.Status.UNDONE
        run.save(update_fields=["status"])
        from reperes.collection.signals import rows_deleted

        transaction.on_commit(lambda: rows_deleted.send(sender=undo_import))
        record(AuditAction.IMPORT_UNDO, user=user, request=request, target=run.source_name, run=run.pk,
               deleted=deleted, restored=restored)
    return {"run": run.pk, "status": ImportRun.Status.UNDONE.value, "deleted": deleted, "restored": restored}


def summary_lines(result: dict) -> list[str]:
    """A French summary of an undo (command line)."""
    lines = [f"Import n° {result['run']} annulé : les données sont revenues à leur état d'avant cet import."]
    for table in result["deleted"]:
        deleted, restored = result["deleted"][table], result["restored"].get(table, 0)
        if deleted or restored:
            lines.append(f"  {table} : {fmt_count(deleted)} ligne(s) retirée(s), {fmt_count(restored)} "
                         "remise(s) dans leur état précédent")
    return lines


def forget_participants(participant_pks) -> int:
    """Remove every kept previous version of these participants and their rows (GDPR deletion).

    Call it when deleting a participant's data: an undo must never bring back a
    deleted person. Returns the number of snapshot rows removed.
    """
    pks = list(participant_pks)
    removed = 0
    for start in range(0, len(pks), 500):
        removed += ImportSnapshotRow.objects.filter(participant_pk__in=pks[start:start + 500]).delete()[0]
    return removed
