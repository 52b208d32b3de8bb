"""The exits of the period (intermediate report): the rates with their intervals, the exits by category and
by motif, and the exits worth valuing (:mod:`reperes.analytics.valorisation`) split into their parts."""

from __future__ import annotations

from reperes import referentiel as ref
from reperes.analytics import valorisation
from reperes.documents import Callout, Column, Definition, KeyFigure, KeyFigures, Paragraph, Section, Table

from .blocks import breakdown, interval_of, no_data, not_computed, rate_text, share
from .facts import DEFINITIONS, IND, Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    if not facts.has_data:
        return no_data(ctx)
    if facts.sorties.height == 0:
        return [Paragraph("Aucune sortie n'a eu lieu pendant la période.")]
    if facts.pub is None:
        return [not_computed("Les sorties")]
    blocks: list = []
    figures, sentences = [], []
    for key_id in ("taux_sorties_positives", "taux_sorties_positives_hors_neutres",
                   "taux_valorisation_sorties_non_positives"):
        if key_id in facts.indicators:
            label, definition = facts.label(key_id)
            figures.append(KeyFigure(label, facts.value(key_id), "percent", definition=definition,
                                     source=ctx.source, period=ctx.period, seuil=ctx.seuil))
            if facts.rate_text(key_id):
                sentences.append(f"{label} : {facts.rate_text(key_id)}")
    if figures:
        blocks.append(KeyFigures(figures))
    if sentences:
        blocks.append(Paragraph("Avec leur intervalle de confiance à 95\u202f% – " + " ; ".join(sentences) + "."))
    shown_total = facts.show(IND + "sorties")
    categories = {ref.CATEGORIE_SORTIE.label(code): facts.show(f"{IND}sorties_par_categorie.{code}")
                  for code in ref.CATEGORIE_SORTIE.codes()}
    blocks += breakdown(ctx, caption="Sorties par catégorie", label_header="Catégorie de sortie",
                         definition=DEFINITIONS["sorties"][1], shown=(categories, shown_total))
    motifs = {ref.MOTIF_SORTIE.label(code): facts.show(f"{IND}sorties_par_motif.{code}")
              for code in ref.MOTIF_SORTIE.codes()}
    blocks += breakdown(ctx, caption="Sorties par motif", label_header="Motif de sortie",
                         definition=DEFINITIONS["sorties"][1], chart=False, shown=(motifs, shown_total))
    blocks.append(Definition(*DEFINITIONS["solution"]))
    valued = valued_exits(ctx, facts)
    if valued is not None:
        blocks.append(valued)
    return blocks


def valued_exits(ctx: ReportContext, facts: Facts) -> Section | None:
    """The grid of exits worth valuing (``reperes.analytics.valorisation``).

    Its rows are figures of the period's publication, protected with the categories they belong to: the
    « autre solution » row *is* that category, the valued ones without solution add up to the valued
    exits of the indicators less that category, the total is the exits neither positive nor neutral.
    """
    row = facts.pub.tables.get("valorisation")
    if row is None or row.total == 0:
        return Section("Les autres sorties à valoriser", slug="sorties-a-valoriser",
                       empty_message="Aucune sortie ni positive ni neutre pendant la période.")
    labels = valorisation.GRID_LABELS
    values = {labels[key]: facts.show(f"rapport.valorisation.{key}") for key in row.counts}
    blocks: list = [Paragraph(
        "Au-delà des sorties positives, le PLIE veut reconnaître les sorties qui marquent une avancée : "
        "une solution autre que l'emploi durable, un acquis obtenu pendant le parcours (RQTH, permis, "
        "logement, soins…) ou un frein levé.")]
    blocks += breakdown(ctx, caption="Sorties ni positives ni neutres, selon la grille de valorisation",
                         label_header="Situation à la sortie", definition=valorisation.DEFINITION,
                         total_label="Sorties ni positives ni neutres",
                         shown=(values, facts.show("rapport.valorisation.total")))
    blocks += valued_parts(ctx, facts)
    acquis = facts.pub.tables.get("acquis") or []
    if acquis:
        blocks.append(Table("Acquis obtenus pendant le parcours, par type",
                            [Column("Acquis"), Column("Sorties concernées", "count")],
                            [[label, facts.show(name)] for label, name in
                             zip(facts.pub.tables["acquis_labels"], acquis, strict=True)],
                            source=ctx.source, period=ctx.period,
                            definition="Sorties ni positives ni neutres de la période dont le parcours a obtenu "
                                       "au moins un acquis de ce type entre l'entrée et la sortie ; une sortie "
                                       "peut compter pour plusieurs types."))
    blocks += [Definition(label, text) for _key, label, text in valorisation.GRID]
    return Section("Les autres sorties à valoriser", blocks=blocks, slug="sorties-a-valoriser")


VALUED_CAVEAT = ("Le taux de valorisation compte comme valorisées des sorties sans solution à la sortie : "
                 "celles dont le parcours a obtenu un acquis ou levé un frein. Ces sorties marquent une avancée "
                 "pendant le parcours, pas une situation à la sortie ; elles sont comptées à part ci-dessus.")


def valued_parts(ctx: ReportContext, facts: Facts) -> list:
    """The valued share split into its parts (solution, acquis, frein levé), each with its interval, and the
    caveat: part of the « valued » exits have no solution at all."""
    total = facts.show("rapport.valorisation.total")
    parts = []
    for key, words in (("solution", "sorties vers une solution autre que l'emploi durable"),
                       ("acquis", "sorties sans solution, avec un acquis obtenu pendant le parcours"),
                       ("frein_leve", "sorties sans solution ni acquis, avec un frein levé")):
        value = facts.show(f"rapport.valorisation.{key}")
        text = rate_text(share(ctx, value, total), interval_of(ctx, value, total))
        parts.append(f"{words} : {text}" if text else words)
    rate = facts.rate_text("taux_valorisation_sorties_non_positives") if facts.indicators else None
    head = "Le taux de valorisation des sorties ni positives ni neutres"
    head += f" ({rate})" if rate else ""
    return [Paragraph(head + " additionne trois parts de ces sorties – " + " ; ".join(parts) + "."),
            Callout("warning", "Des sorties valorisées sans solution", VALUED_CAVEAT)]
