"""End to end, in Debian's Chromium: upload a file, follow the progress, read the report, download it."""

from __future__ import annotations

import time

import openpyxl
import pytest

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
    page.wait_for_function("document.body.innerText.includes('participants.csv')")
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
