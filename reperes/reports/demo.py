"""The demo's shared deliverable: the partner version of the intermediate report, in the partner space.

Idempotent: generated once (PDF), then reused by every later build of the demo.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import GeneratedReport


def share_demo_report(debut: dt.date, fin: dt.date) -> GeneratedReport:
    shared = GeneratedReport.objects.shared_with_partners().first()
    if shared is not None:
        return shared
    date = fin + dt.timedelta(days=72)  # a report written in the spring after the period
    generation = services.generate(debut=debut, fin=fin, date=date, diffusion=True, formats=["pdf"])
    report = services.store(generation, debut=debut, fin=fin, date=date, diffusion=True)
    report.shared_at = timezone.now()
    report.save(update_fields=["shared_at"])
    return report
