"""Clean process life: ``reperes serve`` becomes gunicorn's master, so SIGTERM and Ctrl+C stop everything (the
port is freed, no worker is left behind); imports cut by the last stop are settled at start-up as « interrompu »."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPERES = Path(sys.executable).with_name("reperes")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def session_processes(sid: int) -> list[int]:
    """Processes of a session (the server was started in its own), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state, ppid, pgrp, session…
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_signal_stops_the_server_and_its_workers(data_dir, signum):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPERES_ENV": "development", "REPERES_DATA_DIR": str(data_dir),
           "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen([str(REPERES), "serve", "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240  # first start: migrations, on a busy machine
        while not answers(port):
            assert server.poll() is None, "the server stopped on its own"
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(0.5)
        while len(session_processes(server.pid)) < 3:  # the master and its two workers
            assert time.monotonic() < deadline
            time.sleep(0.2)
        os.kill(server.pid, signum)
        assert server.wait(timeout=30) is not None
        deadline = time.monotonic() + 10
        while session_processes(server.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert session_processes(server.pid) == [], "a worker outlived its master"
        assert not answers(port)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.django_db
def test_serve_settles_interrupted_imports_before_serving(dead_process, monkeypatch, capsys):
    from reperes.cli import instance_cmd
    from reperes.collection.models import ImportRun

    run = ImportRun.objects.create(source_name="gros-fichier.csv", process=dead_process)
    started = []
    monkeypatch.setattr(instance_cmd.os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.setenv("REPERES_PRELOAD", "")  # serve sets it for gunicorn: restored after the test
    instance_cmd.serve(argparse.Namespace(host="127.0.0.1", port=8000, workers=2))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED and run.get_status_display() == "Interrompu"
    assert "1 import(s) interrompu(s)" in capsys.readouterr().err
    assert started and "gunicorn" in started[0]
