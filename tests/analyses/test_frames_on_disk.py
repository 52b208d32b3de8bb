"""The frames kept on disk for the next process (``reperes.analyses.frames_on_disk``): the same frames as the
database gives, never those of another version of the data, and none left once a person is deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from reperes.analytics.frames import SCHEMAS

HAND = Path(__file__).parent / "data" / "hand"
# One more parcours, in the hand data set's columns.
MORE = ((HAND / "participants.csv").read_text(encoding="utf-8").splitlines()[0]
        + "\nP99;F;01/05/1990;;54528;non;NIV_4;DE;;;;FRANCE_TRAVAIL;REF1;01/06/2019;;;\n")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_on_disk(settings, monkeypatch):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", "cle-de-test-indicateurs")
    settings.REPERES_FRAMES_ON_DISK = True
    yield
    from reperes.analyses import frames_on_disk

    frames_on_disk.forget()


@pytest.fixture
def imported(territory):
    from reperes.collection.importer import run_import

    assert run_import(HAND).report["status"] == "ok"


def from_database():
    """The dataset read from the database alone (nothing kept), the reference the kept frames must equal."""
    from django.test import override_settings

    from reperes.analyses.loaders import load_dataset

    with override_settings(REPERES_FRAMES_ON_DISK=False):
        return load_dataset()


def read_refused(monkeypatch):
    """After this, a read of the database fails: the frames can only come from their files."""
    from reperes.analyses import loaders

    def refuse():
        raise AssertionError("the rows were read from the database again")

    monkeypatch.setattr(loaders, "read_collection", refuse)


def assert_same(a, b):
    for name in SCHEMAS:
        assert getattr(a, name).equals(getattr(b, name)), name
    assert a.epci_populations == b.epci_populations


def folders():
    from reperes.analyses import frames_on_disk

    root = frames_on_disk.folder()
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


def test_a_second_process_reads_the_files_and_gets_the_same_frames(imported, monkeypatch):
    from reperes.analyses.loaders import load_dataset

    load_dataset()
    assert len(folders()) == 1
    reference = from_database()
    read_refused(monkeypatch)
    second = load_dataset()
    assert_same(second, reference)
    assert second.participants["epci"].drop_nulls().len() > 0  # joined from the reference after reading


def test_an_import_makes_a_new_version_read_from_the_database(imported, tmp_path):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import

    before = load_dataset()
    old = folders()
    (tmp_path / "participants.csv").write_text(MORE, encoding="utf-8")
    assert run_import(tmp_path).report["status"] == "ok"
    after = load_dataset()
    assert after.participants.height == before.participants.height + 1
    assert_same(after, from_database())
    assert len(folders()) == 1 and folders() != old  # the files of the old version are gone


def test_an_undone_import_is_a_new_version(imported, tmp_path, django_capture_on_commit_callbacks):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.importer import run_import
    from reperes.collection.importer.undo import undo_import

    (tmp_path / "participants.csv").write_text(MORE, encoding="utf-8")
    result = run_import(tmp_path)
    with_more = load_dataset()
    with django_capture_on_commit_callbacks(execute=True):
        undo_import(result.run)
    assert folders() == []  # an undo deletes rows: nothing kept survives it
    after = load_dataset()
    assert after.participants.height == with_more.participants.height - 1
    assert_same(after, from_database())


def test_deleting_a_person_deletes_every_kept_file(imported, django_capture_on_commit_callbacks):
    from reperes.analyses.loaders import load_dataset
    from reperes.collection.lifecycle import delete_participant

    load_dataset()
    assert folders()
    with django_capture_on_commit_callbacks(execute=True):
        delete_participant("P03")
    assert folders() == []
    after = load_dataset()
    assert after.participants.height == 10
    assert_same(after, from_database())


def test_a_damaged_file_is_read_from_the_database_again(imported, monkeypatch):
    from reperes.analyses import frames_on_disk
    from reperes.analyses.loaders import load_dataset

    load_dataset()
    (frames_on_disk.folder() / folders()[0] / "etapes.parquet").write_bytes(b"pas un fichier Parquet")
    assert_same(load_dataset(), from_database())
    reference = from_database()
    read_refused(monkeypatch)  # written again: the next process reads the files
    assert_same(load_dataset(), reference)


def test_the_fingerprint_is_kept_for_the_same_frames_and_communes(imported, monkeypatch, territory):
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.frames import Dataset

    first = load_dataset()
    assert first.fingerprint_known is None
    value = first.fingerprint
    second = load_dataset()
    assert second.fingerprint_known == value
    # Computed again from the frames, the same value (not a copy of a stale one).
    assert Dataset(**{name: getattr(second, name) for name in SCHEMAS}).fingerprint == value
    # Other communes (the fingerprint covers them): not known.
    from reperes.territory.models import Territory

    smaller = Territory.objects.create(name="Une commune")
    smaller.communes.add(territory.communes.order_by("code").first())
    third = load_dataset(territory=smaller)
    assert third.communes.height == 1
    assert third.fingerprint_known is None and third.fingerprint != value


def test_off_nothing_is_written(imported, settings):
    from reperes.analyses.loaders import load_dataset

    settings.REPERES_FRAMES_ON_DISK = False
    load_dataset()
    assert folders() == []


def test_the_retention_purge_deletes_every_kept_file(imported, django_capture_on_commit_callbacks):
    import datetime as dt

    from reperes.analyses.loaders import load_dataset
    from reperes.collection.lifecycle import purge

    before = load_dataset()
    assert folders()
    with django_capture_on_commit_callbacks(execute=True):
        purged = purge(today=dt.date(2040, 1, 1))
    assert purged["parcours"] > 0
    assert folders() == []
    after = load_dataset()
    assert after.participants.height == before.participants.height - purged["parcours"]
    assert_same(after, from_database())


def test_what_a_stopped_writer_left_is_deleted_once_old(imported):
    import os
    import time

    from reperes.analyses import frames_on_disk
    from reperes.analyses.loaders import load_dataset

    root = frames_on_disk.folder()
    old, recent = root / ".arrete-en-cours", root / ".en-cours"
    for where in (old, recent):
        where.mkdir(parents=True)
        (where / "participants.parquet").write_bytes(b"lignes")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    load_dataset()
    assert not old.exists()  # a process stopped while writing it: its rows must not stay
    assert recent.exists()  # another process may be writing it now


def test_a_truncated_fingerprint_is_not_shown(imported):
    from reperes.analyses import frames_on_disk
    from reperes.analyses.loaders import load_dataset

    value = load_dataset().fingerprint
    (kept,) = (frames_on_disk.folder() / folders()[0]).glob("empreinte-*")
    assert kept.read_text() == value
    kept.write_text(value[:40])
    again = load_dataset()
    assert again.fingerprint_known is None and again.fingerprint == value


def test_a_command_line_import_leaves_the_next_process_the_files_unless_told_not_to(
        territory, settings, tmp_path, monkeypatch, capsys):
    """``reperes import`` prepares the dashboards as an upload does, and with them the files: a report in the
    next process reads no row from the database. ``--no-warm`` and ``--dry-run`` prepare nothing."""
    import argparse

    from reperes.analyses.loaders import kept_version, load_dataset
    from reperes.analyses.snapshot import forget_dataset
    from reperes.cli import import_cmd

    def cli(*argv) -> int:
        parser = argparse.ArgumentParser(prog="reperes")
        import_cmd.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["import", *map(str, argv)])
        return args.func(args)

    settings.REPERES_WARM_AFTER_IMPORT = True
    assert cli(HAND) == 0
    assert "Tableaux de bord" in capsys.readouterr().err  # the preparation says what it does
    assert folders() == [kept_version()]
    reference = from_database()
    forget_dataset()  # what a new process holds: nothing
    with monkeypatch.context() as patch:
        read_refused(patch)
        assert_same(load_dataset(), reference)

    (tmp_path / "participants.csv").write_text(MORE, encoding="utf-8")
    before = folders()
    assert cli(tmp_path, "--dry-run") == 0 and folders() == before
    assert cli(tmp_path, "--no-warm") == 0
    assert folders() == before and kept_version() not in before  # the new version is not prepared
    assert "Tableaux de bord" not in capsys.readouterr().err
