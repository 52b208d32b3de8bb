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
    # the committees: launch and intermediate comités de suivi, a COPIL with every kind of decision
    assert [c["id"] for c in payload["comites"]] == ["CS0", "CS1", "CP1"]
    copil = payload["comites"][2]
    assert {x["decision"] for x in copil["decisions"]} == set(voc.DECISIONS)
    assert copil["heure_debut"] == "14:00" and len(payload["comites"][0]["ordre_du_jour"]) == 4
    assert decisions["R10"] == "amendee" and decisions["R11"] == "ajournee"
    # partner opinions, grouped into the consultation before each committee
    assert {x["avis"] for x in payload["consultations"]} == set(voc.AVIS)
    assert not m.Consultation.objects.filter(campagne__isnull=True).exists()
    assert sorted(c.comite.code for c in m.ConsultationCampagne.objects.all()) == ["CP1", "CS1"]
    # an action plan using the whole scale of the financial courts, and the mission calendar
    assert {a["statut"] for a in payload["actions"]} == set(voc.ACTION_STATUTS)
    assert len(payload["jalons"]) >= 7
    load_demo()  # rebuilt: updated, never duplicated
    assert m.Preuve.objects.count() == len(items)
    assert m.ConsultationCampagne.objects.count() == 2 and m.Comite.objects.count() == 3
