"""The participants against the potential public (intermediate report): the period's populations, sex and
age, the profile shares, the accompagnés by intercommunalité against the population, the ESF+ common
indicators by sex. Every figure is one of the period's publication (:class:`~.facts.Facts`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reperes import referentiel as ref
from reperes.analytics import esf
from reperes.analytics.indicators import HORS_TERRITOIRE
from reperes.charts import bar_chart
from reperes.documents import (
    BulletList,
    Callout,
    Column,
    Figure,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Section,
    Suppressed,
    Table,
)

from .blocks import (
    IC_DEFINITION,
    IC_HEADER,
    breakdown,
    chart_value,
    epci_frame,
    ic_cell,
    no_data,
    not_computed,
    waiting,
)
from .facts import DEFINITIONS, IND, Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    if not facts.has_data:
        return no_data(ctx)
    if facts.pub is None:
        return [not_computed("Participants")]
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
    blocks += breakdown(ctx, caption="Participants accompagnés par sexe", label_header="Sexe",
                         definition=DEFINITIONS["accompagnes"][1], chart=False,
                         shown=shown_table(facts, tables["sexe"], profile_label(ref.SEXE), shown_acc))
    blocks += breakdown(ctx, caption="Participants accompagnés par tranche d'âge à l'entrée",
                         label_header="Âge à l'entrée", definition="Âge en années révolues à la date d'entrée.",
                         horizontal=False,
                         shown=shown_table(facts, tables["age"], profile_label(ref.TRANCHE_AGE), shown_acc))
    # Profile shares from the contract's indicators.
    rows = []
    for key_id in ("part_femmes", "part_moins_26_ans", "part_50_ans_et_plus", "part_rsa", "part_deld", "part_th",
                   "part_qpv", "part_infra_bac"):
        if key_id in facts.indicators:
            rows.append([facts.label(key_id)[0], facts.value(key_id),
                         ic_cell(facts.interval(IND + key_id))])
    if rows:
        blocks.append(Table("Profil des participants accompagnés",
                            [Column("Caractéristique"), Column("Part des accompagnés", "percent"),
                             Column(IC_HEADER, align="right")], rows,
                            source=ctx.source, period=ctx.period,
                            definition="Part des participants accompagnés de la période ; une valeur "
                                       "inconnue compte comme « non »." + IC_DEFINITION))
    # By EPCI against the population: the indicators' own cells (accompagnes_par_epci, pour 1 000 habitants).
    epcis = epci_frame(ctx)
    by_epci = facts.indicators.get("accompagnes_par_epci") if facts.indicators else None
    if epcis is not None and isinstance(by_epci, dict):
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
        chart = bar_chart([r[0] for r in rows if r[2]], [chart_value(r[3]) for r in rows if r[2]],
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
    if not ctx.inputs.providers:  # the « Territoire » page's table comes from reperes.reports.providers
        blocks.append(Callout("info", "Public potentiel", waiting("participants-et-public-potentiel")))
    esf = esf_section(ctx, facts)
    if esf is not None:
        blocks.append(esf)
    return blocks


ESF_SEXES = (("F", "Femmes"), ("M", "Hommes"), ("total", "Ensemble"))


def esf_section(ctx: ReportContext, facts: Facts) -> Section | None:
    """The ESF+ common indicators (``reperes.analytics.esf``), by sex, as the period's publication shows them.

    Every cell is a figure of the publication (declared with the indicators, protected with them), so the
    partner version hides here what ``reperes indicators --json --diffusion`` hides. The annex's codes are not
    printed: ``docs/indicateurs.md`` asks to check them before a report names them.
    """
    if not any(i.id in facts.indicators for i in esf.ESF_INDICATORS):
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
                row += [shown(name), ic_cell(facts.interval(name))]
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


def profile_label(codes) -> Callable[[str], str]:
    return lambda name: "Non renseigné" if name.endswith(".inconnu") else codes.label(name.rsplit(".", 1)[1])


def shown_table(facts: Facts, names: Sequence[str], label: Callable[[str], str],
                 total: Any) -> tuple[dict[str, Any], Any]:
    """A table of the period's publication as shown: label → value (or Suppressed), and its total."""
    return {label(name): facts.show(name) for name in names}, total
