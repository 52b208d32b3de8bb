"""Data lifecycle: deleting one person's data, purging old parcours, the data protection page and docs."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from pathlib import Path

import pytest
from django.urls import reverse

from reperes.audit.models import Action as AuditAction
from reperes.audit.models import AuditEvent
from reperes.collection import lifecycle
from reperes.collection.importer import run_import
from reperes.collection.models import Etape, ImportRun, Participant

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def imported(demo_files):
    result = run_import(demo_files["dir"])
    assert result.report["status"] == "ok"
    return demo_files


def raw_ids(demo_files) -> list[str]:
    from collection_web_helpers import read_rows

    header, rows = read_rows(demo_files["participants"])
    return [r[header.index("id_participant")] for r in rows]


def everything_logged() -> str:
    return "\n".join(repr(e) for e in AuditEvent.objects.values_list()) + "\n".join(
        repr(r.report) for r in ImportRun.objects.all())


def test_delete_participant_by_raw_identifier_removes_its_rows_and_logs_no_identifier(imported, caplog):
    raw = raw_ids(imported)[0]
    target = lifecycle.participants_for(raw).get()
    etapes = Etape.objects.filter(participant=target).count()
    before = Participant.objects.count()
    caplog.set_level(logging.DEBUG)

    found = lifecycle.delete_participant(f"  {raw} ")

    assert found.parcours == 1 and found.etapes == etapes
    assert Participant.objects.count() == before - 1
    assert not Etape.objects.filter(participant_id=target.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DATA_DELETED)
    assert event.details["parcours"] == 1
    assert raw not in everything_logged() and raw not in caplog.text


def test_unknown_identifier_or_another_key_finds_nothing(imported, monkeypatch):
    with pytest.raises(lifecycle.LifecycleError, match="Aucun parcours ne correspond"):
        lifecycle.delete_participant("INCONNU-999")
    with pytest.raises(lifecycle.LifecycleError, match="Indiquez l'identifiant"):
        lifecycle.delete_participant("   ")
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "une-autre-cle")
    with pytest.raises(lifecycle.LifecycleError, match="clé de pseudonymisation"):
        lifecycle.delete_participant(raw_ids(imported)[0])
    assert not AuditEvent.objects.filter(action=AuditAction.DATA_DELETED).exists()


def test_purge_deletes_parcours_whose_exit_is_older_than_the_retention_period(imported):
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.duree_conservation_mois = 12
    installation.save()
    today = dt.date(2026, 1, 15)
    old = Participant.objects.filter(date_sortie__lt=dt.date(2025, 1, 15)).count()
    assert old, "the demo data should have old exits"
    total = Participant.objects.count()

    preview = lifecycle.purge(dry_run=True, today=today)
    assert preview["parcours"] == old and preview["cutoff"] == "2025-01-15"
    assert Participant.objects.count() == total

    done = lifecycle.purge(today=today)
    assert done["parcours"] == old
    assert Participant.objects.count() == total - old
    assert not Participant.objects.filter(date_sortie__lt=dt.date(2025, 1, 15)).exists()
    assert AuditEvent.objects.get(action=AuditAction.DATA_DELETED).details["parcours"] == old
    assert lifecycle.purge(today=today)["parcours"] == 0


def test_months_before_handles_month_ends():
    assert lifecycle.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert lifecycle.months_before(dt.date(2026, 1, 15), 60) == dt.date(2021, 1, 15)


def test_cli_delete_and_purge(imported, capsys):
    from reperes.cli import main

    raw = raw_ids(imported)[1]
    assert main(["data", "delete-participant", raw, "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["parcours"] == 1
    assert lifecycle.participants_for(raw).exists()
    assert main(["data", "delete-participant", raw]) == 0
    assert "supprimés" in capsys.readouterr().err
    assert not lifecycle.participants_for(raw).exists()
    assert main(["data", "delete-participant", raw]) == 1
    err = capsys.readouterr().err
    assert "Aucun parcours ne correspond" in err and raw not in err
    assert main(["data", "purge", "--dry-run", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) >= {"parcours", "cutoff", "months"}


def test_admin_pages_delete_and_purge(imported, client_admin):
    raw = raw_ids(imported)[2]
    url = reverse("collection:data_lifecycle")
    assert client_admin.get(url).status_code == 200
    refused = client_admin.post(url, {"identifier": raw})  # the confirmation box is required
    assert refused.status_code == 400 and lifecycle.participants_for(raw).exists()
    unknown = client_admin.post(url, {"identifier": "PERSONNE", "confirm": "on"})
    assert unknown.status_code == 400 and "Aucun parcours ne correspond" in unknown.content.decode()
    done = client_admin.post(url, {"identifier": raw, "confirm": "on"}, follow=True)
    assert "Données supprimées : 1 parcours" in done.content.decode()
    assert not lifecycle.participants_for(raw).exists()
    assert raw not in everything_logged()

    from reperes.configuration.models import Installation

    Installation.objects.filter(pk=1).update(duree_conservation_mois=1)
    purge_url = reverse("collection:data_purge")
    confirm = client_admin.get(purge_url)
    assert confirm.status_code == 200 and "Confirmer la purge" in confirm.content.decode()
    exited = Participant.objects.filter(date_sortie__isnull=False).count()
    assert exited
    client_admin.post(purge_url)
    assert Participant.objects.filter(date_sortie__lt=lifecycle.retention_cutoff()[0]).count() == 0


def test_charge_and_partner_cannot_delete_or_purge(imported, client_charge, client_partner):
    raw = raw_ids(imported)[0]
    for client in (client_charge, client_partner):
        assert client.post(reverse("collection:data_lifecycle"), {"identifier": raw, "confirm": "on"}
                           ).status_code == 403
        assert client.post(reverse("collection:data_purge")).status_code == 403
    assert lifecycle.participants_for(raw).exists()


def test_data_protection_page_and_docs_explain_the_key(client_partner):
    page = client_partner.get(reverse("collection:data_protection")).content.decode()
    doc = (ROOT / "docs" / "protection-des-donnees.md").read_text(encoding="utf-8")
    assert doc == lifecycle.protection_markdown(), "docs/protection-des-donnees.md is stale: regenerate it"
    for text in (page, doc):
        assert "Perdre la clé" in text and "ne retrouvent plus les participants" in text
        assert "Qui voit quoi" in text and "Combien de temps" in text and "Pourquoi" in text
    assert "60 mois" in page


def test_undo_button_undoes_the_last_import(imported, client_admin, client_charge):
    run = ImportRun.objects.filter(stored=True).latest("id")
    page = client_admin.get(reverse("collection:imports")).content.decode()
    assert f"Annuler le dernier import (n° {run.pk})" in page
    confirm = client_admin.get(reverse("collection:import_undo"))
    assert confirm.status_code == 200 and "Confirmer l'annulation" in confirm.content.decode()
    assert client_charge.post(reverse("collection:import_undo"), {"run": run.pk}).status_code == 403

    stale = client_admin.post(reverse("collection:import_undo"), {"run": run.pk + 1000}, follow=True)
    assert "n'est plus le dernier import annulable" in html.unescape(stale.content.decode())
    assert Participant.objects.exists()

    done = client_admin.post(reverse("collection:import_undo"), {"run": run.pk}, follow=True)
    assert f"Import n° {run.pk}" in done.content.decode() and "annulé" in done.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.UNDONE
    assert not Participant.objects.exists()
    again = client_admin.get(reverse("collection:import_undo")).content.decode()
    assert "Aucun import n'est à annuler" in again
