"""A large run on SQLite checks its foreign keys once, before the commit, not row by row: a row that points
nowhere still stops the whole run (PostgreSQL: its keys are re-added after the load, same outcome)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from reperes.collection.importer import run_import, store
from reperes.collection.models import Action, Etape, ImportRun, Participant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def communes():
    from reperes.territory.services import ensure_reference

    ensure_reference()  # a transactional test starts from an empty database


def foreign_keys_on() -> bool:
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


def test_an_etape_pointing_to_no_participant_stops_the_run_and_stores_nothing(tmp_path, data, monkeypatch):
    monkeypatch.setattr(store, "BULK_FROM_ROWS", 1)
    real_keys_of = store._keys_of
    seen = []

    def wrong_participants(model, key):  # a fault in the store: étapes get a participant pk that does not exist
        seen.append(foreign_keys_on())
        keys = real_keys_of(model, key)
        return keys.with_columns(keys["__pk"] + 10**6) if model is Participant else keys

    monkeypatch.setattr(store, "_keys_of", wrong_participants)
    with pytest.raises(IntegrityError):
        run_import(data.write_folder(tmp_path / "v1", data.sample()))
    assert not Etape.objects.exists() and not Participant.objects.exists() and not Action.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED
    if connection.vendor == "sqlite":
        assert seen and not any(seen), "rows went in with the keys unchecked, to be checked once at the end"
    assert foreign_keys_on(), "keys are enforced again after the run"


def test_a_large_run_stores_and_leaves_the_keys_enforced(tmp_path, data, monkeypatch):
    monkeypatch.setattr(store, "BULK_FROM_ROWS", 1)
    result = run_import(data.write_folder(tmp_path / "v1", data.sample()))
    assert result.exit_status == 0
    assert (Participant.objects.count(), Etape.objects.count()) == (3, 4)  # the sample: 3 parcours, 4 étapes
    assert foreign_keys_on()
