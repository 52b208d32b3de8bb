"""Chapters of the deliverables: one module per chapter, each turning protected figures into document blocks.

A document is an ordered list of chapters: the intermediate report
(:data:`reperes.reports.builder.SECTIONS`), the final report
(:data:`reperes.reports.final.CHAPTERS`), the COPIL deck and the draft protocol
read the same modules. Plain imports only; nothing here imports Django at
import time (a chapter that reads the evaluation register imports its models
inside the function).

Shared by every chapter:

- :mod:`.facts` — :class:`~.facts.ReportContext` (period, audience, threshold,
  source, inputs) and :class:`~.facts.Facts`, computed once per document: the
  period's populations (:mod:`reperes.analytics.populations`) and its
  publication (:mod:`reperes.analytics.period_publication`: the indicators and every
  figure of the report, protected together for partners);
  :data:`~.facts.DEFINITIONS`, whose terms are the indicator registry's labels;
- :mod:`.blocks` — figures as shown (``protect``, ``share``, intervals), a
  breakdown's table and chart, what a section says while it waits;
- :mod:`.context` — :class:`~.context.ChapterContext` of the final report and
  protocol: the same ``ReportContext`` and ``Facts`` plus the evaluation
  register's resolver on the same frames.

The chapters:

- intermediate report, ``interim(ctx, facts) -> list`` of blocks (or
  sub-sections): :mod:`.method`, :mod:`.territory`, :mod:`.participants`
  (with the ESF+ indicators), :mod:`.parcours`, :mod:`.actions`,
  :mod:`.sorties` (the exits of the period and those worth valuing),
  :mod:`.offer` (``interim`` and ``interim_voices``), :mod:`.findings`;
- final report, ``chapter(cx) -> Section``: :mod:`.summary`, :mod:`.method`,
  :mod:`.questions`, :mod:`.benchmark`, :mod:`.offer` (``chapter`` and
  ``voices``), :mod:`.valorisation` (the grid of exits to value, shared with
  the protocol), :mod:`.recommendations`, :mod:`.annexes`.

Each chapter computes its figures through the functions the pages use (the
analytics, ``indicators.diffuse``, ``analytics.disclosure``, the evaluation
register's resolver, the benchmark's ``compare``, the offer's matrix), so a
page and a document cannot disagree.
"""

from __future__ import annotations

from .context import ChapterContext, build_context

__all__ = ["ChapterContext", "build_context"]
