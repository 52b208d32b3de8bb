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
    campaigns = attach_consultations()
    progress(f"Évaluation fictive : {len(data['questions'])} questions, {len(data['constats'])} constats, "
             f"{len(data['preconisations'])} préconisations, {len(data['comites'])} comités, "
             f"{campaigns} consultation(s) des partenaires.")
    return report.counts


def attach_consultations() -> int:
    """Group the opinions the file gives without a consultation into one consultation per committee they prepare.

    Each opinion prepares the first committee on or after its date; the consultation opens on the first
    opinion's date and closes the day before the committee. Returns how many consultations there are.
    """
    import datetime as dt

    from . import models as m

    comites = list(m.Comite.objects.order_by("date", "position"))
    groups: dict = {}
    for opinion in m.Consultation.objects.filter(campagne__isnull=True):
        comite = next((c for c in comites if c.date >= opinion.date), None)
        if comite is not None:
            groups.setdefault(comite.pk, (comite, []))[1].append(opinion)
    for comite, opinions in groups.values():
        campagne, _ = m.ConsultationCampagne.objects.get_or_create(
            comite=comite, intitule=f"Consultation avant « {comite.intitule} »",
            defaults={"ouverture": min(o.date for o in opinions),
                      "cloture": max(comite.date - dt.timedelta(days=1), max(o.date for o in opinions))})
        m.Consultation.objects.filter(pk__in=[o.pk for o in opinions]).update(campagne=campagne)
    return m.ConsultationCampagne.objects.count()
