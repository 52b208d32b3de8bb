"""Content of the other domains for the intermediate report (Django side), called by the builder (``PROVIDERS``).

Each function takes the builder's ``ReportContext`` and returns blocks, a
Section, or ``None``; the builder catches a failure and says so in the
section, so a broken chapter never loses the report. Partner-facing
(``ctx.diffusion``): each domain's own protected version is asked for.
"""

from __future__ import annotations

from collections import Counter

from reperes.documents import Callout, Column, Figure, Paragraph, Section, Suppressed, Table

from .chapters.blocks import waiting


def _territory():
    from reperes.configuration.models import Installation

    return Installation.get().territory


MAP_DEFINITIONS = {
    "pop": "Participants accompagnés de la période résidant dans la commune, pour 1 000 habitants (population "
           "municipale).",
    "deld": "Participants accompagnés DELD de la période rapportés aux demandeurs d'emploi de longue durée de la "
            "commune (France Travail / DARES).",
    "rsa": "Participants accompagnés au RSA de la période rapportés aux foyers allocataires du RSA de la commune "
           "(CAF) : des foyers, pas des personnes.",
}


def territory_maps(ctx):
    """The « Territoire » page's three coverage maps (per 1 000 inhabitants, DELD, RSA), partners' version."""
    from reperes.offer import services

    territory = _territory()
    if territory is None:
        return None
    keys = tuple(MAP_DEFINITIONS)
    charts = services.report_maps(territory, ctx.debut, ctx.fin, raw=not ctx.diffusion, seuil=ctx.seuil, keys=keys)
    def key_to(chart) -> str:  # only what this map draws (its description says it)
        parts = [text for word, text in (("hachurée", "communes hachurées : données insuffisantes"),
                                         ("quadrillée", "communes quadrillées : secret statistique (« s »)"),
                                         ("trait épais", "traits épais : limites des intercommunalités"))
                 if word in chart.description]
        return (" " + " ; ".join(parts).capitalize() + " (voir la légende).") if parts else ""

    named = services.named_for_period
    return [Figure(chart, source=chart.source or named("Repères ; INSEE ; France Travail ; CAF", ctx.debut, ctx.fin),
                   period=ctx.period, definition=named(MAP_DEFINITIONS[key], ctx.debut, ctx.fin) + key_to(chart))
            for key, chart in zip(keys, charts, strict=True)]


def offer_matrix(ctx):
    """The needs × offer matrix summed up: gaps and possible overlaps by intercommunalité and thématique."""
    from reperes.offer import matrix as mx
    from reperes.offer import services

    territory = _territory()
    if territory is None:
        return [Callout("info", "Territoire non défini", "Le territoire du PLIE n'est pas encore défini.")]
    payload = services.matrix_payload(territory, ctx.debut, ctx.fin, diffusion=ctx.diffusion, seuil=ctx.seuil)
    cells = payload["cells"]
    if not cells:
        return [Callout("info", "Matrice vide",
                        "Aucun participant de la période n'a déclaré de frein et aucun service de l'offre "
                        "d'insertion ne couvre le territoire (page « Offre »).")]
    names = territory.epci_names()
    statuts = Counter(cell["statut"] for cell in cells)
    rows = []
    for cell in cells:
        if cell["statut"] not in ("carence", "plie_seul", "doublon"):
            continue
        demande = cell.get("demande")
        actions = cell.get("actions_plie", 0)
        rows.append([names.get(cell["epci"], cell["epci"]), mx.category_label(cell["thematique"]),
                     Suppressed(ctx.seuil) if demande is None else demande, cell.get("services") or 0,
                     Suppressed(ctx.seuil) if actions is None else actions,
                     mx.STATUT_LABELS.get(cell["statut"], cell["statut"])])
    summary = ", ".join(f"{mx.STATUT_LABELS[s].lower()} : {statuts.get(s, 0)}" for s in mx.STATUTS)
    blocks = [Paragraph(f"La matrice croise, pour chaque intercommunalité, les besoins des participants (freins "
                        f"à l'entrée), les services de l'offre d'insertion et les actions du PLIE lui-même (étapes qui agissent "
                        f"sur ces freins). Cases par statut – {summary}.")]
    if rows:
        blocks.append(Table(
            "Carences, besoins assurés par le PLIE seul et doublons possibles, par intercommunalité et thématique",
            [Column("Intercommunalité"), Column("Thématique"), Column("Participants concernés", "count"),
             Column("Services", "count"), Column("Actions du PLIE (étapes)", "count"), Column("Statut")], rows,
            source="Repères : données de parcours et catalogue de l'offre (data·inclusion)", period=ctx.period,
            definition="Carence : des participants ont ce besoin, aucun service ne le couvre et le PLIE n’y mène "
                       "aucune action. Assuré par le PLIE seul : aucun service d’un autre acteur, mais des étapes du "
                       "PLIE sur ce frein. Doublon possible : deux services ou plus du même type, pour des publics qui se recoupent."))
    else:
        blocks.append(Paragraph("Aucune carence, aucun besoin assuré par le PLIE seul ni aucun doublon n'apparaît "
                                "dans la matrice."))
    return blocks


def qualitative(ctx):
    """The qualitative chapter of the surveys domain (method, response rates, findings with verbatims)."""
    from reperes.surveys.synthesis import qualitative_section

    section = qualitative_section(seuil=ctx.seuil)
    return section if isinstance(section, Section) else None


def potential_public(ctx):
    """Accompagnés against the potential public by intercommunalité: DELD and RSA ratios (« Territoire » page)."""
    from reperes.offer import services

    territory = _territory()
    if territory is None:
        return None
    epci_rows, _ = services.coverage(territory, ctx.debut, ctx.fin, raw=not ctx.diffusion, seuil=ctx.seuil)
    if not any(p.long_term or p.rsa_households for p in epci_rows):
        return [Callout("info", "Public potentiel", waiting("participants-et-public-potentiel"))]

    def figure(value):
        return None if value is None or value.secret else value.value

    def ratio(place, key):
        return None if place.ratio_secret.get(key) else place.ratios.get(key)

    rows = [[p.nom, p.deld, figure(p.long_term), ratio(p, "deld"), p.rsa, figure(p.rsa_households), ratio(p, "rsa")]
            for p in epci_rows]
    provenance = sorted({v.provenance for p in epci_rows for v in (p.long_term, p.rsa_households) if v})
    definition = ("Accompagnés DELD de la période rapportés aux demandeurs d'emploi de longue durée (France Travail "
                  "/ DARES) ; accompagnés au RSA rapportés aux foyers allocataires du RSA (CAF) : la CAF compte des "
                  "foyers, pas des personnes. Cases vides : chiffre secret ou effectif trop faible."
                  + services.YEARLY_AVERAGE_NOTE)
    definition = services.named_for_period(definition, ctx.debut, ctx.fin)
    columns = [Column("Intercommunalité"), Column("Accompagnés DELD", "count"),
               Column("Demandeurs d'emploi de longue durée", "count"), Column("Ratio DELD", "percent"),
               Column("Accompagnés RSA", "count"), Column("Foyers RSA (CAF)", "count"), Column("Ratio RSA", "percent")]
    return [Table("Participants accompagnés au regard du public potentiel, par intercommunalité", columns, rows,
                  source="; ".join(provenance) or ctx.source, period=ctx.period, definition=definition)]
