"""Large loads: secondary indexes (and PostgreSQL's foreign keys) dropped for the load, rebuilt after it."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from reperes.collection.importer import run_import, store
from reperes.collection.importer.undo import undo_import
from reperes.collection.models import Acquis, Action, Etape, Participant, SuiviFrein

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = (Action, Participant, Etape, SuiviFrein, Acquis)


def schema() -> dict:
    """Every table's droppable indexes and foreign keys, as the database describes them."""
    return {model.__name__: (store.secondary_indexes(model), store.table_constraints(model)) for model in MODELS}


@pytest.fixture(autouse=True)
def communes():
    from reperes.territory.services import ensure_reference

    ensure_reference()  # a transactional test starts from an empty database


@pytest.fixture
def bulk_always(monkeypatch):
    monkeypatch.setattr(store, "BULK_FROM_ROWS", 1)


def test_the_schema_has_secondary_indexes_to_drop():
    described = schema()
    names = {name for indexes, _keys in described.values() for name, _sql in indexes}
    assert "participant_personne" in names  # the index the GDPR lookup uses
    # A first large import drops the identities too, on both databases (rebuilt in one pass, migration 0010).
    for model, identity in ((Participant, "participant_identity"), (Etape, "etape_identity")):
        assert identity in {name for name, _sql in store.secondary_indexes(model, unique=True)}
        assert identity not in {name for name, _sql in store.secondary_indexes(model)}  # ON CONFLICT needs it
    if connection.vendor == "postgresql":
        assert described["Etape"][1], "étapes have foreign keys on PostgreSQL"
        large = {name for model in ("Participant", "Etape") for name, _sql in described[model][0]}
        assert not any(name.endswith("_like") for name in large), "no pattern index that no query uses"


def test_postgresql_compares_the_pseudonymised_identifiers_byte_by_byte():
    """Their unique indexes are rebuilt after every large import: with the « C » collation PostgreSQL sorts the
    digests by their bytes, in half the time (migration 0009). A later change of the field must keep it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares text byte by byte")
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, column_name, collation_name FROM information_schema.columns "
                       "WHERE (table_name, column_name) IN (('collection_participant', 'id_hash'), "
                       "('collection_participant', 'personne_hash'), ('collection_etape', 'etape_key'))")
        found = {(table, column): collation for table, column, collation in cursor.fetchall()}
    assert found == {("collection_participant", "id_hash"): "C", ("collection_participant", "personne_hash"): "C",
                     ("collection_etape", "etape_key"): "C"}


def test_sqlite_sorts_the_rebuilt_indexes_with_threads_and_gives_the_connection_back_as_it_was(
        tmp_path, data, bulk_always, monkeypatch):
    """SQLite rebuilds a bulk load's indexes with its small default cache and worker threads (the store's large
    cache made one run per index, sorted by one thread), then gives the connection its settings back."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL: its own memory settings, local to the transaction")

    def pragma(name):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}")
            return cursor.fetchone()[0]

    seen = []
    rebuild = store._rebuild_memory

    @store.contextmanager
    def watched(cursor):
        with rebuild(cursor):
            seen.append((pragma("cache_size"), pragma("threads")))
            yield

    monkeypatch.setattr(store, "_rebuild_memory", watched)
    before = (pragma("cache_size"), pragma("threads"))
    assert run_import(data.write_folder(tmp_path / "v1", data.sample())).exit_status == 0
    assert seen and set(seen) == {(store.SQLITE_REBUILD_CACHE_KIB, store.SQLITE_SORT_THREADS)}
    assert store.SQLITE_REBUILD_CACHE_KIB > store.SQLITE_CACHE_KIB  # smaller than the store's (negative: KiB)
    assert (pragma("cache_size"), pragma("threads")) == before


def test_a_bulk_load_stores_the_same_rows_and_rebuilds_every_index_and_key(tmp_path, data, bulk_always):
    before = schema()
    folder = data.write_folder(tmp_path / "v1", data.sample())

    result = run_import(folder)

    assert result.exit_status == 0
    assert (Participant.objects.count(), Etape.objects.count(), SuiviFrein.objects.count()) == (3, 4, 2)
    assert schema() == before
    # The same file again, on the ordinary path, changes nothing: the bulk path stored the same values.
    store.BULK_FROM_ROWS = 10**9
    again = run_import(folder)
    assert again.exit_status == 0
    assert not Participant.objects.filter(import_run=again.run).exists()
    assert not Etape.objects.filter(import_run=again.run).exists()


def test_foreign_keys_are_enforced_again_after_a_bulk_load(tmp_path, data, bulk_always):
    run_import(data.write_folder(tmp_path / "v1", data.sample()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Etape.objects.create(etape_key="orpheline", participant_id=987654321, type_etape="ACCUEIL",
                             date_debut=datetime.date(2024, 1, 1))
        connection.check_constraints()  # PostgreSQL checks deferred keys at commit; this asks now
    assert not Etape.objects.filter(etape_key="orpheline").exists()


def test_a_failure_during_a_bulk_load_stores_nothing_and_leaves_the_indexes(tmp_path, data, bulk_always,
                                                                             monkeypatch):
    before = schema()
    real_upsert = store.upsert

    def upsert_then_fail(spec, *args):
        real_upsert(spec, *args)
        if spec.table == "etapes":
            raise RuntimeError("panne simulée")

    real_direct = store.load_direct

    def load_then_fail(spec, *args):
        real_direct(spec, *args)
        if spec.table == "etapes":
            raise RuntimeError("panne simulée")

    monkeypatch.setattr(store, "upsert", upsert_then_fail)
    monkeypatch.setattr(store, "load_direct", load_then_fail)
    folder = data.write_folder(tmp_path / "v1", data.sample())
    with pytest.raises(RuntimeError):
        run_import(folder)  # first import: the direct path (empty tables)
    assert not Participant.objects.exists() and not Action.objects.exists()
    assert schema() == before

    monkeypatch.setattr(store, "load_direct", real_direct)
    monkeypatch.setattr(store, "upsert", real_upsert)
    run_import(folder)
    tables = data.sample()
    tables["participants"].append(data.participant(id_participant="P004", id_personne=""))
    tables["etapes"].append(dict(tables["etapes"][0], id_participant="P004", id_etape="E-P004"))
    monkeypatch.setattr(store, "upsert", upsert_then_fail)
    with pytest.raises(RuntimeError):
        run_import(data.write_folder(tmp_path / "v2", tables))  # tables not empty: staging and upsert
    assert Participant.objects.count() == 3 and Etape.objects.count() == 4
    assert schema() == before


def test_a_first_large_import_goes_straight_into_the_tables(tmp_path, data, bulk_always, monkeypatch):
    used = []
    real_direct, real_upsert = store.load_direct, store.upsert
    monkeypatch.setattr(store, "load_direct", lambda spec, *a: used.append(("direct", spec.table))
                        or real_direct(spec, *a))
    monkeypatch.setattr(store, "upsert", lambda spec, *a: used.append(("upsert", spec.table))
                        or real_upsert(spec, *a))
    tables = data.sample()
    first = run_import(data.write_folder(tmp_path / "v1", tables))
    assert {kind for kind, _table in used} == {"direct"}
    stored = Etape.objects.select_related("participant", "action").order_by("date_debut", "id")
    assert all(e.participant.import_run_id == first.run.pk for e in stored)
    assert {e.action.id_action for e in stored if e.action} == {"A1"}  # foreign keys resolved in Polars

    used.clear()
    tables["participants"][0]["niveau_formation"] = "NIV_4"
    second = run_import(data.write_folder(tmp_path / "v2", tables))
    assert ("upsert", "participants") in used and ("direct", "participants") not in used
    assert Participant.objects.get(niveau_formation="NIV_4").import_run_id == second.run.pk


def test_a_small_run_into_a_large_table_keeps_its_indexes(tmp_path, data, monkeypatch):
    monkeypatch.setattr(store, "BULK_FROM_ROWS", 2)
    run_import(data.write_folder(tmp_path / "v1", data.sample()))  # 3 participants: bulk (3 ≥ 2 and ≥ 0)
    spec = next(s for s in store.SPECS if s.table == "participants")
    assert store.wants_bulk(spec, 3)  # as many rows as the table holds
    assert not store.wants_bulk(spec, 2)  # fewer rows than the table holds: indexes kept
    assert not store.wants_bulk(spec, 1)  # under the threshold


def test_an_import_done_in_bulk_can_be_undone(tmp_path, data, bulk_always):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", tables))
    tables["participants"][0]["niveau_formation"] = "NIV_4"
    second = run_import(data.write_folder(tmp_path / "v2", tables), replace=True)
    assert Participant.objects.filter(niveau_formation="NIV_4").count() == 1
    undo_import(second.run)
    assert Participant.objects.count() == 3
    assert not Participant.objects.filter(niveau_formation="NIV_4").exists()
