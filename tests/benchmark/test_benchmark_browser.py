"""In Debian's Chromium: export the demo's sheet, import it as a peer's, find the same values on « Comparer ».

A fresh second instance would cost a second server and database: the peer is
imported into the same test database under another PLIE name instead, which
exercises the same path (file written by one Repères, read by another).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"
TWIN = "PLIE jumeau (copie de la démo)"


@pytest.fixture
def demo_instance(transactional_db, tmp_path):
    from reperes.accounts.models import User
    from reperes.analyses import services
    from reperes.benchmark import services as bench
    from reperes.benchmark.demo import load_demo
    from reperes.collection.importer import run_import
    from reperes.configuration.models import Installation
    from reperes.demo import generate
    from reperes.territory.services import create_territory, ensure_reference

    ensure_reference()  # transactional tests flush the tables the migration filled
    create_territory("PLIE du Pays Terres de Lorraine", epci=("200070563", "245400171", "200035772", "245400510"))
    generate(tmp_path / "demo", seed=2019, participants=400)
    assert run_import(tmp_path / "demo", source_name="démo").exit_status == 0
    installation = Installation.get()
    installation.plie_name = "PLIE du Pays Terres de Lorraine"
    installation.save()
    load_demo(tmp_path / "fiches")
    services.clear_caches()
    bench._SHEETS.clear()
    return User.objects.create_user("admin@test.fr", PASSWORD, role="administrateur")


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]


def row_value(page, plie: str, year: str) -> str:
    row = page.locator("#table-comparaison tbody tr").filter(has_text=plie).filter(
        has=page.locator("td", has_text=re.compile(rf"^{year}$")))
    return row.locator(".rp-valeur").inner_text()


def test_export_the_demo_sheet_import_it_as_a_peer_and_compare(page, demo_instance, tmp_path):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Comparer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Comparer avec d’autres PLIE"
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter la fiche de ce PLIE (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    year = text.splitlines()[1].split(";")[1]
    peer_file = tmp_path / "fiche-jumeau.csv"
    peer_file.write_text(text.replace("PLIE du Pays Terres de Lorraine;", f"{TWIN};"), encoding="utf-8")

    page.get_by_label("Fiche PLIE reçue (CSV, XLSX ou ODS)").set_input_files(str(peer_file))
    page.get_by_role("button", name="Importer la fiche").click()
    assert "0 remplacée(s), 0 ligne(s) rejetée(s)" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Retour à la comparaison").click()
    assert "fiche-jumeau.csv" in page.locator("#table-fiches").inner_text()

    for indicateur in ("participants_accompagnes", "taux_sorties_positives", "part_femmes", "part_th",
                       "cout_par_participant_euros"):
        page.get_by_label("Indicateur", exact=True).select_option(indicateur)
        page.get_by_label("Année", exact=True).select_option(year)
        page.get_by_role("button", name="Comparer", exact=True).click()
        mine = row_value(page, "ce PLIE", year)
        twin = row_value(page, TWIN, year)
        assert mine == twin and mine not in ("", "–"), (indicateur, mine, twin)
    assert axe_violations(page) == []
