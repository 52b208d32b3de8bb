"""End to end in Chromium: a partner finds the shared report in its space (keyboard only) and downloads the PDF;
a chargée d'étude installs a questionnaire and e-mails the invitations; a respondent answers on a phone."""

import datetime as dt
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def accounts(transactional_db):
    from reperes.accounts.models import User
    from reperes.territory.services import ensure_reference

    ensure_reference()  # transactional tests flush the tables the migration filled
    User.objects.create_user("etude@test.fr", PASSWORD, role="charge_etude")
    User.objects.create_user("partenaire@test.fr", PASSWORD, role="partenaire")


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], [n["html"][:200] for n in v["nodes"]]) for v in Axe().run(page).response["violations"]]


def tab_to(page, text: str, limit: int = 80):
    """Press Tab until the focused element's text (or label) contains ``text``: the keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("(document.activeElement.innerText || document.activeElement.value || '')"
                                " + ' ' + (document.activeElement.labels && document.activeElement.labels[0] ? "
                                "document.activeElement.labels[0].innerText : '')")
        if text in focused:
            return
    raise AssertionError(f"« {text} » never got the keyboard focus")


def login_by_keyboard(page, email):
    page.goto("/comptes/connexion/")
    page.keyboard.type(email)  # the address field has the focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def shared_report():
    from django.conf import settings
    from django.utils import timezone

    from reperes.reports.models import GeneratedReport

    report = GeneratedReport.objects.create(debut=dt.date(2019, 1, 1), fin=dt.date(2019, 12, 31),
                                            date=dt.date(2020, 3, 12), diffusion=True, shared_at=timezone.now(),
                                            html="<article><h2>Synthèse</h2><p>Les sorties progressent.</p></article>")
    folder = Path(settings.MEDIA_ROOT) / f"livrables/{report.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rapport-intermediaire-partenaires.pdf").write_bytes(PDF)
    report.folder, report.files = f"livrables/{report.pk}", {"pdf": "rapport-intermediaire-partenaires.pdf"}
    report.save()
    return report


def test_partner_opens_its_space_and_downloads_the_shared_pdf_with_the_keyboard(browser, live_server, accounts):
    shared_report()
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, accept_downloads=True)
    try:
        page = context.new_page()
        login_by_keyboard(page, "partenaire@test.fr")
        page.wait_for_url("**/partenaires/")
        page.goto("/")  # from anywhere, the main menu leads there
        tab_to(page, "Espace partenaires")
        page.keyboard.press("Enter")
        page.wait_for_url("**/partenaires/")
        assert page.get_by_role("heading", level=1).inner_text() == "Espace partenaires"
        assert page.locator("nav [aria-current=page]").all_inner_texts() == ["Espace partenaires"]
        assert axe_violations(page) == []
        tab_to(page, "Rapport intermédiaire – 01/01/2019 au 31/12/2019")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Les sorties progressent.")
        assert axe_violations(page) == []
        tab_to(page, "PDF")
        with page.expect_download() as download_info:
            page.keyboard.press("Enter")
        download = download_info.value
        assert download.suggested_filename == "rapport-intermediaire-partenaires.pdf"
        assert Path(download.path()).read_bytes() == PDF
    finally:
        context.close()


def test_invitations_by_email_then_an_answer_on_a_phone(browser, live_server, accounts, mailoutbox):
    from reperes.surveys.models import Respondent, Response

    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    try:
        page = context.new_page()
        login_by_keyboard(page, "etude@test.fr")
        page.wait_for_selector("h1:has-text('Tableau de bord')")
        page.get_by_role("link", name="Enquêtes").click()
        page.get_by_role("button", name="Installer les questionnaires fournis").click()
        assert page.get_by_role("link", name="Questionnaire partenaires").is_visible()
        assert page.get_by_role("link", name="Votre avis sur votre parcours").is_visible()
        page.get_by_text("Créer une campagne").click()
        page.get_by_role("textbox", name=re.compile(r"^Nom\b")).fill("Regards des partenaires")
        page.get_by_role("combobox", name=re.compile(r"^Questionnaire\b")).select_option(
            label="Questionnaire partenaires (v1)")
        page.get_by_role("button", name="Créer la campagne").click()
        page.wait_for_selector("h1:has-text('Regards des partenaires')")
        for name, email in (("Mairie de Toul", "mairie@toul.test"), ("Mission locale", "ml@terres.test")):
            page.get_by_role("textbox", name=re.compile(r"^Nom\b")).fill(name)
            page.get_by_role("textbox", name=re.compile(r"^Courriel\b")).fill(email)
            page.get_by_role("button", name="Ajouter le partenaire").click()
            page.wait_for_selector("text=Partenaire ajouté.")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Envoyer les invitations (2)").click()
        page.wait_for_selector("text=2 invitations envoyées")
        assert sorted(m.to[0] for m in mailoutbox) == ["mairie@toul.test", "ml@terres.test"]
        links = {m.to[0]: re.search(r"(http://\S+/enquetes/repondre/\S+/)", m.body).group(1) for m in mailoutbox}
        assert len(set(links.values())) == 2
    finally:
        context.close()

    phone = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True,
                                has_touch=True)
    try:
        page = phone.new_page()
        page.goto(links["mairie@toul.test"])
        assert page.get_by_role("heading", name="Questionnaire partenaires").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = page.get_by_label("Vos attentes pour le prochain protocole")
        size = box.bounding_box()
        assert size["width"] >= 300 and size["height"] >= 120  # a comfortable box on a phone
        page.get_by_label("Élu·e").check()
        box.fill("Plus de places en mobilité.")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        page.wait_for_selector("text=Merci pour vos réponses")
        assert axe_violations(page) == []
    finally:
        phone.close()
    answer = Response.objects.get()
    assert answer.answers["public"] == "elu" and answer.answers["attentes"] == "Plus de places en mobilité."
    assert Respondent.objects.get(email="mairie@toul.test").answered_at is not None
