"""Actions and experiments (intermediate report): participants and étapes by action, and the exits of the
participants who went through an experimental action against the others (with the two-proportion test)."""

from __future__ import annotations

import polars as pl

from reperes import formats
from reperes import referentiel as ref
from reperes.analytics import stats
from reperes.documents import Callout, Column, Paragraph, Table

from .blocks import IC_DEFINITION, IC_HEADER, ic_cell, no_data, not_computed, rate_text
from .facts import Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    if not facts.has_data or ctx.dataset.actions.height == 0:
        return no_data(ctx)
    if facts.pub is None:
        return [not_computed("Actions")]
    actions = facts.pub.tables["actions"]
    rows = []
    for row in actions.iter_rows(named=True):
        rows.append([row["intitule"], ref.FAMILLE_ETAPE.label(row["famille"], "–"), row["operateur"] or "–",
                     "oui" if row["experimentale"] else "non",
                     facts.show(f"rapport.action.{row['id_action']}.participants"),
                     facts.show(f"rapport.action.{row['id_action']}.etapes")])
    n_exp = int(actions.filter(pl.col("experimentale").fill_null(False)).height)
    blocks: list = [
        Paragraph(f"Le PLIE a mobilisé {formats.plural(actions.height, 'action')}, dont "
                  f"{formats.plural(n_exp, 'action expérimentale', 'actions expérimentales')}."),
        Table("Participants et étapes par action",
              [Column("Action"), Column("Famille"), Column("Opérateur"), Column("Expérimentale"),
               Column("Participants", "count"), Column("Étapes", "count")],
              rows, source=ctx.source, period=ctx.period,
              definition="Participants accompagnés ayant commencé au moins une étape de l'action dans la période, "
                         "et nombre de ces étapes."),
    ]
    # Experimental actions: exits of participants who went through one, against the others.
    if n_exp:
        rows = []
        for key, label in (("experimentale", "Passés par une action expérimentale"), ("autres", "Autres participants")):
            rows.append([label, facts.show(f"rapport.{key}.sorties"), facts.show(f"rapport.{key}.taux"),
                         ic_cell(facts.interval(f"rapport.{key}.taux"))])
        blocks.append(Table("Sorties des participants passés par une action expérimentale",
                            [Column("Groupe"), Column("Sorties", "count"),
                             Column("Taux de sorties positives", "percent"), Column(IC_HEADER, align="right")],
                            rows, source=ctx.source, period=ctx.period,
                            definition="Sorties de la période ; un participant est « passé par une action "
                                       "expérimentale » s'il a suivi au moins une étape de cette action."
                                       + IC_DEFINITION))
        comparison = comparison_sentence(ctx, facts)
        if comparison:
            blocks.append(Paragraph(comparison))
        blocks.append(Callout("warning", "Pas une évaluation d'impact",
                              "Les participants orientés vers les actions expérimentales ne sont pas tirés au "
                              "sort : l'écart observé ne mesure pas l'effet de ces actions."))
    return blocks


def comparison_sentence(ctx: ReportContext, facts: Facts) -> str | None:
    """Experimental actions against the others, from the shown figures only: is the gap beyond the noise?

    The verdict is the two-proportion z-test (:func:`reperes.analytics.stats.compare_rates`); overlapping
    intervals are said too, as the reader sees them in the table."""
    figures = [facts.show(f"rapport.{key}.{what}") for key in ("experimentale", "autres")
               for what in ("positives", "sorties")]
    if not all(isinstance(v, int) for v in figures):
        return None
    pos_a, n_a, pos_b, n_b = figures
    if not n_a or not n_b:
        return None
    test = stats.compare_rates(pos_a, n_a, pos_b, n_b)
    if test.p_value is None:
        return None
    gap = formats.number(abs(test.difference) * 100, 1)
    overlap = stats.intervals_overlap(stats.wilson(pos_a, n_a), stats.wilson(pos_b, n_b))
    rates = (f"{rate_text(test.rate_a, stats.wilson(pos_a, n_a))} pour les participants passés par une action "
             f"expérimentale, {rate_text(test.rate_b, stats.wilson(pos_b, n_b))} pour les autres")
    if not test.significant:
        noise = " ; leurs intervalles de confiance se recouvrent" if overlap else ""
        return (f"Taux de sorties positives : {rates}. L'écart de {gap} points reste dans la marge d'incertitude : "
                f"il peut s'expliquer par le hasard (test de différence de proportions, seuil de 5\u202f%){noise}.")
    return (f"Taux de sorties positives : {rates}. L'écart de {gap} points dépasse la marge d'incertitude "
            "(test de différence de proportions, seuil de 5\u202f%), sans mesurer pour autant l'effet des actions.")
