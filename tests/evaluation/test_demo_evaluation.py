"""The demo's fictitious evaluation: loaded through the real import, every figure resolved from the demo data."""

from __future__ import annotations

import pytest

from reperes.evaluation import models as m
from reperes.referentiel import evaluation as voc

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(territory, tmp_path):
    from reperes.collection.importer import run_import
    from reperes.configuration.models import Installation
    from reperes.demo import generate
    from reperes.offer.demo import load_demo

    installation = Installation.get()
    installation.territory = territory
    installation.save()
    generate(tmp_path / "demo", seed=2019, participants=300)
    assert run_import(tmp_path / "demo", source_name="démo").exit_status == 0
    load_demo(territory, tmp_path / "offre")


def test_the_demo_evaluation_shows_the_whole_chain(demo_data):
    from reperes.evaluation.demo import load_demo
    from reperes.evaluation.exchange import export

    load_demo()
    assert {q.critere for q in m.Question.objects.all()} == set(voc.CRITERES)
    assert 9 <= m.Constat.objects.count() <= 12 and 8 <= m.Preconisation.objects.count() <= 12
    payload = export()
    items = [p for c in payload["constats"] for p in c["preuves"]]
    figures = [p for p in items if p["type"] in ("indicateur", "matrice")]
    assert len(figures) >= 15
    assert all(p.get("valeur") is not None and "erreur" not in p for p in figures), [
        p for p in figures if p.get("valeur") is None or "erreur" in p]
    flagged = [p["indicateur"] for p in items if p.get("a_revoir")]
    assert flagged == ["taux_valorisation_sorties_non_positives"]  # the one retained with an older value
    decisions = {r["id"]: r["decision"] for r in payload["preconisations"]}
    assert decisions["R7"] == "rejetee" and decisions["R9"] == "proposee" and decisions["R1"] == "adoptee"
    load_demo()  # rebuilt: updated, never duplicated
    assert m.Preuve.objects.count() == len(items)
