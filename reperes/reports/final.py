"""The final report of the evaluation, assembled from chapters (:mod:`reperes.reports.chapters`).

:data:`CHAPTERS` is the document: an ordered list of chapter functions, each
producing a :class:`~reperes.documents.Section` from figures computed through
the same functions as the pages. A chapter that fails says so in its place
(« Partie non produite ») instead of losing the report. The partner version
(``diffusion``) takes the intermediate report's path: the builder's context
and facts, the resolver with ``diffusion=True``, the document's
:class:`~reperes.documents.DisclosureNote`.

The PowerPoint format of the final report is the COPIL deck (:mod:`reperes.reports.deck`): a deck of the
whole report would be unreadable, the committee needs one message a slide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from reperes.analytics.disclosure import DisclosureError
from reperes.analytics.populations import check_period
from reperes.documents import Callout, DisclosureNote, Document, Section

from .builder import DEMO_BANNER
from .chapters import annexes, benchmark, method, offer, questions, recommendations, summary, valorisation
from .chapters.context import ChapterContext, build_context

logger = logging.getLogger(__name__)

TITLE = "Rapport final de l'évaluation du PLIE"
SUBTITLE = "Évaluation du PLIE et préconisations pour le protocole 2021-2025"

# (slug, title, chapter): the final report, in reading order
CHAPTERS = (
    ("synthese", "Synthèse", summary.chapter),
    ("contexte-et-methode", "Contexte et méthode", method.chapter),
    ("questions-evaluatives", "Réponses aux questions évaluatives", questions.chapter),
    ("benchmark", "Comparaison avec d'autres PLIE", benchmark.chapter),
    ("offre", "L'offre d'insertion du territoire", offer.chapter),
    ("paroles", "Ce qu'ont dit les partenaires et les participants", offer.voices),
    ("valorisation", "Valoriser les sorties autres que positives", valorisation.chapter),
    ("preconisations", "Préconisations et décisions", recommendations.chapter),
)


def decisions_hash() -> str:
    """SHA-256 of what the committees decided and of the recommendations' texts (part of the snapshot)."""
    from reperes.evaluation.models import Decision, Preconisation

    content = {
        "preconisations": list(Preconisation.objects.order_by("code").values_list(
            "code", "numero", "titre", "texte", "article", "cible_indicateur", "cible_valeur")),
        "decisions": [[d.comite.code, d.comite.date.isoformat(), d.preconisation.code, d.decision, d.motif,
                       d.texte_amende] for d in Decision.objects.select_related("comite", "preconisation")],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, default=str).encode()).hexdigest()


def safely(slug: str, title: str, function, *args) -> Section:
    try:
        return function(*args)
    except DisclosureError:  # a partner version that would leak is refused whole, never released without a part
        raise
    except Exception as exc:  # one failing chapter never loses the document
        logger.exception("Chapter %s failed", slug)
        return Section(title, slug=slug, blocks=[Callout(
            "warning", "Partie non produite", f"Cette partie n'a pas pu être produite ({type(exc).__name__}). "
                                              "Les autres parties du document ne sont pas concernées.")])


def metadata(cx: ChapterContext, title: str) -> dict:
    inputs = cx.inputs
    return {
        "Document": f"{title} – {inputs.plie_name}",
        "Période": f"{cx.debut.isoformat()} au {cx.fin.isoformat()}",
        "Date du document": cx.date.isoformat(),
        "Diffusion aux partenaires": "oui (secret statistique appliqué)" if cx.diffusion else "non (document interne)",
        "Seuil du secret statistique": inputs.seuil,
        "Imports de données": ", ".join(str(i) for i in inputs.snapshot.get("imports", ())) or "aucun",
        "Empreinte des données (SHA-256)": inputs.snapshot.get("hash", ""),
        "Empreinte des décisions (SHA-256)": decisions_hash(),
        "Version de Repères": inputs.version,
    }


def build_final_report(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool,
                       cx: ChapterContext | None = None) -> Document:
    check_period(debut, fin)
    cx = cx or build_context(debut=debut, fin=fin, date=date, diffusion=diffusion)
    if diffusion and cx.facts.has_data:  # the period's publication audited, as for the intermediate report
        cx.facts.check_release()
    meta = metadata(cx, TITLE)
    sections = [safely(slug, title, function, cx) for slug, title, function in CHAPTERS]
    sections.append(safely("annexes", "Annexes", annexes.chapter, cx, meta))
    return Document(title=TITLE, subtitle=SUBTITLE, date=date, organisation=cx.inputs.plie_name, author="Repères",
                    banner=DEMO_BANNER if cx.inputs.is_demo else None,
                    disclosure=DisclosureNote(cx.seuil) if diffusion else None, sections=sections, metadata=meta)


def file_stem(debut: dt.date, fin: dt.date, diffusion: bool) -> str:
    return f"rapport-final-{debut.isoformat()}-{fin.isoformat()}{'-diffusion' if diffusion else '-interne'}"


def generate(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool, formats: list[str] | None = None):
    """Build the final report and render it; its PPTX is the COPIL deck (:mod:`reperes.reports.deck`)."""
    from . import services
    from .deck import render_deck

    services.check_period(debut, fin, diffusion)
    formats = formats or list(services.FORMATS)
    cx = build_context(debut=debut, fin=fin, date=date, diffusion=diffusion)
    try:
        document = build_final_report(debut=debut, fin=fin, date=date, diffusion=diffusion, cx=cx)
    except DisclosureError as exc:  # the audit refused the partner version: say which cell, release nothing
        raise services.ReportError(str(exc)) from exc
    template, logo = services.customisation()
    outputs = services.render_formats(document, [f for f in formats if f != "pptx"], template=template, logo=logo)
    if "pptx" in formats:
        outputs["pptx"] = render_deck(document, cx)
    outputs = {fmt: outputs[fmt] for fmt in formats}
    return services.Generation(document, outputs, file_stem(debut, fin, diffusion))
