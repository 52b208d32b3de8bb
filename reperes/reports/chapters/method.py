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

from .blocks import paragraphs
from .context import ChapterContext
from .facts import DEFINITIONS, Facts, ReportContext

DEFAULT_INTRODUCTION = (
    "Ce rapport intermédiaire présente les données recueillies pour l'évaluation du PLIE : "
    "le territoire et ses besoins, les personnes accompagnées, leurs parcours, les actions, les sorties "
    "et l'offre d'insertion. Il est destiné au comité de suivi, qui en débat ; ses premiers constats "
    "sont formulés comme des questions."
)


DEFAULT_METHODE = (
    "Les données de parcours proviennent des exports du logiciel de suivi du PLIE, importés dans Repères "
    "au format d'échange : chaque fichier est validé, les identifiants des personnes sont pseudonymisés "
    "(empreinte HMAC-SHA256 avec la clé de l'instance) avant tout enregistrement. Les indicateurs suivent "
    "les définitions du référentiel d'indicateurs de Repères ; chaque chiffre est accompagné de sa source, "
    "de sa période et de sa définition."
)


LIMITS = (
    "Les effectifs comptent des parcours, non des personnes : une personne revenue au PLIE compte deux fois.",
    "Une valeur inconnue (QPV non renseigné, niveau de formation inconnu) compte comme « non » dans les parts.",
    "La comparaison des actions expérimentales avec les autres n'est pas une évaluation d'impact : "
    "les publics orientés vers ces actions peuvent différer.",
    "Les données de démonstration, lorsqu'elles sont signalées, sont fictives.",
)

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


# ----------------------------------------------------------------------------- intermediate report


def interim(ctx: ReportContext, facts: Facts) -> list:
    inputs = ctx.inputs
    blocks: list = [Paragraph(p) for p in paragraphs(inputs.introduction or DEFAULT_INTRODUCTION)]
    period_text = (f"La période analysée va du {formats.date(ctx.debut)} au {formats.date(ctx.fin)} "
                   "(bornes incluses).")
    method: list = [Paragraph(p) for p in paragraphs(inputs.methode or DEFAULT_METHODE)]
    method.append(Paragraph(period_text))
    if inputs.sources:
        method.append(Paragraph("Sources de données utilisées :"))
        method.append(BulletList(list(inputs.sources)))
    else:
        method.append(Callout("warning", "Aucune source", "Aucun import de données n'a encore été fait."))
    privacy: list = [Paragraph(
        "Les données individuelles sont pseudonymisées dès l'import et ne quittent pas l'instance du PLIE ; "
        "seuls des agrégats figurent dans ce rapport. Chaque consultation de données individuelles est "
        "tracée dans le journal d'audit.")]
    if ctx.diffusion:
        privacy.append(Paragraph(
            "Ce document est destiné aux partenaires : le secret statistique s'applique à chaque effectif et "
            f"à chaque taux (seuil : {ctx.seuil} personnes). " + DisclosureNote(ctx.seuil).text))
    else:
        privacy.append(Callout(
            "warning", "Document interne",
            "Cette version montre les effectifs bruts, sans secret statistique : elle ne doit pas être "
            "diffusée aux partenaires. Générez la version « diffusion » pour le comité."))
    definitions = [Definition(term, text) for term, text in DEFINITIONS.values()]
    return blocks + [
        Section("Sources, recueil et période", blocks=method, slug="methode"),
        Section("Confidentialité et secret statistique", blocks=privacy, slug="confidentialite"),
        Section("Limites", blocks=[BulletList(list(LIMITS))], slug="limites"),
        Section("Définitions", blocks=definitions, slug="definitions"),
    ]
