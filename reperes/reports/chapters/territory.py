"""The territory and its needs (intermediate report): communes and intercommunalités with their population;
the coverage maps come from the « Territoire » page (:func:`reperes.reports.providers.territory_maps`)."""

from __future__ import annotations

from reperes import formats
from reperes.documents import Callout, Column, Paragraph, Table

from .blocks import epci_frame, waiting
from .facts import Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    epcis = epci_frame(ctx)
    if epcis is None:
        return [Callout("info", "Territoire non défini",
                        "Le territoire du PLIE n'est pas encore défini (page « Paramètres ») : "
                        "ses communes et intercommunalités apparaîtront ici.")]
    total_pop = int(epcis["population"].sum())
    n_communes = int(epcis["communes"].sum())
    blocks: list = [
        Paragraph(f"Le territoire du PLIE compte {formats.plural(n_communes, 'commune')}, réparties en "
                  f"{formats.plural(epcis.height, 'intercommunalité')}, pour "
                  f"{formats.plural(total_pop, 'habitant')} (population municipale)."),
        Table("Intercommunalités du territoire",
              [Column("Intercommunalité"), Column("Communes", "count"), Column("Population", "count")],
              [[row["epci_nom"] or row["epci"], row["communes"], row["population"]]
               for row in epcis.iter_rows(named=True)],
              source="INSEE, populations légales (référentiel des communes embarqué, édition 2026)",
              definition="Population municipale, somme des communes de l'intercommunalité.",
              footer_rows=[["Total", n_communes, total_pop]]),
    ]
    if not ctx.inputs.providers:  # the maps come from reperes.reports.providers
        blocks.append(Callout("info", "Besoins du territoire", waiting("territoire-et-besoins")))
    return blocks
