"""Wide files: a table with more columns than the cap is refused before the mapping page, the limit in the message
(the probe's 10 000-column CSV made the mapping page take 31 s and weigh 17.6 Mo)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hardening_helpers import wide_csv

from reperes.cli import main
from reperes.collection import uploads
from reperes.collection.models import ImportRun, Participant

pytestmark = pytest.mark.django_db

LIMIT = "la limite est de 300 colonnes"


def test_a_10000_column_csv_is_refused_at_once_on_the_upload_page(client_admin, settings, tmp_path):
    settings.REPERES_IMPORTS_SYNC = True
    content = wide_csv(tmp_path / "export.csv").read_bytes()
    client_admin.get(reverse("collection:import_upload"))  # the first request of a test pays for imports
    jobs_before = set(uploads.jobs_dir().iterdir())  # other tests' jobs share the data directory
    start = time.monotonic()
    response = client_admin.post(reverse("collection:import_upload"),
                                 {"file": SimpleUploadedFile("export.csv", content), "mode": "normal"})
    elapsed = time.monotonic() - start
    text = response.content.decode()
    assert response.status_code == 400
    assert "10\u202f000 colonnes" in text and LIMIT in text
    assert elapsed < 2  # the probe's took 31 s, then 63 s to post the mapping
    assert not ImportRun.objects.exists() and set(uploads.jobs_dir().iterdir()) == jobs_before


def test_a_wide_workbook_fails_before_the_mapping_page(client_admin, settings):
    from openpyxl import Workbook

    settings.REPERES_IMPORTS_SYNC = True
    book = Workbook()
    sheet = book.active
    sheet.title = "participants"
    sheet.append([f"colonne_{j}" for j in range(400)])
    sheet.append(list(range(400)))
    buffer = io.BytesIO()
    book.save(buffer)
    response = client_admin.post(reverse("collection:import_upload"),
                                 {"file": SimpleUploadedFile("export.xlsx", buffer.getvalue()), "mode": "normal"})
    assert response.status_code == 302
    token = response.url.rstrip("/").split("/")[-1]
    job = uploads.load_job(token)
    assert job.state == uploads.FAILED and job.probe is None  # never the mapping page
    assert "400 colonnes" in job.error and LIMIT in job.error
    page = client_admin.get(reverse("collection:import_job", args=[token]), follow=True).content.decode()
    assert LIMIT in page
    assert client_admin.get(reverse("collection:import_mapping", args=[token])).status_code in (302, 404)


def test_columns_up_to_the_limit_still_reach_the_mapping_page(client_admin, settings, tmp_path):
    settings.REPERES_IMPORTS_SYNC = True
    content = wide_csv(tmp_path / "export.csv", columns=300).read_bytes()
    response = client_admin.post(reverse("collection:import_upload"),
                                 {"file": SimpleUploadedFile("export.csv", content), "mode": "normal"})
    assert response.status_code == 302
    assert uploads.load_job(response.url.rstrip("/").split("/")[-1]).state == uploads.NEEDS_MAPPING


def test_the_import_command_refuses_a_wide_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "cle-de-test-large")
    path = wide_csv(tmp_path / "participants.csv", columns=1000)
    assert main(["import", str(path)]) == 2
    out = capsys.readouterr()
    assert "1\u202f000 colonnes" in out.out + out.err and LIMIT in out.out + out.err
    assert not Participant.objects.exists()
