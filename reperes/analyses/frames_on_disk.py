"""The stored parcours as frame files in the data directory, so that a new process does not read them again.

Reading a million parcours from the database takes 25 s on SQLite (the
driver's rows alone take 14 s) and 5 s on PostgreSQL; reading the same frames
from Parquet files (LZ4, 265 MB) takes half a second, writing them a second and a
half. The first process that reads a
version of the stored data (the warm-up after an import, or a report) writes
them; every later process — a report on the command line, a new server worker —
reads them instead.

What is kept: the five frames of the collection tables (participants, étapes,
actions, suivi des freins, acquis) exactly as :func:`reperes.analyses.loaders`
reads them, the participant's EPCI left out (it comes from the reference of
communes, joined after reading), and the dataset's fingerprint once computed
(keyed on the communes frame as well, which it covers).

Kept under :func:`collection_version`: the row counts and largest ids of those
tables and of the import runs, the dates of the newest run, the runs undone,
the database, and the code that reads them. Every change of the stored data
goes through an import (a new run), an undo, or a deletion (counts): a new
version. The files of other versions are deleted when a version is written;
deleting a person or purging old parcours deletes them all at once
(:func:`forget`), so that no file keeps a deleted person.

The files hold what the database holds (pseudonymised rows), in the data
directory beside it: the same protection, the same backups. Off with
``REPERES_FRAMES_ON_DISK = False`` (the test suite's default: its databases
reuse ids between tests).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Max

from reperes.analytics import frames

logger = logging.getLogger(__name__)

# The five frames kept (the communes frame is read from the reference every time: it is small).
TABLES = ("participants", "etapes", "actions", "suivi_freins", "acquis")
# Bumped when the files' layout changes.
FORMAT = 1
_DONE = "complet"  # written last in a version's folder
# A folder being written (its name starts with a dot) older than this was left by a process that stopped.
UNFINISHED_MAX_AGE_S = 3600


def enabled() -> bool:
    return getattr(settings, "REPERES_FRAMES_ON_DISK", True)


def folder() -> Path:
    return Path(settings.DATA_DIR) / "frames"


def collection_version(reader: str) -> str:
    """What the kept frames depend on, as a short digest (a handful of cheap queries). ``reader``: the file of
    the code that reads them from the database (``reperes.analyses.loaders``)."""
    from reperes.collection.models import ImportRun
    from reperes.collection.snapshot import table_marks

    parts: list = [FORMAT, connection.vendor, str(connection.settings_dict.get("NAME")), *table_marks()]
    parts.append(ImportRun.objects.aggregate(created=Max("created_at"), finished=Max("finished_at")))
    for source in (reader, frames.__file__, __file__):  # new code may read the same rows differently
        parts.append(hashlib.sha256(Path(source).read_bytes()).hexdigest())
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:24]


def load(version: Callable[[], str], read: Callable[[], dict[str, pl.DataFrame]]) -> tuple[str, dict[str, pl.DataFrame]]:
    """The version of the stored data (``version()``) and its frames: from their files when a process wrote
    them, else ``read()`` (the database), then written for the next process. A file that cannot be read is
    read from the database again."""
    if not enabled():
        return "", read()
    current = version()
    kept = _read(current)
    if kept is not None:
        return current, kept
    tables = read()
    try:
        _write(current, tables)
    except OSError as exc:  # a full or read-only disk: the next process reads the database again
        logger.warning("Les tableaux de données n'ont pas pu être gardés sur le disque : %s.", exc)
        return current, tables
    if version() != current:
        # The data changed while they were read (a deletion may have called ``forget`` meanwhile): these
        # files must not outlive it.
        shutil.rmtree(folder() / current, ignore_errors=True)
    return current, tables


def _read(version: str) -> dict[str, pl.DataFrame] | None:
    where = folder() / version
    if not (where / _DONE).exists():
        return None
    try:
        tables = {name: pl.read_parquet(where / f"{name}.parquet") for name in TABLES}
    except (OSError, pl.exceptions.PolarsError) as exc:
        tables = None
        logger.warning("Tableaux de données illisibles sur le disque (%s) : relus dans la base.", exc)
    if tables is None or any(frame.schema != _schema(name) for name, frame in tables.items()):
        shutil.rmtree(where, ignore_errors=True)  # written again after this read of the database
        return None
    return tables


def _schema(name: str) -> pl.Schema:
    return pl.Schema({c: t for c, t in frames.SCHEMAS[name].items() if not (name == "participants" and c == "epci")})


def _write(version: str, tables: dict[str, pl.DataFrame]) -> None:
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    target = root / version
    if target.exists():
        return
    work = root / f".{version}-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        for name in TABLES:
            tables[name].write_parquet(work / f"{name}.parquet", compression="lz4", statistics=False)
        (work / _DONE).write_text(version)
        try:
            os.rename(work, target)  # atomic: a reader sees the whole folder or none
        except OSError:
            if not target.exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)  # another process wrote the same version first
    for other in root.iterdir():
        # Other versions, and what a process stopped while writing left (another one may be writing now).
        stale = not other.name.startswith(".") or time.time() - other.stat().st_mtime > UNFINISHED_MAX_AGE_S
        if other.name != version and stale:
            shutil.rmtree(other, ignore_errors=True)


def fingerprint(version: str, communes: pl.DataFrame) -> str | None:
    """The dataset's fingerprint, when a process computed it for ``version`` and these communes."""
    if not enabled():
        return None
    try:
        value = (folder() / version / f"empreinte-{_digest(communes)}").read_text()
    except OSError:
        return None
    return value if re.fullmatch(r"[0-9a-f]{64}", value) else None


def save_fingerprint(version: str, communes: pl.DataFrame, value: str) -> None:
    """Keep the fingerprint of the frames of ``version`` (if their folder is still there)."""
    where = folder() / version
    if not enabled() or not (where / _DONE).exists():
        return
    work = where / f".empreinte-{uuid.uuid4().hex}"
    try:
        work.write_text(value)
        os.replace(work, where / f"empreinte-{_digest(communes)}")  # a reader sees the whole value or none
    except OSError:
        work.unlink(missing_ok=True)


def _digest(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.write_csv().encode()).hexdigest()[:24]


def forget() -> None:
    """Delete every kept file (after a deletion of parcours: no file may keep a deleted person)."""
    shutil.rmtree(folder(), ignore_errors=True)
