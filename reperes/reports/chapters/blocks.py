"""Blocks shared by the chapters: figures as a document shows them (raw for staff, protected for partners),
their shares and 95 % intervals, a breakdown's table and chart, and what a section says while it waits.

Every function takes the report's :class:`~reperes.reports.chapters.facts.ReportContext` (period, audience,
threshold, source). Pure: nothing here imports Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from reperes import formats
from reperes.analytics import disclosure, stats
from reperes.charts import bar_chart
from reperes.documents import Callout, Column, Figure, Suppressed, Table

if TYPE_CHECKING:
    from .facts import ReportContext


# What a section waits for when its data or its domain's chapter is not there (« Cette partie sera alimentée dès
# que … »).
WAITING_FOR = {
    "territoire-et-besoins": "les statistiques territoriales (INSEE, France Travail, CAF) seront importées "
                             "dans la page « Territoire »",
    "participants-et-public-potentiel": "les statistiques territoriales du public potentiel (demandeurs "
                                        "d'emploi de longue durée, foyers allocataires du RSA) seront "
                                        "disponibles",
    "offre-d-insertion": "le catalogue de l'offre d'insertion (structures et services, data·inclusion) et "
                         "la matrice besoins × offre seront disponibles",
    "paroles-des-partenaires-et-participants": "les enquêtes et les entretiens auprès des partenaires et des "
                                               "participants auront été recueillis et codés",
    "data": "des données de parcours auront été importées",
}


def waiting(what: str) -> str:
    return f"Cette partie sera alimentée dès que {WAITING_FOR.get(what, what)}."


NOT_COMPUTED = ("Les chiffres de la période n'ont pas pu être calculés (l'incident est consigné dans le journal) : "
                "cette partie n'est pas produite.")


def not_computed(title: str) -> Callout:
    """What a section says when the period's publication could not be built: never a raw figure instead."""
    return Callout("warning", title, NOT_COMPUTED)


def protect(ctx: ReportContext, mapping: dict[str, int], total: int | None) -> tuple[dict[str, Any], Any]:
    """Counts as shown: raw for staff, through disclosure control for partners (hidden → Suppressed)."""
    if not ctx.diffusion:
        return dict(mapping), total
    protected = disclosure.protect_counts(mapping, ctx.seuil, total=total)
    values = {k: (Suppressed(ctx.seuil) if v is None else v) for k, v in protected.values.items()}
    shown_total = Suppressed(ctx.seuil) if protected.total_secret else protected.total
    return values, shown_total


def share(ctx: ReportContext, numerator: Any, denominator: Any) -> Any:
    if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed):
        return Suppressed(ctx.seuil)
    if denominator in (None, 0) or numerator is None:
        return None
    if not ctx.diffusion:
        return numerator / denominator
    cell = disclosure.rate_cell(int(numerator), int(denominator), ctx.seuil)
    return Suppressed(ctx.seuil) if cell.secret else cell.value


IC_HEADER = "IC 95\u202f%"


IC_DEFINITION = (" IC 95\u202f% : intervalle de confiance à 95\u202f% de Wilson, la marge d'incertitude due à la "
                 "taille du groupe ; « s » : taux et intervalle non diffusés (secret statistique).")


def interval_of(ctx: ReportContext, numerator: Any, denominator: Any) -> Any:
    """The Wilson interval of a share of two figures *as shown*: Suppressed when either is hidden (or the share
    is), so an interval is never computed from a protected figure."""
    if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed):
        return Suppressed(ctx.seuil)
    if not isinstance(numerator, int) or not isinstance(denominator, int) or denominator <= 0:
        return None
    if isinstance(share(ctx, numerator, denominator), Suppressed):
        return Suppressed(ctx.seuil)
    return stats.wilson(numerator, denominator)


def ic_cell(interval: Any) -> Any:
    """A table's « IC 95 % » cell: « 42,8 – 56,2 » (percentages), « s » when secret, empty when none."""
    if isinstance(interval, Suppressed) or interval is None:
        return interval
    low, high = interval
    return f"{formats.number(low * 100, 1)}\u00a0– {formats.number(high * 100, 1)}"


def rate_text(rate: Any, interval: Any) -> str:
    """« 49,5 % (IC 95 % : 42,8 – 56,2) »; a rate without interval reads alone; a secret one is empty: a sentence
    whose figure is suppressed is written without it (docs/indicateurs.md, « One publication, one decision »)."""
    if isinstance(rate, Suppressed) or isinstance(interval, Suppressed):
        return ""
    text = formats.percent(rate)
    if interval is None:
        return text
    return f"{text} ({IC_HEADER} : {ic_cell(interval)})"


def chart_value(value: Any) -> float | None:
    return None if isinstance(value, Suppressed) or value is None else float(value)


def breakdown(ctx: ReportContext, *, caption: str, label_header: str, definition: str,
               mapping: dict[str, int] | None = None, total: int | None = None, chart: bool = True, horizontal: bool = True,
               total_label: str = "Total", shown: tuple[dict[str, Any], Any] | None = None) -> list:
    """A table (effectif, part) of a one-way breakdown, and its bar chart, both disclosure-controlled.

    ``shown``: values already protected together with other tables (hidden ones as Suppressed), and the
    total as shown; otherwise ``mapping`` and ``total`` are protected here.
    """

    values, shown_total = shown if shown is not None else protect(ctx, mapping, total)
    rows = [[label, value, share(ctx, value, shown_total), ic_cell(interval_of(ctx, value, shown_total))]
            for label, value in values.items()]
    table = Table(caption, [Column(label_header), Column("Effectif", "count"), Column("Part", "percent"),
                            Column(IC_HEADER, align="right")],
                  rows, source=ctx.source, period=ctx.period, definition=definition + IC_DEFINITION,
                  footer_rows=[[total_label, shown_total, share(ctx, shown_total, shown_total), None]])
    blocks: list = []
    if chart and values:
        figure_chart = bar_chart(list(values), [chart_value(v) for v in values.values()], title=caption,
                                 horizontal=horizontal, suppressed=ctx.seuil, source=ctx.source,
                                 value_label="Effectif", category_label=label_header)
        blocks.append(Figure(figure_chart, source=ctx.source, period=ctx.period, definition=definition))
    blocks.append(table)
    return blocks


def no_data(ctx: ReportContext) -> list:
    return [Callout("info", "Pas de données", waiting("data"))]


def count_phrase(value: Any, singular: str, plural_form: str | None = None) -> str:
    """« 843 étapes »; a hidden count is written without its figure (« des étapes »), never « moins de 11 »:
    a hidden cell may hold more (secondary suppression)."""
    if isinstance(value, Suppressed):
        return f"des {plural_form or singular + 's'}"
    return formats.plural(value, singular, plural_form)


def epci_frame(ctx: ReportContext) -> pl.DataFrame | None:
    data = ctx.dataset
    if data is None or data.communes.height == 0:
        return None
    return (data.communes.group_by("epci", "epci_nom")
            .agg(pl.len().alias("communes"), pl.col("population").sum().alias("population"))
            .sort("epci_nom", "epci"))


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
