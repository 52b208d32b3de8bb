"""No traceback reaches a user: random bytes, truncated files and wrong formats, on every upload page and every
``reperes … import`` command, get a clear refusal in French and store nothing."""

from __future__ import annotations

import io
import re

import pytest
from hardening_helpers import random_bytes, truncated

from reperes.cli import main

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
# The words of a refusal, whatever the reader (« fichier illisible », « refusé », « n’est pas un tableau »…).
REFUSAL = re.compile(r"illisible|refusé|n(?:'|’|&#x27;)est pas|vide|aucune colonne|ne contient|non pris en charge|"
                     r"Format attendu|absente|ne correspondent pas|non reconnu|invalide|pas pu être lu|"
                     r"doit être un fichier", re.IGNORECASE)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    for i in range(200):
        document.add_paragraph(f"Entretien, paragraphe {i} : la mobilité reste le premier frein évoqué.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def hostile_files() -> dict[str, tuple[str, bytes]]:
    """name → (suffix to give, content) — each must be refused by every reader."""
    workbook = xlsx_bytes({"participants": [["id_participant", "sexe"]] + [[f"P{i}", "F"] for i in range(500)]})
    return {
        "octets_au_hasard": ("", random_bytes()),
        "octets_au_hasard_avec_nul": ("", b"\x00" + random_bytes(seed=3)),
        "classeur_tronque": (".xlsx", truncated(workbook)),
        "document_tronque": (".docx", truncated(docx_bytes())),
        "image_png": (".png", PNG + random_bytes(500)),
        "pdf": (".pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    }


HOSTILE = hostile_files()


def stored_rows() -> dict[str, int]:
    from reperes.benchmark.models import SheetValue
    from reperes.collection.models import Acquis, Etape, MappingProfile, Participant, SuiviFrein
    from reperes.evaluation.models import Constat, Question
    from reperes.offer.models import Figure, Service, Structure
    from reperes.reports.models import ReportSettings
    from reperes.surveys.models import Form, Interview, Response
    from reperes.territory.models import Contour

    counts = {model.__name__: model.objects.count() for model in (
        Participant, Etape, SuiviFrein, Acquis, MappingProfile, Figure, Structure, Service, Form, Response, Interview,
        SheetValue, Question, Constat)}
    counts["contours"] = Contour.objects.count()
    counts["modele"] = bool(ReportSettings.get().template)
    return counts


# --------------------------------------------------------------------------- upload pages

# (url name, file field, other fields, suffix the page expects)
PAGES = {
    "collection:import_upload": ("file", {"mode": "normal"}, ".csv"),
    "collection:mappings": ("file", {"name": "profil"}, ".json"),
    "offer:stats_upload": ("fichier", {}, ".csv"),
    "offer:import": ("fichier", {}, ".csv"),
    "surveys:form_import": ("questionnaire-file", {}, ".xlsx"),
    "surveys:answers_import": ("file", {"store": "on"}, ".csv"),
    "surveys:interview_upload": ("entretien-file", {"entretien-title": "Entretien", "entretien-audience": "participant",
                                                    "entretien-held_on": "2024-03-01"}, ".txt"),
    "benchmark:import": ("fichier", {}, ".csv"),
    "evaluation:import": ("fichier", {}, ".json"),
    "reports:home": ("tpl-modele", {"action": "template"}, ".docx"),
}


@pytest.fixture
def partner_version(db):
    from reperes.surveys.builtin import partner_form
    from reperes.surveys.services import import_form

    return import_form(partner_form(), "partenaires.xlsx").version


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_upload_pages_refuse_hostile_files(client_admin, settings, partner_version, page, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.REPERES_IMPORTS_SYNC = True
    field, fields, expected = PAGES[page]
    suffix, content = HOSTILE[kind]
    before = stored_rows()
    data = {**fields, field: SimpleUploadedFile(f"fichier{suffix or expected}", content)}
    if page == "surveys:answers_import":
        data["form_version"] = partner_version.pk
    blank = client_admin.get(reverse(page)).content.decode()  # the page's own help text may use the same words
    response = client_admin.post(reverse(page), data, follow=True)
    text = response.content.decode()
    assert response.status_code in (200, 400), response.status_code
    assert "Traceback" not in text and "Erreur serveur" not in text
    assert len(REFUSAL.findall(text)) > len(REFUSAL.findall(blank)), text[-3000:]
    assert stored_rows() == before


# --------------------------------------------------------------------------- commands

COMMANDS = {
    "import": (["import"], ".csv"),
    "stats import": (["stats", "import"], ".csv"),
    "offer import": (["offer", "import"], ".csv"),
    "survey import-form": (["survey", "import-form"], ".xlsx"),
    "survey import-answers": (["survey", "import-answers", "partenaires"], ".csv"),
    "benchmark import": (["benchmark", "import"], ".csv"),
    "evaluation import": (["evaluation", "import"], ".json"),
    "territory contours": (["territory", "contours"], ".geojson"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_import_commands_refuse_hostile_files(tmp_path, capsys, monkeypatch, partner_version, command, kind):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "cle-de-test-hostile")
    argv, expected = COMMANDS[command]
    suffix, content = HOSTILE[kind]
    path = tmp_path / f"fichier{suffix or expected}"
    path.write_bytes(content)
    before = stored_rows()
    status = main([*argv, str(path)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert status == 2, text
    assert "Traceback" not in text and "inattendu" not in text
    assert REFUSAL.search(text), text
    assert stored_rows() == before


def test_offer_csv_with_a_newline_in_an_unquoted_field(client_admin):
    """The probe's HTTP 500: `_csv.Error` « new-line character seen in unquoted field »."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reperes.offer.models import Structure

    content = b"id;nom;source\ns1;Mission\rlocale;dora\n"
    response = client_admin.post(reverse("offer:import"), {"fichier": SimpleUploadedFile("offre.csv", content)})
    assert response.status_code == 200
    assert "fichier illisible" in response.content.decode()
    assert not Structure.objects.exists()


def test_answers_of_random_bytes_are_refused_not_counted(partner_version, tmp_path, capsys):
    """The probe saw « 0 lues, 0 acceptées, 0 rejetées » for random bytes: a refusal instead."""
    path = tmp_path / "reponses.csv"
    path.write_bytes(random_bytes())
    assert main(["survey", "import-answers", "partenaires", str(path)]) == 2
    out = capsys.readouterr()
    assert "lues" not in out.out + out.err and "Fichier refusé" in out.err
