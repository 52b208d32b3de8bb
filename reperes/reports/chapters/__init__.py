"""Chapters of the deliverables: one module per chapter, each turning protected figures into document blocks.

A document (the final report, the COPIL deck, the draft protocol) is an
ordered list of chapters (see :mod:`reperes.reports.final`). Every chapter is a
function ``chapter(cx: ChapterContext) -> Section`` (or a list of sections)
in its own module; it computes its figures through the functions the pages use
— the intermediate report's facts and disclosure helpers
(:mod:`reperes.reports.builder`), the evaluation register's resolver
(:mod:`reperes.evaluation.evidence`), the benchmark's ``compare``, the offer's
matrix — so a page and a document cannot disagree. Partner versions
(``diffusion``) go through the same path as the intermediate report: the
builder's :class:`~reperes.reports.builder.ReportContext` and ``_Facts``
(indicators through ``indicators.diffuse``, counts through
``analytics.disclosure``) and a resolver built with ``diffusion=True``.
"""

from __future__ import annotations

from .context import ChapterContext, build_context

__all__ = ["ChapterContext", "build_context"]
