"""The stored data as frames, once per data version and process: what every page and partner decision reads."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Max

from reperes.analytics.frames import Dataset

T = TypeVar("T")


def data_version() -> str:
    """A fingerprint of the stored data: changes with every import, deletion or settings change."""
    from reperes.collection.snapshot import table_marks
    from reperes.configuration.models import Installation
    from reperes.territory.models import Territory

    parts = [*table_marks(), Territory.objects.aggregate(n=Max("pk"))["n"], Territory.objects.count()]
    installation = Installation.get()
    parts += [installation.seuil, getattr(installation, "territory_id", None)]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


_DATASET_LOCK = threading.Lock()
_DATASET: dict[str, Dataset] = {}
# (data version, what) → a value computed from the stored data, kept as long as the dataset of that version.
_KEPT: dict[tuple[str, tuple], object] = {}
# At most this many values kept (the oldest dropped first): each period asked on a page is a key.
KEPT_MAX = 8


def dataset(version: str) -> Dataset:
    """The whole dataset as frames, loaded once per data version and process."""
    with _DATASET_LOCK:
        if version not in _DATASET:
            from reperes.analyses.loaders import load_dataset

            _DATASET.clear()
            _KEPT.clear()
            _DATASET[version] = load_dataset()
        return _DATASET[version]


def kept(version: str, what: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, once per data version and ``what`` in this process (what several pages, or several parts
    of one report, read from the stored data). Values of another version are dropped, and the oldest beyond
    ``KEPT_MAX``."""
    with _DATASET_LOCK:
        if (version, what) in _KEPT:
            return _KEPT[(version, what)]
    value = compute()
    with _DATASET_LOCK:
        for key in [key for key in _KEPT if key[0] != version]:
            del _KEPT[key]
        _KEPT[(version, what)] = value
        while len(_KEPT) > KEPT_MAX:
            del _KEPT[next(iter(_KEPT))]
    return value


def forget_dataset() -> None:
    with _DATASET_LOCK:
        _DATASET.clear()
        _KEPT.clear()
