"""Context and method: questions and criteria, sources with their vintages, period, disclosure rules, limits,
and the methods annex (definitions, intervals, coding of the interviews)."""

from __future__ import annotations

from reperes import formats
from reperes.analytics.stats import METHODE_COMPARAISON, METHODE_INTERVALLE
from reperes.documents import (
    BulletList,
    Callout,
    Column,
    Definition,
    DisclosureNote,
    Paragraph,
    Section,
    Table,
)
from reperes.referentiel import evaluation as voc
from reperes.reports.builder import DEFAULT_METHODE, DEFINITIONS, LIMITS

from .context import ChapterContext

CODING = ("Les entretiens et les réponses libres des questionnaires sont masqués (noms, lieux, contacts retirés "
          "automatiquement puis relus) et codés selon la grille de thèmes de l'instance ; un verbatim n'est cité "
          "que masqué, et un thème n'est présenté que s'il revient dans plusieurs entretiens.")


def questions_table() -> Table | None:
    from reperes.evaluation.models import Question

    rows = [[q.code, voc.CRITERES[q.critere], q.texte] for q in Question.objects.all()]
    if not rows:
        return None
    return Table("Les questions évaluatives et leurs critères",
                 [Column("N°"), Column("Critère"), Column("Question")], rows,
                 source="Registre de l'évaluation", key="questions",
                 definition="Critères d'évaluation du CAD de l'OCDE : pertinence, cohérence, efficacité, "
                            "efficience, impact, durabilité.")


def sources_table(cx: ChapterContext) -> Table:
    """Every source with its vintage: the data imports, the territorial statistics, the benchmark sheets."""
    rows = [[line, "données de parcours"] for line in cx.inputs.sources]
    rows += _statistics_sources() + _benchmark_sources()
    return Table("Sources et millésimes", [Column("Source"), Column("Nature")],
                 rows or [["Aucune source importée", "–"]], source="Repères", key="sources")


def _statistics_sources() -> list[list[str]]:
    from reperes.offer.models import StatImport

    return [[f"{item} (importé le {formats.date(item.created_at.date())})", "statistiques publiques"]
            for item in StatImport.objects.order_by("pk")]


def _benchmark_sources() -> list[list[str]]:
    from reperes.benchmark.models import SheetValue

    seen = (SheetValue.objects.order_by("plie", "source", "date_source")
            .values_list("plie", "source", "date_source").distinct())
    return [[f"{plie} : {source} ({date or 'date non précisée'})", "fiche PLIE (comparaison)"]
            for plie, source, date in seen]


def chapter(cx: ChapterContext) -> Section:
    method: list = [Paragraph(cx.inputs.methode or DEFAULT_METHODE),
                    Paragraph(f"La période analysée va du {formats.date(cx.debut)} au {formats.date(cx.fin)} "
                              "(bornes incluses)."),
                    sources_table(cx)]
    disclosure: list = [Paragraph(DisclosureNote(cx.seuil).text)]
    if not cx.diffusion:
        disclosure.append(Callout("warning", "Document interne",
                                  "Cette version montre les effectifs bruts, sans secret statistique : elle ne doit "
                                  "pas être diffusée aux partenaires. Générez la version « diffusion »."))
    annex = [Definition(term, text) for term, text in DEFINITIONS.values()]
    annex += [Definition("Intervalle de confiance", METHODE_INTERVALLE),
              Definition("Comparaison de deux groupes", METHODE_COMPARAISON),
              Definition("Codage des entretiens", CODING)]
    questions = questions_table()
    blocks: list = [Paragraph("L'évaluation répond aux questions posées par le PLIE ; chacune est rattachée à un "
                              "critère d'évaluation, et chaque constat à ses preuves.")]
    if questions is not None:
        blocks.append(questions)
    return Section("Contexte et méthode", blocks=blocks, slug="contexte-et-methode", subsections=[
        Section("Sources, recueil et période", blocks=method, slug="sources"),
        Section("Secret statistique", blocks=disclosure, slug="secret-statistique"),
        Section("Limites", blocks=[BulletList(list(LIMITS))], slug="limites"),
        Section("Annexe méthodologique", blocks=annex, slug="annexe-methodologique"),
    ])
