"""End to end, in Debian's Chromium: upload a file, follow the progress, read the report, download it."""

from __future__ import annotations

import time

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


@pytest.fixture
def admin(transactional_db):
    from reperes.accounts.models import User
    from reperes.territory.services import ensure_reference

    ensure_reference()  # transactional tests flush the tables the migration filled
    return User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")


@pytest.fixture
def slow_import(monkeypatch):
    """The import says where it is, then takes a moment: the progress is there to be seen."""
    import reperes.collection.importer as importer

    real = importer.run_import

    def slowed(*args, progress=None, **kwargs):
        progress("Lecture de « participants.csv »…")
        time.sleep(2.5)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(importer, "run_import", slowed)


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]


def test_upload_shows_progress_then_the_report_and_downloads_it_as_xlsx(page, admin, slow_import, demo_files):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Importer un fichier").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Importer un fichier"
    assert axe_violations(page) == []
    page.get_by_label("Fichier à importer").set_input_files(str(demo_files["participants"]))
    page.get_by_role("button", name="Envoyer et importer").click()

    page.wait_for_url("**/imports/suivi/**")
    status = page.locator("#etat-import")
    assert "Import en cours" in status.inner_text()
    assert page.locator("progress").count() == 1
    expect(page.locator("body")).to_contain_text("participants.csv")
    assert axe_violations(page) == []

    # htmx polls the status fragment, then goes to the report by itself.
    page.wait_for_url("**/donnees/imports/*/", timeout=30_000)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Rapport de validation")
    table = page.get_by_role("table", name="Lignes par table").inner_text()
    assert "participants" in table and str(demo_files["counts"]["participants"]) in table
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as fh:
        book = openpyxl.load_workbook(fh)
    assert book.sheetnames == ["Lignes rejetées", "Totaux", "Colonnes ignorées"]
    totals = list(book["Totaux"].iter_rows(values_only=True))
    assert totals[1][:3] == ("participants", demo_files["counts"]["participants"],
                             demo_files["counts"]["participants"])


def test_a_file_with_one_typo_ends_on_the_correction_table_and_imports_once_corrected(page, admin, demo_files,
                                                                                        tmp_path):
    from collection_web_helpers import csv_text, read_rows

    from reperes.collection.models import Participant

    header, rows = read_rows(demo_files["participants"])
    rows[0][header.index("situation_entree")] = "DEMANDEUR EMPLOI"  # a typo: no such code or label
    path = tmp_path / "participants.csv"
    path.write_bytes(csv_text(header, rows))

    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.goto("/donnees/imports/nouveau/")
    page.get_by_label("Fichier à importer").set_input_files(str(path))
    page.get_by_label("Validation seule : vérifier le fichier sans rien enregistrer").check()
    page.get_by_role("button", name="Envoyer et importer").click()

    page.wait_for_url("**/donnees/imports/*/?suivi=*", timeout=30_000)
    assert "Correspondance des colonnes" not in page.content()
    assert page.get_by_role("heading", name="Valeurs à corriger (1)").is_visible()
    assert "Validation seule" in page.locator("main").inner_text()
    select = page.get_by_label("Remplacer « DEMANDEUR EMPLOI » (Situation sur le marché du travail à l'entrée) par")
    assert select.input_value() == "", "a suggestion is never chosen for the user"
    assert "1 erreur sur 1 ligne invalide" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    select.select_option(label="Demandeur d'emploi")
    page.get_by_role("button", name="Importer avec ces corrections").click()

    page.wait_for_url("**/donnees/imports/*/", timeout=30_000)
    assert "Aucune erreur" in page.locator("main").inner_text()
    assert Participant.objects.count() == demo_files["counts"]["participants"]
