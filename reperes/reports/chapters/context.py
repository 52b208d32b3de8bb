"""What every chapter receives: the period, the audience, the facts computed once, the evidence resolver."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from reperes.analytics.populations import Period
from reperes.documents import Suppressed
from reperes.reports.inputs import ReportInputs, source_text

from .facts import Facts, ReportContext


@dataclass
class ChapterContext:
    debut: dt.date
    fin: dt.date
    date: dt.date
    diffusion: bool
    inputs: ReportInputs
    report: ReportContext  # the intermediate report's context: same disclosure path
    facts: Facts
    resolver: Any  # reperes.evaluation.evidence.Resolver (same dataset, same audience)
    cache: dict = field(default_factory=dict)

    @property
    def seuil(self) -> int:
        return self.report.seuil

    @property
    def period(self) -> Period:
        return self.report.period

    @property
    def source(self) -> str:
        return self.report.source

    def suppressed(self) -> Suppressed:
        return Suppressed(self.seuil)


def build_context(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool,
                  inputs: ReportInputs | None = None) -> ChapterContext:
    """The context from the database (Django side): the report's inputs and a resolver on the same frames."""
    from reperes.evaluation.evidence import Resolver

    if inputs is None:
        from reperes.reports.data import gather_inputs

        inputs = gather_inputs()
    period = Period(debut, fin)
    report = ReportContext(debut=debut, fin=fin, diffusion=diffusion, seuil=inputs.seuil, dataset=inputs.dataset,
                           period=period, source=source_text(inputs), inputs=inputs)
    resolver = Resolver(diffusion=diffusion, seuil=inputs.seuil, today=date)
    if inputs.dataset is not None:
        resolver._dataset = inputs.dataset  # one set of frames for the whole document
    return ChapterContext(debut=debut, fin=fin, date=date, diffusion=diffusion, inputs=inputs, report=report,
                          facts=Facts(report), resolver=resolver)
