"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    from .models import SheetImport

    sheet = SheetImport.objects.create(file_name="fiche-test.csv")
    return {"benchmark:delete": {"pk": sheet.pk}}
