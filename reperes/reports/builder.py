"""The intermediate report (« rapport intermédiaire »), built once as a document model.

:func:`build_intermediate_report` returns a :class:`reperes.documents.Document`;
the HTML, DOCX, PDF and PPTX renderers all walk that one tree, so no content
is written twice. The document is an ordered list of chapters
(:data:`SECTIONS`, nine, always in this order); each chapter is a module of
:mod:`reperes.reports.chapters` whose ``interim(ctx, facts)`` turns the
period's protected figures into blocks. A section whose data is missing says
so (« Cette partie sera alimentée dès que … ») instead of vanishing; a
chapter that fails says so in its place and never loses the report.

The other domains add their own content to four sections (:data:`PROVIDERS`,
functions of :mod:`reperes.reports.providers`: the « Territoire » page's maps
and table, the needs × offer matrix, the surveys' chapter); they need the
database and are off when ``inputs.providers`` is false (pure tests).

Partner-facing (``diffusion=True``): every figure of the period is declared
once in :mod:`reperes.analytics.period_publication` (with the indicators of
``reperes indicators``) and protected *together*; the chapters, their tables,
charts and sentences read that decision (:class:`~reperes.reports.chapters.facts.Facts`),
never a raw count, so the report and ``reperes indicators --json --diffusion``
agree cell by cell. Before a partner document is released,
:func:`reperes.analytics.disclosure.audit` plays the attacker on it: a pinned
small count refuses the release (:class:`DisclosureRefused`, a French message
naming the cell). The document carries a :class:`DisclosureNote`. Nothing in
this module imports Django at import time; :func:`build_intermediate_report`
without ``inputs`` asks :mod:`reperes.reports.data` (Django side) to gather
them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from reperes.analytics.period_publication import DisclosureRefused  # noqa: F401 - raised by Facts.check_release, read here by callers
from reperes.analytics.populations import Period, check_period
from reperes.documents import (
    BulletList,
    Callout,
    DisclosureNote,
    Document,
    KeyFigures,
    Paragraph,
    Run,
    Section,
)

from . import providers
from .chapters import actions, findings, method, offer, parcours, participants, sorties, territory
from .chapters.blocks import count_phrase as _count_phrase  # noqa: F401 - tests read it here
from .chapters.blocks import waiting
from .chapters.facts import Facts, ReportContext
from .inputs import ReportInputs, source_text

logger = logging.getLogger(__name__)

TITLE = "Rapport intermédiaire de l'évaluation du PLIE"
SUBTITLE = "Évaluation du PLIE et préparation du nouveau protocole"
MENTION = "Document de travail – comité de suivi"
DEMO_BANNER = "Données de démonstration – fictives"

# (slug, title) of the nine sections, in reading order: the app's commentary is stored by slug.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("contexte-et-methode", "Contexte et méthode"),
    ("territoire-et-besoins", "Le territoire et ses besoins"),
    ("participants-et-public-potentiel", "Les participants au regard du public potentiel"),
    ("parcours-et-etapes", "Parcours et étapes"),
    ("actions-et-experimentations", "Actions et expérimentations"),
    ("sorties", "Les sorties, dont celles à valoriser"),
    ("offre-d-insertion", "L'offre d'insertion : carences et doublons"),
    ("paroles-des-partenaires-et-participants", "Ce qu'ont dit les partenaires et les participants"),
    ("premiers-constats", "Premiers constats : questions pour le débat"),
)

# The chapter of each section (module-level names, read when a report is built).
_context_and_method = method.interim
_territory = territory.interim
_participants = participants.interim
_parcours = parcours.interim
_actions = actions.interim
_sorties = sorties.interim
_offer = offer.interim
_qualitative = offer.interim_voices
_findings = findings.interim

# section slug → the other domains' content (reperes.reports.providers), added after the chapter's own blocks;
# each is called with the ReportContext and returns a Section, a sequence of blocks, or None (nothing to add).
PROVIDERS: dict[str, tuple[Callable, ...]] = {
    "territoire-et-besoins": (providers.territory_maps,),
    "participants-et-public-potentiel": (providers.potential_public,),
    "offre-d-insertion": (providers.offer_matrix,),
    "paroles-des-partenaires-et-participants": (providers.qualitative,),
}


# ----------------------------------------------------------------------------- public API


def build_intermediate_report(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool,
                              inputs: ReportInputs | None = None) -> Document:
    """The intermediate report for ``[debut, fin]``, dated ``date``; partner-facing when ``diffusion``."""
    check_period(debut, fin)
    if inputs is None:
        from reperes.reports.data import gather_inputs

        inputs = gather_inputs()
    period = Period(debut, fin)
    source = source_text(inputs)
    ctx = ReportContext(debut=debut, fin=fin, diffusion=diffusion, seuil=inputs.seuil, dataset=inputs.dataset,
                        period=period, source=source, inputs=inputs)
    facts = Facts(ctx)
    if diffusion and facts.has_data:
        facts.check_release()
    builders: dict[str, Callable[[ReportContext, Facts], list]] = {
        "contexte-et-methode": _context_and_method,
        "territoire-et-besoins": _territory,
        "participants-et-public-potentiel": _participants,
        "parcours-et-etapes": _parcours,
        "actions-et-experimentations": _actions,
        "sorties": _sorties,
        "offre-d-insertion": _offer,
        "paroles-des-partenaires-et-participants": _qualitative,
        "premiers-constats": _findings,
    }
    sections = []
    for slug, title in SECTIONS:
        try:
            content = builders[slug](ctx, facts)
            content += _provided(slug, ctx)
        except Exception as exc:  # a report is never lost to one failing part
            logger.exception("Section %s of the intermediate report failed", slug)
            content = [Callout("warning", "Partie non produite",
                               f"Cette partie n'a pas pu être produite ({type(exc).__name__}). "
                               "Les autres parties du rapport ne sont pas concernées.")]
        sections.append(_section(slug, title, content, inputs.comments.get(slug, "")))
    summary = _summary(sections)
    if summary is not None:
        sections.insert(0, summary)
    metadata = {
        "Document": f"{TITLE} – {inputs.plie_name}",
        "Période": f"{debut.isoformat()} au {fin.isoformat()}",
        "Date du document": date.isoformat(),
        "Diffusion aux partenaires": "oui (secret statistique appliqué)" if diffusion else "non (document interne)",
        "Seuil du secret statistique": inputs.seuil,
        "Imports de données": ", ".join(str(i) for i in inputs.snapshot.get("imports", ())) or "aucun",
        "Empreinte des données (SHA-256)": inputs.snapshot.get("hash", ""),
        "Version de Repères": inputs.version,
    }
    return Document(
        title=TITLE,
        subtitle=MENTION,
        date=date,
        organisation=inputs.plie_name,
        author="Repères",
        banner=DEMO_BANNER if inputs.is_demo else None,
        disclosure=DisclosureNote(inputs.seuil) if diffusion else None,
        sections=sections,
        metadata=metadata,
    )


def _section(slug: str, title: str, content: list, comment: str) -> Section:
    blocks, subsections = [], []
    for item in content:
        (subsections if isinstance(item, Section) else blocks).append(item)
    if comment.strip():
        for index, text in enumerate(p.strip() for p in comment.split("\n\n") if p.strip()):
            runs = [Run("Commentaire du PLIE : ", bold=True), Run(text)] if index == 0 else [Run(text)]
            blocks.append(Paragraph(runs))
    return Section(title, blocks=blocks, subsections=subsections, slug=slug,
                   empty_message=waiting("data"))


def _provided(slug: str, ctx: ReportContext) -> list:
    """Blocks from the other domains' content; a failing one says so and the rest of the section stays."""
    result: list = []
    if not ctx.inputs.providers:
        return result
    for function in PROVIDERS.get(slug, ()):
        try:
            produced = function(ctx)
        except Exception as exc:
            logger.exception("Provider %s of section %s failed", function.__name__, slug)
            result.append(Callout("warning", "Partie incomplète",
                                  f"Une partie de ce chapitre n'a pas pu être produite ({type(exc).__name__})."))
            continue
        if produced is None:
            continue
        if isinstance(produced, Section):
            result.append(produced)
        else:
            result.extend(produced)
    return result


SUMMARY_PARTS = ("participants-et-public-potentiel", "sorties", "offre-d-insertion", "premiers-constats")


def _summary(sections: list[Section]) -> Section | None:
    """« L’essentiel »: one page up front, made of what the parts below already say (their key figures, the
    matrix in one sentence, the questions for the debate) — nothing computed twice, nothing that could
    disagree with the part it comes from."""
    by_slug = {section.slug: section for section in sections}
    blocks: list = []
    figures = []
    for slug in SUMMARY_PARTS[:2]:
        part = by_slug.get(slug)
        key = next((b for b in part.blocks if isinstance(b, KeyFigures)), None) if part else None
        if key is not None:
            figures.extend(key.items)
    if figures:  # one row of figures (two lines of three on paper): one slide in the deck
        blocks.append(KeyFigures(figures))
    offer_part = by_slug.get("offre-d-insertion")
    sentence = next((b for b in offer_part.blocks if isinstance(b, Paragraph)), None) if offer_part else None
    if sentence is not None:
        blocks.append(sentence)
    findings_part = by_slug.get("premiers-constats")
    questions = [b.text for b in findings_part.blocks if isinstance(b, Callout) and b.kind == "question"] \
        if findings_part else []
    if questions:
        blocks.append(Paragraph("Les questions posées au comité (détail dans « Premiers constats ») :"))
        blocks.append(BulletList(questions))
    if not blocks:
        return None
    return Section("L'essentiel", blocks=blocks, slug="essentiel")
