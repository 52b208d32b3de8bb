"""In Debian's Chromium: the offer, matrix, map and actors pages open, for staff and partners, without axe violations."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


@pytest.fixture
def instance(transactional_db, tmp_path):
    from reperes.accounts.models import User
    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation
    from reperes.offer.demo import load_demo
    from reperes.territory.services import create_territory, ensure_reference

    ensure_reference()  # a flush empties the communes reference loaded by migration
    territory = create_territory("PLIE du Pays Terres de Lorraine",
                                 epci=("200070563", "245400171", "200035772", "245400510"))
    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.save()
    Participant.objects.bulk_create(
        Participant(id_hash=f"p{i}", sexe="F", commune_residence="54528", epci_siren="200070563",
                    niveau_formation="NIV_3", situation_entree="DE", freins_entree=["MOBILITE", "SANTE"],
                    criteres=["RSA"], date_entree=dt.date(2019, 2, 1), prescripteur="FRANCE_TRAVAIL")
        for i in range(30))
    load_demo(territory, tmp_path / "offre")
    User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")
    User.objects.create_user("partenaire@test.fr", PASSWORD, role="partenaire")


def login(page, email):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]


def test_offer_matrix_map_and_actors_pages(page, instance):
    login(page, "admin@test.fr")
    page.get_by_role("link", name="Offre", exact=True).first.click()
    page.get_by_role("heading", name="L'offre d'insertion du territoire").wait_for()
    assert page.get_by_role("link", name="Location solidaire de scooters", exact=True).is_visible()
    assert violations(page) == []

    page.get_by_role("link", name="Location solidaire de scooters", exact=True).click()
    page.get_by_role("heading", name="Location solidaire de scooters", level=1).wait_for()
    page.get_by_role("heading", name="Comment mobiliser ce service").wait_for()
    assert violations(page) == []
    page.get_by_role("link", name="Retour au catalogue").click()
    page.get_by_role("heading", name="L'offre d'insertion du territoire").wait_for()

    page.get_by_role("link", name="Matrice besoins × offre").click()
    page.get_by_role("heading", name="Matrice besoins × offre").wait_for()
    grid = page.locator("table.rp-matrix")  # needs × EPCI; the detailed list is collapsed under it
    assert grid.get_by_text("Carence").first.is_visible()
    page.get_by_text("Voir la liste détaillée").click()
    table = page.get_by_role("table", name="Besoins et offre par intercommunalité et catégorie")
    assert table.get_by_text("Carence").first.is_visible()
    assert violations(page) == []

    page.get_by_role("link", name="Territoire", exact=True).first.click()
    page.locator("figure svg[role=img]").wait_for()
    assert "Accompagnés pour 1\u202f000 habitants" in page.locator("figure figcaption").inner_text()
    page.get_by_role("link", name="Demandeurs d'emploi de longue durée", exact=True).click()
    page.wait_for_url("**carte=stock_deld**")
    assert "fictif" in page.content()
    assert violations(page) == []

    page.goto("/offre/acteurs/")
    assert page.locator("svg[role=img] title").count() == 2  # the flow diagram and the prescripteurs (no exit, no étape)
    assert page.get_by_text("Des prescripteurs aux sorties : les flux du PLIE").first.is_visible()
    assert violations(page) == []

    # a partner sees the diffusion version
    page.context.clear_cookies()
    login(page, "partenaire@test.fr")
    page.goto("/offre/matrice/")
    assert page.get_by_text("Version diffusion").is_visible()
    assert page.locator("table.rp-matrix").is_visible()
