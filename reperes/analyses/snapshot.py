"""The stored data as frames, once per data version and process: what every page and partner decision reads."""

from __future__ import annotations

import hashlib
import json
import threading

from django.db.models import Max

from reperes.analytics.frames import Dataset


def data_version() -> str:
    """A fingerprint of the stored data: changes with every import, deletion or settings change."""
    from reperes.collection.models import Acquis, Action, Etape, ImportRun, Participant, SuiviFrein
    from reperes.configuration.models import Installation
    from reperes.territory.models import Territory

    parts = []
    for model in (Participant, Etape, Action, SuiviFrein, Acquis, ImportRun, Territory):
        parts.append(model.objects.aggregate(n=Max("id") if model is not Territory else Max("pk"))["n"])
        parts.append(model.objects.count())
    installation = Installation.get()
    parts += [installation.seuil, getattr(installation, "territory_id", None)]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


_DATASET_LOCK = threading.Lock()
_DATASET: dict[str, Dataset] = {}


def dataset(version: str) -> Dataset:
    """The whole dataset as frames, loaded once per data version and process."""
    with _DATASET_LOCK:
        if version not in _DATASET:
            from reperes.analyses.loaders import load_dataset

            _DATASET.clear()
            _DATASET[version] = load_dataset()
        return _DATASET[version]


def forget_dataset() -> None:
    with _DATASET_LOCK:
        _DATASET.clear()
