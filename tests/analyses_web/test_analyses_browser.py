"""End to end in Debian's Chromium: log in, open every analysis page, change a filter (htmx), export a table."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


def test_analyses_in_the_browser(page):
    import importlib.util  # noqa: E401
    import pathlib

    from axe_playwright_python.sync_playwright import Axe

    from reperes.accounts.models import User
    from reperes.territory.services import create_territory, ensure_reference
    spec = importlib.util.spec_from_file_location("plie", pathlib.Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    make_plie = module.make_plie

    ensure_reference()
    create_territory("PLIE du Pays Terres de Lorraine", epci=("200070563", "245400171", "200035772", "245400510"))
    make_plie()
    User.objects.create_user("etude@test.fr", PASSWORD, role="charge_etude")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("etude@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Analyses").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Analyses : Vue d'ensemble"
    for name, title in (("Publics", "Publics"), ("Parcours et étapes", "Parcours et étapes"),
                        ("Actions", "Actions"), ("Sorties", "Sorties"), ("Vue d'ensemble", "Vue d'ensemble")):
        page.get_by_role("navigation", name="Thèmes des analyses").get_by_role("link", name=name).click()
        assert page.get_by_role("heading", level=1).inner_text() == f"Analyses : {title}"
        violations = Axe().run(page).response["violations"]
        assert [(v["id"], len(v["nodes"])) for v in violations] == [], name
    # A filter change swaps the results through htmx (no full reload: the heading stays the same element).
    heading = page.get_by_role("heading", level=1).element_handle()
    with page.expect_response(lambda r: "profil=sexe" in r.url):
        page.get_by_label("Profil des participants").select_option("sexe:Homme")
    # Playwright's own wait (a string predicate would be eval'd, which the pages' CSP forbids).
    expect(page.locator(".rp-period")).to_contain_text("Homme")
    assert heading.is_visible()
    assert "profil=sexe" in page.url
    page.locator("#bloc-indicateurs").scroll_into_view_if_needed()
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX : Indicateurs clés").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_exports_open_in_french_excel_and_charts_download(page):
    """Download from the page as a user would; read the files back: numbers, not text, for French Excel."""
    import csv
    import importlib.util
    import io
    import pathlib

    from openpyxl import load_workbook

    from reperes.accounts.models import User
    from reperes.territory.services import create_territory, ensure_reference

    spec = importlib.util.spec_from_file_location("plie", pathlib.Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ensure_reference()
    create_territory("PLIE du Pays Terres de Lorraine", epci=("200070563", "245400171", "200035772", "245400510"))
    module.make_plie()
    User.objects.create_user("etude@test.fr", PASSWORD, role="charge_etude")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("etude@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.goto("/analyses/")
    page.locator("#bloc-annees").scroll_into_view_if_needed()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV pour Excel (France) : Évolution par année depuis la première entrée").click()
    text = pathlib.Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    year_2019 = next(r for r in rows if r[0] == "2019")
    rate = rows[0].index("Taux de sorties positives")
    assert year_2019[rate].replace(",", ".") == str(16 / 30) and "," in year_2019[rate]  # 16 of 30 exits

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX : Évolution par année depuis la première entrée").click()
    sheet = load_workbook(io.BytesIO(pathlib.Path(download.value.path()).read_bytes())).worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if str(r[0].value) == "2019")
    assert row[headers.index("Taux de sorties positives")].number_format == "0.0%"
    assert "Intervalle de confiance à 95 % : borne basse" in headers

    with page.expect_download() as download:
        page.get_by_role("link", name="PNG : Évolution par année depuis la première entrée").click()
    assert pathlib.Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
