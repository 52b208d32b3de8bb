"""Work that runs after the request: an import of the upload page, a report generation.

What every such job shares, in one place:

* ``start``: run it in a daemon thread (or at once when ``sync``: tests);
* ``write_state`` / ``read_state``: its state as a small JSON file of the data
  directory, readable by every server process (the page polls it with htmx),
  written atomically (one temporary file per writer: the view and the thread,
  or two processes, may write at once);
* ``current_process`` / ``is_alive``: the process that runs it, as
  ``host:pid:start`` (the start time read from ``/proc``, so that a reused pid
  is not mistaken for it). A job whose process died (server restart, ``kill``)
  stored nothing — imports and generations run in one transaction — and is
  shown as interrupted rather than « en cours » for ever.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path


def start(target: Callable[..., None], *args, name: str, sync: bool = False) -> None:
    """Run ``target(*args)`` in a daemon thread named ``name``, or now when ``sync``."""
    if sync:
        target(*args)
        return
    threading.Thread(target=target, args=args, name=name, daemon=True).start()


def write_state(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_state(path: Path) -> dict | None:
    """The state, or None when the file is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22 (start time), counted after the command name, which may hold spaces and parentheses.
    return stat.rsplit(")", 1)[1].split()[19]


def process_identity(pid: int) -> str:
    """The process ``pid`` of this host, as ``host:pid:start``."""
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def current_process() -> str:
    return process_identity(os.getpid())


def is_alive(process: str | None) -> bool | None:
    """True or False for a process of this host; None when it cannot be told (another host, no value)."""
    host, _, rest = (process or "").partition(":")
    pid_text, _, start_time = rest.partition(":")
    if not host or host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if start_time:
        return _start_time(pid) == start_time
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
