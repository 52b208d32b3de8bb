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
