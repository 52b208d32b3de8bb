"""The COPIL deck: at most 25 slides, one message each — the key figures, the findings, then one slide per
recommendation the committee has to decide on, with its evidence in the speaker notes.

Built from the same chapters as the final report (:mod:`reperes.reports.chapters`), drawn with the document
renderer's slide primitives (:class:`reperes.documents.pptx.PptxRenderer`), and packaged reproducibly.
"""

from __future__ import annotations

import io

from reperes.documents import Document, KeyFigure
from reperes.documents.packaging import fixed_datetime, reproducible_zip
from reperes.documents.pptx import PptxRenderer
from reperes.referentiel import evaluation as voc

from .chapters.context import ChapterContext
from .chapters.recommendations import decided
from .chapters.summary import interval_text, key_rates

MAX_SLIDES = 25
TO_DECIDE = (voc.PROPOSEE, "ajournee")


def evidence_notes(cx: ChapterContext, reco) -> list[str]:
    from reperes.evaluation.services import evidence_of

    lines = []
    for constat in reco.constats.all():
        lines.append(f"Constat {constat.code} : {constat.texte}")
        for ev in evidence_of(constat, cx.resolver):
            if ev.kind == "verbatim":
                lines.append(f"  – Verbatim : « {ev.preuve.texte} »")
            else:
                value = ev.now or ev.error or ""
                lines.append(f"  – {ev.label}{' (' + ev.detail + ')' if ev.detail else ''} : {value}".rstrip(" :"))
    return lines


def slides_plan(cx: ChapterContext) -> list[tuple[str, list[str], list[str]]]:
    """(title, texts, notes) of every slide after the title and key figures, within :data:`MAX_SLIDES`."""
    from reperes.evaluation.models import Constat, Question

    recos = decided()
    pending = [(r, s) for r, s in recos if s.decision in TO_DECIDE]
    done = [(r, s) for r, s in recos if s.decision not in TO_DECIDE]
    fixed = 2 + (1 if cx.diffusion else 0) + (1 if done else 0)  # title, key figures, disclosure, decided
    reco_slides = [(f"Préconisation {r.numero} – {r.titre}",
                    [s.texte, f"Pilote : {r.pilote} · priorité {voc.PRIORITES[r.priorite].lower()} · horizon "
                              f"{r.horizon}", f"Article du protocole : {voc.ARTICLES[r.article]}",
                     f"État : {s.label.lower()}" + (f" ({s.history[-1]['motif']})" if s.history and
                                                    s.history[-1]["motif"] else ""),
                     "À décider : adopter, amender, ajourner ou rejeter."],
                    evidence_notes(cx, r)) for r, s in pending]
    constats = list(Constat.objects.prefetch_related("questions"))
    finding_slides = []
    for q in Question.objects.all():
        mine = [k for k in constats if q in k.questions.all()]
        if mine:
            finding_slides.append((f"{q.code}. {q.texte}", [f"– {k.texte}" for k in mine],
                                   [f"{k.code} : {k.texte}" for k in mine]))
    room = MAX_SLIDES - fixed - len(reco_slides)
    if len(finding_slides) > max(room, 1):  # one slide for every finding, titled by its message
        finding_slides = [("Les constats de l'évaluation", [f"– {k.texte}" for k in constats][:8],
                           [f"{k.code} : {k.texte}" for k in constats])]
    plan = finding_slides + reco_slides
    if done:
        plan.append(("Préconisations déjà décidées",
                     [f"{r.numero}. {r.titre} : {s.label.lower()}" for r, s in done][:10],
                     [f"{r.numero}. {r.titre} : {s.label} – {s.texte}" for r, s in done]))
    room = MAX_SLIDES - 2 - (1 if cx.diffusion else 0)
    if len(plan) > room:  # too many to decide: the rest on one slide, said so
        kept, rest = plan[:room - 1], plan[room - 1:]
        plan = kept + [("Autres préconisations à décider", [title for title, _t, _n in rest][:10],
                        [line for _title, _t, notes in rest for line in notes])]
    return plan


def render_deck(document: Document, cx: ChapterContext) -> bytes:
    """The deck's bytes: the title slide of ``document``, then the plan."""
    renderer = PptxRenderer(document)
    renderer._properties()
    renderer._title_slide()
    if document.disclosure is not None:
        renderer._text_slide("Secret statistique", [document.disclosure.text], notes=[document.disclosure.text])
    rates = key_rates(cx)
    items = [KeyFigure(r["label"], r["value"], "percent", seuil=cx.seuil) for r in rates]
    if items:
        renderer._key_figures(items, "Chiffres clés", notes=[f"{r['label']} : intervalle de confiance à 95 % "
                                                            f"{interval_text(r['interval'])}" for r in rates
                                                            if not r["secret"]])
    else:
        renderer._text_slide("Chiffres clés", ["Aucune donnée importée."])
    for title, texts, notes in slides_plan(cx):
        renderer._text_slide(title, texts, notes=notes)
    buffer = io.BytesIO()
    renderer.prs.save(buffer)
    return reproducible_zip(buffer.getvalue(), fixed_datetime(document.date))
