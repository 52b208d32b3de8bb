"""Which process runs an import, and whether it is still alive.

An import runs in one transaction: if its process dies (server restart,
``kill``, power cut) nothing is stored, but its ``ImportRun`` would stay
« en cours » and its upload page would keep polling. Each run and upload job
records the process that runs it (``host:pid:start``, the start time read from
``/proc`` so that a reused pid is not mistaken for it); pages that show runs
settle the ones whose process is gone.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

# A run of another host (a shared server with several machines) cannot be checked: it is settled
# once it is older than this, which no real import lasts.
FOREIGN_RUN_MAX_AGE = timedelta(hours=12)

INTERRUPTED = ("L'import a été interrompu avant sa fin (arrêt ou redémarrage du serveur, ou du processus "
               "« reperes import ») : rien n'a été enregistré. Relancez l'import.")


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22 (start time), counted after the command name, which may hold spaces and parentheses.
    return stat.rsplit(")", 1)[1].split()[19]


def current() -> str:
    """This process, as ``host:pid:start``."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def is_alive(process: str) -> bool | None:
    """True or False for a process of this host; None when it cannot be told (another host, no value)."""
    host, _, rest = (process or "").partition(":")
    pid_text, _, start = rest.partition(":")
    if not host or host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if start:
        return _start_time(pid) == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def settle_interrupted_runs() -> int:
    """Mark « en cours » runs whose process is gone as refused, saying why. Returns how many."""
    from django.utils import timezone

    from reperes.collection.importer import report as reports
    from reperes.collection.models import ImportRun

    settled = 0
    now = timezone.now()
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        alive = is_alive(run.process)
        if alive or (alive is None and now - run.created_at < FOREIGN_RUN_MAX_AGE):
            continue
        updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.REFUSED, stored=False, finished_at=now,
            report=reports.refused([{"table": None, "line": None, "column": None, "value": None,
                                     "message": INTERRUPTED}], None))
        settled += updated
    return settled
