"""The other partner tables of the analyses pages, protected together with the period's publication.

Publics (profiles, prescripteurs), Parcours (durations, first step, families, sequences), Actions (by action,
axe, operator; experimental actions and their themes) and Sorties (the grid of valorisation by profile, acquis,
freins levés).

A reader compares each table of the partner pages with the report and with the
other tables: a profile table's groups add up to the accompagnés the report
shows, « Femme » is the report's « Accompagnés : Femme », the étapes of the
actions add up to those of the axes… Protected table by table, a group hidden
alone in its table would be the difference. Here every such table is one more
layer on top of the period's publication (:mod:`reperes.analytics.period_publication`),
like the territory layer (:mod:`reperes.analytics.territory_cells`):

- the tables are declared in a copy of the publication, with the identities a
  reader knows: each breakdown's cells (« non renseigné » included) add up to the
  population's total, which is the publication's figure; a cell that counts the
  same people as a figure the publication declares is that figure
  (:meth:`Publication.same`); counts of a multi-valued breakdown (a participant in
  several families, several axes) are bounded by their total, not added up;
- what the publication hides stays hidden; what it shows keeps its value;
- protected once, with the audit; the report's figures are the dearest to hide, so
  secondary suppression takes the pages' cells first. When the layer still hides a
  figure the report shows, the figure stays shown and the decision actually shown
  is audited again; should a small count be pinned then, every cell of the tables
  that touch it is hidden (hiding more never tells more), last every table's.

Pure (Polars, no Django).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import polars as pl

from reperes.analytics import actions as actions_analysis
from reperes.analytics import disclosure, parcours, valorisation
from reperes.analytics.disclosure.audit import audit as audit_decision
from reperes.analytics.disclosure.engine import _Solution
from reperes.analytics.populations import accompagnes, sorties
from reperes.analytics.profiles import PROFILES, categorie, ordered_groups
from reperes.referentiel.codes import PRESCRIPTEUR, SEXE, SORTIE_POSITIVE, TRANCHE_AGE

IND = "indicateurs."
TOTALS = {"accompagnes": IND + "participants_accompagnes", "sorties": IND + "sorties",
          "positives": IND + "sorties_positives"}
GROUP_MEASURES = ("accompagnes", "sorties", "positives")
NON_RENSEIGNE = "Non renseigné"


def prescripteur_expression() -> pl.Expr:
    labels = {c.code: c.label for c in PRESCRIPTEUR}
    return pl.col("prescripteur").replace_strict(labels, default=NON_RENSEIGNE).fill_null(NON_RENSEIGNE)


def group_tables(people: pl.DataFrame) -> dict[str, tuple[Any, list[str]]]:
    """Table id → (group expression, groups in display order): the profiles, then the prescripteurs."""
    tables = {}
    for key, profile in PROFILES.items():
        present = people.select(profile.expression().alias("g"))["g"].unique().to_list()
        tables[f"profil-{key}"] = (profile.expression(), ordered_groups(key, present) or list(profile.order))
    tables["prescripteur"] = (prescripteur_expression(), [c.label for c in PRESCRIPTEUR] + [NON_RENSEIGNE])
    return tables


# Cells of a group table that are figures of the report: table id → group label → report's name (accompagnés).
def _report_names() -> dict[str, dict[str, str]]:
    sexe = {c.label: f"rapport.sexe.{c.code}" for c in SEXE} | {NON_RENSEIGNE: "rapport.sexe.inconnu"}
    age = {c.label: f"rapport.age.{c.code}" for c in TRANCHE_AGE} | {"Âge inconnu": "rapport.age.inconnu"}
    return {"profil-sexe": sexe, "profil-tranche_age": age}


def name(table: str, key: str, measure: str) -> str:
    return f"pages.{table}|{key}|{measure}"


@dataclass(frozen=True)
class PartnerTables:
    """What a partner sees of the tables of the analyses pages: a value, or ``None`` for « s »."""

    values: dict[str, int | None]  # name → value shown
    raw: dict[str, int]
    tables: dict[str, list[str]]  # table id → its names
    groups: dict[str, list[str]]  # group table id → groups in display order
    whole: frozenset[str]  # tables hidden whole: the layer needed to hide a figure the report shows
    audit: Any

    def cell(self, table: str, key: str, measure: str) -> int | None:
        return self.values.get(name(table, key, measure))

    def column(self, table: str, keys, measure: str) -> dict[str, int | None]:
        return {key: self.cell(table, key, measure) for key in keys}


class _Layer:
    def __init__(self, period):
        self.main = period.protected
        self.pub = copy.deepcopy(period.publication)
        self.tables: dict[str, list[str]] = {}
        self.raw: dict[str, int] = {}
        # Figures the report shows: a relation between those alone tells nothing about this layer's cells.
        self.report_shown = {var for n, var in period.publication.names.items() if n not in self.main.secret}
        # The report's figures are the dearest to hide here: the layer hides its own cells first.
        dearest = 1 + max((v.rank for v in self.pub.system.vars), default=0)
        for var in self.report_shown:
            self.pub.system.vars[var].rank = dearest

    def _report_only(self, names: list[str]) -> bool:
        return all(self.pub.var(n) in self.report_shown for n in names)

    def value_of(self, existing: str) -> int | None:
        if existing not in self.pub.names and existing not in self.pub.unpublished:
            return None
        return self.pub.system.vars[self.pub.var(existing)].value

    def count(self, table: str, key: str, measure: str, value: int, label: str, *, same_as=(), rank: int = 0) -> str:
        """A cell: the very figure of ``same_as`` (first one declared with the same value), else a count."""
        cell = name(table, key, measure)
        self.tables.setdefault(table, []).append(cell)
        self.raw[cell] = value
        for existing in same_as:
            if existing and self.value_of(existing) == value:
                return self.pub.same(cell, existing, label=label)
        return self.pub.count(cell, value, label=label, rank=rank)

    def total(self, key: str, value: int, label: str, same_as=()) -> str:
        """A figure a table adds up to: the publication's when it counts the same people, else never shown."""
        for existing in same_as:
            if existing and self.value_of(existing) == value:
                return existing
        cell = f"pages.total|{key}"
        if cell not in self.pub:
            self.pub.count(cell, value, label=label, shown=False)
        return cell

    def identity(self, total: str, parts: list[str]) -> None:
        """``total = Σ parts (+ a remainder never shown)``: a partition a reader knows. Ignored when the parts
        exceed the total (then it is not one), and between figures the report shows alone (the report's own
        relations are the publication's, audited with it)."""
        values = self.pub.system.vars
        if self._report_only([total, *parts]):
            return
        if sum(values[self.pub.var(p)].value for p in parts) <= values[self.pub.var(total)].value:
            self.pub.identity(total, parts)

    def bound(self, total: str, parts: list[str]) -> None:
        """``Σ parts ≤ total``: what a reader knows of counts bounded by another (participants of a family
        among the accompagnés, positive exits among the exits). The rest is a figure never shown, zero or not,
        so that the attacker does not learn that the bound is reached."""
        values = self.pub.system.vars
        rest = values[self.pub.var(total)].value - sum(values[self.pub.var(p)].value for p in parts)
        if rest < 0 or self._report_only([total, *parts]):
            return
        name = f"{total}:borne:{len(self.pub.unpublished)}"
        self.pub.count(name, rest, label=name, shown=False)
        self.pub.system.equation(self.pub.var(total), [self.pub.var(p) for p in parts] + [self.pub.var(name)])


def _group_cells(layer: _Layer, dataset, debut, fin, totals: dict[str, str]) -> dict[str, list[str]]:
    people = dataset.participants
    acc, out = accompagnes(people, debut, fin), sorties(people, debut, fin)
    report = _report_names()
    groups = {}
    for table, (expr, order) in group_tables(people).items():
        a = dict(acc.with_columns(expr.alias("g")).group_by("g").len().iter_rows())
        o = out.with_columns(expr.alias("g"), (categorie() == SORTIE_POSITIVE).fill_null(False).alias("pos"))
        s = dict(o.group_by("g").len().iter_rows())
        pos = dict(o.group_by("g").agg(pl.col("pos").sum()).iter_rows())
        groups[table] = order
        cells = {m: [] for m in GROUP_MEASURES}
        for g in order:
            label = f"{table} : {g}"
            cells["accompagnes"].append(layer.count(table, g, "accompagnes", int(a.get(g, 0)), f"{label}, accompagnés",
                                                    same_as=[report.get(table, {}).get(g)]))
            cells["sorties"].append(layer.count(table, g, "sorties", int(s.get(g, 0)), f"{label}, sorties"))
            cells["positives"].append(layer.count(table, g, "positives", int(pos.get(g, 0) or 0),
                                                  f"{label}, sorties positives"))
            layer.bound(cells["sorties"][-1], [cells["positives"][-1]])
        for m in GROUP_MEASURES:
            layer.identity(totals[m], cells[m])
    return groups


def _parcours_cells(layer: _Layer, dataset, debut, fin, totals: dict[str, str]) -> None:
    d = parcours.durations(dataset, debut, fin)
    n = layer.count("durees", "total", "sorties", d.n, "Parcours terminés", same_as=[TOTALS["sorties"]], rank=2)
    layer.identity(n, [layer.count("durees", label, "sorties", k, f"Durée des parcours : {label}")
                       for label, k in d.bands])

    f = parcours.time_to_first_step(dataset, debut, fin)
    entrees = layer.count("premiere-etape", "entrees", "n", f.entrees, "Entrées de la période",
                          same_as=[IND + "entrees"], rank=2)
    with_step = layer.count("premiere-etape", "with", "n", f.with_step, "Entrées ayant au moins une étape", rank=1)
    rapide = layer.count("premiere-etape", "rapide", "n", f.within_30_days, "Première étape dans les 30 jours")
    layer.bound(entrees, [with_step])
    layer.bound(with_step, [rapide])

    rows = parcours.steps_by_family(dataset, debut, fin)
    steps = []
    for r in rows:
        e = layer.count("familles", r.label, "etapes", r.etapes, f"Étapes : {r.label}",
                        same_as=[f"rapport.etapes.famille.{r.famille}"])
        people = layer.count("familles", r.label, "participants", r.participants,
                             f"Participants concernés : {r.label}")
        layer.bound(e, [people])  # each participant concerned has at least one step of the family
        layer.bound(totals["accompagnes"], [people])  # several families a person: bounded, not added up
        steps.append(e)
    if rows:
        total = layer.total("etapes", sum(r.etapes for r in rows), "Étapes de la période",
                            same_as=["rapport.etapes"])
        layer.identity(total, steps)

    sequences, ended = parcours.top_sequences(dataset, debut, fin)
    total = layer.count("sequences", "total", "n", ended, "Parcours terminés", same_as=[n], rank=2)
    layer.identity(total, [layer.count("sequences", s, "n", k, f"Enchaînement : {s}") for s, k in sequences])


def _action_cells(layer: _Layer, dataset, debut, fin, totals: dict[str, str]) -> None:
    rows = actions_analysis.by_action(dataset, debut, fin)
    steps, by_axe = [], {}
    for r in rows:
        p = layer.count("par-action", r.id_action, "participants", r.participants, f"Participants : {r.intitule}",
                        same_as=[f"rapport.action.{r.id_action}.participants"])
        e = layer.count("par-action", r.id_action, "etapes", r.etapes, f"Étapes : {r.intitule}",
                        same_as=[f"rapport.action.{r.id_action}.etapes"])
        layer.bound(e, [p])
        steps.append(e)
        by_axe.setdefault(r.axe, []).append((p, e))
    total = layer.total("etapes_actions", sum(r.etapes for r in rows), "Étapes rattachées à une action")
    if rows:
        layer.identity(total, steps)
    for column in ("axe", "operateur"):
        table = f"par-{column}"
        parts = []
        for g, people, etapes in actions_analysis.by_group(dataset, debut, fin, column):
            single = by_axe.get(g, []) if column == "axe" else []
            p = layer.count(table, g, "participants", people, f"Participants : {g}",
                            same_as=[single[0][0]] if len(single) == 1 else [])
            e = layer.count(table, g, "etapes", etapes, f"Étapes : {g}",
                            same_as=[single[0][1]] if len(single) == 1 else [])
            layer.bound(e, [p])
            layer.bound(totals["accompagnes"], [p])
            if column == "axe" and len(single) > 1:
                layer.identity(e, [step for _p, step in single])
            parts.append(e)
        if parts:
            layer.identity(total, parts)

    exp = actions_analysis.experimental_comparison(dataset, debut, fin)
    # Participants with a step of an action: those of an experimental action and the others, distinct.
    everyone = layer.total("participants_actions", exp.experimental.participants + exp.others.participants,
                           "Participants ayant commencé une étape d’une action", same_as=[totals["accompagnes"]])
    if everyone != totals["accompagnes"]:
        layer.bound(totals["accompagnes"], [everyone])
    groups = []
    for key, group in (("experimentale", exp.experimental), ("autres", exp.others)):
        groups.append(layer.count("experimentation", key, "n", group.participants, f"Participants : {group.label}"))
        s = layer.count("experimentation", key, "s", group.sorties, f"Sorties : {group.label}",
                        same_as=[f"rapport.{key}.sorties"])
        pos = layer.count("experimentation", key, "pos", group.positives, f"Sorties positives : {group.label}",
                          same_as=[f"rapport.{key}.positives"])
        layer.bound(s, [pos])
    layer.identity(everyone, groups)
    for column in ("axe", "operateur"):  # every participant of an axe or an operator has a step of an action
        for cell in layer.tables.get(f"par-{column}", []):
            if cell.endswith("|participants"):
                layer.bound(everyone, [cell])
    for theme, n in exp.themes:  # a participant may have several themes: each bounded by the experimental ones
        layer.bound(groups[0], [layer.count("themes", theme, "n", n, f"Thème d’expérimentation : {theme}")])


def _sorties_cells(layer: _Layer, dataset, debut, fin, acquis_labels: list[str]) -> None:
    """The grid of valorisation by every profile (the report's grid is its margin), acquis and freins levés."""
    (overall,) = valorisation.by_profile(dataset, debut, fin)
    if overall.total == 0:
        return
    grand = layer.total("valorisation", overall.total, "Sorties ni positives ni neutres",
                        same_as=["rapport.valorisation.total"])
    columns = {key: layer.total(f"valorisation.{key}", n, valorisation.GRID_LABELS[key],
                                same_as=[f"rapport.valorisation.{key}"]) for key, n in overall.counts.items()}
    for par in PROFILES:
        table = f"valorisation-{par}"
        rows = valorisation.by_profile(dataset, debut, fin, par)
        totals, cells = [], {key: [] for key in columns}
        for row in rows:
            parts = []
            for key, n in row.counts.items():
                parts.append(layer.count(table, row.groupe, key, n, f"{valorisation.GRID_LABELS[key]} : {row.groupe}"))
                cells[key].append(parts[-1])
            totals.append(layer.count(table, row.groupe, "total", row.total,
                                      f"Sorties ni positives ni neutres : {row.groupe}", rank=1))
            layer.identity(totals[-1], parts)
        layer.identity(grand, totals)
        for key, parts in cells.items():
            layer.identity(columns[key], parts)
    report = {label: f"rapport.acquis.{i}" for i, label in enumerate(acquis_labels)}
    for table, items in (("acquis", valorisation.acquis_by_type(dataset, debut, fin)),
                         ("freins-leves", valorisation.freins_leves_by_type(dataset, debut, fin))):
        for label, n in items:  # a sortie may have several: each bounded by the sorties, not added up
            cell = layer.count(table, label, "n", n, f"{table} : {label}",
                               same_as=[report.get(label)] if table == "acquis" else [])
            layer.bound(grand, [cell])


def protect(dataset, period) -> PartnerTables:
    """The tables layer of ``period`` (a :class:`reperes.analytics.period_publication.PeriodPublication`)."""
    layer = _Layer(period)
    main, pub = layer.main, layer.pub
    debut, fin = period.debut, period.fin
    totals = {}
    people = dataset.participants
    raw_totals = {"accompagnes": accompagnes(people, debut, fin).height, "sorties": sorties(people, debut, fin).height}
    raw_totals["positives"] = sorties(people, debut, fin).filter(
        (categorie() == SORTIE_POSITIVE).fill_null(False)).height
    for m in GROUP_MEASURES:
        totals[m] = TOTALS[m] if TOTALS[m] in pub else pub.count(f"pages.total|{m}", raw_totals[m], rank=3)
    groups = _group_cells(layer, dataset, debut, fin, totals)
    _parcours_cells(layer, dataset, debut, fin, totals)
    _action_cells(layer, dataset, debut, fin, totals)
    _sorties_cells(layer, dataset, debut, fin, list(period.tables.get("acquis_labels") or []))

    keep_secret = [n for n in main.secret if n in pub.names]
    decision = disclosure.protect(pub, keep_secret, audited=True)
    system = pub.system
    main_shown = {pub.names[n] for n in main.publication.names if n not in main.secret}
    var_of = {cell: pub.var(cell) for cells in layer.tables.values() for cell in cells}
    hidden = set(decision.solution.hidden)
    whole: set[str] = set()
    result = decision.audit_result
    clash = hidden & main_shown
    if clash:
        # The report shows them: shown here too. Audited as shown; if a small count is then pinned, every table
        # that touches them is hidden (its zeros still shown); last resort, every table of the layer.
        touching = {m for total, parts in system.equations if clash & {total, *parts} for m in (total, *parts)}
        ladder = [set(), {t for t, cells in layer.tables.items() if touching & {var_of[c] for c in cells}},
                  set(layer.tables)]
        for whole in ladder:
            result = _decide(pub, hidden, whole, layer.tables, var_of, main_shown)
            if result.ok:
                break
    hidden = _hidden(hidden, whole, layer.tables, var_of, main_shown, system)
    values = {cell: None if var in hidden else system.vars[var].value for cell, var in var_of.items()}
    return PartnerTables(values, dict(layer.raw), layer.tables, groups, frozenset(whole), result)


def _hidden(hidden, whole, tables, var_of, main_shown, system) -> frozenset[int]:
    out = set(hidden) - main_shown
    for table in whole:
        out |= {var_of[c] for c in tables[table] if var_of[c] not in main_shown and system.vars[var_of[c]].value}
    return frozenset(out)


def _decide(pub, hidden, whole, tables, var_of, main_shown):
    """The audit of the decision actually shown (the layer's, the report's figures shown, whole tables hidden)."""
    system = pub.system
    shown_hidden = _hidden(hidden, whole, tables, var_of, main_shown, system)
    unknown = shown_hidden | {i for i, v in enumerate(system.vars) if not v.displayed}
    solution = _Solution(shown_hidden, frozenset(unknown), frozenset())
    secret = frozenset(n for n, var in pub.names.items() if var in shown_hidden)
    return audit_decision(disclosure.Protected(pub, solution, secret))
