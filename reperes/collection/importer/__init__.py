"""The import core: read, validate and store data in the exchange format (format-echange.md).

``run_import`` is the single entry point of the command line, the demo and the
upload page::

    result = run_import(Path("donnees/"), user=request.user, dry_run=True)
    result.report       # the contract's JSON object
    result.exit_status  # 0 every row accepted, 3 rows rejected, 2 input unusable
    result.run          # the ImportRun recorded for this run

Modules: ``readers`` (containers and parsing into frames of text),
``cells`` (one value: dates, numbers, codes…), ``validate`` (the rules, as
Polars expressions), ``store`` (set-wise upserts: staging table + one
``INSERT … SELECT … ON CONFLICT`` per table, COPY on PostgreSQL, snapshot of the
rows a run changes), ``undo`` (``undo_import``: the state before the last
stored import, back exactly), ``report`` (JSON and summary; at most
``report.MAX_ERRORS`` errors listed, the rest counted in ``errors_omitted``).

Files are refused before being parsed when they exceed
``settings.REPERES_MAX_UPLOAD_BYTES``, are empty, are plainly no table (PDF,
image, binary) or are ZIP « bombs » (declared sizes and ratios checked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import report as reports
from .parsers import fmt_count
from .readers import UnusableInput, read_paths
from .validate import Checked, Context, check_required_columns, check_table

__all__ = ["ImportResult", "run_import", "settle_interrupted_runs", "UnusableInput"]

# A run of another host (a shared server with several machines) cannot be checked: it is settled once it is
# older than this, which no real import lasts.
FOREIGN_RUN_MAX_AGE = dt.timedelta(hours=12)
INTERRUPTED = ("L'import a été interrompu avant sa fin (arrêt ou redémarrage du serveur, ou du processus "
               "« reperes import ») : rien n'a été enregistré. Relancez l'import.")


@dataclass
class ImportResult:
    report: dict
    exit_status: int
    run: object  # reperes.collection.models.ImportRun

    @property
    def status(self) -> str:
        return self.report["status"]


def mode_of(*, dry_run: bool, strict: bool, replace: bool) -> str:
    if dry_run:
        return "dry_run"
    return "+".join(m for m, on in (("replace", replace), ("strict", strict)) if on) or "normal"


def run_import(paths: Path | str | list[Path], *, user=None, dry_run: bool = False, strict: bool = False,
               replace: bool = False, source_name: str | None = None,
               progress: Callable[[str], None] | None = None, mapping=None, ip: str | None = None) -> ImportResult:
    """Import one container (a folder of CSV, a workbook, CSV files) in one transaction.

    By default valid rows are stored and rejected rows reported; ``strict``
    stores nothing when a row is rejected; ``dry_run`` only validates;
    ``replace`` replaces the whole dataset by the run's content. The run is
    recorded (``ImportRun``) in every case, refused inputs included, and every
    run but a dry run leaves an audit event (counts only, never identifiers).
    ``mapping`` (a ``MappingProfile``, a ``mapping.Profile`` or its dict) renames
    the source headers and replaces source values by codes right after reading. ``ip``: the address of
    the upload that asked for it, for the audit trail.
    """
    from reperes.audit.models import Action as AuditAction
    from reperes.audit.trail import record
    from reperes.collection.models import ImportRun
    from reperes.instance import pseudonym_key

    say = progress or (lambda message: None)
    path_list = [Path(p) for p in (paths if isinstance(paths, list | tuple) else [paths])]
    name = source_name or ", ".join(p.name or str(p) for p in path_list)
    mode = mode_of(dry_run=dry_run, strict=strict, replace=replace)
    from reperes.background import current_process

    run = ImportRun.objects.create(source_name=name[:300], user=user, mode=mode, process=current_process())

    def finish(report: dict) -> ImportResult:
        report = _without_nul({**report, **extras})
        run.status = report["status"]
        run.stored = report["stored"]
        run.report = report
        run.finished_at = timezone.now()
        run.save(update_fields=["sha256", "status", "stored", "report", "finished_at"])
        if not dry_run:
            record(AuditAction.IMPORT, user=user, ip=ip, target=name, run=run.pk, mode=mode, status=report["status"],
                   stored=report["stored"], tables=report["tables"],
                   errors=len(report["errors"]) + report.get("errors_omitted", 0))
        return ImportResult(report, reports.EXIT_STATUS[report["status"]], run)

    source = None
    extras: dict = {}
    try:
        try:
            from reperes.collection.mapping import MappingError, as_profile, header_renamer, replace_values

            try:
                profile = as_profile(mapping)
            except MappingError as exc:
                raise UnusableInput(str(exc)) from exc
            max_bytes = getattr(settings, "REPERES_MAX_UPLOAD_BYTES", None)
            if profile is not None and profile.tables:
                from reperes.collection.reshape import build_source

                source, built = build_source(path_list, profile, key=pseudonym_key(), progress=say,
                                             max_bytes=max_bytes)
                extras = {"profile": {"name": profile.name, "description": profile.description,
                                      "source": profile.source, "notes": profile.notes,
                                      "filled_by_default": built.filled}}
            else:
                source = read_paths(path_list, progress=say, header_map=header_renamer(profile),
                                    max_bytes=max_bytes)
                if profile is not None:
                    extras = {"profile": {"name": profile.name, "description": profile.description,
                                          "source": profile.source, "notes": [], "filled_by_default": []}}
            if profile is not None:
                say(f"Profil de correspondance appliqué{f' : « {profile.name} »' if profile.name else ''}.")
                for raw in source.tables.values():
                    raw.frame = replace_values(raw.frame, profile, table=raw.name)
            run.sha256 = source.sha256
            check_required_columns(source.tables)
        except UnusableInput as exc:
            say(f"Import refusé : {exc.message}")
            return finish(reports.refused(exc.errors, source))

        ctx = Context(key=pseudonym_key(), replace=replace)
        checked: dict[str, Checked] = {}
        for table_name, raw in source.tables.items():
            say(f"Vérification de {table_name} ({fmt_count(raw.frame.height)} ligne(s))…")
            checked[table_name] = check_table(raw, ctx)
            # The file's text columns are no longer read (the report keeps counts and headers): at a
            # million rows they weigh hundreds of megabytes that the store would carry to its peak.
            raw.frame = raw.frame.clear()
            if checked[table_name].rejected:
                say(f"{table_name} : {fmt_count(checked[table_name].rejected)} ligne(s) rejetée(s).")
        rejected = sum(c.rejected for c in checked.values())
        status = reports.PARTIAL if rejected else reports.OK
        store_it = not dry_run and not (strict and rejected)
        if store_it:
            from .store import foreign_keys_checked_at_end, store

            with foreign_keys_checked_at_end(checked), transaction.atomic():
                store(checked, run, replace=replace, progress=say)
                if replace and "participants" in checked:
                    from reperes.configuration.models import Installation

                    # Every age is computed again from the file (the notice of migration configuration 0002).
                    Installation.objects.filter(pk=1, ages_to_check=True).update(ages_to_check=False)
        report = reports.build(status, store_it, checked, source)
        if dry_run:
            say("Vérification seulement (--dry-run) : rien n'a été enregistré.")
        elif not store_it:
            say("Des lignes sont rejetées et --strict est demandé : rien n'a été enregistré.")
        return finish(report)
    except BaseException:
        # A crash or an interruption stores nothing (the transaction is rolled back); the run says so.
        run.status = ImportRun.Status.REFUSED
        run.stored = False
        run.report = reports.refused([{"table": None, "line": None, "column": None, "value": None,
                                       "message": "Erreur inattendue pendant l'import : rien n'a été "
                                                  "enregistré."}], source)
        run.finished_at = timezone.now()
        run.save(update_fields=["sha256", "status", "stored", "report", "finished_at"])
        raise


def settle_interrupted_runs() -> int:
    """Mark « en cours » runs whose process is gone as « interrompu », saying why (each run records its
    process: a server restart mid-import leaves it « en cours », with nothing stored). Returns how many.

    Called when the server starts (``reperes serve``), and by the history (page and ``reperes imports list``)."""
    from reperes.background import is_alive
    from reperes.collection.models import ImportRun

    settled = 0
    now = timezone.now()
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        alive = is_alive(run.process)
        if alive or (alive is None and now - run.created_at < FOREIGN_RUN_MAX_AGE):
            continue
        settled += ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.INTERRUPTED, stored=False, finished_at=now,
            report=reports.refused([{"table": None, "line": None, "column": None, "value": None,
                                     "message": INTERRUPTED}], None))
    return settled


def _without_nul(value):
    """The report with NUL characters replaced (PostgreSQL's JSON cannot hold U+0000)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value
