"""Pages that fit, in Debian's Chromium at 1,280 px: no table cut, long tables collapsed, fragile rates said."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"
PAGES = ("/", "/analyses/", "/analyses/publics/", "/analyses/parcours/", "/analyses/actions/", "/analyses/sorties/",
         "/offre/", "/offre/territoire/", "/offre/matrice/", "/donnees/imports/", "/donnees/participants/",
         "/analyses/definitions/")

CUT_TABLES = """() => [...document.querySelectorAll('table')].filter(t => t.offsetParent !== null).filter(t => {
  const box = (t.closest('.rp-table-wrap') || t.parentElement);
  return t.scrollWidth > box.clientWidth + 1 || t.getBoundingClientRect().right > window.innerWidth + 1;
}).map(t => (t.caption ? t.caption.innerText : '?') + ' : ' + t.scrollWidth + ' px')"""


@pytest.fixture
def demo_plie(transactional_db, tmp_path, monkeypatch):
    from reperes.accounts.models import User
    from reperes.collection.importer import run_import
    from reperes.demo import generate
    from reperes.territory.services import create_territory, ensure_reference

    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "cle-de-test-pages")
    ensure_reference()
    create_territory("PLIE du Pays Terres de Lorraine", epci=("200070563", "245400171", "200035772", "245400510"))
    summary = generate(tmp_path / "demo", seed=3, participants=400)
    result = run_import(tmp_path / "demo")
    assert result.report["stored"]
    import datetime as dt

    from reperes.configuration.models import Installation

    installation = Installation.get()  # a year the demo covers: tables full of figures
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.save()
    User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")
    return summary


def test_pages_fit_at_1280_pixels_and_long_tables_are_collapsed(page, demo_plie):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    cut = {}
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(CUT_TABLES)
        if page.evaluate("document.documentElement.scrollWidth") > 1281:
            found.append("la page elle-même")
        if found:
            cut[url] = found
    assert cut == {}

    page.goto("/analyses/publics/")
    communes = page.locator("details.rp-long-table", has_text="Commune de résidence")
    assert communes.count() == 1 and communes.first.get_attribute("open") is None  # collapsed
    assert page.evaluate("document.documentElement.scrollHeight") < 13000
    html = page.content()
    assert "(fragile)" in html  # rates on fewer than 11 people are said to be fragile
    assert "taux calculé sur moins de 11 personnes" in page.locator("main").inner_text()


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]


def test_dashboard_guides_and_the_matrix_reads_as_a_grid(page, demo_plie):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    main = page.locator("main")
    from django.db.models import Max, Min

    from reperes.collection.models import Participant

    span = Participant.objects.aggregate(first=Min("date_entree"), last_in=Max("date_entree"), last_out=Max("date_sortie"))
    last = max(d for d in (span["last_in"], span["last_out"]) if d)
    assert f"Données de {span['first'].year} à {last.year}." in main.inner_text()
    missing = page.get_by_role("heading", name="Ce qui manque encore")
    assert missing.is_visible()
    assert page.get_by_role("link", name="Importer l'offre (data·inclusion)").is_visible()
    comparison = page.get_by_role("region", name="Tableau : cette période et l'année précédente")
    assert "Taux de sorties positives" in comparison.inner_text() and "Un an plus tôt" in comparison.inner_text()
    assert axe_violations(page) == []

    page.goto("/offre/matrice/")
    grid = page.get_by_role("table", name="Besoins (catégories de freins) × intercommunalités : statut, demande et "
                                           "services, et actions du PLIE")
    headers = grid.locator("thead th").all_inner_texts()
    assert headers[0] == "Besoin" and len(headers) == 5  # four EPCI
    # no offer catalogue yet: a need with a demand is either met by the PLIE's own étapes alone or a carence
    assert "Assuré par le PLIE seul" in grid.inner_text() and "Actions du PLIE" in main.inner_text()
    assert "actions du PLIE" in grid.inner_text()
    assert "Règle des statuts." in main.inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Besoins ayant au moins une cellule").select_option(label="sans besoin exprimé")
    page.get_by_label("Trier par").select_option(label="Nombre de carences")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**statut=sans_besoin**")
    assert "Sans besoin exprimé" in page.locator("table.rp-matrix").inner_text()

    page.goto("/analyses/definitions/")
    assert page.get_by_role("heading", level=1).inner_text() == "Définitions des indicateurs"
    assert axe_violations(page) == []
