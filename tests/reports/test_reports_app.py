"""The « Livrables » page and `reperes report intermediate`: generate, customise, download, audit."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from docx import Document as open_docx

from reperes.audit.models import Action, AuditEvent
from reperes.reports.models import GeneratedReport, ReportSettings, SectionComment


# A 1×1 PNG: the app's tests check the pages, files and audit; the renderers' tests draw the real charts.
def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


TINY_PNG = _tiny_png()


@pytest.fixture(autouse=True)
def fast_charts(monkeypatch):
    from reperes.documents import Figure
    from reperes.reports import services

    def stub(document):
        for _level, node in document.walk():
            if isinstance(node, Figure):
                node.chart.png = lambda *args, **kwargs: TINY_PNG
                node.chart.svg = lambda *args, **kwargs: '<svg xmlns="http://www.w3.org/2000/svg" role="img"/>'

    monkeypatch.setattr(services, "memoize_charts", stub)


@pytest.fixture
def demo_data(db, territory, tmp_path):
    """A small generated PLIE imported through the import core."""
    from reperes.collection.importer import run_import
    from reperes.configuration.models import Installation
    from reperes.demo import generate

    generate(tmp_path / "demo", seed=7, participants=150)
    run_import(tmp_path / "demo", source_name="démo de test")
    installation = Installation.get()
    installation.plie_name = "PLIE du Pays Terres de Lorraine"
    installation.is_demo = True
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.save()
    return installation


def _generate(client, **changes):
    data = {"action": "generate", "gen-debut": "2019-01-01", "gen-fin": "2019-12-31", "gen-date": "2020-03-12",
            "gen-diffusion": "on", "gen-formats": ["html", "docx", "pdf", "pptx"]}
    data.update(changes)
    return client.post(reverse("reports:home"), data)


def test_partner_cannot_reach_the_deliverables(client_partner):
    assert client_partner.get(reverse("reports:home")).status_code == 403


def test_generate_shows_the_html_and_audits(client_charge, demo_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = client_charge.get(reverse("reports:home"))
    assert page.status_code == 200 and "Générer le rapport" in page.content.decode()
    response = _generate(client_charge)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.pk])
    assert sorted(report.files) == ["docx", "html", "pdf", "pptx"]
    event = AuditEvent.objects.get(action=Action.REPORT)
    assert event.details["diffusion"] is True and event.details["formats"] == ["html", "docx", "pdf", "pptx"]
    detail = unescape(client_charge.get(response.url).content.decode())
    assert "Données de démonstration – fictives" in detail
    assert "Les sorties, dont celles à valoriser" in detail and "Secret statistique" in detail
    download = client_charge.get(reverse("reports:download", args=[report.pk, "docx"]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    doc = open_docx(io.BytesIO(download.content))
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs)
    assert AuditEvent.objects.filter(action=Action.EXPORT, details__format="docx").count() == 1
    assert client_charge.get(reverse("reports:download", args=[report.pk, "exe"])).status_code == 404


def test_a_partner_version_of_part_of_a_year_is_refused_on_the_page(client_charge, db):
    response = _generate(client_charge, **{"gen-fin": "2019-06-30"})
    text = unescape(response.content.decode())
    assert response.status_code == 200 and not GeneratedReport.objects.exists()
    assert "années civiles entières" in text and "01/01/2019 au 31/12/2019" in text
    # the internal version of the same half-year is the team's to read
    assert "années civiles" not in unescape(_generate(client_charge, **{"gen-fin": "2019-06-30",
                                                                        "gen-diffusion": ""}).content.decode())


def test_same_data_same_parameters_give_the_same_files(client_charge, demo_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from reperes.reports import services

    first, second = _generate(client_charge), _generate(client_charge)
    assert first.status_code == second.status_code == 302
    a, b = GeneratedReport.objects.order_by("id")
    for fmt in ("docx", "pptx", "pdf"):
        assert services.report_file(a, fmt).read_bytes() == services.report_file(b, fmt).read_bytes(), fmt
    assert a.snapshot["Empreinte des données (SHA-256)"] == b.snapshot["Empreinte des données (SHA-256)"]
    assert len(a.snapshot["Empreinte des données (SHA-256)"]) == 64


def test_bad_generation_input_gets_french_messages(client_charge, db):
    response = _generate(client_charge, **{"gen-debut": "2019-12-31", "gen-fin": "2019-01-01",
                                           "gen-date": "pas une date", "gen-formats": []})
    text = unescape(response.content.decode())
    assert response.status_code == 200
    assert "La fin de la période doit suivre son début." in text
    assert "Saisissez une date" in text and "Choisissez au moins un format." in text
    assert not GeneratedReport.objects.exists()


def test_texts_and_comments_survive_regeneration(client_charge, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client_charge.post(reverse("reports:home"), {"action": "texts", "txt-introduction": "Notre introduction.",
                                                 "txt-methode": ""})
    assert ReportSettings.get().introduction == "Notre introduction."
    client_charge.post(reverse("reports:home"), {"action": "comments",
                                                 "com-commentaire_sorties": "Les abandons baissent."})
    assert SectionComment.objects.get(slug="sorties").text == "Les abandons baissent."
    for _ in range(2):
        assert _generate(client_charge, **{"gen-formats": ["html"]}).status_code == 302
    for report in GeneratedReport.objects.all():
        html = unescape(re.sub(r"<[^>]+>", "", report.html))
        assert "Notre introduction." in html and "Commentaire du PLIE\u00a0: Les abandons baissent." in html
        # Without data, each section says so rather than vanishing.
        assert "Cette partie sera alimentée dès que des données de parcours auront été importées" in html


def _docx(text: str) -> bytes:
    doc = open_docx()
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_word_template_upload_is_checked_and_used(client_charge, db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    bad = SimpleUploadedFile("modele.docx", b"pas un docx")
    response = client_charge.post(reverse("reports:home"), {"action": "template", "tpl-modele": bad})
    assert "Le modèle Word n'a pas pu être lu" in unescape(response.content.decode())
    wrong = SimpleUploadedFile("modele.pdf", b"%PDF")
    response = client_charge.post(reverse("reports:home"), {"action": "template", "tpl-modele": wrong})
    assert "fichier Word .docx" in unescape(response.content.decode())
    good = SimpleUploadedFile("charte.docx", _docx("Rapport du {{ plie }}"))
    response = client_charge.post(reverse("reports:home"), {"action": "template", "tpl-modele": good})
    assert response.status_code == 302
    assert ReportSettings.get().template_name == "charte.docx"
    _generate(client_charge, **{"gen-formats": ["docx"]})
    from reperes.reports import services

    path = services.report_file(GeneratedReport.objects.get(), "docx")
    doc = open_docx(str(path))
    assert doc.paragraphs[0].text == "Rapport du Mon PLIE"
    client_charge.post(reverse("reports:home"), {"action": "template_delete"})
    assert not ReportSettings.get().template


def test_cli_writes_every_format(demo_data, tmp_path, capsys):
    from reperes.cli import main

    status = main(["report", "intermediate", "--out", str(tmp_path / "out"), "--date", "2020-03-12",
                   "--diffusion", "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    payload = json.loads(captured.out)
    assert sorted(p.rsplit(".", 1)[1] for p in payload["files"]) == ["docx", "html", "pdf", "pptx"]
    assert payload["diffusion"] is True and len(payload["hash"]) == 64
    assert (tmp_path / "out" / "rapport-intermediaire-2019-01-01-2019-12-31-diffusion.pdf").exists()
    assert AuditEvent.objects.filter(action=Action.REPORT).exists()


@pytest.mark.parametrize("args, message", [
    (["--format", "docx,odt"], "Format inconnu : odt"),
    (["--from", "2019-13-01", "--to", "2019-12-31"], "--from : date invalide"),
    (["--from", "2019-01-01"], "Donnez --from et --to ensemble"),
    (["--from", "2019-12-31", "--to", "2019-01-01"], "--to doit suivre --from"),
    # a partner version one day short of the year could be subtracted from the whole year's
    (["--from", "2019-01-01", "--to", "2019-12-30", "--diffusion"], "années civiles entières"),
    (["--from", "2019-02-01", "--to", "2020-12-31", "--diffusion"], "--from 2019-01-01 --to 2020-12-31"),
])
def test_cli_bad_input_gets_a_french_message(db, tmp_path, capsys, args, message):
    from reperes.cli import main

    status = main(["report", "intermediate", "--out", str(tmp_path / "out"), *args])
    captured = capsys.readouterr()
    assert status == 2
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- generation in the background


@pytest.fixture
def reference(db):
    """The communes reference (a transactional test may follow another that emptied every table)."""
    from reperes.territory.services import ensure_reference

    ensure_reference()


@pytest.mark.django_db(transaction=True)
def test_generation_runs_in_the_background_and_the_page_follows_it(reference, client_charge, charge_user, demo_data,
                                                                    settings, tmp_path, django_user_model):
    import time

    from django.test import Client

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPERES_BACKGROUND_SYNC = False
    response = _generate(client_charge, **{"gen-formats": ["html", "docx"]})
    assert response.status_code == 302 and "/generation/" in response.url
    token = response.url.rstrip("/").split("/")[-1]
    other = Client()
    other.force_login(django_user_model.objects.create_user("autre@test.fr", "x" * 12, role="charge_etude"))
    assert other.get(response.url).status_code == 404  # a generation is seen by whoever started it only

    status_url = reverse("reports:job_status", args=[token])
    deadline = time.monotonic() + 120
    fragment = None
    while time.monotonic() < deadline:
        fragment = client_charge.get(status_url, HTTP_HX_REQUEST="true")
        if fragment.has_header("HX-Redirect"):
            break
        assert 'hx-trigger="every 1s"' in fragment.content.decode(), fragment.content.decode()
        time.sleep(0.2)
    report = GeneratedReport.objects.get()
    assert fragment["HX-Redirect"] == reverse("reports:detail", args=[report.pk])
    assert sorted(report.files) == ["docx", "html"] and report.user == charge_user
    event = AuditEvent.objects.get(action=Action.REPORT)
    assert event.user == charge_user and event.details["formats"] == ["html", "docx"]
    assert event.ip == "127.0.0.1"  # the address of the request that asked for it
    assert client_charge.get(response.url).url == reverse("reports:detail", args=[report.pk])


def test_a_failed_generation_says_so_in_french_and_stores_nothing(client_charge, demo_data, settings, tmp_path,
                                                                  monkeypatch):
    from reperes.reports import services

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(services, "render_formats", lambda *a, **k: 1 / 0)
    response = _generate(client_charge)
    assert response.status_code == 302 and response.url == reverse("reports:home")
    page = unescape(client_charge.get(response.url).content.decode())
    assert "Le rapport n'a pas pu être généré" in page and "Traceback" not in page
    assert not GeneratedReport.objects.exists() and not AuditEvent.objects.filter(action=Action.REPORT).exists()


def test_a_generation_in_progress_shows_its_period_and_one_whose_server_stopped_is_said_interrupted(
        client_charge, charge_user, dead_process):
    from reperes.background import current_process
    from reperes.reports import jobs

    dead = dead_process
    job = jobs.Job(token="3" * 32, state=jobs.RUNNING, user_id=charge_user.pk, params={"debut": "2019-01-01",
                   "fin": "2019-12-31", "date": "2020-01-01", "diffusion": True, "formats": ["html"]}, process=dead)
    jobs.save(job)
    fragment = client_charge.get(reverse("reports:job_status", args=[job.token]), HTTP_HX_REQUEST="true")
    text = unescape(fragment.content.decode())
    assert "interrompue" in text and 'hx-trigger="every 1s"' not in text

    alive = jobs.Job(token="4" * 32, state=jobs.RUNNING, user_id=charge_user.pk, params=job.params,
                     process=current_process())
    jobs.save(alive)
    text = unescape(client_charge.get(reverse("reports:job", args=[alive.token])).content.decode())
    assert 'hx-trigger="every 1s"' in text and "Période du 1er janvier 2019 au 31 décembre 2019" in text
    assert client_charge.get(reverse("reports:job", args=["pas-un-jeton"])).status_code == 404
