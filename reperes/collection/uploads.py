"""Uploads of the import page: store the file, check it, run the import in the background.

The upload is streamed to ``DATA_DIR/imports/<jeton>/`` with its size checked
as it is written (``REPERES_MAX_UPLOAD_BYTES``, 100 Mo by default); a ZIP of CSV
files is unpacked there with limits (number of files, total size: no zip bomb).
The import runs in a thread started by the view, with its own database
connection closed at the end: the page never waits for it. Its state (the
progress messages, then the ``ImportRun``) lives in a small JSON file next to
the upload, so the status fragment polled by htmx can be served by any worker
process. The uploaded data (raw identifiers) is deleted as soon as the import
is over; only the state file stays.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from reperes import background, reading, safefiles
from reperes.referentiel import TABLES

logger = logging.getLogger("reperes.collection.uploads")

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
ACCEPTED_SUFFIXES = CSV_SUFFIXES + WORKBOOK_SUFFIXES + (".zip",)
MAX_ZIP_MEMBERS = 50
TOKEN = re.compile(r"^[0-9a-f]{32}$")
STATE_FILE = "etat.json"

RUNNING = "running"
NEEDS_MAPPING = "needs_mapping"
DONE = "done"
FAILED = "failed"


class UploadError(ValueError):
    """An upload refused before any import: the message says, in French, what to do."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "REPERES_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))


def fmt_size(n: int) -> str:
    from reperes.formats import number

    if n >= 1024 * 1024:
        return f"{number(n / (1024 * 1024), 0)} Mo"
    return f"{number(max(1, n // 1024), 0)} ko"


def jobs_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_dir(token: str) -> Path:
    if not TOKEN.match(token or ""):
        raise UploadError("Import introuvable.")
    return jobs_dir() / token


# --------------------------------------------------------------------------- storing the upload


def safe_name(name: str) -> str:
    base = os.path.basename(str(name).replace("\\", "/")).strip() or "fichier"
    base = re.sub(r"[^\w.\- ]", "_", base)[:120]
    return base.lstrip(".") or "fichier"


def store_upload(uploaded) -> tuple[str, Path]:
    """Write an uploaded file (Django ``UploadedFile``) under a new job folder; return (token, path to import).

    Refuses (``UploadError``) an empty file, a file above the limit, a type
    that is not CSV, XLSX, ODS or ZIP, and a ZIP without CSV files. The path is
    the file itself, or the folder of the unpacked CSV files of a ZIP.
    """
    name = safe_name(getattr(uploaded, "name", "fichier"))
    suffix = Path(name).suffix.lower()
    limit = max_upload_bytes()
    size = getattr(uploaded, "size", None)
    if suffix not in ACCEPTED_SUFFIXES:
        raise UploadError(f"« {name} » : type de fichier non pris en charge. Envoyez un fichier CSV, XLSX ou ODS, "
                          "ou un ZIP de fichiers CSV.")
    if size == 0:
        raise UploadError(f"« {name} » est vide (0 octet) : vérifiez que vous avez choisi le bon fichier.")
    if size is not None and size > limit:
        raise UploadError(f"« {name} » est trop volumineux ({fmt_size(size)}) : la limite est de "
                          f"{fmt_size(limit)}. Découpez le fichier ou demandez à l'administrateur d'augmenter "
                          "REPERES_MAX_UPLOAD_BYTES.")
    forget_old_jobs()
    token = secrets.token_hex(16)
    folder = jobs_dir() / token
    folder.mkdir(mode=0o700)
    target = folder / "source" / name
    target.parent.mkdir(mode=0o700)
    written = 0
    try:
        with target.open("wb") as fh:
            for chunk in uploaded.chunks():
                written += len(chunk)
                if written > limit:
                    raise UploadError(f"« {name} » est trop volumineux : la limite est de {fmt_size(limit)}.")
                fh.write(chunk)
        if written == 0:
            raise UploadError(f"« {name} » est vide (0 octet) : vérifiez que vous avez choisi le bon fichier.")
        path = _unpack_zip(target, limit) if suffix == ".zip" and not _is_workbook_zip(target) else target
        check_bounds(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return token, path


SOURCE_KEPT_HOURS = 24


def check_bounds(path: Path) -> None:
    """Refuse at once (``UploadError``) a workbook over the limits of ``reperes.safefiles`` (a zip bomb, a giant
    grid) and a CSV file wider than the column cap: nothing of it is parsed, the mapping page never shows it."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        try:
            if file.suffix.lower() in WORKBOOK_SUFFIXES:
                safefiles.check_archive(file.name, file)
            elif file.suffix.lower() in CSV_SUFFIXES:
                safefiles.check_width(file.name, _csv_width(file))
        except safefiles.FileRefused as exc:
            raise UploadError(exc.message) from exc


def _csv_width(path: Path) -> int:
    """Cells of the first line that is no comment (the headers), read from the first megabyte only."""
    with path.open("rb") as fh:
        text = reading.decode(fh.read(1 << 20), lenient=True)
    line = reading.first_line(text, within=1 << 20)
    return line.count(reading.guess_delimiter(line)) + 1 if line else 0


def forget_old_jobs(days: int = 7) -> None:
    """Remove what is left of uploads older than ``days`` (their state; an abandoned upload's data too).

    The data of an upload kept for a later import (raw identifiers) goes after a day.
    """
    limit = time.time() - days * 86400
    source_limit = time.time() - SOURCE_KEPT_HOURS * 3600
    for folder in jobs_dir().iterdir():
        try:
            if not (folder.is_dir() and TOKEN.match(folder.name)):
                continue
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
            elif (folder / "source").exists() and (folder / STATE_FILE).exists() \
                    and (folder / STATE_FILE).stat().st_mtime < source_limit:
                shutil.rmtree(folder / "source", ignore_errors=True)
        except OSError:
            continue


def _is_workbook_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names or "content.xml" in names


def _unpack_zip(path: Path, limit: int) -> Path:
    """Unpack the CSV files of a ZIP next to it (flat, checked sizes); return their folder."""
    out = path.parent / "tables"
    out.mkdir(mode=0o700)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UploadError(f"« {path.name} » n'est pas une archive ZIP lisible.") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        csv_members = [m for m in members if Path(m.filename).suffix.lower() in CSV_SUFFIXES
                       and not Path(m.filename).name.startswith((".", "__MACOSX"))
                       and "__MACOSX" not in m.filename]
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadError(f"« {path.name} » contient trop de fichiers ({len(members)}) : une archive ne "
                              f"doit contenir que les fichiers CSV des tables ({MAX_ZIP_MEMBERS} au plus).")
        if not csv_members:
            raise UploadError(f"« {path.name} » ne contient aucun fichier CSV. Mettez dans l'archive les "
                              "fichiers participants.csv, etapes.csv…")
        if sum(m.file_size for m in csv_members) > limit:
            raise UploadError(f"« {path.name} » : une fois décompressés, les fichiers dépassent la limite de "
                              f"{fmt_size(limit)}.")
        total = 0
        seen: set[str] = set()
        for member in csv_members:
            name = safe_name(Path(member.filename).name)
            if name.lower() in seen:
                raise UploadError(f"« {path.name} » contient deux fichiers nommés « {name} ».")
            seen.add(name.lower())
            with archive.open(member) as src, (out / name).open("wb") as dst:
                while chunk := src.read(1 << 20):
                    total += len(chunk)
                    if total > limit:  # sizes announced by the archive may lie
                        raise UploadError(f"« {path.name} » : une fois décompressés, les fichiers dépassent "
                                          f"la limite de {fmt_size(limit)}.")
                    dst.write(chunk)
    path.unlink()
    return out


# --------------------------------------------------------------------------- job state


@dataclass
class Job:
    token: str
    state: str
    source_name: str
    messages: list[str]
    run_id: int | None = None
    options: dict | None = None
    path: str | None = None
    probe: dict | None = None
    error: str | None = None
    user_id: int | None = None
    process: str | None = None  # the process whose thread runs it (reperes.background)
    ip: str | None = None  # of the upload request, for the audit trail
    mapping: dict | None = None  # the profile the last run applied (as its JSON), to add corrections to


    def to_dict(self) -> dict:
        return dict(self.__dict__)


def save_job(job: Job) -> None:
    background.write_state(job_dir(job.token) / STATE_FILE, job.to_dict())


def load_job(token: str) -> Job | None:
    try:
        data = background.read_state(job_dir(token) / STATE_FILE)
    except UploadError:
        return None
    return None if data is None else Job(**{k: data.get(k) for k in Job.__dataclass_fields__})


def settle_if_orphaned(job: Job) -> Job:
    """A job « en cours » whose process is gone (server restarted mid-import) is marked as failed."""
    from reperes.collection.importer import INTERRUPTED

    if job.state == RUNNING and job.process and background.is_alive(job.process) is False:
        job.state = FAILED
        job.error = INTERRUPTED
        job.probe = None
        discard_source(job)
        save_job(job)
    return job


def keeps_source(options: dict, report: dict) -> bool:
    """Whether the upload stays after its run, so that it can be imported without a new upload.

    After a validation-only run (« Importer ce fichier ») and after a run whose
    report has unknown codes to correct (« Importer avec ces corrections »); a
    refused file is never kept. What is kept is removed after a day at most
    (``forget_old_jobs``), or as soon as the user imports or abandons it.
    """
    from reperes.collection.mapping import corrections_of

    if report.get("status") == "refused":
        return False
    return bool(options.get("dry_run")) or bool(corrections_of(report))


def source_kept(job: Job) -> bool:
    return job.state == DONE and bool(job.path) and Path(job.path).exists()


def discard_source(job: Job) -> None:
    """Delete the uploaded data (raw identifiers): only the state file stays."""
    shutil.rmtree(job_dir(job.token) / "source", ignore_errors=True)
    job.path = None


# --------------------------------------------------------------------------- header probe (for mapping)

PROBE_ROWS = 2000
PROBE_DISTINCT = 40
# Share of a coded column's filled cells that no code list reads from which the upload asks for a value mapping.
VALUE_MAPPING_SHARE = 0.05


def _grid_of_csv(path: Path) -> list[list[str]]:
    with path.open("rb") as fh:
        data = fh.read(4 * 1024 * 1024)
    text = reading.decode(data, lenient=True)
    delimiter = reading.guess_delimiter(text, reading.SEMICOLON_FIRST)
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(row)
        if len(rows) > PROBE_ROWS:
            break
    return rows


def _grids_of_workbook(path: Path) -> dict[str, list[list[str]]]:
    grids = reading.workbook_grids(path.name, path, nrows=PROBE_ROWS + 1)
    return {sheet: [[cell or "" for cell in row] for row in rows] for sheet, rows in grids.items()}


def probe(path: Path) -> dict:
    """Headers and sample values of each table of an upload, and whether a mapping is needed.

    ``{"tables": {table: {"source": …, "headers": […], "samples": {header: [first values]},
    "distinct": {header: [distinct values]}, "unknown": […], "missing": […],
    "unknown_values": {header: [values no code list reads]}}}, "needs_mapping": bool}``

    A mapping is needed when a header is unknown, a required column is missing,
    or a coded column holds values that are neither a code nor a label (an
    export that writes « Bac » where the format wants ``NIV_4``).
    """
    from reperes.collection.importer.readers import is_identifying, normalise_header, table_for_name
    from reperes.collection.importer.validate import PSEUDONYMISED, missing_of
    from reperes.privacy import MASKED, NIR_PATTERN

    grids: dict[str, tuple[str, list[list[str]]]] = {}
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    single = len(files) == 1
    for file in files:
        try:
            if file.suffix.lower() in WORKBOOK_SUFFIXES:
                sheets = _grids_of_workbook(file)
                matched = {s: table_for_name(s) for s in sheets}
                if not any(matched.values()) and sheets and single:
                    first = next(iter(sheets))
                    matched[first] = "participants"
                for sheet, table in matched.items():
                    if table and table not in grids:
                        grids[table] = (f"{file.name}, feuille « {sheet} »", sheets[sheet])
            else:
                table = table_for_name(file.stem) or ("participants" if single else None)
                if table and table not in grids:
                    grids[table] = (file.name, _grid_of_csv(file))
        except safefiles.TooWide as exc:  # too wide for the mapping page
            raise UploadError(exc.message) from exc
        except Exception:  # unreadable here: the import itself will report it in French
            continue
    tables = {}
    needs = False
    for table, (source, rows) in grids.items():
        rows = [r for r in rows if any(c.strip() for c in r)]
        header_idx = next((i for i, r in enumerate(rows) if not r[0].startswith("#")), None)
        if header_idx is None:
            continue
        headers = [h.strip() for h in rows[header_idx] if h is not None]
        body = [r for r in rows[header_idx + 1:] if not (r and r[0].startswith("#"))]
        known = {normalise_header(c): c for c in TABLES[table].column_names}
        samples: dict[str, list[str]] = {}
        distinct: dict[str, list[str]] = {}
        unknown, found = [], set()
        unknown_values: dict[str, list[str]] = {}
        for j, header in enumerate(headers):
            if not header:
                continue
            values = [r[j].strip() for r in body if j < len(r) and r[j] and r[j].strip()]
            identifying = is_identifying(header)
            canonical = known.get(normalise_header(header))
            # Never show values of identifying columns, nor the raw identifiers the import pseudonymises,
            # nor anything shaped like a NIR, even in the preview.
            samples[header] = [] if identifying or canonical in PSEUDONYMISED else [
                MASKED if NIR_PATTERN.search(v) else v for v in values[:5]]
            column = TABLES[table].column(canonical) if canonical else None
            if column is not None and column.multi:  # « RSA|DELD »: its parts are the values to translate
                values = [part.strip() for v in values for part in v.split("|") if part.strip()]
            seen: dict[str, None] = {}
            for v in values:
                if len(seen) >= PROBE_DISTINCT:
                    break
                seen.setdefault(v)
            distinct[header] = [] if identifying or canonical in PSEUDONYMISED else list(seen)
            if canonical:
                found.add(canonical)
                if column.codes is not None and not identifying:
                    strangers = [v for v in distinct[header] if column.codes.resolve(v) is None]
                    unread = sum(1 for v in values if v in strangers)
                    # An export that writes « Bac » where the format wants NIV_4 (many cells): offer a value
                    # mapping. A stray typo (a few cells) goes to the report as a rejected row instead.
                    if strangers and unread >= VALUE_MAPPING_SHARE * len(values):
                        unknown_values[header] = strangers
            elif not identifying:
                unknown.append(header)
        missing = missing_of(table, found)  # the validator's rule, read from the référentiel
        # Only a file whose columns are not ours goes to the column mapping. Unknown values in a file
        # that follows the format go to the validation report, which offers a correction per value.
        if unknown or missing:
            needs = True
        tables[table] = {"source": source, "headers": [h for h in headers if h], "samples": samples,
                         "distinct": distinct, "unknown": unknown, "missing": missing,
                         "unknown_values": unknown_values}
    return {"tables": tables, "needs_mapping": needs}


# --------------------------------------------------------------------------- background run


def _run_sync() -> bool:
    return bool(getattr(settings, "REPERES_IMPORTS_SYNC", False))


def start(job: Job, *, user, mapping=None, check_headers: bool = True) -> None:
    """Run the job in a background thread (or at once when ``REPERES_IMPORTS_SYNC`` is set, for tests)."""
    job.process = background.current_process()
    if mapping is not None:
        from reperes.collection.mapping import as_profile

        job.mapping = as_profile(mapping).to_json()
    save_job(job)
    background.start(_work, job.token, user, mapping, check_headers, name=f"import-{job.token[:8]}",
                     sync=_run_sync())


def _work(token: str, user, mapping, check_headers: bool) -> None:
    from django.db import connection

    from reperes.collection.importer import run_import

    job = load_job(token)
    if job is None:
        return
    last_save = 0.0

    def progress(message: str) -> None:
        nonlocal last_save
        job.messages = (job.messages + [message])[-30:]
        now = time.monotonic()
        if now - last_save > 0.2:
            last_save = now
            save_job(job)

    try:
        path = Path(job.path)
        if check_headers and mapping is None:
            progress("Lecture des en-têtes…")
            found = probe(path)
            if found["needs_mapping"]:
                job.state = NEEDS_MAPPING
                job.probe = found
                save_job(job)
                return
        options = job.options or {}
        result = run_import(path, user=user, dry_run=options.get("dry_run", False),
                            strict=options.get("strict", False), replace=options.get("replace", False),
                            source_name=job.source_name, progress=progress, mapping=mapping, ip=job.ip)
        job.run_id = result.run.pk
        job.state = DONE
        job.probe = None
        if not keeps_source(options, result.report):
            discard_source(job)
        save_job(job)
        if result.report["stored"]:  # new data: prepare the dashboards while the user reads the report
            from reperes.collection.signals import rows_stored

            rows_stored.send(sender=result.run.__class__, run=result.run)
    except UploadError as exc:  # refused before the mapping page (a table too wide): the message says why
        job.state = FAILED
        job.error = str(exc)
        job.probe = None
        discard_source(job)
        save_job(job)
    except Exception as exc:
        # Never a traceback to the user, never a raw value in the log: the exception class only.
        logger.error("Import en arrière-plan interrompu (jeton %s) : %s.", token[:8], exc.__class__.__name__)
        job.state = FAILED
        job.error = ("L'import s'est interrompu sur une erreur inattendue : rien n'a été enregistré. "
                     "Réessayez ; si le problème persiste, importez le fichier en ligne de commande "
                     "(reperes import) pour voir le détail.")
        job.probe = None
        discard_source(job)
        save_job(job)
    finally:
        if not _run_sync():
            connection.close()
