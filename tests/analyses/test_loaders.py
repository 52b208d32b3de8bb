"""``load_dataset``: the frames built from the database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from reperes.analytics.frames import SCHEMAS

HAND = Path(__file__).parent / "data" / "hand"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "cle-de-test-indicateurs")


@pytest.fixture
def loaded(territory):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import

    assert run_import(HAND).report["status"] == "ok"
    return load_dataset()


def test_frames_have_the_schema_and_every_row(loaded):
    for name, schema in SCHEMAS.items():
        frame = getattr(loaded, name)
        assert dict(frame.schema) == schema, name
    assert loaded.participants.height == 11
    assert loaded.etapes.height == 8
    assert loaded.suivi_freins.height == 6
    assert loaded.acquis.height == 2
    assert loaded.actions.height == 0


def test_values_are_decoded(loaded):

    p = loaded.participants
    assert "P01" not in p["participant"].to_list()
    assert p["participant"].str.len_chars().min() >= 32
    p03 = p.filter(pl.col("criteres").list.contains("AAH")).row(0, named=True)
    assert p03["criteres"] == ["TH", "AAH"] and p03["freins_entree"] == ["SANTE"]
    assert p03["age_entree"] == 50 and p03["date_entree"] == dt.date(2019, 1, 1)
    assert p03["date_sortie"] is None and p03["motif_sortie"] is None  # "" → null
    assert p03["qpv"] is None and p03["epci"] == "245400510"
    p04 = p.filter(pl.col("anciennete_chomage_mois") == 12).row(0, named=True)
    assert p04["age_entree"] == 50 and p04["annee_naissance"] == 1967
    assert p04["commune"] == "54395" and p04["epci"] == "245400676"  # from the reference, outside the territory
    assert p04["criteres"] == []
    assert set(p["qpv"].to_list()) == {True, False, None}
    levels = loaded.suivi_freins.sort("date")["niveau"].to_list()
    assert levels[0] == 3 and loaded.suivi_freins["date"].min() == dt.date(2018, 5, 10)


def test_epci_comes_from_the_reference_not_from_the_stored_value(territory):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import
    from reperes.collection.models import Participant

    run_import(HAND)
    Participant.objects.update(epci_siren="")
    frame = load_dataset().participants
    assert frame.filter(pl.col("commune") == "54528")["epci"].unique().to_list() == ["200070563"]


def test_communes_frame_is_the_territory_with_population(loaded):
    communes = loaded.communes
    assert set(communes["epci"].unique().to_list()) == {"200070563", "245400171", "200035772", "245400510"}
    populations = dict(communes.group_by("epci").agg(pl.col("population").sum()).iter_rows())
    assert populations == {"200070563": 44401, "245400171": 28136, "200035772": 14237, "245400510": 11218}
    toul = communes.filter(pl.col("commune") == "54528").row(0, named=True)
    assert toul["nom"] == "Toul" and toul["epci_nom"]


def test_empty_database_and_no_territory(db):
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.indicators import compute

    dataset = load_dataset()
    assert dataset.participants.height == 0 and dataset.communes.height == 0
    values = compute(dataset, dt.date(2019, 1, 1), dt.date(2019, 12, 31))["indicateurs"]
    assert values["participants_accompagnes"] == 0
    assert values["accompagnes_par_epci"] == {"hors_territoire": 0}


def test_actions_and_steps_link_to_their_action(territory, tmp_path):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import

    folder = tmp_path / "recueil"
    folder.mkdir()
    for name in ("participants", "etapes"):
        (folder / f"{name}.csv").write_text((HAND / f"{name}.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "actions.csv").write_text(
        "id_action;intitule;famille;territoire;budget_total;experimentale;places_prevues\n"
        "A1;Atelier mobilité;LEVEE_FREINS;200070563|54528;12 500,50;oui;12\n", encoding="utf-8")
    etapes = (folder / "etapes.csv").read_text(encoding="utf-8").splitlines()
    etapes[0] += ";id_action"
    etapes = [etapes[0]] + [line + (";A1" if line.startswith("E05") else ";") for line in etapes[1:]]
    (folder / "etapes.csv").write_text("\n".join(etapes) + "\n", encoding="utf-8")
    assert run_import(folder).report["status"] == "ok"
    dataset = load_dataset()
    action = dataset.actions.row(0, named=True)
    assert action["territoire"] == ["200070563", "54528"] and action["budget_total"] == 12500.5
    assert action["experimentale"] is True and action["places_prevues"] == 12 and action["axe"] is None
    linked = dataset.etapes.filter(pl.col("id_action").is_not_null())
    assert linked["id_action"].to_list() == ["A1"] and linked["type_etape"].to_list() == ["SAVOIRS_DE_BASE"]


def test_database_path_equals_the_direct_csv_path_on_generated_data(territory, tmp_path):
    """Generated data imported then loaded gives the same indicators as its CSV read straight into frames."""
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.csvframes import read_folder
    from reperes.analytics.indicators import compute
    from reperes.collection.importer import run_import
    from reperes.demo.generator import generate

    folder = tmp_path / "demo"
    generate(folder, seed=7, participants=300)
    assert run_import(folder).report["status"] == "ok"
    from_db = load_dataset()
    direct = read_folder(folder, communes=from_db.communes)
    for year in (2015, 2019):
        debut, fin = dt.date(year, 1, 1), dt.date(year, 12, 31)
        assert_close(compute(from_db, debut, fin), compute(direct, debut, fin), str(year))


def assert_close(a, b, path):
    if isinstance(b, dict):
        assert list(a) == list(b), path
        for key in b:
            assert_close(a[key], b[key], f"{path}.{key}")
    elif isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9), path
    else:
        assert a == b, path


def test_steps_assessments_and_achievements_carry_their_participants_id_and_action(territory, tmp_path):
    """The child tables are read with their participant's and action's primary keys, turned into ids in
    Polars: each row must carry what the ORM's joins give (an independent path), none lost, none added."""
    from collections import Counter

    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import
    from reperes.collection.models import Acquis, Etape, SuiviFrein
    from reperes.demo.generator import generate

    folder = tmp_path / "demo"
    generate(folder, seed=11, participants=200)
    assert run_import(folder).report["status"] == "ok"
    dataset = load_dataset()

    def blank(value):
        return None if value in ("", None) else value

    etapes = Counter((p, t, d, a) for p, t, d, a in Etape.objects.values_list(
        "participant__id_hash", "type_etape", "date_debut", "action__id_action"))
    assert sum(1 for key in etapes if key[3]) > 0 and sum(1 for key in etapes if not key[3]) > 0
    assert Counter(dataset.etapes.select("participant", "type_etape", "date_debut", "id_action")
                   .iter_rows()) == etapes
    suivi = Counter(SuiviFrein.objects.values_list("participant__id_hash", "date", "frein", "niveau"))
    assert suivi and Counter(dataset.suivi_freins.iter_rows()) == suivi
    acquis = Counter((p, d, blank(t)) for p, d, t in Acquis.objects.values_list(
        "participant__id_hash", "date", "type_acquis"))
    assert acquis and Counter(dataset.acquis.iter_rows()) == acquis


def test_garbage_collector_is_back_as_it_was_after_a_load_even_a_failed_one():
    import gc

    from reperes.analyses.loaders import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # another load's pause is not ended by this one
    finally:
        gc.enable()


def test_text_with_separators_quotes_and_line_breaks_is_read_as_stored(loaded):
    """On PostgreSQL the tables are read as CSV (``COPY … TO STDOUT``): a value holding the separator, quotes,
    a line break or JSON quotes must come back as stored, and a number, a boolean or a null as themselves."""
    from decimal import Decimal

    from reperes.analyses.loaders import load_dataset
    from reperes.collection.models import Etape, Participant

    tricky = 'Régie « A », "B"\nligne 2 ; fin'
    etape = Etape.objects.order_by("id").first()
    Etape.objects.filter(pk=etape.pk).update(operateur=tricky)
    participant = Participant.objects.order_by("id").first()
    Participant.objects.filter(pk=participant.pk).update(criteres=["RSA", 'a"b,c'], duree_emploi_mois=Decimal("3.5"),
                                                         qpv=True)
    dataset = load_dataset()
    row = dataset.participants.filter(pl.col("participant") == participant.id_hash).row(0, named=True)
    assert row["criteres"] == ["RSA", 'a"b,c'] and row["duree_emploi_mois"] == 3.5 and row["qpv"] is True
    steps = dataset.etapes.filter(pl.col("participant") == etape.participant.id_hash)
    assert tricky in steps["operateur"].to_list()
    assert dataset.etapes.height == Etape.objects.count()
    assert dataset.participants["qpv"].null_count() == Participant.objects.filter(qpv__isnull=True).count()
