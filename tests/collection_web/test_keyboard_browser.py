"""The main tasks of the team with the keyboard only (Tab, arrows, Space, Enter), in Chromium: log in, import a
file in « validation seule » mode and read its report, open the analyses."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


@pytest.fixture
def admin(transactional_db):
    from reperes.accounts.models import User
    from reperes.territory.services import ensure_reference

    ensure_reference()
    return User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")


def focused_text(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';
        return ((e.innerText || '') + ' ' + label + ' ' + (e.getAttribute('aria-label') || '')).trim(); }""")


def tab_to(page, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in focused_text(page):
            return
    raise AssertionError(f"« {text} » never got the keyboard focus")


def log_in_with_the_keyboard(page) -> None:
    """The e-mail field has the focus when the page opens (``autofocus``): type, Tab, type, Enter."""
    page.bring_to_front()
    page.goto("/comptes/connexion/")
    page.wait_for_function("document.activeElement && document.activeElement.type === 'email'")
    page.keyboard.type("admin@test.fr")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Tableau de bord')")


def test_import_and_analyses_with_the_keyboard_only(page, admin, demo_files, sync_imports):
    from reperes.collection.models import ImportRun, Participant

    log_in_with_the_keyboard(page)

    tab_to(page, "Imports")
    page.keyboard.press("Enter")
    page.wait_for_url("**/imports/")
    tab_to(page, "Importer un fichier")
    page.keyboard.press("Enter")
    page.wait_for_url("**/imports/nouveau/")
    tab_to(page, "Fichier à importer")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(demo_files["participants"]))
    tab_to(page, "Importer : enregistrer")  # the checked radio of the « Mode » group gets the focus
    page.keyboard.press("ArrowDown")  # the next choice of the group
    assert page.get_by_label("Validation seule", exact=False).is_checked()
    tab_to(page, "Envoyer et importer")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/imports/(\d+|suivi/\w+)/(\?suivi=\w+)?$"))
    page.wait_for_selector("text=rien n'a été enregistré", timeout=60_000)
    assert ImportRun.objects.count() == 1 and not Participant.objects.exists()  # checked, nothing stored

    tab_to(page, "Analyses")
    page.keyboard.press("Enter")
    page.wait_for_url("**/analyses/**")
    assert page.locator("nav[aria-label='Navigation principale'] [aria-current=page]").all_inner_texts() == [
        "Analyses"]


def test_a_report_is_generated_and_opened_with_the_keyboard_only(page, admin, settings, tmp_path):
    """« Livrables »: choose the internal version in HTML only, generate, reach the report — Tab, Space, Enter."""
    from reperes.reports.models import GeneratedReport

    settings.MEDIA_ROOT = tmp_path / "media"
    log_in_with_the_keyboard(page)
    page.goto("/livrables/")
    tab_to(page, "Version pour les partenaires")
    page.keyboard.press("Space")  # the internal version
    assert not page.get_by_label("Version pour les partenaires", exact=False).is_checked()
    for label in ("Word", "PDF", "PowerPoint"):  # HTML only: quick
        tab_to(page, label)
        page.keyboard.press("Space")
    tab_to(page, "Générer le rapport")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/livrables/\d+/$"), timeout=60_000)
    report = GeneratedReport.objects.get()
    assert not report.diffusion and sorted(report.files) == ["html"]
    assert page.locator("h1").first.inner_text()
