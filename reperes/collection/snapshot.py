"""Which data a document or an archive was made from: the stored imports and the fingerprint of their frames.

Recorded in every report (its reproducibility table) and in the evaluation file's export (``donnees``), so that
a reader can tell whether two documents rest on the same data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from reperes.analytics.frames import fingerprint


def stored_runs() -> list:
    """The imports whose rows are in the database (undone ones left out), oldest first."""
    from .models import ImportRun

    return list(ImportRun.objects.filter(stored=True).exclude(status=ImportRun.Status.UNDONE).order_by("id"))


def table_marks() -> list:
    """Row count and largest id of the five dataset tables and of the import runs, and the number of runs
    undone: every import, deletion or undo moves one of them (what the caches keyed on the stored data
    compare). An undo that puts back the rows an import had updated leaves every count and largest id as they
    were: only the undone runs' count tells it."""
    from django.db.models import Max

    from reperes.collection.models import Acquis, Action, Etape, ImportRun, Participant, SuiviFrein

    marks: list = []
    for model in (Participant, Etape, Action, SuiviFrein, Acquis, ImportRun):
        # Apart: SQLite counts a table from its smallest index, but not in the same query as a maximum.
        marks += [model.objects.count(), model.objects.aggregate(top=Max("id"))["top"]]
    marks.append(ImportRun.objects.filter(status=ImportRun.Status.UNDONE).count())
    return marks


class DataSnapshot(Mapping):
    """``{"imports": [ids], "hash": SHA-256 of the frames}`` (``hash`` empty without data). The hash is computed
    in the background from the moment the snapshot is taken, and waited for when it is read: a report reads
    it last, in its metadata, and computes its parts meanwhile (seconds at a million parcours)."""

    def __init__(self, imports: list[int], dataset) -> None:
        self._imports = imports
        self._dataset = dataset
        if dataset is not None:
            dataset.fingerprint_in_background()

    def __getitem__(self, key: str):
        if key == "imports":
            return self._imports
        if key == "hash":
            return fingerprint(self._dataset) if self._dataset is not None else ""
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("imports", "hash"))

    def __len__(self) -> int:
        return 2


def data_snapshot(dataset, runs: list | None = None) -> DataSnapshot:
    """Which data: the stored imports and the fingerprint of ``dataset`` (see :class:`DataSnapshot`)."""
    runs = stored_runs() if runs is None else runs
    return DataSnapshot([run.pk for run in runs], dataset)
