"""Django side of the report: gather the inputs (data frames, snapshot, texts, commentary).

The data snapshot recorded in every document: the ids of the imports whose
rows are stored, and a SHA-256 of the frames the report is computed from
(canonical CSV of each frame, rows sorted), so that two documents with the
same snapshot and parameters are comparable byte for byte.
"""

from __future__ import annotations

import hashlib
import logging

import polars as pl

import reperes
from reperes import formats
from reperes.analyses.loaders import load_dataset

from .inputs import ReportInputs

logger = logging.getLogger(__name__)


def data_hash(dataset) -> str:
    """SHA-256 of the frames, canonical: columns in schema order, list cells joined, rows sorted."""
    digest = hashlib.sha256()
    for name in ("participants", "etapes", "actions", "suivi_freins", "acquis", "communes"):
        frame = getattr(dataset, name)
        frame = frame.with_columns([pl.col(c).list.join("|") for c, dtype in frame.schema.items()
                                    if isinstance(dtype, pl.List)])
        frame = frame.with_columns(pl.all().cast(pl.String))
        if frame.height:
            frame = frame.sort(frame.columns, nulls_last=True)
        digest.update(name.encode())
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def stored_imports():
    from reperes.collection.models import ImportRun

    return list(ImportRun.objects.filter(stored=True).exclude(status=ImportRun.Status.UNDONE).order_by("id"))


def gather_inputs() -> ReportInputs:
    from reperes.configuration.models import Installation

    from .models import ReportSettings, SectionComment

    installation = Installation.get()
    settings = ReportSettings.get()
    try:
        dataset = load_dataset()
    except Exception:  # the report still says which part has no data
        logger.exception("Loading the data of the report failed")
        dataset = None
    runs = stored_imports()
    sources = []
    for run in runs:
        when = formats.date(run.created_at.date()) if run.created_at else "date inconnue"
        sources.append(f"Import n° {run.pk} : « {run.source_name} », du {when}")
    return ReportInputs(
        plie_name=installation.plie_name,
        seuil=installation.seuil,
        is_demo=installation.is_demo,
        dataset=dataset,
        snapshot={"imports": [run.pk for run in runs], "hash": data_hash(dataset) if dataset is not None else ""},
        introduction=settings.introduction,
        methode=settings.methode,
        comments=dict(SectionComment.objects.values_list("slug", "text")),
        sources=sources,
        version=reperes.__version__,
    )
