"""The demo's intermediate report in every format (HTML, DOCX, PDF, PPTX): time against the 30 s target.

Usage (on a demo instance built by ``reperes demo --no-serve``)::

    REPERES_ENV=demo REPERES_DATA_DIR=/tmp/x-demo .venv/bin/python benchmarks/report_bench.py [--runs 3]

Without ``REPERES_DATA_DIR`` a demo instance is built first in a temporary
folder (``reperes demo --no-serve``, not timed). Each run is what the
« Générer » button does: compute, build the document model, render the four
formats (charts drawn once), the partner version (disclosure control
included). The first run is a server process that has not read the data yet:
it loads the frames and pays the imports (matplotlib, typst, spaCy…). It
reads them from the files an earlier process kept in the data directory
(``reperes.analyses.frames_on_disk``: the demo's build and the warm-up after
an import write them), or, with ``--without-kept-frames`` (the files deleted
first), from the database, as the first process after an import with no
warm-up does; it then computes their fingerprint too. Later runs find the
frames kept in memory for the data version, as a server process does once it
has shown a page (``reperes.analyses.snapshot``).

Prints each run (wall-clock and CPU time of the process), the slowest, the
time of each step of the last run, the ratio of the slowest run to the 30 s
target of issue 21 (≤ 1: met) and the machine's load (on a shared machine the CPU time
says what a quiet one would take). Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S = 30.0


def ensure_demo() -> None:
    if os.environ.get("REPERES_DATA_DIR"):
        return
    folder = tempfile.mkdtemp(prefix="reperes-report-bench-")
    os.environ.update({"REPERES_DATA_DIR": folder, "REPERES_ENV": "demo"})
    print(f"Construction de la démo dans {folder} (non chronométrée)…", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "reperes", "demo", "--no-serve"], check=True, env=os.environ,
                   stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without-kept-frames", action="store_true",
                        help="delete the frames kept on disk first: the first run reads the database")
    args = parser.parse_args()
    ensure_demo()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
    import django

    django.setup()
    from reperes.analyses import frames_on_disk
    from reperes.analyses.loaders import kept_version

    if args.without_kept_frames:
        frames_on_disk.forget()
    kept = (frames_on_disk.folder() / kept_version()).exists()
    print(f"tableaux de données gardés sur le disque : {'oui' if kept else 'non (lus dans la base)'}")
    from reperes.configuration.models import Installation
    from reperes.reports import services
    from reperes.reports.builder import build_intermediate_report

    debut, fin = Installation.get().default_period()
    date = dt.date(2020, 3, 12)
    times, cpu_times, steps = [], [], {}
    for run in range(1, args.runs + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        document = build_intermediate_report(debut=debut, fin=fin, date=date, diffusion=True)
        steps["données + modèle"] = time.perf_counter() - start
        template, logo = services.customisation()
        services.memoize_charts(document)
        for fmt in services.FORMATS:
            begin = time.perf_counter()
            output = services.render_formats(document, [fmt], template=template, logo=logo)[fmt]
            steps[f"{fmt} ({len(output) // 1024} Kio)"] = time.perf_counter() - begin
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        times.append(elapsed)
        cpu_times.append(cpu)
        print(f"passe {run} : {elapsed:.2f} s (temps processeur {cpu:.2f} s)")
    slowest = max(times)
    print("étapes de la dernière passe : " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
    print(f"rapport intermédiaire, 4 formats, période {debut} → {fin} : pire passe {slowest:.2f} s, "
          f"meilleure {min(times):.2f} s ; cible {TARGET_S:.0f} s ; ratio {slowest / TARGET_S:.2f} "
          f"({'atteinte' if slowest <= TARGET_S else 'NON atteinte'}) ; {os.cpu_count()} cœurs, charge "
          f"{os.getloadavg()[0]:.1f} ; temps processeur de la pire passe {max(cpu_times):.2f} s "
          f"(ratio {max(cpu_times) / TARGET_S:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
