"""Ages stored before the fix of 2 December 2026: the installation says so until a replacing import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reperes.collection.importer import run_import
from reperes.configuration.models import Installation

BEFORE = [("configuration", "0001_initial"), ("collection", "0006_situation_entree_inconnu")]
AFTER = [("configuration", "0002_ages_to_check")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """The tests below leave the schema at older migrations: the later tests of this process need the latest."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_the_migration_flags_an_instance_holding_participants():
    old = migrate(BEFORE)
    old.get_model("collection", "Participant").objects.create(
        id_hash="h1", sexe="F", annee_naissance=1990, age_entree=30, commune_residence="54395", epci_siren="245400676",
        niveau_formation="NIV_3", situation_entree="DE", date_entree=dt.date(2021, 6, 29))
    new = migrate(AFTER)
    assert new.get_model("configuration", "Installation").objects.get(pk=1).ages_to_check is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_an_empty_instance_is_not_flagged():
    migrate(BEFORE)
    new = migrate(AFTER)
    assert not new.get_model("configuration", "Installation").objects.filter(ages_to_check=True).exists()


@pytest.mark.django_db
def test_the_notice_shows_to_staff_until_a_replacing_import(tmp_path, data, client_charge, client_partner):
    Installation.objects.update_or_create(pk=1, defaults={"ages_to_check": True})
    assert "Âges à l’entrée à recalculer" in client_charge.get("/").content.decode()
    assert "Âges à l’entrée à recalculer" not in client_partner.get("/").content.decode()

    folder = data.write_folder(tmp_path / "v1", data.sample())
    run_import(folder)  # an ordinary import may leave older participants untouched
    assert Installation.get().ages_to_check is True
    run_import(folder, replace=True)
    assert Installation.get().ages_to_check is False
    assert "Âges à l’entrée à recalculer" not in client_charge.get("/").content.decode()
