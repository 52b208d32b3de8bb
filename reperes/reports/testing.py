"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings


def sample_url_kwargs() -> dict[str, dict]:
    from .models import GeneratedReport

    report = GeneratedReport.objects.create(debut=dt.date(2019, 1, 1), fin=dt.date(2019, 12, 31),
                                            date=dt.date(2020, 3, 12), diffusion=True,
                                            html="<article><p>Rapport</p></article>")
    folder = f"livrables/{report.pk}"
    path = Path(settings.MEDIA_ROOT) / folder / "rapport.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!DOCTYPE html><title>Rapport</title>", encoding="utf-8")
    report.folder, report.files = folder, {"html": "rapport.html"}
    report.save()
    from . import jobs

    running = jobs.Job(token="2" * 32, state=jobs.RUNNING, user_id=None,
                       params={"debut": "2019-01-01", "fin": "2019-12-31", "date": "2020-03-12", "diffusion": True,
                               "formats": ["html"]})
    jobs.save(running)
    return {"reports:detail": {"pk": report.pk}, "reports:download": {"pk": report.pk, "fmt": "html"},
            "reports:job": {"token": running.token}, "reports:job_status": {"token": running.token}}
