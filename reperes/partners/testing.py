"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def sample_url_kwargs() -> dict[str, dict]:
    from reperes.reports.models import GeneratedReport

    report = GeneratedReport.objects.create(debut=dt.date(2019, 1, 1), fin=dt.date(2019, 12, 31),
                                            date=dt.date(2020, 3, 12), diffusion=True, shared_at=timezone.now(),
                                            html="<article><p>Rapport partagé</p></article>")
    folder = f"livrables/{report.pk}"
    path = Path(settings.MEDIA_ROOT) / folder / "rapport-partenaires.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n%%EOF\n")
    report.folder, report.files = folder, {"pdf": "rapport-partenaires.pdf"}
    report.save()
    return {"partners:report": {"pk": report.pk}, "partners:download": {"pk": report.pk, "fmt": "pdf"}}
