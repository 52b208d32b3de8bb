"""An import whose process died (server restart) is shown as interrupted, never « en cours » for ever."""

from __future__ import annotations

import argparse
import datetime
import io
from contextlib import redirect_stdout

import pytest
from django.urls import reverse
from django.utils import timezone

from reperes import background
from reperes.collection import uploads
from reperes.collection.importer import INTERRUPTED
from reperes.collection.models import ImportRun

pytestmark = pytest.mark.django_db


def test_a_process_is_alive_dead_or_unknown(dead_process):
    assert background.is_alive(background.current_process()) is True
    assert background.is_alive(dead_process) is False
    assert background.is_alive("autre-machine:1234:5678") is None
    assert background.is_alive("") is None


def test_runs_of_dead_processes_are_settled_with_a_message(client_admin, dead_process):
    orphan = ImportRun.objects.create(source_name="gros-fichier.csv", process=dead_process)
    running = ImportRun.objects.create(source_name="en-cours.csv", process=background.current_process())
    foreign = ImportRun.objects.create(source_name="autre-serveur.csv", process="autre-machine:1:2")
    foreign_old = ImportRun.objects.create(source_name="ancien.csv", process="autre-machine:1:2")
    ImportRun.objects.filter(pk=foreign_old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))

    page = client_admin.get(reverse("collection:imports"))

    assert page.status_code == 200
    status = dict(ImportRun.objects.values_list("source_name", "status"))
    assert status == {"gros-fichier.csv": "interrompu", "en-cours.csv": "en_cours",
                      "autre-serveur.csv": "en_cours", "ancien.csv": "interrompu"}
    history = page.content.decode()
    assert "Interrompu" in history and "Fichier refusé" not in history
    orphan.refresh_from_db()
    assert orphan.finished_at is not None and not orphan.stored
    assert orphan.report["errors"][0]["message"] == INTERRUPTED
    detail = client_admin.get(reverse("collection:import_detail", args=[orphan.pk])).content.decode()
    assert "interrompu avant sa fin" in detail
    assert running.pk and foreign.pk


def test_the_cli_list_settles_them_too(dead_process):
    from reperes.cli import imports_cmd

    parser = argparse.ArgumentParser(prog="reperes")
    imports_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["imports", "list"])
    ImportRun.objects.create(source_name="gros-fichier.csv", process=dead_process)
    with redirect_stdout(io.StringIO()) as out:
        assert args.func(args) == 0
    assert ImportRun.objects.get().status == ImportRun.Status.INTERRUPTED
    assert "gros-fichier.csv" in out.getvalue()
    assert "Interrompu" in out.getvalue() and "Fichier refusé" not in out.getvalue()


def test_an_upload_job_of_a_dead_process_stops_polling_and_says_so(client_admin, admin_user_, dead_process):
    job = uploads.Job(token="b" * 32,
                      state=uploads.RUNNING, source_name="participants.csv", messages=["Lecture…"],
                      user_id=admin_user_.pk, process=dead_process)
    uploads.job_dir(job.token).mkdir(parents=True, exist_ok=True)
    uploads.save_job(job)

    fragment = client_admin.get(reverse("collection:import_job_status", args=[job.token]),
                                HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' not in fragment
    assert "interrompu avant sa fin" in fragment
    assert uploads.load_job(job.token).state == uploads.FAILED
