"""The data fingerprint printed on every document: its value is fixed by its definition (every cell as text,
rows sorted on that text, CSV, SHA-256), so documents made earlier keep matching the same data. Writing and
hashing the CSV a slice at a time must give exactly that value."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reperes.analytics.frames import FINGERPRINTED, SCHEMAS, Dataset, empty, fingerprint


def by_definition(dataset: Dataset) -> str:
    """The definition, written the slow and plain way: all columns cast to text, sorted on all of them."""
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        frame = getattr(dataset, name)
        frame = frame.with_columns([pl.col(c).list.join("|") for c, dtype in frame.schema.items()
                                    if isinstance(dtype, pl.List)])
        frame = frame.with_columns(pl.all().cast(pl.String))
        if frame.height:
            frame = frame.sort(frame.columns, nulls_last=True)
        digest.update(name.encode())
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def test_a_small_dataset_hashes_to_its_hand_written_text():
    participants = pl.DataFrame({"participant": ["b", "a"], "sexe": ["F", None],
                                 "criteres": [["RSA", "TH"], []], "qpv": [True, None],
                                 "date_entree": [dt.date(2019, 3, 1), dt.date(2018, 1, 2)]})
    etapes = pl.DataFrame({"participant": ["b", "a", "b"], "type_etape": ["EMPLOI", "FORMATION", "EMPLOI"],
                           "date_debut": [dt.date(2019, 5, 1), None, dt.date(2019, 4, 1)]})
    dataset = Dataset(participants=participants, etapes=etapes)
    header_p = ",".join(SCHEMAS["participants"])
    blanks_p = "," * (len(SCHEMAS["participants"]) - 1)
    columns_p = list(SCHEMAS["participants"])

    def participant_row(values: dict) -> str:
        return ",".join(values.get(c, "") for c in columns_p)

    text = "participants" + header_p + "\n"
    text += participant_row({"participant": "a", "criteres": '""', "date_entree": "2018-01-02"}) + "\n"
    text += participant_row({"participant": "b", "sexe": "F", "qpv": "true", "criteres": "RSA|TH",
                             "date_entree": "2019-03-01"}) + "\n"
    text += "etapes" + ",".join(SCHEMAS["etapes"]) + "\n"
    text += "a,FORMATION,,,,,\nb,EMPLOI,2019-04-01,,,,\nb,EMPLOI,2019-05-01,,,,\n"
    for name in ("actions", "suivi_freins", "acquis", "communes"):
        text += name + ",".join(SCHEMAS[name]) + "\n"
    assert blanks_p  # participants have more than one column: the rows above carry their empty cells
    assert fingerprint(dataset) == hashlib.sha256(text.encode()).hexdigest()


def test_the_order_of_rows_does_not_change_it():
    participants = pl.DataFrame({"participant": [f"p{i:03d}" for i in range(50)],
                                 "age_entree": [20 + i % 30 for i in range(50)]})
    etapes = pl.DataFrame({"participant": [f"p{i % 50:03d}" for i in range(120)],
                           "date_debut": [dt.date(2019, 1, 1) + dt.timedelta(days=i % 17) for i in range(120)]})
    first = Dataset(participants=participants, etapes=etapes)
    shuffled = Dataset(participants=participants.sample(fraction=1.0, shuffle=True, seed=3),
                       etapes=etapes.sample(fraction=1.0, shuffle=True, seed=4))
    assert fingerprint(first) == fingerprint(shuffled)
    changed = Dataset(participants=participants, etapes=etapes.with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(dt.date(2020, 1, 1)).otherwise(pl.col("date_debut"))
        .alias("date_debut")))
    assert fingerprint(changed) != fingerprint(first)


ids = st.sampled_from(["", "0", "09", "1", "10", "a", "a|b", "é", "Z", "p,1", 'q"2'])
maybe = st.none() | st.booleans()
dates = st.none() | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def datasets(draw) -> Dataset:
    n = draw(st.integers(0, 12))
    participants = pl.DataFrame({
        "participant": draw(st.lists(st.none() | ids, min_size=n, max_size=n)),
        "age_entree": draw(st.lists(st.none() | st.integers(-3, 120), min_size=n, max_size=n)),
        "qpv": draw(st.lists(maybe, min_size=n, max_size=n)),
        "criteres": draw(st.lists(st.none() | st.lists(ids, max_size=3), min_size=n, max_size=n)),
        "date_entree": draw(st.lists(dates, min_size=n, max_size=n)),
        "duree_emploi_mois": draw(st.lists(st.none() | st.floats(-1e6, 1e6, allow_nan=False),
                                           min_size=n, max_size=n)),
    }, schema_overrides={"participant": pl.String, "criteres": pl.List(pl.String), "qpv": pl.Boolean,
                         "date_entree": pl.Date, "duree_emploi_mois": pl.Float64, "age_entree": pl.Int32})
    m = draw(st.integers(0, 15))
    etapes = pl.DataFrame({
        "participant": draw(st.lists(st.none() | ids, min_size=m, max_size=m)),  # some ids not in participants
        "type_etape": draw(st.lists(st.none() | st.sampled_from(["EMPLOI", "FORMATION"]), min_size=m, max_size=m)),
        "date_debut": draw(st.lists(dates, min_size=m, max_size=m)),
    }, schema_overrides={"participant": pl.String, "type_etape": pl.String, "date_debut": pl.Date})
    k = draw(st.integers(0, 8))
    suivi = pl.DataFrame({
        "participant": draw(st.lists(st.none() | ids, min_size=k, max_size=k)),
        "date": draw(st.lists(dates, min_size=k, max_size=k)),
        "niveau": draw(st.lists(st.none() | st.integers(0, 12), min_size=k, max_size=k)),
    }, schema_overrides={"participant": pl.String, "date": pl.Date, "niveau": pl.Int32})
    return Dataset(participants=participants, etapes=etapes, suivi_freins=suivi, acquis=empty("acquis"))


@settings(max_examples=300, deadline=None)
@given(datasets(), st.integers(1, 5))
def test_the_fast_path_gives_the_value_of_the_definition(dataset, rows_per_slice):
    from unittest import mock

    import reperes.analytics.frames as frames

    with mock.patch.object(frames, "_CSV_ROWS", rows_per_slice):
        assert fingerprint(dataset) == by_definition(dataset)


def test_the_fast_path_gives_the_value_of_the_definition_across_slices(monkeypatch):
    """More rows than a CSV slice: the header is written once, slices follow each other."""
    import reperes.analytics.frames as frames

    monkeypatch.setattr(frames, "_CSV_ROWS", 7)
    participants = pl.DataFrame({"participant": [f"{i * 7919 % 101:x}" for i in range(40)],
                                 "criteres": [["RSA"] * (i % 3) for i in range(40)]})
    etapes = pl.DataFrame({"participant": [f"{i * 31 % 101:x}" for i in range(60)],
                           "date_debut": [dt.date(1990 + i % 30, 1 + i % 12, 1) for i in range(60)]})
    dataset = Dataset(participants=participants, etapes=etapes)
    assert fingerprint(dataset) == by_definition(Dataset(participants=participants, etapes=etapes))


def test_started_in_the_background_it_is_computed_once_and_waited_for(monkeypatch):
    import threading

    participants = pl.DataFrame({"participant": [f"p{i}" for i in range(300)]})
    dataset = Dataset(participants=participants)
    expected = by_definition(Dataset(participants=participants))
    calls, release = [], threading.Event()
    compute = Dataset._compute_fingerprint

    def slow(self):
        calls.append(threading.current_thread().name)
        release.wait(5)
        return compute(self)

    monkeypatch.setattr(Dataset, "_compute_fingerprint", slow)
    dataset.fingerprint_in_background()
    dataset.fingerprint_in_background()  # already started: nothing more
    results = []
    readers = [threading.Thread(target=lambda: results.append(dataset.fingerprint)) for _ in range(3)]
    for reader in readers:
        reader.start()
    release.set()
    for reader in readers:
        reader.join(10)
    assert results == [expected] * 3 and fingerprint(dataset) == expected
    assert len(calls) == 1 and calls[0].startswith("fingerprint")  # computed once, in the background thread


def test_a_failed_computation_fails_every_reader(monkeypatch):
    import pytest

    def broken(self):
        raise MemoryError("trop de données")

    monkeypatch.setattr(Dataset, "_compute_fingerprint", broken)
    dataset = Dataset()
    for _ in range(2):
        with pytest.raises(MemoryError):
            fingerprint(dataset)


def test_the_snapshot_of_a_document_names_the_imports_and_the_fingerprint():
    from reperes.collection.snapshot import DataSnapshot

    dataset = Dataset(participants=pl.DataFrame({"participant": ["a", "b"]}))
    snapshot = DataSnapshot([3, 5], dataset)
    assert snapshot == {"imports": [3, 5], "hash": by_definition(Dataset(participants=dataset.participants))}
    assert dict(DataSnapshot([], None)) == {"imports": [], "hash": ""}


def test_a_forked_process_gets_its_own_background_thread(monkeypatch):
    """A gunicorn worker forked from a process that had started the thread inherits the executor, not its
    thread: it must make its own, or a report would wait forever for its fingerprint."""
    import reperes.analytics.frames as frames

    parent = frames._background()
    monkeypatch.setattr(frames.os, "getpid", lambda: -1)
    child = frames._background()
    assert child is not parent and frames._background() is child
    dataset = Dataset(participants=pl.DataFrame({"participant": ["a"]}))
    dataset.fingerprint_in_background()
    assert dataset.fingerprint == by_definition(Dataset(participants=dataset.participants))
    child.shutdown()
