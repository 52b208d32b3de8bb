"""End to end, in Debian's Chromium: log in and open the dashboard; no accessibility violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


@pytest.fixture
def demo_like(transactional_db):
    from reperes.accounts.models import User
    from reperes.territory.services import create_territory, ensure_reference

    ensure_reference()  # transactional tests flush the tables the migration filled
    create_territory("PLIE du Pays Terres de Lorraine",
                     epci=("200070563", "245400171", "200035772", "245400510"))
    from reperes.configuration.models import Installation

    Installation.objects.update_or_create(pk=1, defaults={"is_demo": True})  # the demo banner is checked too
    User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")
    User.objects.create_user("partenaire@test.fr", PASSWORD, role="partenaire")


def login(page, email):
    page.goto("/")
    assert page.url.endswith("/comptes/connexion/?next=/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]]


def test_admin_logs_in_and_sees_the_dashboard(page, demo_like):
    page.goto("/comptes/connexion/")
    assert axe_violations(page) == []
    login(page, "admin@test.fr")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
    assert "Données de démonstration – fictives" in page.locator("header").inner_text()
    body = page.locator("main").inner_text()
    assert "153" in body and "97\u202f992" in body  # communes and population of Terres de Lorraine
    assert page.locator("figure svg[role=img]").count() >= 1
    for link in ("Participants", "Imports", "Utilisateurs", "Paramètres", "Journal"):
        assert page.get_by_role("link", name=link).count() == 1
    assert axe_violations(page) == []
    page.get_by_role("link", name="Paramètres").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Paramètres"
    assert axe_violations(page) == []


def test_partner_sees_no_row_level_link_and_is_refused(page, demo_like):
    login(page, "partenaire@test.fr")
    assert page.get_by_role("link", name="Participants").count() == 0
    response = page.goto("/donnees/participants/")
    assert response.status == 403
    assert "Accès refusé" in page.locator("h1").inner_text()
