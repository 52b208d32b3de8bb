"""The audit of the demo's partner publication (report + ``--diffusion`` JSON): time against the 5 s target.

Usage::

    .venv/bin/python benchmarks/disclosure_bench.py [--runs 1] [--participants 1500] [--annee 2019]

Generates the demo's fictitious PLIE (``reperes.demo.generate``, seed 2019, cached in the temporary folder,
not timed) and reads it into Polars. Each run builds the period's partner publication (every figure of the
intermediate report and of the indicators, with their identities), protects it, and audits it: the integer
programme (HiGHS) of each hidden figure, minimum and maximum. Prints the times, the number of figures,
hidden cells and programmes, the slowest run against the target (≤ 1: met), and the machine's load.
Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--participants", type=int, default=1500)
    parser.add_argument("--annee", type=int, default=2019)
    args = parser.parse_args(argv)

    from reperes.analytics.csvframes import communes_frame, read_folder
    from reperes.demo.communes import load_communes
    from reperes.demo.generator import generate
    from reperes.reports import publication

    folder = Path(tempfile.gettempdir()) / f"reperes-bench-{args.participants}"
    if not (folder / "participants.csv").exists():
        generate(folder, participants=args.participants)
    dataset = read_folder(folder, communes_frame(load_communes()))
    debut, fin = dt.date(args.annee, 1, 1), dt.date(args.annee, 12, 31)
    slowest = 0.0
    for run in range(1, args.runs + 1):
        start, cpu = time.perf_counter(), time.process_time()
        period = publication.build(dataset, debut, fin, 11)  # protected and audited (protect(audited=True))
        result = period.audit()
        end = time.perf_counter()
        slowest = max(slowest, end - start)
        print(f"run {run}: {end - start:.2f} s (CPU {time.process_time() - cpu:.2f} s) — publication, protection "
              f"and audit; {len(period.publication.system.vars)} figures, "
              f"{len(period.protected.secret)} cases « s », {2 * len(result.intervals)} programmes, "
              f"{'aucune fuite' if result.ok else 'FUITES : ' + '; '.join(result.failures)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"slowest {slowest:.2f} s / target {TARGET_S:.0f} s = {slowest / TARGET_S:.2f}; "
          f"{os.cpu_count()} cores, load {load:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
