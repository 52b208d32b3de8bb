"""The benchmarks' ``--json`` output, at a tiny size: one JSON object on standard output, the keys and types
the issue names (no timing is checked: these are scripts, not timed tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.perf


def run_script(name: str, *args: str) -> tuple[dict, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("\n") == 1, done.stdout  # exactly one line: the JSON object
    return json.loads(done.stdout), done.stderr


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def test_import_bench_json_sqlite_only(tmp_path):
    summary, progress = run_script("import_bench.py", "--json", "--participants", "150", "--no-postgresql",
                                   "--work-dir", str(tmp_path))
    assert list(summary) == ["sqlite"]  # the database left out is absent
    assert set(summary["sqlite"]) == {"import_s", "floor_s", "ratio_floor", "peak_rss_gib"}
    assert all(is_number(v) for v in summary["sqlite"].values())
    row = summary["sqlite"]
    assert row["ratio_floor"] == pytest.approx(row["import_s"] / row["floor_s"], rel=0.01)
    # the phase breakdown goes to standard error
    for label in ("lecture et analyse", "validation (hors hachage)", "pseudonymisation", "enregistrement", "commit"):
        assert label in progress


def test_import_bench_json_without_floor(tmp_path):
    summary, _ = run_script("import_bench.py", "--json", "--participants", "100", "--no-postgresql", "--no-floor",
                            "--work-dir", str(tmp_path))
    assert summary["sqlite"]["floor_s"] is None and summary["sqlite"]["ratio_floor"] is None
    assert is_number(summary["sqlite"]["import_s"]) and is_number(summary["sqlite"]["peak_rss_gib"])


def test_indicators_bench_json(tmp_path):
    summary, progress = run_script("indicators_bench.py", "--json", "--participants", "300", "--repeat", "1",
                                   "--dir", str(tmp_path / "csv"))
    assert set(summary) == {"participants", "pack_s", "ratio_duckdb", "ratio_pandas"}
    assert summary["participants"] == 300 and isinstance(summary["participants"], int)
    assert all(is_number(summary[k]) and summary[k] > 0 for k in ("pack_s", "ratio_duckdb", "ratio_pandas"))
    assert "Accord Polars = DuckDB : oui" in progress
