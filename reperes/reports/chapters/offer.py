"""The offer chapter (the PLIE's place among the territory's actors: coverage, gaps, overlaps) and what
partners and participants said (surveys, interviews, opinions on the recommendations)."""

from __future__ import annotations

from reperes.documents import Callout, Column, Paragraph, Section, Table
from reperes.referentiel import evaluation as voc
from reperes.reports import providers

from .blocks import waiting
from .context import ChapterContext
from .facts import Facts, ReportContext


def _as_blocks(produced) -> list:
    if produced is None:
        return []
    return [produced] if isinstance(produced, Section) else list(produced)


def chapter(cx: ChapterContext) -> Section:
    blocks: list = [Paragraph(
        "Le PLIE n'est qu'un des acteurs de l'insertion du territoire : la matrice besoins × offre montre où son "
        "offre complète celle des autres (cases couvertes), où les besoins des participants ne trouvent pas de "
        "service (carences) et où plusieurs services se recoupent (doublons possibles).")]
    content = _as_blocks(providers.offer_matrix(cx.report)) + _as_blocks(providers.potential_public(cx.report))
    blocks += [b for b in content if not isinstance(b, Section)]
    return Section("L'offre d'insertion du territoire", blocks=blocks,
                   subsections=[b for b in content if isinstance(b, Section)], slug="offre")


def voices(cx: ChapterContext) -> Section:
    content = _as_blocks(providers.qualitative(cx.report))
    blocks = [b for b in content if not isinstance(b, Section)]
    subsections = [b for b in content if isinstance(b, Section)]
    if not content:
        blocks.append(Callout("info", "Enquêtes", "Aucune enquête ni aucun entretien n'est encore codé."))
    if not cx.diffusion:  # opinions are never in the partners' version (docs/evaluation.md)
        from reperes.evaluation.models import Consultation

        rows = [[c.preconisation.numero, c.institution, voc.AVIS[c.avis], c.commentaire or "–"]
                for c in Consultation.objects.select_related("preconisation")]
        if rows:
            subsections.append(Section("Avis des partenaires sur les préconisations", blocks=[Table(
                "Avis des partenaires consultés avant les comités",
                [Column("Préconisation", "count"), Column("Institution"), Column("Avis"), Column("Commentaire")],
                rows, source="Registre de l'évaluation (consultations)", key="consultations")],
                slug="avis-des-partenaires"))
    return Section("Ce qu'ont dit les partenaires et les participants", blocks=blocks, subsections=subsections,
                   slug="paroles")


# ----------------------------------------------------------------------------- intermediate report
# The matrix and the voices come from the offer's and the surveys' domains (reperes.reports.providers, called by
# the builder); without them (a pure build), the section says what it waits for.


def interim(ctx: ReportContext, facts: Facts) -> list:
    if ctx.inputs.providers:
        return []
    return [Callout("info", "Partie à venir", waiting("offre-d-insertion"))]


def interim_voices(ctx: ReportContext, facts: Facts) -> list:
    if ctx.inputs.providers:
        return []
    return [Callout("info", "Partie à venir", waiting("paroles-des-partenaires-et-participants"))]
