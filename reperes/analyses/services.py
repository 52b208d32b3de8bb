"""What the analysis dashboards show: filters, data loading and caching, disclosure control, blocks.

Views stay thin: they parse the filters (:func:`parse_filters`) and ask for a
page (:func:`page`). A page is a list of :class:`Block` — one figure or table
each, with its French definition, its denominator, its data table (raw values
for the export) and, when it has one, an accessible SVG chart.

Who sees what. Staff (``view_raw_aggregates``) see raw counts and the
breakdown by référent; everybody else sees the version of
:mod:`reperes.analytics.disclosure` (``s``), and the page says which rule
applied.

Caching. Loading the dataset and computing a page are the expensive parts:
both are cached, keyed on a fingerprint of the stored data
(:func:`data_version`: row counts and latest ids of every table, a handful of
cheap queries), so an import invalidates them and nothing stale is shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.cache import cache

from reperes import formats
from reperes.analytics import actions as actions_analysis
from reperes.analytics import determinants, disclosure, parcours, partner_tables, valorisation
from reperes.analytics.frames import Dataset
from reperes.analytics.populations import accompagnes, sorties
from reperes.analytics.profiles import PROFILES, Filter, categorie, ordered_groups
from reperes.analytics.stats import compare_rates, wilson
from reperes.referentiel.codes import CATEGORIE_SORTIE, MOTIF_SORTIE, PRESCRIPTEUR, SORTIE_POSITIVE

from . import partner
from .snapshot import data_version, dataset, forget_dataset

THEMES = {  # url name → (title, French summary)
    "home": ("Vue d'ensemble", "Les indicateurs clés de la période."),
    "publics": ("Publics", "Qui le PLIE accompagne, et avec quels résultats selon le profil."),
    "parcours": ("Parcours et étapes", "Durées, premières étapes, familles d'étapes, enchaînements, délais de sortie."),
    "actions": ("Actions", "Participants, étapes et coûts par action, axe et opérateur ; actions expérimentales."),
    "sorties": ("Sorties", "Motifs de sortie, sorties à valoriser et déterminants d'une sortie positive."),
}
logger = logging.getLogger(__name__)
SOURCE = "Repères, données du PLIE"
PAGE_TTL = 3600


# ------------------------------------------------------------------------------------ filters


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    debut: dt.date
    fin: dt.date
    epci: str = ""
    profil: str = ""  # "sexe:Femme"
    par: str = "sexe"  # profile used for the breakdowns
    errors: tuple[str, ...] = ()

    @property
    def population(self) -> Filter:
        key, _, group = self.profil.partition(":")
        return Filter(epci=self.epci or None, profile=key or None, group=group or None)

    def key(self) -> str:
        return json.dumps([self.debut.isoformat(), self.fin.isoformat(), self.epci, self.profil, self.par])

    def query(self) -> dict[str, str]:
        return {"debut": self.debut.isoformat(), "fin": self.fin.isoformat(), "epci": self.epci,
                "profil": self.profil, "par": self.par}

    def describe(self) -> str:
        text = f"du {formats.date(self.debut)} au {formats.date(self.fin)}"
        if self.profil:
            key, _, group = self.profil.partition(":")
            text += f" ; {PROFILES[key].label.lower()} : {group}"
        return text


def _parse_date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise FilterError(f"La date de {label} « {value} » n'est pas valide : saisissez-la au format "
                          f"AAAA-MM-JJ (par exemple 2019-01-31).") from error


def parse_filters(params, default_period: tuple[dt.date, dt.date], epcis: dict[str, str], *,
                  partner: bool = False) -> Filters:
    """Filters from the query string; a bad value falls back to its default with a French message.

    ``partner``: only answers protected together (:mod:`reperes.analytics.disclosure.answers`): one whole
    calendar year, no profile nor EPCI filter (the groups are rows of the breakdowns, with their total).
    """
    filters = _parse_filters(params, default_period, epcis)
    if not partner:
        return filters
    errors = list(filters.errors)
    debut, fin, message = disclosure.whole_year(filters.debut, filters.fin)
    if message and (params.get("debut") or params.get("fin")):
        errors.append(message)
    if filters.epci or filters.profil:
        errors.append(disclosure.PROFILE_FILTER_REFUSED)
    return Filters(debut, fin, "", "", filters.par, tuple(errors))


def _parse_filters(params, default_period: tuple[dt.date, dt.date], epcis: dict[str, str]) -> Filters:
    debut, fin = default_period
    errors = []
    if params.get("debut"):
        try:
            debut = _parse_date(params["debut"], "début")
        except FilterError as error:
            errors.append(str(error))
    if params.get("fin"):
        try:
            fin = _parse_date(params["fin"], "fin")
        except FilterError as error:
            errors.append(str(error))
    if fin < debut:
        errors.append("La fin de la période précède son début : la période par défaut est affichée.")
        debut, fin = default_period
    epci = params.get("epci", "")
    if epci and epci not in epcis and epci != "hors_territoire":
        errors.append("Cette intercommunalité ne fait pas partie du territoire : tout le territoire est affiché.")
        epci = ""
    profil = params.get("profil", "")
    if profil:
        key, _, group = profil.partition(":")
        if key not in PROFILES or not group:
            errors.append("Ce profil n'existe pas : tous les participants sont affichés.")
            profil = ""
    par = params.get("par") or "sexe"
    if par not in PROFILES:
        errors.append("Cette ventilation n'existe pas : la ventilation par sexe est affichée.")
        par = "sexe"
    return Filters(debut, fin, epci, profil, par, tuple(errors))


def profile_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(optgroup label, [(value, label)]) for the population filter."""
    return [(p.label, [(f"{p.key}:{g}", g) for g in p.order]) for p in PROFILES.values()]


# ------------------------------------------------------------------------------------ blocks


@dataclass
class Block:
    """One figure or table of a page, ready to render and to export."""

    id: str
    title: str
    definition: str
    denominator: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # French text (``s`` when hidden)
    values: list[list[Any]] = field(default_factory=list)  # raw, for XLSX/CSV (hidden: the mark ``s``)
    svg: str = ""  # the chart, when already drawn
    chart_key: str = ""  # the chart's cache key (drawn on its own request when ``svg`` is empty)
    notes: list[str] = field(default_factory=list)  # significance, caveats
    figures: list[tuple[str, str, str]] = field(default_factory=list)  # key figures: (value, label, definition)
    message: str = ""  # why there is nothing to show
    glossary: list[tuple[str, str]] = field(default_factory=list)  # (term, French explanation)

    def table(self) -> tuple[list[str], list[list[Any]]]:
        return self.headers, self.values

    def add_row(self, label: str, *pairs) -> None:
        """A row: its label, then (French text, raw value) for each cell."""
        _add_row(self, label, *pairs)


@dataclass
class Page:
    theme: str
    title: str
    filters: Filters
    raw: bool
    seuil: int
    blocks: list[Block]
    rule: str  # the disclosure rule that applied, in French
    version: str = ""

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    @property
    def legend(self) -> str:
        """The note under each partner table: « s : effectif inférieur à 11, ou masqué pour en protéger un autre »."""
        return disclosure.legend(self.seuil)


FRAGILE = "(fragile)"
FRAGILE_NOTE = ("« (fragile) » : taux calculé sur moins de {seuil} personnes ; une ou deux personnes de plus ou de "
                "moins le changent beaucoup. À ne pas comparer sans précaution.")


class Protector:
    """Raw for staff, disclosure-controlled for everybody else: one place for both."""

    def __init__(self, raw: bool, seuil: int):
        self.raw, self.seuil = raw, seuil
        self.hidden = formats.suppressed(seuil)

    def counts(self, mapping: dict, total: int | None = None) -> tuple[dict, int | None]:
        if self.raw:
            return dict(mapping), total
        protected = disclosure.protect_counts(mapping, self.seuil, total=total)
        return protected.values, protected.total if total is not None else None

    def rate(self, numerator: int | None, denominator: int | None) -> float | None | str:
        """The rate, ``None`` when it does not exist, ``"secret"`` when hidden."""
        if numerator is None or denominator is None:
            return "secret"
        if self.raw:
            return numerator / denominator if denominator else None
        cell = disclosure.rate_cell(numerator, denominator, self.seuil)
        return "secret" if cell.secret else cell.value

    def population_ok(self, n: int) -> bool:
        return self.raw or n == 0 or n >= self.seuil

    # -- cells

    def count_text(self, value: int | None) -> tuple[str, Any]:
        return (self.hidden, self.hidden) if value is None else (formats.number(value), value)

    def rate_text(self, rate, denominator: int | None = None) -> tuple[str, Any]:
        """A rate as French text and its value; on fewer people than the threshold, marked « fragile »
        (only staff see such a rate: for partners it is hidden)."""
        if rate == "secret":
            return self.hidden, self.hidden
        text = formats.percent(rate)
        if rate is not None and denominator is not None and 0 < denominator < self.seuil:
            text += f" {FRAGILE}"
        return text, rate

    def interval_text(self, rate, numerator, denominator) -> tuple[str, Any]:
        if rate == "secret" or rate is None:
            return (self.hidden if rate == "secret" else "–"), None
        low, high = wilson(numerator, denominator)
        return f"{formats.percent(low)} – {formats.percent(high)}", f"{low:.4f} – {high:.4f}"


def _layer(filters: Filters, p: Protector):
    """The period's tables layer (partner_tables) for a partner page; ``None`` for staff's raw counts or a filtered
    population (only staff may filter)."""
    if p.raw or filters.profil or filters.epci:
        return None
    return partner.tables(filters.debut, filters.fin, p.seuil)


def _column(p, tables, table: str, counts: dict, measure: str) -> dict:
    """One column as shown: the tables layer's cells (:func:`_layer`), else the page's own protection."""
    return p.counts(counts)[0] if tables is None else tables.column(table, counts, measure)


def _add_row(block: Block, label: str, *pairs) -> None:
    block.rows.append([label, *(pair[0] for pair in pairs)])
    block.values.append([label, *(pair[1] for pair in pairs)])


# Charts of computed pages not drawn yet, in this process: key → (chart, svg id). Bounded: a chart that fell out
# is found again by rebuilding its page (``chart_svg``).
_PENDING: OrderedDict[str, tuple[Any, str]] = OrderedDict()
_PENDING_LOCK = threading.Lock()
PENDING_MAX = 256
_CHARTS: OrderedDict[str, Any] = OrderedDict()
SVG_PREFIX = "reperes:analyses:svg:"


def _attach_chart(block: Block, chart, svg_id: str) -> None:
    """Give ``block`` its chart: the SVG when it was drawn before, else a key to draw it on its own request.

    Drawing costs matplotlib 50–200 ms a chart: a page shows its figures and tables at once and each chart
    arrives through htmx (``chart_svg``), instead of the page waiting for all of them.
    """
    fingerprint = json.dumps([chart.kind, chart.title, chart.description, chart.table.headers, chart.table.values,
                              chart.source, svg_id], default=str)
    block.chart_key = hashlib.sha256(fingerprint.encode()).hexdigest()
    with _PENDING_LOCK:  # kept for downloads (PNG, SVG with its title), whether drawn or not
        _CHARTS[block.chart_key] = chart
        _CHARTS.move_to_end(block.chart_key)
        while len(_CHARTS) > PENDING_MAX:
            _CHARTS.popitem(last=False)
    svg = cache.get(SVG_PREFIX + block.chart_key)
    if svg is not None:
        block.svg = svg
        return
    with _PENDING_LOCK:
        _PENDING[block.chart_key] = (chart, svg_id)
        _PENDING.move_to_end(block.chart_key)
        while len(_PENDING) > PENDING_MAX:
            _PENDING.popitem(last=False)


def warm(progress=lambda message: None) -> int:
    """Compute the default page of every theme, for staff and for partners, and draw its charts.

    Run after an import (in the background) and when the demo is built: the first visit after new data
    finds every page and chart ready. Returns how many charts were drawn.
    """
    from reperes.configuration.models import Installation

    installation = Installation.get()
    epcis = installation.territory.epci_names() if installation.territory else {}
    filters = parse_filters({}, installation.default_period(), epcis)
    drawn = 0
    for raw in (True, False):
        for theme in THEMES:
            progress(f"Tableaux de bord : {THEMES[theme][0]} ({'équipe' if raw else 'partenaires'})…")
            result = page(theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
            for block in result.blocks:
                if block.chart_key and not block.svg:
                    chart_svg(block.chart_key, theme, filters, raw=raw, seuil=installation.seuil, staff=raw)
                    drawn += 1
    return drawn


def warm_after_import(progress=lambda message: None) -> None:
    """``warm`` when ``REPERES_WARM_AFTER_IMPORT`` is set (not in tests); a failure is logged, never raised.
    The pages go to the shared cache, the frames read to their files (``frames_on_disk``): another process
    (a server worker, a report) finds both ready."""
    from django.conf import settings

    if not getattr(settings, "REPERES_WARM_AFTER_IMPORT", False):
        return
    try:
        warm(progress)
    except Exception as exc:
        logger.error("Préparation des tableaux de bord après import impossible : %s.", exc.__class__.__name__)


def fill_drawn_charts(result: Page) -> bool:
    """Put into a (cached) page the charts drawn since it was computed; True when one was added."""
    added = False
    for block in result.blocks:
        if block.chart_key and not block.svg:
            block.svg = cache.get(SVG_PREFIX + block.chart_key) or ""
            added = added or bool(block.svg)
    return added


def chart_svg(key: str, theme: str, filters: Filters, *, raw: bool, seuil: int, staff: bool) -> str | None:
    """The SVG of the chart ``key`` of a page this audience may see; None when the page has no such chart."""
    result = page(theme, filters, raw=raw, seuil=seuil, staff=staff)
    if key not in {block.chart_key for block in result.blocks}:
        return None
    svg = cache.get(SVG_PREFIX + key)
    if svg is not None:
        return svg
    with _PENDING_LOCK:
        entry = _PENDING.get(key)
    if entry is None:  # computed by another process (or forgotten): compute the page again, here
        build_page(theme, filters, raw=raw, seuil=seuil, staff=staff)
        with _PENDING_LOCK:
            entry = _PENDING.get(key)
        if entry is None:
            return None
    chart, svg_id = entry
    svg = chart.svg(id=svg_id, with_title=False)
    cache.set(SVG_PREFIX + key, svg, PAGE_TTL)
    with _PENDING_LOCK:
        _PENDING.pop(key, None)
    return svg


def chart_file(key: str, fmt: str, theme: str, filters: Filters, *, raw: bool, seuil: int,
               staff: bool) -> bytes | None:
    """A chart of a page this audience may see, as a file (``png`` or ``svg``, with its title); None if absent."""
    result = page(theme, filters, raw=raw, seuil=seuil, staff=staff)
    if key not in {block.chart_key for block in result.blocks}:
        return None
    with _PENDING_LOCK:
        chart = _CHARTS.get(key)
    if chart is None:  # the page came from the cache: compute it again here to get its chart
        build_page(theme, filters, raw=raw, seuil=seuil, staff=staff)
        with _PENDING_LOCK:
            chart = _CHARTS.get(key)
        if chart is None:
            return None
    if fmt == "png":
        return chart.png()
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg()).encode("utf-8")


def _bar_values(values: list) -> list:
    return [None if isinstance(v, str) or v is None else v for v in values]


# ------------------------------------------------------------------------------------ pages


def page(theme: str, filters: Filters, *, raw: bool, seuil: int, staff: bool) -> Page:
    """A whole page, from the cache when the data, the filters and the audience are the same."""
    version = data_version()
    key = "reperes:analyses:" + hashlib.sha256(
        json.dumps([theme, filters.key(), raw, staff, seuil, version]).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        if fill_drawn_charts(cached):  # store it complete: the next views read one entry, not one per chart
            cache.set(key, cached, PAGE_TTL)
        return cached
    result = build_page(theme, filters, raw=raw, seuil=seuil, staff=staff, version=version)
    cache.set(key, result, PAGE_TTL)
    _PAGE_KEYS.add(key)
    return result


def build_page(theme: str, filters: Filters, *, raw: bool, seuil: int, staff: bool,
               version: str | None = None) -> Page:
    """Compute a page (no cache); its charts not drawn yet wait in ``_PENDING``."""
    version = version or data_version()
    data = filters.population.apply(dataset(version))
    protector = Protector(raw, seuil)
    builder = {"home": _home, "publics": _publics, "parcours": _parcours, "actions": _actions,
               "sorties": _sorties}[theme]
    blocks = builder(data, filters, protector, staff)
    for block in blocks:
        if any(FRAGILE in str(cell) for row in block.rows for cell in row):
            block.notes.append(FRAGILE_NOTE.format(seuil=seuil))
    rule = ("Effectifs bruts, sans secret statistique (réservés à l'équipe du PLIE)." if raw else
            disclosure.legend(seuil) + ". Un taux est masqué quand son numérateur (hors zéro) ou son dénominateur "
            f"est masqué\u00a0; une moyenne ou une courbe, quand elle porte sur moins de {seuil} personnes.")
    return Page(theme, THEMES[theme][0], filters, raw, seuil, blocks, rule, version)


# -- Vue d'ensemble


def _home(data: Dataset, filters: Filters, p: Protector, staff: bool) -> list[Block]:
    from reperes.analytics import indicators

    result = indicators.evaluate(data, filters.debut, filters.fin, esf=False)
    if p.raw:
        payload = result.payload
    elif not filters.profil and not filters.epci:
        # The period's partner publication: the same decision as the partner report and the --diffusion JSON.
        payload = partner.period(filters.debut, filters.fin, p.seuil).payload(True)
    else:
        payload = indicators.diffuse(result, p.seuil)
    values = payload["indicateurs"]
    secret = set(payload.get("secret") or ())
    blocks = []

    key = Block("indicateurs", "Indicateurs clés",
                "Les indicateurs du contrat (voir la page « Définitions des indicateurs »), calculés pour la période et la population "
                "filtrées. Chaque taux est accompagné de son intervalle de confiance à 95 % (Wilson).",
                headers=["Indicateur", "Valeur", "Intervalle de confiance à 95 %", "Dénominateur", "Définition"])
    denominators = {"sorties de la période": "sorties", "sorties hors sorties neutres": "sorties_hors_neutres",
                    "sorties ni positives ni neutres": "sorties_non_positives"}
    for ind in indicators.CORE_INDICATORS:
        value = values.get(ind.id)
        if isinstance(value, dict) or ind.id not in values:
            continue
        path = f"indicateurs.{ind.id}"
        hidden = path in secret
        if hidden:
            shown, raw_value = p.hidden, p.hidden
        elif ind.unit == indicators.TAUX:
            shown, raw_value = formats.percent(value), value
        elif ind.unit in (indicators.MOIS, indicators.RATIO):
            shown, raw_value = formats.number(value, 1), value
        else:
            shown, raw_value = formats.number(value), value
        interval = ("–", None)
        if ind.unit == indicators.TAUX and not hidden and value is not None:
            den_key = denominators.get(ind.denominator or "", "participants_accompagnes")
            denominator = result.denominators.get(den_key)
            if denominator:
                numerator = round(value * denominator)
                low, high = wilson(numerator, denominator)
                interval = (f"{formats.percent(low)} – {formats.percent(high)}", f"{low:.4f} – {high:.4f}")
        key.rows.append([ind.label, shown, interval[0], ind.denominator or "", ind.definition])
        key.values.append([ind.label, raw_value, interval[1], ind.denominator or "", ind.definition])
        if ind.id in ("participants_accompagnes", "entrees", "sorties", "taux_sorties_positives",
                      "taux_valorisation_sorties_non_positives", "duree_moyenne_parcours_mois"):
            key.figures.append((shown, ind.label, ind.definition))
    blocks.append(key)

    categories = values.get("sorties_par_categorie") or {}
    block = Block("categories", "Sorties par catégorie",
                  indicators.definition("sorties_par_categorie"), "sorties de la période",
                  headers=["Catégorie", "Sorties", "Part des sorties"])
    total = values.get("sorties")
    shown_values = []
    for code in CATEGORIE_SORTIE.codes():
        n = categories.get(code)
        rate = "secret" if n is None or total is None else (n / total if total else None)
        _add_row(block, CATEGORIE_SORTIE.label(code), p.count_text(n), p.rate_text(rate))
        shown_values.append(n)
    from reperes.charts import bar_chart

    chart = bar_chart([CATEGORIE_SORTIE.label(c) for c in CATEGORIE_SORTIE.codes()], shown_values,
                      title=f"Sorties par catégorie, {filters.describe()}", horizontal=True,
                      suppressed=p.seuil, source=SOURCE, value_label="Sorties", category_label="Catégorie")
    _attach_chart(block, chart, "graphique-categories")
    blocks.append(block)
    blocks.append(_yearly(data, filters, p))
    return blocks


def _breakdown_rows(block: Block, table: pl.DataFrame, p: Protector, *, totals: bool) -> list:
    """Rows of a :mod:`reperes.analytics.breakdowns` table: counts, positive-exit rate and its interval."""
    labels = table["libelle"].to_list()
    columns = {}
    for column in ("participants_accompagnes", "entrees", "sorties", "sorties_positives"):
        raw = dict(zip(labels, (int(v) for v in table[column].to_list()), strict=True))
        columns[column], _ = p.counts(raw, sum(raw.values()) if totals and column != "participants_accompagnes"
                                      else None)
    block.headers = [block.headers[0], "Accompagnés", "Entrées", "Sorties", "Sorties positives",
                     "Taux de sorties positives", "Intervalle de confiance à 95 %"]
    for i, label in enumerate(labels):
        n_pos, n_out = int(table["sorties_positives"][i]), int(table["sorties"][i])
        rate = (p.rate(n_pos, n_out) if columns["sorties_positives"][label] is not None
                and columns["sorties"][label] is not None else "secret")
        _add_row(block, label, *(p.count_text(columns[c][label]) for c in
                                 ("participants_accompagnes", "entrees", "sorties", "sorties_positives")),
                 p.rate_text(rate, n_out), p.interval_text(rate, n_pos, n_out))
    return labels


def _yearly(data: Dataset, filters: Filters, p: Protector) -> Block:
    from reperes.analytics.breakdowns import series_by_year
    from reperes.charts import line_chart

    block = Block("annees", "Évolution par année depuis la première entrée",
                  "Chaque année civile est une période (1er janvier – 31 décembre) : accompagnés, entrées, sorties "
                  "et sorties positives de l'année ; taux de sorties positives avec son intervalle de confiance à "
                  "95 % (Wilson).", "sorties de l'année (taux)", headers=["Année"])
    table = series_by_year(data, fin=filters.fin).table
    if table.height == 0:
        block.message = "Aucun parcours enregistré."
        return block
    labels = _breakdown_rows(block, table, p, totals=True)
    series = {name: _bar_values([row[index] for row in block.values])
              for name, index in (("Entrées", 2), ("Sorties", 3))}
    chart = line_chart([int(y) for y in labels], series, title="Entrées et sorties par année", suppressed=p.seuil,
                       source=SOURCE, value_label="Parcours", x_label="Année")
    _attach_chart(block, chart, "graphique-annees")
    return block


# -- Publics


def _group_table(block: Block, frame: pl.DataFrame, group_expr: pl.Expr, groups: list[str], p: Protector,
                 debut, fin, *, compare: bool = True, layer=None) -> None:
    """Accompagnés, their share, sorties, positive exits and rate (with CI) for each group.

    ``layer``: the period's tables layer (partners), whose cells are read instead of protecting the table alone."""
    acc = accompagnes(frame, debut, fin).with_columns(group_expr.alias("g"))
    out = sorties(frame, debut, fin).with_columns(group_expr.alias("g"), (categorie() == SORTIE_POSITIVE).alias("pos"))
    n_acc = dict(acc.group_by("g").agg(pl.len()).iter_rows())
    n_out = dict(out.group_by("g").agg(pl.len()).iter_rows())
    n_pos = dict(out.group_by("g").agg(pl.col("pos").sum()).iter_rows())
    raw_acc = {g: int(n_acc.get(g, 0)) for g in groups}
    raw_out = {g: int(n_out.get(g, 0)) for g in groups}
    raw_pos = {g: int(n_pos.get(g, 0) or 0) for g in groups}
    if layer is None:
        shown_acc, total_acc = p.counts(raw_acc, acc.height)
        shown_out, _ = p.counts(raw_out, out.height)
        shown_pos, _ = p.counts(raw_pos, sum(raw_pos.values()))
    else:
        tables, table = layer
        groups = tables.groups[table]
        shown_acc, shown_out, shown_pos = (tables.column(table, groups, m) for m in partner_tables.GROUP_MEASURES)
        main, total_name = partner.period(debut, fin, p.seuil), partner_tables.TOTALS["accompagnes"]
        total_acc = main.protected.value(total_name) if total_name in main.publication else None
    block.headers = [block.headers[0] if block.headers else "Groupe", "Accompagnés", "Part des accompagnés",
                     "Sorties", "Sorties positives", "Taux de sorties positives", "Intervalle de confiance à 95 %"]
    for g in groups:
        share = p.rate(raw_acc[g], acc.height) if shown_acc[g] is not None and total_acc is not None else "secret"
        rate = (p.rate(raw_pos[g], raw_out[g]) if shown_pos[g] is not None and shown_out[g] is not None
                else "secret")
        _add_row(block, g, p.count_text(shown_acc[g]), p.rate_text(share), p.count_text(shown_out[g]),
                 p.count_text(shown_pos[g]), p.rate_text(rate, raw_out[g]),
                 p.interval_text(rate, raw_pos[g], raw_out[g]))
    if compare:
        block.notes += _significance(groups, raw_pos, raw_out,
                                     {g for g in groups if shown_pos[g] is None or shown_out[g] is None})


def _significance(groups, positives, totals, hidden) -> list[str]:
    """One sentence per group compared with the others (two-proportion test)."""
    notes = []
    candidates = [g for g in groups if totals[g] > 0 and g not in hidden]
    if len(candidates) < 2:
        return notes
    pairs = [(candidates[0], candidates[1])] if len(candidates) == 2 else [(g, None) for g in candidates]
    for a, b in pairs:
        if b is None:
            others_pos = sum(positives[g] for g in groups if g != a)
            others_out = sum(totals[g] for g in groups if g != a)
            comparison = compare_rates(positives[a], totals[a], others_pos, others_out)
            notes.append(f"Taux de sorties positives, « {a} » comparé aux autres groupes : {comparison.texte}.")
        else:
            comparison = compare_rates(positives[a], totals[a], positives[b], totals[b])
            notes.append(f"Taux de sorties positives, « {a} » comparé à « {b} » : {comparison.texte}.")
    return notes


def _publics(data: Dataset, filters: Filters, p: Protector, staff: bool) -> list[Block]:
    blocks = []
    people = data.participants
    debut, fin = filters.debut, filters.fin
    definition = ("Accompagnés : parcours en cours à un moment de la période. Part : accompagnés du groupe ÷ "
                  "accompagnés. Taux de sorties positives : sorties positives ÷ sorties de la période du groupe, "
                  "avec son intervalle de confiance à 95 % (Wilson).")
    tables = _layer(filters, p)
    for key, profile in PROFILES.items():
        block = Block(f"profil-{key}", profile.label, definition,
                      "accompagnés de la période (part) ; sorties de la période (taux)", headers=[profile.label])
        present = people.select(profile.expression().alias("g"))["g"].unique().to_list()
        _group_table(block, people, profile.expression(), ordered_groups(key, present) or list(profile.order), p,
                     debut, fin, layer=tables and (tables, f"profil-{key}"))
        blocks.append(block)
        if key == filters.par:
            from reperes.charts import bar_chart

            labels = [row[0] for row in block.values]
            chart = bar_chart(labels, _bar_values([row[1] for row in block.values]),
                              title=f"Participants accompagnés : {profile.label.lower()}, {filters.describe()}",
                              suppressed=p.seuil, source=SOURCE, value_label="Accompagnés",
                              category_label=profile.label)
            _attach_chart(block, chart, f"graphique-{key}")

    epci_names = dict(data.communes.select("epci", "epci_nom").unique().iter_rows())
    block = Block("epci", "Intercommunalité de résidence", definition, "accompagnés de la période",
                  headers=["Intercommunalité"])
    if p.raw:
        epci_expr = pl.col("epci").replace_strict(epci_names, default="Hors territoire").fill_null("Hors territoire")
        _group_table(block, people, epci_expr, sorted(epci_names.values()) + ["Hors territoire"], p, debut, fin,
                     compare=False)
    else:  # partners: the EPCI and commune tables and the map are protected together (partner.territory)
        partner.epci_rows(block, partner.territory(debut, fin, p.seuil), epci_names, p)
    blocks.append(block)

    from reperes.analytics.breakdowns import breakdown

    block = Block("commune", "Commune de résidence",
                  "Participants de la période par commune de résidence (communes du territoire, zéros compris, puis "
                  "communes hors territoire). Taux de sorties positives avec son intervalle de confiance à 95 %.",
                  "sorties de la période de la commune (taux)", headers=["Commune"])
    if p.raw:
        _breakdown_rows(block, breakdown(data, debut, fin, "commune").table, p, totals=True)
    else:
        names = dict(data.communes.select("commune", "nom").iter_rows())
        partner.commune_rows(block, partner.territory(debut, fin, p.seuil), names, p)
    blocks.append(block)

    block = Block("prescripteur", "Prescripteur", definition, "accompagnés de la période", headers=["Prescripteur"])
    labels = {c.code: c.label for c in PRESCRIPTEUR}
    expr = pl.col("prescripteur").replace_strict(labels, default="Non renseigné").fill_null("Non renseigné")
    _group_table(block, people, expr, [c.label for c in PRESCRIPTEUR] + ["Non renseigné"], p, debut, fin,
                 compare=False, layer=tables and (tables, "prescripteur"))
    blocks.append(block)

    if staff:  # breakdowns by référent evaluate employees: staff only, never partners
        block = Block("referent", "Référent de parcours (vue interne)", definition + " Réservé à l'équipe du PLIE.",
                      "accompagnés de la période", headers=["Référent"])
        expr = pl.col("referent").replace("", None).fill_null("Non renseigné")
        present = sorted(people.select(expr.alias("g"))["g"].unique().to_list())
        _group_table(block, people, expr, present, Protector(True, p.seuil), debut, fin, compare=False)
        blocks.append(block)
    return blocks


# -- Parcours


def _parcours(data: Dataset, filters: Filters, p: Protector, staff: bool) -> list[Block]:
    from reperes.charts import bar_chart, step_chart

    debut, fin = filters.debut, filters.fin
    blocks = []
    tables = _layer(filters, p)

    d = parcours.durations(data, debut, fin)
    block = Block("durees", "Durée des parcours terminés", parcours.DEFINITIONS["durees"], "sorties de la période",
                  headers=["Durée", "Sorties"])
    if tables is None:
        counts, _ = p.counts(dict(d.bands), d.n)
        n_shown = p.counts({"n": d.n})[0]["n"]
    else:
        counts = tables.column("durees", [label for label, _ in d.bands], "sorties")
        n_shown = tables.cell("durees", "total", "sorties")
    for label, _n in d.bands:
        _add_row(block, label, p.count_text(counts[label]))
    ok = p.population_ok(d.n)
    block.figures = [
        (p.count_text(n_shown)[0], "sorties (parcours terminés)", ""),
        (formats.number(d.mean, 1) if ok else p.hidden, "mois en moyenne", ""),
        (formats.number(d.median, 1) if ok else p.hidden, "mois : durée médiane", ""),
    ]
    chart = bar_chart([label for label, _ in d.bands], _bar_values([counts[label] for label, _ in d.bands]),
                      title=f"Durée des parcours sortis, {filters.describe()}", suppressed=p.seuil, source=SOURCE,
                      value_label="Sorties", category_label="Durée")
    _attach_chart(block, chart, "graphique-durees")
    blocks.append(block)

    f = parcours.time_to_first_step(data, debut, fin)
    block = Block("premiere-etape", "Délai d'accès à la première étape", parcours.DEFINITIONS["premiere_etape"],
                  "entrées de la période", headers=["Mesure", "Valeur"])
    if tables is None:
        shown, _ = p.counts({"entrees": f.entrees, "with": f.with_step, "rapide": f.within_30_days})
    else:
        shown = tables.column("premiere-etape", ("entrees", "with", "rapide"), "n")
    ok = p.population_ok(f.with_step)
    _add_row(block, "Entrées de la période", p.count_text(shown["entrees"]))
    _add_row(block, "Entrées ayant au moins une étape", p.count_text(shown["with"]))
    _add_row(block, "Première étape dans les 30 jours", p.count_text(shown["rapide"]))
    _add_row(block, "Délai moyen (jours)", (formats.number(f.mean_days, 1), f.mean_days) if ok else
             (p.hidden, p.hidden))
    _add_row(block, "Délai médian (jours)", (formats.number(f.median_days, 1), f.median_days) if ok else
             (p.hidden, p.hidden))
    blocks.append(block)

    rows = parcours.steps_by_family(data, debut, fin)
    block = Block("familles", "Étapes par famille", parcours.DEFINITIONS["etapes_famille"],
                  "participants accompagnés de la période",
                  headers=["Famille", "Étapes", "Participants concernés", "Étapes par participant accompagné"])
    etapes = _column(p, tables, "familles", {r.label: r.etapes for r in rows}, "etapes")
    concerned = _column(p, tables, "familles", {r.label: r.participants for r in rows}, "participants")
    for r in rows:
        per = (formats.number(r.per_participant, 2), r.per_participant) if (
            etapes[r.label] is not None and p.population_ok(r.accompagnes)) else (p.hidden, p.hidden)
        if r.per_participant is None:
            per = ("–", None)
        _add_row(block, r.label, p.count_text(etapes[r.label]), p.count_text(concerned[r.label]), per)
    chart = bar_chart([r.label for r in rows], _bar_values([etapes[r.label] for r in rows]),
                      title=f"Étapes commencées par famille, {filters.describe()}", suppressed=p.seuil,
                      source=SOURCE, value_label="Étapes", category_label="Famille d'étape")
    _attach_chart(block, chart, "graphique-familles")
    blocks.append(block)

    sequences, total = parcours.top_sequences(data, debut, fin)
    block = Block("sequences", "Les 10 enchaînements de familles d'étapes les plus fréquents",
                  parcours.DEFINITIONS["sequences"], "parcours terminés pendant la période",
                  headers=["Enchaînement", "Parcours", "Part des parcours terminés"])
    if tables is None:
        shown, shown_total = p.counts({s: n for s, n in sequences}, total)
    else:
        shown, shown_total = tables.column("sequences", [s for s, _ in sequences], "n"), \
            tables.cell("sequences", "total", "n")
    for s, n in sequences:
        rate = p.rate(n, total) if shown[s] is not None and shown_total is not None else "secret"
        _add_row(block, s, p.count_text(shown[s]), p.rate_text(rate))
    if not sequences:
        block.message = "Aucun parcours terminé sur la période."
    blocks.append(block)

    for event, title in (("toute", "Délai de sortie (toute sortie)"), ("positive", "Délai de sortie positive")):
        km = parcours.kaplan_meier(data, debut, fin, event=event, by=filters.par, horizon=36)
        block = Block(f"survie-{event}", f"{title}, par {PROFILES[filters.par].label.lower()}",
                      parcours.DEFINITIONS["survie"], "entrées de la période",
                      headers=["Mois"])
        curves = [c for c in km.curves if p.population_ok(c.n)]
        left_out = [c.label for c in km.curves if c not in curves]
        series, bands = {}, {}
        for c in curves:
            # Partners: a point is shown only while at least seuil people are still followed.
            keep = [p.raw or n >= p.seuil for n in c.at_risk]
            series[c.label] = [v if k else None for v, k in zip(c.survival, keep, strict=True)]
            bands[c.label] = ([v if k else None for v, k in zip(c.low, keep, strict=True)],
                              [v if k else None for v, k in zip(c.high, keep, strict=True)])
        if series:
            chart = step_chart(km.months, series, bands=bands, title=f"{title}, {filters.describe()}",
                               source=SOURCE, y_label="Part encore sans sortie")
            _attach_chart(block, chart, f"graphique-survie-{event}")
            block.headers = list(chart.table.headers)
            block.rows = [list(r) for r in chart.table.rows]
            block.values = [list(r) for r in chart.table.values]
            for c in curves:
                median = (f"{formats.number(c.median_months, 1)} mois" if c.median_months is not None
                          else "non atteinte")
                block.notes.append(f"{c.label} : {formats.plural(c.n, 'entrée')} suivie(s), médiane {median}.")
        else:
            block.message = "Aucune entrée sur la période (ou groupes trop petits pour être montrés)."
        if left_out:
            block.notes.append(f"Groupes non montrés (moins de {p.seuil} personnes) : {', '.join(left_out)}.")
        if km.observation:
            block.notes.append(f"Parcours en cours censurés au {formats.date(km.observation)} (dernières données).")
        blocks.append(block)
    return blocks


# -- Actions


def _money(value: float | None, ok: bool, p: Protector) -> tuple[str, Any]:
    if value is None:
        return "–", None
    if not ok:
        return p.hidden, p.hidden
    return f"{formats.number(value)} €", round(value, 2)


def _actions(data: Dataset, filters: Filters, p: Protector, staff: bool) -> list[Block]:
    from reperes.charts import bar_chart

    debut, fin = filters.debut, filters.fin
    blocks = []
    tables = _layer(filters, p)
    rows = actions_analysis.by_action(data, debut, fin)
    block = Block("par-action", "Participants, étapes et coûts par action", actions_analysis.DEFINITIONS["par_action"],
                  "participants ayant commencé une étape de l'action pendant la période",
                  headers=["Action", "Axe", "Expérimentale", "Participants", "Étapes", "Budget total",
                           "Coût par participant", "Coût par sortie positive"])
    participants = _column(p, tables, "par-action", {r.id_action: r.participants for r in rows}, "participants")
    etapes = _column(p, tables, "par-action", {r.id_action: r.etapes for r in rows}, "etapes")
    for r in rows:
        texts = [p.count_text(participants[r.id_action]), p.count_text(etapes[r.id_action]),
                 _money(r.budget, True, p),
                 _money(r.cout_par_participant, p.population_ok(r.participants_total), p),
                 _money(r.cout_par_sortie_positive, p.population_ok(r.sorties_positives_total), p)]
        label = f"{r.intitule} ({r.id_action})"
        _add_row(block, label, (r.axe, r.axe), ("Oui" if r.experimentale else "Non",) * 2, *texts)
    if not rows:
        block.message = "Aucune action n'est enregistrée."
    blocks.append(block)

    for column, title in (("axe", "Par axe du protocole"), ("operateur", "Par opérateur")):
        groups = actions_analysis.by_group(data, debut, fin, column)
        block = Block(f"par-{column}", title, actions_analysis.DEFINITIONS[f"par_{column}"],
                      "participants ayant commencé une étape rattachée à une action pendant la période",
                      headers=["Axe" if column == "axe" else "Opérateur", "Participants", "Étapes"])
        people = _column(p, tables, f"par-{column}", {g: n for g, n, _ in groups}, "participants")
        steps = _column(p, tables, f"par-{column}", {g: e for g, _, e in groups}, "etapes")
        for g, _, _ in groups:
            _add_row(block, g, p.count_text(people[g]), p.count_text(steps[g]))
        if column == "axe" and groups:
            chart = bar_chart([g for g, _, _ in groups], _bar_values([people[g] for g, _, _ in groups]),
                              title=f"Participants par axe, {filters.describe()}", horizontal=True,
                              suppressed=p.seuil, source=SOURCE, value_label="Participants", category_label="Axe")
            _attach_chart(block, chart, "graphique-axes")
        blocks.append(block)

    exp = actions_analysis.experimental_comparison(data, debut, fin)
    block = Block("experimentation", "Actions expérimentales comparées aux autres actions",
                  actions_analysis.DEFINITIONS["experimentation"], "sorties des participants de chaque groupe",
                  headers=["Groupe", "Participants", "Sorties", "Sorties positives", "Taux de sorties positives",
                           "Intervalle de confiance à 95 %", "Durée moyenne des parcours sortis (mois)"])
    hidden_any = False
    for key, group in (("experimentale", exp.experimental), ("autres", exp.others)):
        if tables is None:
            shown, _ = p.counts({"n": group.participants, "s": group.sorties, "pos": group.positives})
        else:
            shown = {m: tables.cell("experimentation", key, m) for m in ("n", "s", "pos")}
        rate = (p.rate(group.positives, group.sorties) if shown["s"] is not None and shown["pos"] is not None
                else "secret")
        hidden_any |= rate == "secret"
        duration = ((formats.number(group.duree_moyenne_mois, 1), group.duree_moyenne_mois)
                    if p.population_ok(group.sorties) else (p.hidden, p.hidden))
        if group.duree_moyenne_mois is None:
            duration = ("–", None)
        _add_row(block, group.label, p.count_text(shown["n"]), p.count_text(shown["s"]),
                 p.count_text(shown["pos"]), p.rate_text(rate, group.sorties),
                 p.interval_text(rate, group.positives, group.sorties), duration)
    if not hidden_any:
        block.notes.append(f"Taux de sorties positives : {exp.comparison.texte}.")
    if exp.themes:
        themes = _column(p, tables, "themes", dict(exp.themes), "n")
        block.notes.append("Thèmes d'expérimentation : " + " ; ".join(
            f"{t} ({p.count_text(themes[t])[0]} participants)" for t, _ in exp.themes) + ".")
    block.notes.append(exp.caveat)
    blocks.append(block)
    return blocks


# -- Sorties


def _sorties(data: Dataset, filters: Filters, p: Protector, staff: bool) -> list[Block]:
    from reperes.charts import stacked_bar_chart

    debut, fin = filters.debut, filters.fin
    blocks = []
    out = sorties(data.participants, debut, fin)
    counts = dict(out.group_by("motif_sortie").agg(pl.len()).iter_rows())
    motifs = {c.code: int(counts.get(c.code, 0)) for c in MOTIF_SORTIE}
    if p.raw or filters.profil or filters.epci:
        shown, total = p.counts(motifs, out.height)
    else:  # partners: the cells of the period's partner publication, as in the report and the --diffusion JSON
        protected = partner.period(debut, fin, p.seuil).protected
        shown = {code: protected.value(f"indicateurs.sorties_par_motif.{code}") for code in motifs}
        total = protected.value("indicateurs.sorties")
    block = Block("motifs", "Sorties par motif",
                  "Nombre de sorties de la période pour chaque motif du référentiel, avec sa catégorie.",
                  "sorties de la période", headers=["Motif", "Catégorie", "Sorties", "Part des sorties"])
    for c in MOTIF_SORTIE:
        label = CATEGORIE_SORTIE.label(c.categorie)
        rate = p.rate(motifs[c.code], out.height) if shown[c.code] is not None else "secret"
        _add_row(block, c.label, (label, label), p.count_text(shown[c.code]), p.rate_text(rate))
    _add_row(block, "Total", ("", ""), p.count_text(total), ("100,0 %" if total else "–", 1.0 if total else None))
    blocks.append(block)

    tables = _layer(filters, p)
    grid_rows = valorisation.by_profile(data, debut, fin, filters.par)
    label = PROFILES[filters.par].label
    block = Block("valorisation", f"Sorties à valoriser, par {label.lower()}", valorisation.DEFINITION,
                  "sorties de la période ni positives ni neutres",
                  headers=[label, *[valorisation.GRID_LABELS[k] for k, _, _ in valorisation.GRID],
                           "Sorties ni positives ni neutres", "Taux de valorisation", "Intervalle de confiance à 95 %"])
    series = {valorisation.GRID_LABELS[k]: [] for k, _, _ in valorisation.GRID}
    raw_valued, raw_total, hidden_groups = {}, {}, set()
    for row in grid_rows:
        if tables is None:
            cells, row_total = p.counts(row.counts, row.total)
        else:
            table = f"valorisation-{filters.par}"
            cells = {k: tables.cell(table, row.groupe, k) for k in row.counts}
            row_total = tables.cell(table, row.groupe, "total")
        rate = p.rate(row.valorisees, row.total) if row_total is not None and cells["non_valorisee"] is not None \
            else "secret"
        if rate == "secret":
            hidden_groups.add(row.groupe)
        raw_valued[row.groupe], raw_total[row.groupe] = row.valorisees, row.total
        _add_row(block, row.groupe, *[p.count_text(cells[k]) for k, _, _ in valorisation.GRID],
                 p.count_text(row_total), p.rate_text(rate, row.total),
                 p.interval_text(rate, row.valorisees, row.total))
        for k, _, _ in valorisation.GRID:
            series[valorisation.GRID_LABELS[k]].append(cells[k])
    block.notes += [n.replace("Taux de sorties positives", "Taux de valorisation")
                    for n in _significance([r.groupe for r in grid_rows], raw_valued, raw_total, hidden_groups)]
    block.glossary = [(title, text) for _, title, text in valorisation.GRID]
    if grid_rows:
        chart = stacked_bar_chart([r.groupe for r in grid_rows], series, horizontal=True,
                                  title=f"Sorties ni positives ni neutres selon la grille de valorisation, "
                                        f"{filters.describe()}", suppressed=p.seuil, source=SOURCE,
                                  value_label="Sorties", category_label=label)
        _attach_chart(block, chart, "graphique-valorisation")
    blocks.append(block)

    for block_id, title, items in (
            ("acquis", "Acquis des sorties non positives", valorisation.acquis_by_type(data, debut, fin)),
            ("freins-leves", "Freins levés des sorties non positives",
             valorisation.freins_leves_by_type(data, debut, fin))):
        block = Block(block_id, title, "Sorties de la période ni positives ni neutres ayant au moins un acquis de "
                      "ce type (daté entre l'entrée et la sortie) ou ce frein levé (même règle que la grille).",
                      "sorties de la période ni positives ni neutres", headers=["Type", "Sorties concernées"])
        shown_items = _column(p, tables, block_id, dict(items), "n")
        for name, _ in items:
            _add_row(block, name, p.count_text(shown_items[name]))
        blocks.append(block)

    model = determinants.fit(data, debut, fin)
    block = Block("determinants", "Déterminants d'une sortie positive", determinants.DEFINITION,
                  "sorties de la période",
                  headers=["Caractéristique à l'entrée", "Groupe de référence", "Effectif concerné", "Rapport des cotes",
                           "Intervalle de confiance à 95 %", "Significatif (5 %)", "Lecture"])
    block.message = model.message
    for r in model.ratios:
        if not (p.population_ok(r.n_yes) and p.population_ok(model.n - r.n_yes)):
            _add_row(block, r.label, (r.reference,) * 2, (p.hidden, p.hidden), (p.hidden, p.hidden),
                     (p.hidden, p.hidden), (p.hidden, p.hidden), ("Effectif trop petit pour être montré.",) * 2)
            continue
        _add_row(block, r.label, (r.reference,) * 2, (formats.number(r.n_yes), r.n_yes),
                 (formats.number(r.odds_ratio, 2), round(r.odds_ratio, 4)),
                 (f"{formats.number(r.low, 2)} – {formats.number(r.high, 2)}", f"{r.low:.4f} – {r.high:.4f}"),
                 ("Oui" if r.significant else "Non",) * 2, (r.reading(),) * 2)
    if model.dropped:
        block.notes.append("Caractéristiques sans variation dans la population, laissées de côté : "
                           + ", ".join(model.dropped) + ".")
    if determinants.RURAL_POPULATION:
        block.notes.append("« Rurale » : commune de moins de 2 000 habitants (ancienne définition de l'INSEE), "
                           "approximation faute de la grille de densité.")
    blocks.append(block)
    return blocks


def clear_caches() -> None:
    """Forget the loaded dataset and the computed pages of this process (tests, after a restore)."""
    forget_dataset()
    partner.forget()
    cache.clear()


_PAGE_KEYS: set[str] = set()


def clear_page_cache() -> None:
    """Forget the computed pages (not the drawn charts nor the dataset): benchmarks."""
    cache.delete_many(list(_PAGE_KEYS))
    _PAGE_KEYS.clear()
