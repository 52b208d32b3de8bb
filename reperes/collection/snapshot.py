"""Which data a document or an archive was made from: the stored imports and the fingerprint of their frames.

Recorded in every report (its reproducibility table) and in the evaluation file's export (``donnees``), so that
a reader can tell whether two documents rest on the same data.
"""

from __future__ import annotations

from reperes.analytics.frames import fingerprint


def stored_runs() -> list:
    """The imports whose rows are in the database (undone ones left out), oldest first."""
    from .models import ImportRun

    return list(ImportRun.objects.filter(stored=True).exclude(status=ImportRun.Status.UNDONE).order_by("id"))


def data_snapshot(dataset, runs: list | None = None) -> dict:
    """``{"imports": [ids], "hash": SHA-256 of the frames}`` (``hash`` empty without data)."""
    runs = stored_runs() if runs is None else runs
    return {"imports": [run.pk for run in runs], "hash": fingerprint(dataset) if dataset is not None else ""}
