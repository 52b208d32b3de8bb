"""Parcours and étapes (intermediate report): the étapes started in the period by family and type, the
duration of the parcours."""

from __future__ import annotations

from reperes import referentiel as ref
from reperes.documents import Column, KeyFigure, KeyFigures, Paragraph, Table

from .blocks import breakdown, count_phrase, no_data, not_computed
from .facts import DEFINITIONS, Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    if not facts.has_data:
        return no_data(ctx)
    if facts.pub is None:
        return [not_computed("Parcours et étapes")]
    tables = facts.pub.tables["etapes"]
    shown_total = facts.show("rapport.etapes")
    blocks: list = [Paragraph(
        f"Les participants accompagnés ont commencé {count_phrase(shown_total, 'étape')} "
        "de parcours pendant la période.")]
    families = {ref.FAMILLE_ETAPE.label(code): facts.show(f"rapport.etapes.famille.{code}")
                for code in tables["familles"]}
    blocks += breakdown(ctx, caption="Étapes commencées dans la période, par famille", label_header="Famille",
                         definition=DEFINITIONS["etapes"][1], shown=(families, shown_total))
    if tables["types"]:
        blocks.append(Table("Les dix types d'étape les plus fréquents",
                            [Column("Type d'étape"), Column("Étapes", "count")],
                            [[ref.TYPE_ETAPE.label(code, code), facts.show(f"rapport.etapes.type.{code}")]
                             for code in tables["types"]], source=ctx.source, period=ctx.period,
                            definition=DEFINITIONS["etapes"][1]))
    figures = []
    for key_id, unit in (("duree_moyenne_parcours_mois", "months"), ("duree_mediane_parcours_mois", "months"),
                         ("etapes_par_participant", "number")):
        if key_id in facts.indicators:
            label, definition = facts.label(key_id)
            figures.append(KeyFigure(label, facts.value(key_id), unit, definition=definition, source=ctx.source,
                                     period=ctx.period, seuil=ctx.seuil))
    if figures:
        blocks.insert(0, KeyFigures(figures))
    return blocks
