"""End to end in Debian's Chromium, as a chargé d'étude: from a figure of the analyses to a recommendation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


def _make_plie():
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location("evaluation_plie", pathlib.Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_plie()


def _no_violations(page, where):
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert [(v["id"], len(v["nodes"])) for v in violations] == [], where


def test_the_chain_from_a_figure_to_a_recommendation(page):
    from reperes.accounts.models import User
    from reperes.analyses import services
    from reperes.territory.services import create_territory, ensure_reference

    services.clear_caches()
    ensure_reference()
    create_territory("PLIE du Pays Terres de Lorraine", epci=("200070563", "245400171", "200035772", "245400510"))
    _make_plie()
    User.objects.create_user("etude@test.fr", PASSWORD, role="charge_etude")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("etude@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    # The questions of the call are proposed, grouped by the six criteria
    page.get_by_role("link", name="Évaluation").first.click()
    assert page.get_by_role("heading", level=2, name="Cohérence").is_visible()
    _no_violations(page, "questions")

    # Retain a figure from the analyses
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Analyses").click()
    page.get_by_role("link", name="Retenir comme preuve : Indicateurs clés").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Retenir comme preuve"
    assert "Année 2019" in page.locator(".rp-lead").inner_text()
    page.get_by_label("Chiffre retenu").select_option(label="Taux de sorties positives")
    page.get_by_label("Nouveau constat (une ou deux phrases)").fill(
        "Un peu plus d’une sortie sur deux est positive en 2019.")
    page.get_by_label("Q6 – ", exact=False).check()
    _no_violations(page, "retenir")
    page.get_by_role("button", name="Retenir comme preuve").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Constat C1"
    row = page.get_by_role("row", name="Taux de sorties positives")
    assert "58,8" in row.inner_text() and "inchangée" in row.inner_text()  # 10 / 17, by hand
    _no_violations(page, "constat")

    # Write a recommendation resting on it
    page.get_by_role("navigation", name="Évaluation").get_by_role("link", name="Préconisations").click()
    page.get_by_role("link", name="Nouvelle préconisation").click()
    page.get_by_label("Titre").fill("Viser l’emploi durable")
    page.get_by_label("Texte proposé").fill("Porter le taux de sorties positives à 60 % d’ici 2025.")
    page.get_by_label("C1 – ", exact=False).check()
    page.get_by_label("Priorité").select_option("haute")
    page.get_by_label("Horizon").fill("2021-2025")
    page.get_by_label("Pilote").fill("PLIE")
    page.get_by_label("Article du protocole").select_option("objectifs")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("heading", level=2, name="1. Viser l’emploi durable").is_visible()

    # The figure, in the traceability view, leads to the recommendation
    page.get_by_role("navigation", name="Évaluation").get_by_role("link", name="Traçabilité").click()
    row = page.get_by_role("row", name="Taux de sorties positives")
    assert "58,8" in row.inner_text() and "n° 1 – Viser l’emploi durable" in row.inner_text()
    _no_violations(page, "traçabilité")
