"""The intermediate report (« rapport intermédiaire »), built once as a document model.

:func:`build_intermediate_report` returns a :class:`reperes.documents.Document`;
the HTML, DOCX, PDF and PPTX renderers all walk that one tree, so no content
is written twice. The nine sections of the issue always appear, in this order
(:data:`SECTIONS`); a section whose data or analysis module is missing says so
(« Cette partie sera alimentée dès que … ») instead of vanishing.

Content comes from, in order of preference:

1. the analyses that exist, imported lazily (``reperes.analytics.indicators``
   for the contract's indicators; *providers* of the other issues, see
   :data:`PROVIDERS`);
2. simple counts computed here on the Polars frames (breakdowns by EPCI,
   family of étape, motif of exit…).

Partner-facing (``diffusion=True``): every figure of the period is declared
once in :mod:`reperes.reports.publication` (with the indicators of
``reperes indicators``) and protected *together*; the sections, their tables,
charts and sentences read that decision, never a raw count, so the report and
``reperes indicators --json --diffusion`` agree cell by cell. Before a partner
document is released, :func:`reperes.analytics.disclosure.audit` plays the
attacker on it: a pinned small count refuses the release
(:class:`DisclosureRefused`, a French message naming the cell). The document
carries a :class:`DisclosureNote`. Nothing in this module imports Django at import
time; :func:`build_intermediate_report` without ``inputs`` asks
:mod:`reperes.reports.data` (Django side) to gather them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from reperes import formats
from reperes import referentiel as ref
from reperes.analytics import disclosure, stats
from reperes.documents import (
    BulletList,
    Callout,
    Column,
    Definition,
    DisclosureNote,
    Document,
    Figure,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Period,
    Run,
    Section,
    Suppressed,
    Table,
)

logger = logging.getLogger(__name__)
IND = "indicateurs."  # names of the indicators' figures in the period's publication

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
SECTION_TITLES = dict(SECTIONS)

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

DEFINITIONS = {
    "accompagnes": ("Participants accompagnés",
                    "Parcours entrés au plus tard le dernier jour de la période et non sortis avant son premier "
                    "jour (bornes incluses)."),
    "entrees": ("Entrées", "Parcours dont la date d'entrée tombe dans la période (bornes incluses)."),
    "sorties": ("Sorties", "Parcours dont la date de sortie tombe dans la période (bornes incluses)."),
    "positive": ("Sortie positive",
                 "Emploi durable (CDI, CDD ou intérim de 6 mois ou plus, alternance, création d'activité) ou "
                 "formation qualifiante."),
    "solution": ("Autre sortie à valoriser",
                 "Sortie vers une solution qui n'est pas une sortie positive au sens du protocole : emploi de "
                 "transition, formation pré-qualifiante, orientation adaptée, milieu protégé, santé, retraite."),
    "etapes": ("Étape de parcours",
               "Emploi, formation, action de levée des freins ou d'accompagnement suivie par un participant ; "
               "comptée ici lorsqu'elle commence dans la période."),
}

# section slug → "module:function" providers, tried in order; each is called with the ReportContext and
# returns a Section, a sequence of blocks, or None (nothing to add). A missing module is skipped.
PROVIDERS: dict[str, tuple[str, ...]] = {
    "territoire-et-besoins": ("reperes.reports.providers:territory_maps",),
    "participants-et-public-potentiel": ("reperes.reports.providers:potential_public",),
    "offre-d-insertion": ("reperes.reports.providers:offer_matrix",),
    "paroles-des-partenaires-et-participants": ("reperes.reports.providers:qualitative",),
}
# What a section waits for when its provider is missing (« Cette partie sera alimentée dès que … »).
WAITING_FOR = {
    "territoire-et-besoins": "les statistiques territoriales (INSEE, France Travail, CAF) seront importées "
                             "dans la page « Territoire »",
    "participants-et-public-potentiel": "les statistiques territoriales du public potentiel (demandeurs "
                                        "d'emploi de longue durée, foyers allocataires du RSA) seront "
                                        "disponibles",
    "offre-d-insertion": "le catalogue de l'offre d'insertion (structures et services, data·inclusion) et "
                         "la matrice besoins × offre seront disponibles",
    "paroles-des-partenaires-et-participants": "les enquêtes et les entretiens auprès des partenaires et des "
                                               "participants auront été recueillis et codés",
    "indicators": "le module des indicateurs du référentiel sera disponible",
    "data": "des données de parcours auront été importées",
}


def waiting(what: str) -> str:
    return f"Cette partie sera alimentée dès que {WAITING_FOR.get(what, what)}."


# ----------------------------------------------------------------------------- inputs


@dataclass
class ReportInputs:
    """Everything the report is built from (gathered by :mod:`reperes.reports.data`, or by a test)."""

    plie_name: str = "PLIE"
    seuil: int = disclosure.SEUIL_PAR_DEFAUT
    is_demo: bool = False
    dataset: Any = None  # reperes.analytics.frames.Dataset, or None when no data could be loaded
    snapshot: Mapping[str, Any] = field(default_factory=dict)  # imports, data hash
    introduction: str = ""
    methode: str = ""
    comments: Mapping[str, str] = field(default_factory=dict)  # section slug → commentary
    sources: Sequence[str] = ()  # French lines describing the imports
    version: str = ""
    providers: bool = True  # ask the other domains for their chapters (PROVIDERS); off for pure tests


@dataclass
class ReportContext:
    """What a section provider receives."""

    debut: dt.date
    fin: dt.date
    diffusion: bool
    seuil: int
    dataset: Any
    period: Period
    source: str
    inputs: ReportInputs


# ----------------------------------------------------------------------------- public API


def build_intermediate_report(*, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool,
                              inputs: ReportInputs | None = None) -> Document:
    """The intermediate report for ``[debut, fin]``, dated ``date``; partner-facing when ``diffusion``."""
    if fin < debut:
        raise ValueError("La fin de la période précède son début.")
    if inputs is None:
        from reperes.reports.data import gather_inputs

        inputs = gather_inputs()
    period = Period(debut, fin)
    source = _source_text(inputs)
    ctx = ReportContext(debut=debut, fin=fin, diffusion=diffusion, seuil=inputs.seuil, dataset=inputs.dataset,
                        period=period, source=source, inputs=inputs)
    facts = _Facts(ctx)
    if diffusion and facts.has_data:
        _check_release(facts)
    builders: dict[str, Callable[[ReportContext, _Facts], list]] = {
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


class DisclosureRefused(disclosure.DisclosureError):
    """A partner document that must not be released (French message naming the cell)."""


def _check_release(facts: _Facts) -> None:
    """The audit of the period's publication: a partner document is released only when it leaks nothing."""
    if facts.pub is None:
        raise DisclosureRefused("La version pour les partenaires n'a pas pu être protégée (secret statistique) : "
                                "elle n'est pas produite. Générez la version interne, ou signalez le problème.")
    from reperes.reports.publication import nested_failures

    result = facts.pub.audit()
    failures = list(result.failures) + nested_failures(facts.ctx.dataset, facts.pub)
    if failures:
        raise DisclosureRefused("La version pour les partenaires n'est pas diffusée : " + failures[0]
                                + (" Choisissez une année civile entière." if not result.failures else ""))


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


def _provider_functions(slug: str, ctx: ReportContext) -> list[Callable]:
    if not ctx.inputs.providers:
        return []
    functions = []
    for target in PROVIDERS.get(slug, ()):
        module_name, function_name = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            functions.append(function)
    return functions


def _provided(slug: str, ctx: ReportContext) -> list:
    """Blocks from the other domains' chapters; a missing module is skipped, a failing one says so."""
    result: list = []
    for function in _provider_functions(slug, ctx):
        try:
            produced = function(ctx)
        except ImportError:
            continue
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


def _has_provider(slug: str, ctx: ReportContext) -> bool:
    return bool(_provider_functions(slug, ctx))


def _source_text(inputs: ReportInputs) -> str:
    imports = inputs.snapshot.get("imports", ())
    if not imports:
        return f"Repères, données de parcours du {inputs.plie_name}"
    shown = ", ".join(str(i) for i in imports)
    return f"Repères, données de parcours du {inputs.plie_name} (imports n° {shown})"


# ----------------------------------------------------------------------------- facts (computed once)


class _Facts:
    """Populations of the period and the contract's indicators, computed once for every section."""

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        data = ctx.dataset
        self.has_data = data is not None and data.participants.height > 0
        self.pub: Any = None  # reperes.reports.publication.PeriodPublication
        self.indicators: dict[str, Any] | None = None
        self.indicator_labels: dict[str, tuple[str, str]] = {}
        self.secret: set[str] = set()
        if not self.has_data:
            return
        p = data.participants
        debut, fin = ctx.debut, ctx.fin
        self.accompagnes = p.filter((pl.col("date_entree") <= fin)
                                    & (pl.col("date_sortie").is_null() | (pl.col("date_sortie") >= debut)))
        self.entrees = p.filter(pl.col("date_entree").is_between(debut, fin))
        self.sorties = p.filter(pl.col("date_sortie").is_between(debut, fin))
        self.pub = None
        self.indicators = self._indicators(data)

    def _indicators(self, data) -> dict[str, Any] | None:
        """The contract's indicators (``reperes.analytics.indicators``), protected for partners; ``None`` if absent."""
        try:
            module = importlib.import_module("reperes.analytics.indicators")
        except ImportError:
            return None
        ctx = self.ctx
        try:
            from reperes.reports import publication

            self.pub = publication.build(data, ctx.debut, ctx.fin, ctx.seuil)
            payload = self.pub.payload(ctx.diffusion)
        except Exception:  # never an unprotected figure: no indicator at all rather than a raw one
            logger.exception("The indicators of the report could not be computed")
            self.pub = None
            return None
        self.secret = set(payload.get("secret") or ())
        values = dict(payload.get("indicateurs") or {})
        registry = getattr(module, "REGISTRY", None) or {}
        for key in values:
            entry = registry.get(key) if hasattr(registry, "get") else None
            label = _attr(entry, "label")
            if label:
                self.indicator_labels[key] = (label, _attr(entry, "definition") or "")
        return values

    def value(self, key: str) -> Any:
        """An indicator's value, :class:`Suppressed` when hidden; ``None`` when absent."""
        if self.indicators is None or key not in self.indicators:
            return None
        if f"indicateurs.{key}" in self.secret:
            return Suppressed(self.ctx.seuil)
        return self.indicators[key]

    def label(self, key: str, default: str) -> tuple[str, str]:
        return self.indicator_labels.get(key, (default, ""))

    def show(self, name: str) -> Any:
        """A figure of the period's publication as this document shows it (raw, or protected for partners)."""
        return self.pub.show(name, self.ctx.diffusion)

    def interval(self, name: str) -> Any:
        """The 95 % Wilson interval of a rate of the publication (Suppressed when the rate is secret)."""
        if self.pub is None:
            return None
        return self.pub.interval(name, self.ctx.diffusion)

    def rate_text(self, key_id: str) -> str:
        """An indicator's rate in a sentence: « 49,5 % (IC 95 % : 42,8 – 56,2) », or "" when it is secret."""
        return _rate_text(self.value(key_id), self.interval(IND + key_id))


def _attr(entry: Any, name: str) -> str | None:
    if entry is None:
        return None
    if isinstance(entry, Mapping):
        value = entry.get(name)
    else:
        value = getattr(entry, name, None)
    return value if isinstance(value, str) else None


# ----------------------------------------------------------------------------- disclosure helpers


def _protect(ctx: ReportContext, mapping: dict[str, int], total: int | None) -> tuple[dict[str, Any], Any]:
    """Counts as shown: raw for staff, through disclosure control for partners (hidden → Suppressed)."""
    if not ctx.diffusion:
        return dict(mapping), total
    protected = disclosure.protect_counts(mapping, ctx.seuil, total=total)
    values = {k: (Suppressed(ctx.seuil) if v is None else v) for k, v in protected.values.items()}
    shown_total = Suppressed(ctx.seuil) if protected.total_secret else protected.total
    return values, shown_total


def _share(ctx: ReportContext, numerator: Any, denominator: Any) -> Any:
    if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed):
        return Suppressed(ctx.seuil)
    if denominator in (None, 0) or numerator is None:
        return None
    if not ctx.diffusion:
        return numerator / denominator
    cell = disclosure.rate_cell(int(numerator), int(denominator), ctx.seuil)
    return Suppressed(ctx.seuil) if cell.secret else cell.value


IC_HEADER = "IC 95\u202f%"
IC_DEFINITION = (" IC 95\u202f% : intervalle de confiance à 95\u202f% de Wilson, la marge d'incertitude due à la "
                 "taille du groupe ; « s » : taux et intervalle non diffusés (secret statistique).")


def _interval_of(ctx: ReportContext, numerator: Any, denominator: Any) -> Any:
    """The Wilson interval of a share of two figures *as shown*: Suppressed when either is hidden (or the share
    is), so an interval is never computed from a protected figure."""
    if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed):
        return Suppressed(ctx.seuil)
    if not isinstance(numerator, int) or not isinstance(denominator, int) or denominator <= 0:
        return None
    if isinstance(_share(ctx, numerator, denominator), Suppressed):
        return Suppressed(ctx.seuil)
    return stats.wilson(numerator, denominator)


def _ic_cell(interval: Any) -> Any:
    """A table's « IC 95 % » cell: « 42,8 – 56,2 » (percentages), « s » when secret, empty when none."""
    if isinstance(interval, Suppressed) or interval is None:
        return interval
    low, high = interval
    return f"{formats.number(low * 100, 1)}\u00a0– {formats.number(high * 100, 1)}"


def _rate_text(rate: Any, interval: Any) -> str:
    """« 49,5 % (IC 95 % : 42,8 – 56,2) »; a rate without interval reads alone; a secret one is empty: a sentence
    whose figure is suppressed is written without it (docs/indicateurs.md, « One publication, one decision »)."""
    if isinstance(rate, Suppressed) or isinstance(interval, Suppressed):
        return ""
    text = formats.percent(rate)
    if interval is None:
        return text
    return f"{text} ({IC_HEADER} : {_ic_cell(interval)})"


def _chart_value(value: Any) -> float | None:
    return None if isinstance(value, Suppressed) or value is None else float(value)


def _breakdown(ctx: ReportContext, *, caption: str, label_header: str, definition: str,
               mapping: dict[str, int] | None = None, total: int | None = None, chart: bool = True, horizontal: bool = True,
               total_label: str = "Total", shown: tuple[dict[str, Any], Any] | None = None) -> list:
    """A table (effectif, part) of a one-way breakdown, and its bar chart, both disclosure-controlled.

    ``shown``: values already protected together with other tables (hidden ones as Suppressed), and the
    total as shown; otherwise ``mapping`` and ``total`` are protected here.
    """
    from reperes.charts import bar_chart

    values, shown_total = shown if shown is not None else _protect(ctx, mapping, total)
    rows = [[label, value, _share(ctx, value, shown_total), _ic_cell(_interval_of(ctx, value, shown_total))]
            for label, value in values.items()]
    table = Table(caption, [Column(label_header), Column("Effectif", "count"), Column("Part", "percent"),
                            Column(IC_HEADER, align="right")],
                  rows, source=ctx.source, period=ctx.period, definition=definition + IC_DEFINITION,
                  footer_rows=[[total_label, shown_total, _share(ctx, shown_total, shown_total), None]])
    blocks: list = []
    if chart and values:
        figure_chart = bar_chart(list(values), [_chart_value(v) for v in values.values()], title=caption,
                                 horizontal=horizontal, suppressed=ctx.seuil, source=ctx.source,
                                 value_label="Effectif", category_label=label_header)
        blocks.append(Figure(figure_chart, source=ctx.source, period=ctx.period, definition=definition))
    blocks.append(table)
    return blocks


def _no_data(ctx: ReportContext) -> list:
    return [Callout("info", "Pas de données", waiting("data"))]


# ----------------------------------------------------------------------------- 1. context and method


def _context_and_method(ctx: ReportContext, facts: _Facts) -> list:
    inputs = ctx.inputs
    blocks: list = [Paragraph(p) for p in _paragraphs(inputs.introduction or DEFAULT_INTRODUCTION)]
    period_text = (f"La période analysée va du {formats.date(ctx.debut)} au {formats.date(ctx.fin)} "
                   "(bornes incluses).")
    method: list = [Paragraph(p) for p in _paragraphs(inputs.methode or DEFAULT_METHODE)]
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


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


# ----------------------------------------------------------------------------- 2. territory


def _epci_frame(ctx: ReportContext) -> pl.DataFrame | None:
    data = ctx.dataset
    if data is None or data.communes.height == 0:
        return None
    return (data.communes.group_by("epci", "epci_nom")
            .agg(pl.len().alias("communes"), pl.col("population").sum().alias("population"))
            .sort("epci_nom", "epci"))


def _territory(ctx: ReportContext, facts: _Facts) -> list:
    epcis = _epci_frame(ctx)
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
    if not _has_provider("territoire-et-besoins", ctx):
        blocks.append(Callout("info", "Besoins du territoire", waiting("territoire-et-besoins")))
    return blocks


# ----------------------------------------------------------------------------- 3. participants


def _participants(ctx: ReportContext, facts: _Facts) -> list:
    if not facts.has_data:
        return _no_data(ctx)
    if facts.pub is None:
        return [Callout("info", "Participants", waiting("indicators"))]
    shown_acc, shown_ent, shown_sor = (facts.show(IND + key) for key in ("participants_accompagnes", "entrees",
                                                                          "sorties"))
    key = KeyFigures([
        KeyFigure(DEFINITIONS["accompagnes"][0], shown_acc, "count", definition=DEFINITIONS["accompagnes"][1],
                  source=ctx.source, period=ctx.period, seuil=ctx.seuil),
        KeyFigure(DEFINITIONS["entrees"][0], shown_ent, "count", definition=DEFINITIONS["entrees"][1],
                  source=ctx.source, period=ctx.period, seuil=ctx.seuil),
        KeyFigure(DEFINITIONS["sorties"][0], shown_sor, "count", definition=DEFINITIONS["sorties"][1],
                  source=ctx.source, period=ctx.period, seuil=ctx.seuil),
    ])
    blocks: list = [key]
    # Sex and age band: protected with the accompagnés and the shares they are the numerators of.
    tables = facts.pub.tables
    blocks += _breakdown(ctx, caption="Participants accompagnés par sexe", label_header="Sexe",
                         definition=DEFINITIONS["accompagnes"][1], chart=False,
                         shown=_shown_table(facts, tables["sexe"], _profile_label(ref.SEXE), shown_acc))
    blocks += _breakdown(ctx, caption="Participants accompagnés par tranche d'âge à l'entrée",
                         label_header="Âge à l'entrée", definition="Âge en années révolues à la date d'entrée.",
                         horizontal=False,
                         shown=_shown_table(facts, tables["age"], _profile_label(ref.TRANCHE_AGE), shown_acc))
    # Profile shares from the contract's indicators.
    if facts.indicators is None:
        blocks.append(Callout("info", "Profil des participants", waiting("indicators")))
    else:
        rows = []
        for key_id, default in (("part_femmes", "Femmes"), ("part_moins_26_ans", "Moins de 26 ans"),
                                ("part_50_ans_et_plus", "50 ans et plus"), ("part_rsa", "Allocataires du RSA"),
                                ("part_deld", "Demandeurs d'emploi de longue durée"),
                                ("part_th", "Travailleurs handicapés"), ("part_qpv", "Habitants d'un QPV"),
                                ("part_infra_bac", "Niveau inférieur au bac")):
            if key_id in facts.indicators:
                rows.append([facts.label(key_id, default)[0], facts.value(key_id),
                             _ic_cell(facts.interval(IND + key_id))])
        if rows:
            blocks.append(Table("Profil des participants accompagnés",
                                [Column("Caractéristique"), Column("Part des accompagnés", "percent"),
                                 Column(IC_HEADER, align="right")], rows,
                                source=ctx.source, period=ctx.period,
                                definition="Part des participants accompagnés de la période ; une valeur "
                                           "inconnue compte comme « non »." + IC_DEFINITION))
    # By EPCI against the population: the indicators' own cells (accompagnes_par_epci, pour 1 000 habitants).
    epcis = _epci_frame(ctx)
    by_epci = facts.indicators.get("accompagnes_par_epci") if facts.indicators else None
    if epcis is not None and isinstance(by_epci, dict):
        from reperes.analytics.indicators import HORS_TERRITOIRE

        population = {row["epci"]: int(row["population"]) for row in epcis.iter_rows(named=True)}
        names = {row["epci"]: row["epci_nom"] or row["epci"] for row in epcis.iter_rows(named=True)}
        rows = []
        for siren in by_epci:
            value = facts.show(f"{IND}accompagnes_par_epci.{siren}")
            if siren == HORS_TERRITOIRE:
                if value:
                    rows.append(["Hors territoire", value, None, None])
                continue
            pop = population.get(siren)
            per_1000 = None
            if pop:
                per_1000 = Suppressed(ctx.seuil) if isinstance(value, Suppressed) else 1000 * value / pop
            rows.append([names.get(siren, siren), value, pop, per_1000])
        from reperes.charts import bar_chart

        chart = bar_chart([r[0] for r in rows if r[2]], [_chart_value(r[3]) for r in rows if r[2]],
                          title="Participants accompagnés pour 1 000 habitants, par intercommunalité",
                          horizontal=True, suppressed=ctx.seuil, source=ctx.source, decimals=1,
                          value_label="Pour 1 000 habitants", category_label="Intercommunalité")
        definition = ("Participants accompagnés résidant dans l'intercommunalité, pour 1 000 habitants "
                      "(population municipale).")
        blocks.append(Figure(chart, source=ctx.source, period=ctx.period, definition=definition))
        blocks.append(Table("Participants accompagnés par intercommunalité de résidence",
                            [Column("Intercommunalité"), Column("Accompagnés", "count"),
                             Column("Population", "count"), Column("Pour 1 000 habitants", "number")],
                            rows, source=ctx.source, period=ctx.period, definition=definition,
                            footer_rows=[["Total", shown_acc, sum(population.values()), None]]))
    if not _has_provider("participants-et-public-potentiel", ctx):
        blocks.append(Callout("info", "Public potentiel", waiting("participants-et-public-potentiel")))
    esf = _esf_section(ctx, facts)
    if esf is not None:
        blocks.append(esf)
    return blocks


ESF_SEXES = (("F", "Femmes"), ("M", "Hommes"), ("total", "Ensemble"))


def _esf_section(ctx: ReportContext, facts: _Facts) -> Section | None:
    """The ESF+ common indicators (``reperes.analytics.esf``), by sex, as the period's publication shows them.

    Every cell is a figure of the publication (declared with the indicators, protected with them), so the
    partner version hides here what ``reperes indicators --json --diffusion`` hides. The annex's codes are not
    printed: ``docs/indicateurs.md`` asks to check them before a report names them.
    """
    try:
        esf = importlib.import_module("reperes.analytics.esf")
    except ImportError:
        return None
    if facts.indicators is None or not any(i.id in facts.indicators for i in esf.ESF_INDICATORS):
        return None

    def shown(name: str) -> Any:
        if name in facts.pub.publication:
            return facts.show(name)
        # Not declared (a rate with no denominator): nothing to show; a partner never sees an undeclared figure.
        raw = facts.pub.publication.raw(name)
        return None if raw is None else (Suppressed(ctx.seuil) if ctx.diffusion else raw)

    counts, rates, approximations = [], [], []
    for indicator in esf.ESF_INDICATORS:
        if indicator.id not in facts.indicators:
            continue
        names = [f"{IND}{indicator.id}.{key}" for key, _label in ESF_SEXES]
        if indicator.unit == "taux":
            row: list = [indicator.label]
            for name in names:
                row += [shown(name), _ic_cell(facts.interval(name))]
            rates.append(row)
        else:
            counts.append([indicator.label, *(shown(name) for name in names)])
        if indicator.approximation:
            approximations.append(f"{indicator.label} : {indicator.approximation}")
    definition = ("Indicateurs communs du FSE+ (règlement (UE) 2021/1057, annexe I) : indicateurs de réalisation "
                  "sur les entrées de la période, de résultat sur les sorties de la période.")
    blocks: list = [Paragraph(
        "Le PLIE rend compte au FSE+ de ses participants par des indicateurs communs, par sexe : les indicateurs "
        "de réalisation portent sur les entrées de la période, les indicateurs de résultat sur ses sorties. "
        "Ils sont calculés à partir des données de parcours ; certaines définitions sont approchées (liste "
        "ci-dessous).")]
    columns = [Column("Indicateur")] + [Column(label, "count") for _key, label in ESF_SEXES]
    if counts:
        blocks.append(Table("Indicateurs communs du FSE+, par sexe", columns, counts, source=ctx.source,
                            period=ctx.period, definition=definition))
    if rates:
        rate_columns = [Column("Indicateur")]
        for _key, label in ESF_SEXES:
            rate_columns += [Column(label, "percent"), Column(f"{IC_HEADER} ({label.lower()})", align="right")]
        blocks.append(Table("Taux du suivi à six mois (FSE+), par sexe", rate_columns, rates, source=ctx.source,
                            period=ctx.period, definition=definition + IC_DEFINITION))
    if approximations:
        blocks.append(Paragraph("Définitions approchées à partir du format d'échange :"))
        blocks.append(BulletList(approximations))
    return Section("Indicateurs communs du FSE+", blocks=blocks, slug="indicateurs-fse")


def _profile_label(codes) -> Callable[[str], str]:
    return lambda name: "Non renseigné" if name.endswith(".inconnu") else codes.label(name.rsplit(".", 1)[1])


def _shown_table(facts: _Facts, names: Sequence[str], label: Callable[[str], str],
                 total: Any) -> tuple[dict[str, Any], Any]:
    """A table of the period's publication as shown: label → value (or Suppressed), and its total."""
    return {label(name): facts.show(name) for name in names}, total


# ----------------------------------------------------------------------------- 4. parcours


def _etapes_of_period(ctx: ReportContext, facts: _Facts) -> pl.DataFrame:
    etapes = ctx.dataset.etapes
    ids = facts.accompagnes.select("participant")
    return (etapes.filter(pl.col("date_debut").is_between(ctx.debut, ctx.fin))
            .join(ids, on="participant", how="semi"))


def _parcours(ctx: ReportContext, facts: _Facts) -> list:
    if not facts.has_data:
        return _no_data(ctx)
    if facts.pub is None:
        return [Callout("info", "Parcours et étapes", waiting("indicators"))]
    tables = facts.pub.tables["etapes"]
    shown_total = facts.show("rapport.etapes")
    blocks: list = [Paragraph(
        f"Les participants accompagnés ont commencé {_count_phrase(shown_total, 'étape')} "
        "de parcours pendant la période.")]
    families = {ref.FAMILLE_ETAPE.label(code): facts.show(f"rapport.etapes.famille.{code}")
                for code in tables["familles"]}
    blocks += _breakdown(ctx, caption="Étapes commencées dans la période, par famille", label_header="Famille",
                         definition=DEFINITIONS["etapes"][1], shown=(families, shown_total))
    if tables["types"]:
        blocks.append(Table("Les dix types d'étape les plus fréquents",
                            [Column("Type d'étape"), Column("Étapes", "count")],
                            [[ref.TYPE_ETAPE.label(code, code), facts.show(f"rapport.etapes.type.{code}")]
                             for code in tables["types"]], source=ctx.source, period=ctx.period,
                            definition=DEFINITIONS["etapes"][1]))
    if facts.indicators is None:
        blocks.append(Callout("info", "Durée des parcours", waiting("indicators")))
    else:
        figures = []
        for key_id, default, unit in (("duree_moyenne_parcours_mois", "Durée moyenne des parcours", "months"),
                                      ("duree_mediane_parcours_mois", "Durée médiane des parcours", "months"),
                                      ("etapes_par_participant", "Étapes par participant accompagné", "number")):
            if key_id in facts.indicators:
                label, definition = facts.label(key_id, default)
                figures.append(KeyFigure(label, facts.value(key_id), unit, definition=definition or
                                         "Calculée sur les sorties de la période.", source=ctx.source,
                                         period=ctx.period, seuil=ctx.seuil))
        if figures:
            blocks.insert(0, KeyFigures(figures))
    return blocks


def _count_phrase(value: Any, singular: str, plural_form: str | None = None) -> str:
    """« 843 étapes »; a hidden count is written without its figure (« des étapes »), never « moins de 11 »:
    a hidden cell may hold more (secondary suppression)."""
    if isinstance(value, Suppressed):
        return f"des {plural_form or singular + 's'}"
    return formats.plural(value, singular, plural_form)


# ----------------------------------------------------------------------------- 5. actions


def _actions(ctx: ReportContext, facts: _Facts) -> list:
    if not facts.has_data or ctx.dataset.actions.height == 0:
        return _no_data(ctx)
    if facts.pub is None or "actions" not in facts.pub.tables:
        return [Callout("info", "Actions", waiting("indicators"))]
    actions = facts.pub.tables["actions"]
    rows = []
    for row in actions.iter_rows(named=True):
        rows.append([row["intitule"], ref.FAMILLE_ETAPE.label(row["famille"], "–"), row["operateur"] or "–",
                     "oui" if row["experimentale"] else "non",
                     facts.show(f"rapport.action.{row['id_action']}.participants"),
                     facts.show(f"rapport.action.{row['id_action']}.etapes")])
    n_exp = int(actions.filter(pl.col("experimentale").fill_null(False)).height)
    blocks: list = [
        Paragraph(f"Le PLIE a mobilisé {formats.plural(actions.height, 'action')}, dont "
                  f"{formats.plural(n_exp, 'action expérimentale', 'actions expérimentales')}."),
        Table("Participants et étapes par action",
              [Column("Action"), Column("Famille"), Column("Opérateur"), Column("Expérimentale"),
               Column("Participants", "count"), Column("Étapes", "count")],
              rows, source=ctx.source, period=ctx.period,
              definition="Participants accompagnés ayant commencé au moins une étape de l'action dans la période, "
                         "et nombre de ces étapes."),
    ]
    # Experimental actions: exits of participants who went through one, against the others.
    if n_exp:
        rows = []
        for key, label in (("experimentale", "Passés par une action expérimentale"), ("autres", "Autres participants")):
            rows.append([label, facts.show(f"rapport.{key}.sorties"), facts.show(f"rapport.{key}.taux"),
                         _ic_cell(facts.interval(f"rapport.{key}.taux"))])
        blocks.append(Table("Sorties des participants passés par une action expérimentale",
                            [Column("Groupe"), Column("Sorties", "count"),
                             Column("Taux de sorties positives", "percent"), Column(IC_HEADER, align="right")],
                            rows, source=ctx.source, period=ctx.period,
                            definition="Sorties de la période ; un participant est « passé par une action "
                                       "expérimentale » s'il a suivi au moins une étape de cette action."
                                       + IC_DEFINITION))
        comparison = _comparison_sentence(ctx, facts)
        if comparison:
            blocks.append(Paragraph(comparison))
        blocks.append(Callout("warning", "Pas une évaluation d'impact",
                              "Les participants orientés vers les actions expérimentales ne sont pas tirés au "
                              "sort : l'écart observé ne mesure pas l'effet de ces actions."))
    return blocks


def _comparison_sentence(ctx: ReportContext, facts: _Facts) -> str | None:
    """Experimental actions against the others, from the shown figures only: is the gap beyond the noise?

    The verdict is the two-proportion z-test (:func:`reperes.analytics.stats.compare_rates`); overlapping
    intervals are said too, as the reader sees them in the table."""
    figures = [facts.show(f"rapport.{key}.{what}") for key in ("experimentale", "autres")
               for what in ("positives", "sorties")]
    if not all(isinstance(v, int) for v in figures):
        return None
    pos_a, n_a, pos_b, n_b = figures
    if not n_a or not n_b:
        return None
    test = stats.compare_rates(pos_a, n_a, pos_b, n_b)
    if test.p_value is None:
        return None
    gap = formats.number(abs(test.difference) * 100, 1)
    overlap = stats.intervals_overlap(stats.wilson(pos_a, n_a), stats.wilson(pos_b, n_b))
    rates = (f"{_rate_text(test.rate_a, stats.wilson(pos_a, n_a))} pour les participants passés par une action "
             f"expérimentale, {_rate_text(test.rate_b, stats.wilson(pos_b, n_b))} pour les autres")
    if not test.significant:
        noise = " ; leurs intervalles de confiance se recouvrent" if overlap else ""
        return (f"Taux de sorties positives : {rates}. L'écart de {gap} points reste dans la marge d'incertitude : "
                f"il peut s'expliquer par le hasard (test de différence de proportions, seuil de 5\u202f%){noise}.")
    return (f"Taux de sorties positives : {rates}. L'écart de {gap} points dépasse la marge d'incertitude "
            "(test de différence de proportions, seuil de 5\u202f%), sans mesurer pour autant l'effet des actions.")


# ----------------------------------------------------------------------------- 6. exits


def _sorties(ctx: ReportContext, facts: _Facts) -> list:
    if not facts.has_data:
        return _no_data(ctx)
    if facts.sorties.height == 0:
        return [Paragraph("Aucune sortie n'a eu lieu pendant la période.")]
    if facts.pub is None:
        return [Callout("info", "Les sorties", waiting("indicators"))]
    blocks: list = []
    if facts.indicators is not None:
        figures, sentences = [], []
        for key_id, default in (("taux_sorties_positives", "Taux de sorties positives"),
                                ("taux_sorties_positives_hors_neutres", "Taux de sorties positives hors sorties "
                                                                        "neutres"),
                                ("taux_valorisation_sorties_non_positives", "Part des autres sorties "
                                                                            "valorisables")):
            if key_id in facts.indicators:
                label, definition = facts.label(key_id, default)
                figures.append(KeyFigure(label, facts.value(key_id), "percent", definition=definition or None,
                                         source=ctx.source, period=ctx.period, seuil=ctx.seuil))
                if facts.rate_text(key_id):
                    sentences.append(f"{label} : {facts.rate_text(key_id)}")
        if figures:
            blocks.append(KeyFigures(figures))
        if sentences:
            blocks.append(Paragraph("Avec leur intervalle de confiance à 95\u202f% – " + " ; ".join(sentences) + "."))
    else:
        blocks.append(Callout("info", "Taux de sorties", waiting("indicators")))
    shown_total = facts.show(IND + "sorties")
    categories = {ref.CATEGORIE_SORTIE.label(code): facts.show(f"{IND}sorties_par_categorie.{code}")
                  for code in ref.CATEGORIE_SORTIE.codes()}
    blocks += _breakdown(ctx, caption="Sorties par catégorie", label_header="Catégorie de sortie",
                         definition=DEFINITIONS["sorties"][1], shown=(categories, shown_total))
    motifs = {ref.MOTIF_SORTIE.label(code): facts.show(f"{IND}sorties_par_motif.{code}")
              for code in ref.MOTIF_SORTIE.codes()}
    blocks += _breakdown(ctx, caption="Sorties par motif", label_header="Motif de sortie",
                         definition=DEFINITIONS["sorties"][1], chart=False, shown=(motifs, shown_total))
    blocks.append(Definition(*DEFINITIONS["solution"]))
    valued = _valued_exits(ctx, facts)
    if valued is not None:
        blocks.append(valued)
    return blocks


def _valued_exits(ctx: ReportContext, facts: _Facts) -> Section | None:
    """The grid of exits worth valuing (``reperes.analytics.valorisation``), when the analysis exists.

    Its rows are figures of the period's publication, protected with the categories they belong to: the
    « autre solution » row *is* that category, the valued ones without solution add up to the valued
    exits of the indicators less that category, the total is the exits neither positive nor neutral.
    """
    try:
        valorisation = importlib.import_module("reperes.analytics.valorisation")
    except ImportError:
        return Section("Les autres sorties à valoriser", slug="sorties-a-valoriser",
                       empty_message=waiting("la grille de valorisation des sorties sera disponible"))
    row = facts.pub.tables.get("valorisation")
    if row is None or row.total == 0:
        return Section("Les autres sorties à valoriser", slug="sorties-a-valoriser",
                       empty_message="Aucune sortie ni positive ni neutre pendant la période.")
    labels = valorisation.GRID_LABELS
    values = {labels[key]: facts.show(f"rapport.valorisation.{key}") for key in row.counts}
    blocks: list = [Paragraph(
        "Au-delà des sorties positives, le PLIE veut reconnaître les sorties qui marquent une avancée : "
        "une solution autre que l'emploi durable, un acquis obtenu pendant le parcours (RQTH, permis, "
        "logement, soins…) ou un frein levé.")]
    blocks += _breakdown(ctx, caption="Sorties ni positives ni neutres, selon la grille de valorisation",
                         label_header="Situation à la sortie", definition=valorisation.DEFINITION,
                         total_label="Sorties ni positives ni neutres",
                         shown=(values, facts.show("rapport.valorisation.total")))
    blocks += _valued_parts(ctx, facts)
    acquis = facts.pub.tables.get("acquis") or []
    if acquis:
        blocks.append(Table("Acquis obtenus pendant le parcours, par type",
                            [Column("Acquis"), Column("Sorties concernées", "count")],
                            [[label, facts.show(name)] for label, name in
                             zip(facts.pub.tables["acquis_labels"], acquis, strict=True)],
                            source=ctx.source, period=ctx.period,
                            definition="Sorties ni positives ni neutres de la période dont le parcours a obtenu "
                                       "au moins un acquis de ce type entre l'entrée et la sortie ; une sortie "
                                       "peut compter pour plusieurs types."))
    blocks += [Definition(label, text) for _key, label, text in valorisation.GRID]
    return Section("Les autres sorties à valoriser", blocks=blocks, slug="sorties-a-valoriser")


VALUED_CAVEAT = ("Le taux de valorisation compte comme valorisées des sorties sans solution à la sortie : "
                 "celles dont le parcours a obtenu un acquis ou levé un frein. Ces sorties marquent une avancée "
                 "pendant le parcours, pas une situation à la sortie ; elles sont comptées à part ci-dessus.")


def _valued_parts(ctx: ReportContext, facts: _Facts) -> list:
    """The valued share split into its parts (solution, acquis, frein levé), each with its interval, and the
    caveat: part of the « valued » exits have no solution at all."""
    total = facts.show("rapport.valorisation.total")
    parts = []
    for key, words in (("solution", "sorties vers une solution autre que l'emploi durable"),
                       ("acquis", "sorties sans solution, avec un acquis obtenu pendant le parcours"),
                       ("frein_leve", "sorties sans solution ni acquis, avec un frein levé")):
        value = facts.show(f"rapport.valorisation.{key}")
        text = _rate_text(_share(ctx, value, total), _interval_of(ctx, value, total))
        parts.append(f"{words} : {text}" if text else words)
    rate = facts.rate_text("taux_valorisation_sorties_non_positives") if facts.indicators else None
    head = "Le taux de valorisation des sorties ni positives ni neutres"
    head += f" ({rate})" if rate else ""
    return [Paragraph(head + " additionne trois parts de ces sorties – " + " ; ".join(parts) + "."),
            Callout("warning", "Des sorties valorisées sans solution", VALUED_CAVEAT)]


# ----------------------------------------------------------------------------- 7, 8: other domains


def _offer(ctx: ReportContext, facts: _Facts) -> list:
    if _has_provider("offre-d-insertion", ctx):
        return []
    return [Callout("info", "Partie à venir", waiting("offre-d-insertion"))]


def _qualitative(ctx: ReportContext, facts: _Facts) -> list:
    if _has_provider("paroles-des-partenaires-et-participants", ctx):
        return []
    return [Callout("info", "Partie à venir", waiting("paroles-des-partenaires-et-participants"))]


# ----------------------------------------------------------------------------- 9. findings as questions


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
    offer = by_slug.get("offre-d-insertion")
    sentence = next((b for b in offer.blocks if isinstance(b, Paragraph)), None) if offer else None
    if sentence is not None:
        blocks.append(sentence)
    findings = by_slug.get("premiers-constats")
    questions = [b.text for b in findings.blocks if isinstance(b, Callout) and b.kind == "question"] \
        if findings else []
    if questions:
        blocks.append(Paragraph("Les questions posées au comité (détail dans « Premiers constats ») :"))
        blocks.append(BulletList(questions))
    if not blocks:
        return None
    return Section("L'essentiel", blocks=blocks, slug="essentiel")


def _findings(ctx: ReportContext, facts: _Facts) -> list:
    if not facts.has_data:
        return _no_data(ctx)
    questions: list[str] = []
    rate = facts.value("taux_sorties_positives")
    if isinstance(rate, float | int):
        shown = facts.rate_text("taux_sorties_positives") or formats.percent(rate)
        questions.append(f"Le taux de sorties positives atteint {shown} "
                         "sur la période : "
                         "est-il à la hauteur de l'objectif du protocole, et faut-il le mesurer autrement ?")
    if facts.pub is not None and facts.sorties.height:
        # Shares of the published cells only: a hidden category gives no sentence (its figure is secret).
        total = facts.show(IND + "sorties")
        solution = facts.show(IND + "sorties_par_categorie.solution")
        share_solution = _share(ctx, solution, total)
        if isinstance(share_solution, float):
            text = _rate_text(share_solution, _interval_of(ctx, solution, total)) or formats.percent(share_solution)
            questions.append(f"{text} des sorties sont d'autres sorties à valoriser "
                             "(santé, retraite, orientation adaptée…) : comment le futur protocole doit-il les "
                             "reconnaître ?")
        sans = facts.show(IND + "sorties_par_categorie.sans_solution")
        share_sans = _share(ctx, sans, total)
        if isinstance(share_sans, float):
            text = _rate_text(share_sans, _interval_of(ctx, sans, total)) or formats.percent(share_sans)
            questions.append(f"{text} des sorties se font sans solution, dont les "
                             "abandons : à quel moment du parcours le lien se perd-il ?")
    epcis = _epci_frame(ctx)
    per_1000 = facts.indicators.get("accompagnes_pour_1000_habitants_par_epci") if facts.indicators else None
    if epcis is not None and isinstance(per_1000, dict):
        names = {row["epci"]: row["epci_nom"] or row["epci"] for row in epcis.iter_rows(named=True)}
        rates = []
        for siren in per_1000:
            value = facts.show(f"{IND}accompagnes_pour_1000_habitants_par_epci.{siren}")
            if isinstance(value, float | int):
                rates.append((value, names.get(siren, siren)))
        if len(rates) >= 2:
            low, high = min(rates), max(rates)
            questions.append(f"{low[1]} compte {formats.number(low[0], 1)} accompagnés pour 1 000 habitants, "
                             f"contre {formats.number(high[0], 1)} pour {high[1]} : l'accès au PLIE est-il "
                             "le même partout sur le territoire ?")
    questions.append("Quelles données manquent encore pour éclairer ces questions, et qui peut les fournir ?")
    return [Paragraph("Ces premiers constats sont formulés comme des questions, pour le débat du comité de "
                      "suivi ; ils ne sont pas des conclusions.")] + [
        Callout("question", f"Question {index}", text) for index, text in enumerate(questions, start=1)]
