"""Import benchmark: the demo generator's files, imported into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_bench.py                      # 1,000,000 participants
    .venv/bin/python benchmarks/import_bench.py --participants 50000 --no-postgresql

Writes N participants and their étapes (about 3 each) with ``reperes.demo.generate``
(it streams), then, in a fresh child process per database (a new SQLite data
directory; a PostgreSQL database created then dropped), runs ``run_import`` on
the participants, actions and étapes files (``--all-tables`` adds suivi_freins
and acquis). Prints rows/s, the peak memory of the import process (its maximum
resident set: Polars' native memory included), and the ratio of the import
time to the time Polars alone takes to read the same files, measured in the
same run (median of three reads), and to the *floor* (the same rows written
raw, without check nor index: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL). Prints where the import's time went, phase by phase (parse,
validate, hash, store, the rest). Targets (issue 21): import ≤ 2.5× the floor
on both databases, peak memory ≤ 3 GiB at 1 M participants.

``--json`` prints one JSON object on standard output and nothing else (the
progress and the tables go to standard error)::

    {"sqlite": {"import_s": …, "floor_s": …, "ratio_floor": …, "peak_rss_gib": …},
     "postgresql": {…the same keys…}}

A database left out (``--no-sqlite``, ``--no-postgresql``) is absent; with
``--no-floor``, ``floor_s`` and ``ratio_floor`` are ``null``.

Not a test: nothing asserts; the exit status is 0 unless a step fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("participants", "actions", "etapes")
ALL_TABLES = (*TABLES, "suivi_freins", "acquis")
TARGETS = {"sqlite": 10.0, "postgresql": 6.0}  # import / Polars' read (issue « Collection »)
FLOOR_TARGET = 2.5  # import / floor (issue 21)
MEMORY_TARGET_BYTES = 3 * 1024**3
PHASES = ("parse", "validate", "hash", "store", "commit")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


# --------------------------------------------------------------------------- child: one import


def child(args) -> int:
    """Run one import in this process (settings from the environment) and print a JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
    from reperes.cli import setup_django

    setup_django()  # creates and migrates the database (not timed)
    from reperes.collection.importer import run_import

    phases = time_phases()

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    result = run_import(Path(args.folder), progress=lambda m: say(f"  [{time.perf_counter() - start:7.1f} s] {m}"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    python_peak = None
    if args.tracemalloc:
        import tracemalloc

        python_peak = tracemalloc.get_traced_memory()[1]
    tables = result.report["tables"]
    print(json.dumps({
        "seconds": seconds,
        "cpu_seconds": cpu,  # every thread of this process (Polars' included); not the PostgreSQL server's
        "status": result.report["status"],
        "stored": result.report["stored"],
        "tables": tables,
        "rows": sum(t["accepted"] for t in tables.values()),
        "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "python_peak": python_peak,
        "phases": phases,
    }))
    return 0


def time_phases() -> dict[str, float]:
    """Wrap the import's steps with timers (this process only): seconds spent reading and parsing the files,
    validating (keyed hashes excluded), hashing identifiers, storing. Filled while ``run_import`` runs."""
    import functools

    from reperes.collection import importer
    from reperes.collection.importer import store, validate

    totals = dict.fromkeys(PHASES, 0.0)

    def timed(module, name: str, phase: str) -> None:
        func = getattr(module, name)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                totals[phase] += time.perf_counter() - start

        setattr(module, name, wrapper)

    class TimedAtomic:  # the end of the store's transaction (its commit) is timed apart
        def __init__(self, *args, **kwargs):
            self.inner = real_transaction.atomic(*args, **kwargs)

        def __enter__(self):
            return self.inner.__enter__()

        def __exit__(self, *exc):
            start = time.perf_counter()
            try:
                return self.inner.__exit__(*exc)
            finally:
                totals["commit"] += time.perf_counter() - start

    real_transaction = importer.transaction
    importer.transaction = types.SimpleNamespace(atomic=TimedAtomic)
    timed(importer, "read_paths", "parse")
    timed(importer, "check_table", "validate")
    timed(validate, "hash_series", "hash")
    timed(store, "store", "store")
    return totals  # "validate" includes "hash": see phase_lines


def phase_lines(result: dict) -> list[str]:
    """Where the time of one import went, one line per phase (validation without the hashing in it)."""
    phases = dict(result["phases"])
    phases["validate"] -= phases["hash"]
    phases["other"] = result["seconds"] - sum(phases.values())
    labels = {"parse": "lecture et analyse des fichiers", "validate": "validation (hors hachage)",
              "hash": "pseudonymisation (hachage HMAC)", "store": "enregistrement (index reconstruits compris)",
              "commit": "validation de la transaction (commit)", "other": "le reste (trace de l'import, audit)"}
    return [f"    {labels[k]:<44} {v:>7.1f} s  {100 * v / result['seconds']:>4.0f} %" for k, v in phases.items()]


def run_child(folder: Path, env: dict, tracemalloc: bool) -> dict:
    command = [sys.executable, __file__, "--child", "--folder", str(folder)]
    if tracemalloc:
        command.append("--tracemalloc")
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"l'import a échoué (code {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- parent


def polars_baseline(folder: Path, tables: tuple[str, ...]) -> float:
    import polars as pl

    times = []
    for _ in range(3):
        start = time.perf_counter()
        for table in tables:
            frame = pl.read_csv(folder / f"{table}.csv", separator=";", infer_schema=False)
            del frame
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_sqlite(folder: Path, tables: tuple[str, ...], path: Path) -> tuple[float, float]:
    """The least an SQLite import can cost: the same rows, as text, into tables without index nor constraint
    (one ``executemany`` per table, one transaction, the application's pragmas). No validation, no hashing."""
    import sqlite3

    import polars as pl

    frames = {t: pl.read_csv(folder / f"{t}.csv", separator=";", infer_schema=False) for t in tables}
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    for table, frame in frames.items():
        conn.execute(f"CREATE TABLE {table} ({', '.join(f'c{i}' for i in range(frame.width))})")
        conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * frame.width)})", frame.iter_rows())
    conn.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    path.unlink(missing_ok=True)
    return seconds, cpu


def floor_postgresql(folder: Path, tables: tuple[str, ...], url: str) -> float:
    """The least a PostgreSQL import can cost: ``COPY`` of the same CSV bytes into tables of text columns
    without index nor constraint, one transaction. No validation, no hashing."""
    import psycopg

    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        for table in tables:
            path = folder / f"{table}.csv"
            with path.open("rb") as handle:
                width = handle.readline().count(b";") + 1
            conn.execute(f"CREATE TABLE floor_{table} ({', '.join(f'c{i} text' for i in range(width))})")
            with conn.cursor().copy(f"COPY floor_{table} FROM STDIN (FORMAT csv, HEADER true, DELIMITER ';')") as copy:
                with path.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - start
        for table in tables:
            conn.execute(f"DROP TABLE floor_{table}")
        conn.commit()
    return seconds


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def base_env(data_dir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "REPERES_ENV": "demo",
        "REPERES_DATA_DIR": str(data_dir),
        "REPERES_PSEUDONYM_KEY": "cle-du-banc-d-essai",
        "REPERES_MAX_UPLOAD_BYTES": str(50 * 1024**3),  # the benchmark's files exceed the upload limit
        "PYTHONPATH": str(ROOT),
    })
    env.pop("DATABASE_URL", None)
    return env


def create_pg_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--work-dir", type=Path, help="where to write the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and databases' folder")
    parser.add_argument("--all-tables", action="store_true", help="also import suivi_freins and acquis")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--postgresql-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a maintenance database of the server (the benchmark creates and drops its own)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the Python heap peak (slows the import down)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor (the same rows written raw, without validation nor index)")
    parser.add_argument("--json", action="store_true",
                        help="print only one JSON object on standard output (the rest on standard error)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    sys.path.insert(0, str(ROOT))
    from reperes.demo import generate

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="reperes-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    tables = ALL_TABLES if args.all_tables else TABLES
    try:
        generated = work / "generated"
        stamp = generated / "generation.json"  # what a kept folder holds (reused by the next run with --work-dir)
        wanted = {"participants": args.participants, "seed": args.seed}
        kept = json.loads(stamp.read_text()) if stamp.exists() else {}
        if {k: kept.get(k) for k in wanted} == wanted:
            counts = kept["counts"]
            say(f"Fichiers déjà générés réutilisés ({generated}).")
        else:
            say(f"Génération de {fmt(args.participants)} participants (graine {args.seed})…")
            start = time.perf_counter()
            summary = generate(generated, seed=args.seed, participants=args.participants,
                               progress=lambda m: say(f"  {m}"))
            counts = dict(summary.counts)
            stamp.write_text(json.dumps({**wanted, "counts": counts}))
            say(f"Génération : {time.perf_counter() - start:.1f} s")
        folder = work / "import"
        folder.mkdir(exist_ok=True)
        for table in tables:
            target = folder / f"{table}.csv"
            if not target.exists():
                target.symlink_to(generated / f"{table}.csv")
        rows = sum(counts[t] for t in tables)
        size = sum((generated / f"{t}.csv").stat().st_size for t in tables)
        say(f"Fichiers importés : {', '.join(tables)} — {fmt(rows)} lignes, {size / 1024**2:.0f} Mo")

        baseline = polars_baseline(folder, tables)
        say(f"Polars seul (lecture des mêmes fichiers, médiane de 3) : {baseline:.2f} s")

        results = {}
        floors = {}  # backend → mean of the floor measured just before and just after the import
        floor_cpu = {}  # SQLite: CPU seconds of the floor (mean), to compare with the import's
        if not args.no_sqlite:
            data_dir = work / "sqlite-instance"
            shutil.rmtree(data_dir, ignore_errors=True)
            runs = []
            if not args.no_floor:
                runs.append(floor_sqlite(folder, tables, work / "plancher.sqlite3"))
                say(f"Plancher SQLite avant l'import (mêmes lignes, brutes, sans index) : {runs[-1][0]:.1f} s")
            say("Import dans SQLite…")
            results["sqlite"] = run_child(folder, base_env(data_dir), args.tracemalloc)
            if not args.no_floor:
                runs.append(floor_sqlite(folder, tables, work / "plancher.sqlite3"))
                say(f"Plancher SQLite après l'import : {runs[-1][0]:.1f} s")
                floors["sqlite"] = statistics.mean(r[0] for r in runs)
                floor_cpu["sqlite"] = statistics.mean(r[1] for r in runs)
        if not args.no_postgresql:
            name = f"reperes_bench_{os.getpid()}"
            env = base_env(work / "pg-instance")
            env["DATABASE_URL"] = create_pg_database(args.postgresql_url, name)
            try:
                runs = []
                if not args.no_floor:
                    runs.append(floor_postgresql(folder, tables, env["DATABASE_URL"]))
                    say(f"Plancher PostgreSQL avant l'import (COPY brut, sans index) : {runs[-1]:.1f} s")
                say(f"Import dans PostgreSQL (base {name}, créée puis supprimée)…")
                results["postgresql"] = run_child(folder, env, args.tracemalloc)
                if not args.no_floor:
                    runs.append(floor_postgresql(folder, tables, env["DATABASE_URL"]))
                    say(f"Plancher PostgreSQL après l'import : {runs[-1]:.1f} s")
                    floors["postgresql"] = statistics.mean(runs)
            finally:
                drop_pg_database(args.postgresql_url, name)

        out = sys.stderr if args.json else sys.stdout

        def show(line: str = "") -> None:
            print(line, file=out, flush=True)

        show()
        show(f"participants : {fmt(args.participants)} ; tables : {', '.join(tables)} ; {fmt(rows)} lignes ; "
             f"{size / 1024**2:.0f} Mo de CSV ; {os.cpu_count()} cœurs, charge {load_average()}")
        show(f"Polars seul : {baseline:.2f} s ({fmt(rows / baseline)} lignes/s)")
        show(f"{'base':<11} {'durée':>9} {'lignes/s':>10} {'/ Polars':>9} {'plancher':>9} {'/ plancher':>11} "
             f"{'mémoire max':>12}  statut")
        summary_json = {}
        for backend, r in results.items():
            floor = floors.get(backend)
            ratio_floor = r["seconds"] / floor if floor else None
            memory = r["max_rss"] / 1024**3
            extra = f" ; tas Python {r['python_peak'] / 1024**3:.2f} Gio" if r.get("python_peak") else ""
            verdict = ""
            if ratio_floor is not None:
                ok = ratio_floor <= FLOOR_TARGET and r["max_rss"] <= MEMORY_TARGET_BYTES
                verdict = " (cibles atteintes)" if ok else " (cible manquée)"
            show(f"{backend:<11} {r['seconds']:>7.1f} s {fmt(r['rows'] / r['seconds']):>10} "
                 f"{r['seconds'] / baseline:>9.1f} "
                 f"{(f'{floor:.1f} s' if floor else '—'):>9} {(f'{ratio_floor:.2f}' if ratio_floor else '—'):>11} "
                 f"{memory:>8.2f} Gio  {r['status']}{verdict}{extra}")
            if backend in floor_cpu:
                show(f"  temps CPU (tous les fils du processus) : import {r['cpu_seconds']:.1f} s, plancher "
                     f"{floor_cpu[backend]:.1f} s, ratio {r['cpu_seconds'] / floor_cpu[backend]:.2f} (moins "
                     f"sensible à la charge de la machine que la durée)")
            show("  où va le temps :")
            for line in phase_lines(r):
                show(line)
            summary_json[backend] = {"import_s": r["seconds"], "floor_s": floor, "ratio_floor": ratio_floor,
                                     "peak_rss_gib": memory}
        show(f"Cibles (issue 21) : import ≤ {FLOOR_TARGET} × le plancher (les mêmes lignes écrites telles quelles, "
             f"sans validation, sans pseudonymisation, sans index ni contrainte), mémoire ≤ "
             f"{MEMORY_TARGET_BYTES / 1024**3:.0f} Gio.")
        if args.json:
            print(json.dumps(summary_json), flush=True)
        return 0
    finally:
        if not args.keep and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
