"""Django side of the report: gather the inputs (data frames, snapshot, texts, commentary).

The data snapshot recorded in every document (:mod:`reperes.collection.snapshot`): the ids of the imports
whose rows are stored, and a SHA-256 of the frames the report is computed from (canonical CSV of each frame,
rows sorted), so that two documents with the same snapshot and parameters are comparable byte for byte.
"""

from __future__ import annotations

import logging

import reperes
from reperes import formats
from reperes.analyses import snapshot
from reperes.collection.snapshot import data_snapshot, stored_runs

from .inputs import ReportInputs

logger = logging.getLogger(__name__)


def _language_model_in_background() -> None:
    """The report quotes the coded passages, grouped by their words' lemmas: the language model loads while the
    data are read and computed (4–5 s of a first report in a process)."""
    from reperes.surveys.masking import load_in_background
    from reperes.surveys.models import Excerpt

    if Excerpt.objects.exists():
        load_in_background()


def gather_inputs() -> ReportInputs:
    from reperes.configuration.models import Installation

    from .models import ReportSettings, SectionComment

    installation = Installation.get()
    settings = ReportSettings.get()
    _language_model_in_background()
    # The frames every page reads, loaded once per data version by the server process (an import prepares them):
    # a report is computed from the same data as the pages (and their fingerprint, kept with them), and does not
    # read a million rows again.
    try:
        dataset = snapshot.dataset(snapshot.data_version())
    except Exception:  # the report still says which part has no data
        logger.exception("Loading the data of the report failed")
        dataset = None
    runs = stored_runs()
    sources = []
    for run in runs:
        when = formats.date(run.created_at.date()) if run.created_at else "date inconnue"
        sources.append(f"Import n° {run.pk} : « {run.source_name} », du {when}")
    return ReportInputs(
        plie_name=installation.plie_name,
        seuil=installation.seuil,
        is_demo=installation.is_demo,
        dataset=dataset,
        snapshot=data_snapshot(dataset, runs),
        introduction=settings.introduction,
        methode=settings.methode,
        comments=dict(SectionComment.objects.values_list("slug", "text")),
        sources=sources,
        version=reperes.__version__,
    )
