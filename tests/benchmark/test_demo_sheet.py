"""The demo's own sheet, every year it covers: no count from 1 to 10 is published, directly or by a ratio."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]

COUNTS = ("participants_accompagnes", "entrees", "sorties", "sorties_positives")
SHARES_OF_ACCOMPAGNES = ("part_femmes", "part_moins_26_ans", "part_50_ans_et_plus", "part_rsa", "part_deld",
                         "part_th", "part_qpv", "part_infra_bac")


@pytest.fixture
def demo(territory, tmp_path):
    """The demo as ``reperes demo`` builds it (same generator and seed; 1 500 parcours), peers included."""
    from reperes.benchmark.demo import load_demo
    from reperes.cli.demo_cmd import DEMO_NAME
    from reperes.collection.importer import run_import
    from reperes.configuration.models import Installation
    from reperes.demo import generate

    generate(tmp_path / "demo", seed=2019, participants=1500)
    assert run_import(tmp_path / "demo", source_name="démo").exit_status == 0
    installation = Installation.get()
    installation.plie_name = DEMO_NAME
    installation.save()
    load_demo(tmp_path / "fiches")


def test_the_demo_sheet_publishes_no_count_under_the_threshold(demo):
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.indicators import evaluate
    from reperes.benchmark.services import own_sheet, own_years

    data = load_dataset()
    years = own_years()
    assert years[-1] == 2019 and len(years) >= 3
    hidden_seen = 0
    for year in years:
        rows = {r["indicateur"]: r for r in own_sheet(year)}
        raw = evaluate(data, dt.date(year, 1, 1), dt.date(year, 12, 31), esf=False).indicateurs
        for indicateur in COUNTS:
            row = rows[indicateur]
            if row["secret"]:
                hidden_seen += 1
                assert row["valeur"] is None
            else:
                assert row["valeur"] == 0 or row["valeur"] >= 11, (year, indicateur, row["valeur"])
                assert row["valeur"] == raw[indicateur]
        acc = raw["participants_accompagnes"]
        for share in SHARES_OF_ACCOMPAGNES:
            row = rows.get(share)
            if row is None or row["secret"]:
                continue
            people = round(row["valeur"] * acc)
            assert people == 0 or people >= 11, (year, share, people)
            assert acc >= 11
        if rows["participants_accompagnes"]["secret"]:
            for ratio in ("participants_par_referent", "cout_par_participant_euros"):
                assert rows[ratio]["valeur"] is None
        small = [i for i in COUNTS if 0 < raw[i] < 11]
        assert all(rows[i]["secret"] for i in small), (year, small)
    assert hidden_seen > 0  # the first years of the demo are small: the rule was exercised


def test_the_demo_ships_fictitious_peers_clearly_labelled_and_the_national_series(demo):
    from reperes.benchmark.models import SheetImport, SheetValue
    from reperes.benchmark.services import compare

    assert SheetImport.objects.count() == 4 and all(s.fictitious for s in SheetImport.objects.all())
    assert all("fictif" in plie for plie in SheetValue.objects.values_list("plie", flat=True))
    lines = compare("taux_sorties_positives", 2019)["lignes"]
    assert [x["moi"] for x in lines].count(True) == 1
    assert any(x["national"] and x["valeur"] == 0.47 for x in lines)
    assert sum(x["fictif"] for x in lines) == 4
    assert [x["comparable"] for x in lines].count(False) == 1
