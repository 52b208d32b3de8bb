"""The demo's fictitious evaluation: questions, findings with evidence from the demo data, recommendations.

Shipped as an evaluation file (``data/demo-evaluation.json``, contract
``reperes-evaluation/1``) and loaded through the real import. Its figures are
not written in it: each is computed from the demo data when imported (one,
the valorisation rate, carries an older retained value so that a newcomer sees
what « à revoir » means).
"""

from __future__ import annotations

import json
from pathlib import Path

DEMO_FILE = Path(__file__).with_name("data") / "demo-evaluation.json"


def load_demo(progress=lambda message: None) -> dict:
    from .exchange import import_file

    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    report = import_file(data)
    progress(f"Évaluation fictive : {len(data['questions'])} questions, {len(data['constats'])} constats, "
             f"{len(data['preconisations'])} préconisations.")
    return report.counts
