"""The partner publication of one period: every figure of the intermediate report and of the indicators' JSON.

One data snapshot and one period give one :class:`PeriodPublication`: the
indicators of ``reperes indicators`` (ESF+ included) and every table of the
intermediate report, with the identities a reader knows between them, are
declared in one :class:`reperes.analytics.disclosure.Publication` and
protected once. The report (all formats, its sentences included) and
``reperes indicators --json --diffusion`` both read this decision, so they
agree cell by cell; ``reperes disclosure audit`` audits it.

Pure (Polars, no Django): the CLI, the report builder and the benchmark call it alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from reperes import referentiel as ref
from reperes.analytics import disclosure, stats, valorisation
from reperes.analytics.indicators import REGISTRY, evaluate
from reperes.analytics.populations import accompagnes, entrees, sorties
from reperes.analytics.profiles import categorie
from reperes.documents import Suppressed

IND = "indicateurs."
# Counts that only grow with the period: two nested allowed answers must never differ by 1 to seuil − 1.
NESTED = tuple(IND + name for name in ("participants_accompagnes", "entrees", "sorties", "sorties_positives",
                                        "sorties_neutres"))


class DisclosureRefused(disclosure.DisclosureError):
    """A partner document that must not be released (French message naming the cell)."""


@dataclass
class PeriodPublication:
    """The period's figures (raw), their names, and the disclosure decision for partners."""

    debut: dt.date
    fin: dt.date
    seuil: int
    result: Any  # reperes.analytics.indicators.Result
    publication: disclosure.Publication
    protected: disclosure.Protected
    tables: dict[str, Any] = field(default_factory=dict)  # raw inputs of the report's tables (labels, keys)

    def payload(self, diffusion: bool) -> dict[str, Any]:
        """The indicators' JSON: raw for staff, the protected one (same decision as the report) for partners."""
        return self.protected.payload() if diffusion else self.result.payload

    def show(self, name: str, diffusion: bool) -> Any:
        """A figure as a document shows it: raw for staff; for partners its value or :class:`Suppressed`."""
        if not diffusion:
            return self.publication.raw(name)
        return Suppressed(self.seuil) if self.protected.is_secret(name) else self.publication.raw(name)

    def interval(self, name: str, diffusion: bool) -> tuple[float, float] | Suppressed | None:
        """The 95 % Wilson interval of a declared rate, from its numerator and denominator.

        For partners: :class:`Suppressed` when the rate is secret (its numerator or denominator cannot be
        known from the published figures), so an interval never tells more than the protected figures.
        ``None`` when the name is not a rate of the publication, or its denominator is 0.
        """
        rates = self.publication.rates
        if name not in rates:
            return None
        if diffusion and self.protected.is_secret(name):
            return Suppressed(self.seuil)
        numerator, denominator, _value = rates[name]
        values = self.publication.system.vars
        return stats.wilson(int(values[numerator].value), int(values[denominator].value))

    def audit(self) -> disclosure.AuditResult:
        if self.protected.audit_result is not None:
            return self.protected.audit_result
        return disclosure.audit(self.protected)


def calendar_years(debut: dt.date, fin: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The whole calendar years that overlap ``[debut, fin]``: answers a partner may always ask for."""
    return [(dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in range(debut.year, fin.year + 1)]


def nested_failures(dataset, period: PeriodPublication,
                    others: dict[tuple[dt.date, dt.date], PeriodPublication] | None = None) -> list[str]:
    """Differencing between ``period`` and the calendar years that contain it or that it contains."""
    others = dict(others or {})
    failures = []
    for start, end in calendar_years(period.debut, period.fin):
        if (start, end) == (period.debut, period.fin):
            continue
        if (start, end) not in others:
            others[start, end] = build(dataset, start, end, period.seuil)
        other = others[start, end]
        what = (f"la période du {period.debut:%d/%m/%Y} au {period.fin:%d/%m/%Y} et l'année {start.year}")
        if start <= period.debut and period.fin <= end:
            failures += disclosure.compare_nested(other.protected, period.protected, NESTED, what=what)
        elif period.debut <= start and end <= period.fin:
            failures += disclosure.compare_nested(period.protected, other.protected, NESTED, what=what)
    return failures + span_failures(dataset, period)


def _raw_nested(dataset, debut: dt.date, fin: dt.date) -> dict[str, int]:
    """The counts of ``NESTED`` for a period, straight from the participants (no protection)."""
    people = dataset.participants
    out = sorties(people, debut, fin).with_columns(categorie().alias("cat"))
    return {IND + "participants_accompagnes": accompagnes(people, debut, fin).height,
            IND + "entrees": entrees(people, debut, fin).height, IND + "sorties": out.height,
            IND + "sorties_positives": out.filter(pl.col("cat") == ref.SORTIE_POSITIVE).height,
            IND + "sorties_neutres": out.filter(pl.col("cat") == ref.SORTIE_NEUTRE).height}


def span_failures(dataset, period: PeriodPublication) -> list[str]:
    """Differencing between a span of whole calendar years (2016–2020) and the spans nested with it (2016–2019,
    2017–2021…), within the years that hold data. A single calendar year is always an answer (the partner
    pages give it): a span is released only when it does not differ from any nested answer by 1 to
    ``seuil − 1``. Conservative: the other span's counts are taken as published whenever they are not
    themselves small (its own decision is not built)."""
    whole = (period.debut.month, period.debut.day, period.fin.month, period.fin.day) == (1, 1, 12, 31)
    p = dataset.participants
    if not whole or period.debut.year == period.fin.year or p.height == 0:
        return []
    first = p["date_entree"].min().year
    last = max(d.year for d in (p["date_entree"].max(), p["date_sortie"].max()) if d is not None)
    y0, y1 = period.debut.year, period.fin.year
    failures = []
    for a in range(min(first, y0), max(last, y1) + 1):
        for b in range(a + 1, max(last, y1) + 1):  # single years: nested_failures builds their decision
            if (a, b) == (y0, y1) or not ((a <= y0 and y1 <= b) or (y0 <= a and b <= y1)):
                continue
            other = _raw_nested(dataset, dt.date(a, 1, 1), dt.date(b, 12, 31))
            for name, value in other.items():
                mine = period.protected.value(name) if name in period.protected.publication else None
                if mine is None or 0 < value < period.seuil:
                    continue
                if 0 < abs(mine - value) < period.seuil:
                    failures.append(f"« {period.protected.label(name)} » : la période du {period.debut:%d/%m/%Y} "
                                    f"au {period.fin:%d/%m/%Y} et les années {a}–{b} diffèrent de moins de "
                                    f"{period.seuil} personnes.")
    return failures


def build(dataset, debut: dt.date, fin: dt.date, seuil: int) -> PeriodPublication:
    """Declare and protect the period's partner figures (see the module's docstring)."""
    result = evaluate(dataset, debut, fin)
    pub = disclosure.Publication(seuil)
    pub.add_indicators(result.payload, numerators=result.numerators)
    _french_labels(pub, dataset)
    tables: dict[str, Any] = {}
    p = dataset.participants
    if p.height:
        acc = accompagnes(p, debut, fin)
        _profile(pub, tables, acc)
        _etapes(pub, tables, dataset, acc, debut, fin)
        _actions(pub, tables, dataset, acc, sorties(p, debut, fin), debut, fin)
        _valued(pub, tables, dataset, debut, fin)
    # Audited: a small count the attacker could pin by the bounds of the mark gets one more cell hidden.
    return PeriodPublication(debut, fin, seuil, result, pub, disclosure.protect(pub, audited=True), tables)


def _french_labels(pub, dataset) -> None:
    """« Sorties par motif : Décès » rather than ``indicateurs.sorties_par_motif.DECES`` in the audit's messages."""
    keys = {**{c: ref.MOTIF_SORTIE.label(c) for c in ref.MOTIF_SORTIE.codes()},
            **{c: ref.CATEGORIE_SORTIE.label(c) for c in ref.CATEGORIE_SORTIE.codes()},
            "F": "femmes", "M": "hommes", "total": "total", "hors_territoire": "hors territoire"}
    if dataset.communes.height:
        keys.update({epci: nom for epci, nom in dataset.communes.select("epci", "epci_nom").unique("epci").iter_rows()
                     if epci and nom})
    for name, var in pub.names.items():
        if not name.startswith(IND) or not pub.labels.get(var, "").startswith((IND, "id:")):
            continue
        ident, *rest = name[len(IND):].split(".")
        entry = REGISTRY.get(ident)
        label = entry.label if entry is not None else ident
        pub.labels[var] = label + "".join(f" : {keys.get(key, key)}" for key in rest)


def _link(pub: disclosure.Publication, name: str, value: int, existing: str, *, label: str, rank: int = 0) -> str:
    """``name`` is ``existing`` when both count the same people (same value); else a figure of its own."""
    if existing in pub and pub.raw(existing) == value:
        return pub.same(name, existing, label=label)
    return pub.count(name, value, label=label, rank=rank)


def _profile(pub, tables, acc: pl.DataFrame) -> None:
    total = IND + "participants_accompagnes"
    sexes = {code: int(acc.filter(pl.col("sexe") == code).height) for code in ref.SEXE.codes()}
    names = []
    for code, n in sexes.items():
        name = f"rapport.sexe.{code}"
        label = f"Accompagnés : {ref.SEXE.label(code)}"
        names.append(_link(pub, name, n, "id:numerateur:part_femmes", label=label) if code == "F"
                     else pub.count(name, n, label=label))
    if acc.height > sum(sexes.values()):
        names.append(pub.count("rapport.sexe.inconnu", acc.height - sum(sexes.values()),
                               label="Accompagnés : sexe non renseigné"))
    pub.identity(total, names)
    tables["sexe"] = names
    bands = {c.code: 0 for c in ref.TRANCHE_AGE}
    for age in acc["age_entree"].to_list():
        band = ref.age_band(age)
        if band is not None:
            bands[band] += 1
    shares = {"MOINS_26": "id:numerateur:part_moins_26_ans", "50_PLUS": "id:numerateur:part_50_ans_et_plus"}
    names = []
    for code, n in bands.items():
        label = f"Accompagnés : {ref.TRANCHE_AGE.label(code)}"
        name = f"rapport.age.{code}"
        names.append(_link(pub, name, n, shares[code], label=label) if code in shares
                     else pub.count(name, n, label=label))
    if acc.height > sum(bands.values()):
        names.append(pub.count("rapport.age.inconnu", acc.height - sum(bands.values()),
                               label="Accompagnés : âge non renseigné"))
    pub.identity(total, names)
    tables["age"] = names


def _etapes(pub, tables, dataset, acc: pl.DataFrame, debut: dt.date, fin: dt.date) -> None:
    etapes = (dataset.etapes.filter(pl.col("date_debut").is_between(debut, fin))
              .join(acc.select("participant"), on="participant", how="semi"))
    total = _link(pub, "rapport.etapes", etapes.height, "id:numerateur:etapes_par_participant",
                  label="Étapes commencées dans la période", rank=2)
    family = {code: ref.family_of(code) for code in ref.TYPE_ETAPE.codes()}
    by_type = dict(etapes.group_by("type_etape").len().iter_rows())
    by_family: dict[str, int] = {code: 0 for code in ref.FAMILLE_ETAPE.codes()}
    for code, n in by_type.items():
        if family.get(code) in by_family:
            by_family[family[code]] += int(n)
    families = [pub.count(f"rapport.etapes.famille.{code}", n, label=f"Étapes : {ref.FAMILLE_ETAPE.label(code)}",
                          rank=1) for code, n in by_family.items()]
    pub.identity(total, families)
    top = sorted(((int(n), code) for code, n in by_type.items()), key=lambda t: (-t[0], t[1]))[:10]
    types = {code: pub.count(f"rapport.etapes.type.{code}", n, label=f"Étapes : {ref.TYPE_ETAPE.label(code, code)}")
             for n, code in top}
    for code in by_family:  # a family is at least the sum of its types in the top ten: a reader knows it
        listed = [name for t, name in types.items() if family.get(t) == code]
        if listed:
            pub.identity(f"rapport.etapes.famille.{code}", listed)
    tables["etapes"] = {"familles": list(by_family), "types": [code for _n, code in top]}


def _bound(pub, total: str, part: str) -> None:
    """``part ≤ total``, a relation every reader knows: the rest is a figure never shown (zero or not, so that a
    reader does not learn whether the bound is reached), protected like the others."""
    values = pub.system.vars
    rest = values[pub.var(total)].value - values[pub.var(part)].value
    if rest < 0:
        return
    remainder = pub.count(f"{part}:hors:{len(pub.unpublished)}", rest, label=f"{pub.labels.get(pub.var(part), part)}"
                          " : les autres accompagnés", shown=False)
    pub.system.equation(pub.var(total), [pub.var(part), pub.var(remainder)])


def _actions(pub, tables, dataset, acc, sorties, debut: dt.date, fin: dt.date) -> None:
    if dataset.actions.height == 0:
        return
    etapes = (dataset.etapes.filter(pl.col("date_debut").is_between(debut, fin) & pl.col("id_action").is_not_null())
              .join(acc.select("participant"), on="participant", how="semi"))
    per_action = etapes.group_by("id_action").agg(pl.col("participant").n_unique().alias("participants"),
                                                  pl.len().alias("etapes"))
    actions = (dataset.actions.join(per_action, on="id_action", how="left")
               .with_columns(pl.col("participants").fill_null(0), pl.col("etapes").fill_null(0))
               .sort(["participants", "id_action"], descending=[True, False]))
    for row in actions.iter_rows(named=True):
        name = pub.count(f"rapport.action.{row['id_action']}.participants", row["participants"],
                         label=f"Participants de l'action {row['intitule']}")
        # the action's participants are among the accompagnés: the ones without it are a count too
        _bound(pub, IND + "participants_accompagnes", name)
        pub.count(f"rapport.action.{row['id_action']}.etapes", row["etapes"],
                  label=f"Étapes de l'action {row['intitule']}")
    tables["actions"] = actions
    exp_ids = actions.filter(pl.col("experimentale").fill_null(False))["id_action"]
    if not exp_ids.len():
        return
    went = dataset.etapes.filter(pl.col("id_action").is_in(exp_ids.implode())).select("participant").unique()
    positive = ref.MOTIF_SORTIE.with_attr(ref.SORTIE_POSITIVE)
    sor = sorties.with_columns(pl.col("participant").is_in(went["participant"].implode()).alias("exp"),
                               pl.col("motif_sortie").is_in(positive).alias("pos"))
    groups, positives = [], []
    for flag, key, label in ((True, "experimentale", "passés par une action expérimentale"),
                             (False, "autres", "autres participants")):
        group = sor.filter(pl.col("exp") == flag)
        n, pos = pub.count(f"rapport.{key}.sorties", group.height, label=f"Sorties des {label}"), \
            pub.count(f"rapport.{key}.positives", int(group["pos"].sum()), label=f"Sorties positives des {label}")
        pub.rate(f"rapport.{key}.taux", pos, n)
        groups.append(n)
        positives.append(pos)
    pub.identity(IND + "sorties", groups)
    pub.identity(IND + "sorties_positives", positives)


def _valued(pub, tables, dataset, debut: dt.date, fin: dt.date) -> None:
    (row,) = valorisation.by_profile(dataset, debut, fin)
    tables["valorisation"] = row
    if row.total == 0:
        return
    labels = valorisation.GRID_LABELS
    names = {}
    for key, n in row.counts.items():
        if key == ref.SORTIE_SOLUTION:
            names[key] = _link(pub, "rapport.valorisation.solution", n, IND + "sorties_par_categorie.solution",
                               label=labels[key])
        elif key == "non_valorisee":
            names[key] = _link(pub, "rapport.valorisation.non_valorisee", n, "id:sans_solution:non_valorisees",
                               label=labels[key])
        else:
            names[key] = pub.count(f"rapport.valorisation.{key}", n, label=labels[key])
    total = _link(pub, "rapport.valorisation.total", row.total, "id:sorties - sorties_positives - sorties_neutres",
                  label="Sorties ni positives ni neutres", rank=2)
    pub.identity(total, list(names.values()))
    if "id:sans_solution:valorisees" in pub:
        pub.identity("id:sans_solution:valorisees", [names["acquis"], names["frein_leve"]])
    acquis = {label: n for label, n in valorisation.acquis_by_type(dataset, debut, fin) if n}
    tables["acquis"] = [pub.count(f"rapport.acquis.{i}", n, label=f"Acquis : {label}")
                        for i, (label, n) in enumerate(acquis.items())]
    tables["acquis_labels"] = list(acquis)
