"""The facts of one report, computed once for every chapter: the period's populations and its publication.

:class:`ReportContext` is what a chapter receives (period, audience, threshold, source, inputs);
:class:`Facts` holds the populations of the period (:mod:`reperes.analytics.populations`) and the period's
publication (:mod:`reperes.analytics.period_publication`): the contract's indicators and every figure of the report,
protected together for partners. A chapter reads a figure through :meth:`Facts.show`, never a raw count.
:data:`DEFINITIONS` are the definitions the report prints; their terms are the indicator registry's labels.

Pure: nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from reperes.analytics import period_publication as publication
from reperes.analytics import populations
from reperes.analytics.indicators import REGISTRY
from reperes.analytics.populations import Period
from reperes.documents import Suppressed
from reperes.reports.inputs import ReportInputs

from . import blocks

logger = logging.getLogger(__name__)

IND = "indicateurs."  # names of the indicators' figures in the period's publication


# term → (label, definition) printed by the reports; the populations' labels are the indicator registry's.
DEFINITIONS = {
    "accompagnes": (REGISTRY["participants_accompagnes"].label,
                    "Parcours entrés au plus tard le dernier jour de la période et non sortis avant son premier "
                    "jour (bornes incluses)."),
    "entrees": (REGISTRY["entrees"].label, "Parcours dont la date d'entrée tombe dans la période (bornes incluses)."),
    "sorties": (REGISTRY["sorties"].label, "Parcours dont la date de sortie tombe dans la période (bornes incluses)."),
    "positive": ("Sortie positive",
                 "Emploi durable (CDI, CDD ou intérim de 6 mois ou plus, alternance, création d'activité) ou "
                 "formation qualifiante."),
    "solution": ("Autre sortie à valoriser",
                 "Sortie vers une solution qui n'est pas une sortie positive au sens du protocole : emploi de "
                 "transition, formation pré-qualifiante, orientation adaptée, milieu protégé, santé, retraite."),
    "etapes": ("Étape de parcours",
               "Emploi, formation, action de levée des freins ou d'accompagnement suivie par un participant ; "
               "comptée ici lorsqu'elle commence dans la période."),
}


@dataclass
class ReportContext:
    """What a chapter of the intermediate report (and a provider of another domain) receives."""

    debut: dt.date
    fin: dt.date
    diffusion: bool
    seuil: int
    dataset: Any
    period: Period
    source: str
    inputs: ReportInputs


class Facts:
    """Populations of the period and the contract's indicators, computed once for every section."""

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        data = ctx.dataset
        self.has_data = data is not None and data.participants.height > 0
        self.pub: Any = None  # reperes.analytics.period_publication.PeriodPublication
        self.indicators: dict[str, Any] | None = None
        self.secret: set[str] = set()
        if not self.has_data:
            return
        p = data.participants
        debut, fin = ctx.debut, ctx.fin
        self.accompagnes = populations.accompagnes(p, debut, fin)
        self.entrees = populations.entrees(p, debut, fin)
        self.sorties = populations.sorties(p, debut, fin)
        self.indicators = self._indicators(data)

    def _indicators(self, data) -> dict[str, Any] | None:
        """The contract's indicators (``reperes.analytics.indicators``), protected for partners; ``None`` when the
        period's publication could not be built (never a raw figure in its place)."""
        ctx = self.ctx
        try:
            self.pub = publication.build(data, ctx.debut, ctx.fin, ctx.seuil)
            payload = self.pub.payload(ctx.diffusion)
        except Exception:  # never an unprotected figure: no indicator at all rather than a raw one
            logger.exception("The indicators of the report could not be computed")
            self.pub = None
            return None
        self.secret = set(payload.get("secret") or ())
        values = dict(payload.get("indicateurs") or {})
        return values

    def check_release(self) -> None:
        """The audit of the period's publication: a partner document is released only when it leaks nothing
        (:class:`~reperes.analytics.period_publication.DisclosureRefused`, a French message naming the cell, otherwise)."""
        if self.pub is None:
            raise publication.DisclosureRefused(
                "La version pour les partenaires n'a pas pu être protégée (secret statistique) : elle n'est pas "
                "produite. Générez la version interne, ou signalez le problème.")
        result = self.pub.audit()
        failures = list(result.failures) + publication.nested_failures(self.ctx.dataset, self.pub)
        if failures:
            raise publication.DisclosureRefused("La version pour les partenaires n'est pas diffusée : " + failures[0]
                                                + (" Choisissez une année civile entière." if not result.failures
                                                   else ""))

    def value(self, key: str) -> Any:
        """An indicator's value, :class:`Suppressed` when hidden; ``None`` when absent."""
        if self.indicators is None or key not in self.indicators:
            return None
        if f"indicateurs.{key}" in self.secret:
            return Suppressed(self.ctx.seuil)
        return self.indicators[key]

    def label(self, key: str, default: str | None = None) -> tuple[str, str]:
        """An indicator's label and definition, from the indicator registry (``default`` for an unknown id)."""
        entry = REGISTRY.get(key)
        return (entry.label, entry.definition) if entry is not None else (default or key, "")

    def show(self, name: str) -> Any:
        """A figure of the period's publication as this document shows it (raw, or protected for partners)."""
        return self.pub.show(name, self.ctx.diffusion)

    def interval(self, name: str) -> Any:
        """The 95 % Wilson interval of a rate of the publication (Suppressed when the rate is secret)."""
        if self.pub is None:
            return None
        return self.pub.interval(name, self.ctx.diffusion)

    def rate_text(self, key_id: str) -> str:
        """An indicator's rate in a sentence: « 49,5 % (IC 95 % : 42,8 – 56,2) », or "" when it is secret."""
        return blocks.rate_text(self.value(key_id), self.interval(IND + key_id))
