"""The partner space: the team shares a partner version; partners read and download it; nothing else reaches them."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from reperes.audit.models import AuditEvent
from reperes.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


def make_report(*, diffusion: bool) -> GeneratedReport:
    report = GeneratedReport.objects.create(debut=dt.date(2019, 1, 1), fin=dt.date(2019, 12, 31),
                                            date=dt.date(2020, 3, 12), diffusion=diffusion,
                                            html="<article><h2>Synthèse</h2><p>Texte du rapport.</p></article>")
    folder = f"livrables/{report.pk}"
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / folder / "rapport.pdf").write_bytes(PDF)
    report.folder, report.files = folder, {"pdf": "rapport.pdf"}
    report.save()
    return report


def test_shared_partner_version_is_read_and_downloaded_by_a_partner(client_charge, client_partner):
    report = make_report(diffusion=True)
    assert "Aucun document partagé" in client_partner.get(reverse("partners:home")).content.decode()
    assert client_partner.get(reverse("partners:download", args=[report.pk, "pdf"])).status_code == 404

    page = client_charge.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Partager avec les partenaires" in page
    client_charge.post(reverse("reports:detail", args=[report.pk]), {"action": "share"})
    report.refresh_from_db()
    assert report.shared_at is not None and report.shared_by.email == "etude@test.fr"

    home = client_partner.get(reverse("partners:home")).content.decode()
    assert "Rapport intermédiaire – 01/01/2019 au 31/12/2019" in home
    assert reverse("partners:download", args=[report.pk, "pdf"]) in home
    read = client_partner.get(reverse("partners:report", args=[report.pk])).content.decode()
    assert "Texte du rapport." in read
    response = client_partner.get(reverse("partners:download", args=[report.pk, "pdf"]))
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="export", user_email="partenaire@test.fr",
                                     details__espace="partenaires", details__format="pdf").exists()

    client_charge.post(reverse("reports:detail", args=[report.pk]), {"action": "unshare"})
    assert client_partner.get(reverse("partners:report", args=[report.pk])).status_code == 404
    assert "Aucun document partagé" in client_partner.get(reverse("partners:home")).content.decode()


def test_an_internal_version_can_never_be_shared(client_charge, client_partner):
    report = make_report(diffusion=False)
    assert "Partager avec les partenaires" not in client_charge.get(
        reverse("reports:detail", args=[report.pk])).content.decode()
    response = client_charge.post(reverse("reports:detail", args=[report.pk]), {"action": "share"}, follow=True)
    assert "Seule une version pour les partenaires" in response.content.decode()
    report.refresh_from_db()
    assert report.shared_at is None
    # even forced in the database, an internal version stays out of the partner space
    GeneratedReport.objects.filter(pk=report.pk).update(shared_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client_partner.get(reverse("partners:report", args=[report.pk])).status_code == 404
    assert client_partner.get(reverse("partners:download", args=[report.pk, "pdf"])).status_code == 404


def test_partners_cannot_share(client_partner):
    report = make_report(diffusion=True)
    assert client_partner.post(reverse("reports:detail", args=[report.pk]), {"action": "share"}).status_code == 403
    report.refresh_from_db()
    assert report.shared_at is None


def test_partner_menu_and_home(client, partner_user):
    response = client.post(reverse("accounts:login"), {"username": partner_user.email,
                                                       "password": "mot-de-passe-de-test-2019"})
    assert response.url == reverse("partners:home")
    page = client.get(reverse("partners:home")).content.decode()
    assert '<a href="/partenaires/" aria-current="page">Espace partenaires</a>' in page
    assert "Livrables</a>" not in page  # the team's deliverables page stays closed to partners


def test_sections_registered_by_other_domains_are_shown(client_partner, monkeypatch):
    from reperes.partners import sections

    monkeypatch.setattr(sections, "_PROVIDERS", [])
    sections.register(lambda request: None)
    assert "<h2>Consultations" not in client_partner.get(reverse("partners:home")).content.decode()
    sections.register(lambda request: sections.Section("Consultations ouvertes", "includes/pagination.html"))
    assert "<h2>Consultations ouvertes</h2>" in client_partner.get(reverse("partners:home")).content.decode()


def test_a_shared_final_report_is_audited_as_the_final_report(client_charge, client_partner):
    report = make_report(diffusion=True)
    report.kind = GeneratedReport.KIND_FINAL
    report.save()
    client_charge.post(reverse("reports:detail", args=[report.pk]), {"action": "share"})
    assert client_partner.get(reverse("partners:download", args=[report.pk, "pdf"])).status_code == 200
    event = AuditEvent.objects.get(action="export", user_email="partenaire@test.fr", details__format="pdf")
    assert event.details["livrable"] == "rapport_final"
