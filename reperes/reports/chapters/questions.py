"""One chapter per evaluation question: its findings with their evidence, then the conclusion."""

from __future__ import annotations

from reperes.documents import Callout, Column, Paragraph, Run, Section, Table
from reperes.referentiel import evaluation as voc

from .context import ChapterContext


def _evidence_table(cx: ChapterContext, constat, shown) -> Table | None:
    rows = []
    for ev in shown:
        if ev.kind == "verbatim":
            continue
        value = ev.now or ev.error or ""
        if ev.a_revoir:
            value += f" (valeur retenue : {ev.retained} ; à revoir)"
        rows.append([ev.label, ev.detail or "–", value or "–"])
    if not rows:
        return None
    return Table(f"Preuves du constat {constat.code}", [Column("Preuve"), Column("Période, périmètre"),
                                                         Column("Valeur")], rows,
                 source="Registre de l'évaluation ; chiffres recalculés sur les données", key=f"preuves-{constat.code}",
                 definition="Chaque chiffre est recalculé sur les données actuelles ; « à revoir » : il a changé "
                            "depuis qu'il a été retenu.")


def question_section(cx: ChapterContext, question, constats) -> Section:
    from reperes.evaluation.services import evidence_of
    from reperes.evaluation.standing import standings

    blocks: list = [Paragraph([Run("Critère : ", bold=True), Run(voc.CRITERES[question.critere])])]
    recos = []
    for constat in constats:
        blocks.append(Callout("finding", f"Constat {constat.code}", constat.texte))
        shown = evidence_of(constat, cx.resolver)
        table = _evidence_table(cx, constat, shown)
        if table is not None:
            blocks.append(table)
        for ev in shown:
            if ev.kind == "verbatim":
                blocks.append(Paragraph([Run(f"Verbatim ({ev.preuve.theme}) : ", bold=True),
                                         Run(f"« {ev.preuve.texte} »", italic=True)]))
        for reco in constat.preconisations.all():
            if reco not in recos:
                recos.append(reco)
    if not constats:
        blocks.append(Paragraph("Aucun constat n'est encore rattaché à cette question."))
        conclusion = "La question reste ouverte : aucun constat ne l'éclaire encore."
    else:
        standing = standings(recos)
        listed = "; ".join(f"n° {r.numero} « {r.titre} » ({standing[r.pk].label.lower()})"
                           for r in sorted(recos, key=lambda r: r.numero))
        conclusion = (f"{len(constats)} constat{'s' if len(constats) > 1 else ''} répond"
                      f"{'ent' if len(constats) > 1 else ''} à cette question"
                      + (f" ; {'ils fondent' if len(constats) > 1 else 'il fonde'} les préconisations {listed}."
                         if recos else
                         " ; aucune préconisation n'en découle encore."))
    blocks.append(Paragraph([Run("Conclusion : ", bold=True), Run(conclusion)]))
    return Section(f"{question.code}. {question.texte}", blocks=blocks, slug=f"question-{question.code.lower()}")


def chapter(cx: ChapterContext) -> Section:
    from reperes.evaluation.models import Constat, Question

    constats = list(Constat.objects.prefetch_related("questions", "preuves", "preconisations"))
    subsections = []
    for question in Question.objects.all():
        mine = [k for k in constats if question in k.questions.all()]
        subsections.append(question_section(cx, question, mine))
    intro = [Paragraph("Chaque question évaluative est traitée à son tour : ses constats, les preuves qui les "
                       "fondent (chiffres, tableaux, verbatims, comparaisons), puis la conclusion.")]
    return Section("Réponses aux questions évaluatives", blocks=intro, subsections=subsections,
                   slug="questions-evaluatives",
                   empty_message="Aucune question évaluative n'est enregistrée (page « Évaluation »).")
