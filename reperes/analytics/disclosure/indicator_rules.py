"""The indicators' payload of ``reperes indicators`` and the relations a partner knows between its figures."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reperes.analytics import esf
from reperes.referentiel.codes import CATEGORIE_SORTIE, SORTIE_NEUTRE, SORTIE_POSITIVE, category_of

from .cells import Cell
from .engine import RELATIVE_TOLERANCE, DisclosureError, _count, _System

# --------------------------------------------------------------------------- the indicators' payload


@dataclass(frozen=True)
class Rate:
    """A rate of ``docs/indicateurs.md``.

    ``numerator``: the count indicator it divides, or ``None`` when the
    numerator is not an indicator (it is then read from ``numerators``, or
    recomputed as ``rate × denominator`` — which is exactly what a partner
    could do). ``denominator``: a count indicator, or a difference of them
    (``"sorties - sorties_neutres"``). ``share``: the numerator is part of
    the denominator, so its complement is a count too.
    """

    numerator: str | None
    denominator: str
    share: bool = True


COUNTS = ("participants_accompagnes", "entrees", "sorties", "sorties_positives", "sorties_neutres",
          "sorties_non_positives_valorisees")
HEADLINE_TOTALS = ("participants_accompagnes", "entrees", "sorties")  # hidden last of all
BREAKDOWNS = {  # breakdown → the published count it adds up to
    "sorties_par_motif": "sorties",
    "sorties_par_categorie": "sorties",
    "accompagnes_par_epci": "participants_accompagnes",
}
RATES = {
    "taux_sorties_positives": Rate("sorties_positives", "sorties"),
    "taux_sorties_positives_hors_neutres": Rate("sorties_positives", "sorties - sorties_neutres"),
    "taux_valorisation_sorties_non_positives": Rate(
        "sorties_non_positives_valorisees", "sorties - sorties_positives - sorties_neutres"),
    "part_femmes": Rate(None, "participants_accompagnes"),
    "part_moins_26_ans": Rate(None, "participants_accompagnes"),
    "part_50_ans_et_plus": Rate(None, "participants_accompagnes"),
    "part_rsa": Rate(None, "participants_accompagnes"),
    "part_deld": Rate(None, "participants_accompagnes"),
    "part_th": Rate(None, "participants_accompagnes"),
    "part_qpv": Rate(None, "participants_accompagnes"),
    "part_infra_bac": Rate(None, "participants_accompagnes"),
    "part_accompagnes_avec_etape_emploi": Rate(None, "participants_accompagnes"),
    # étapes per accompagné: × the published denominator gives the count of étapes back.
    "etapes_par_participant": Rate(None, "participants_accompagnes", share=False),
}
DENOMINATORS = {rate: spec.denominator for rate, spec in RATES.items()}
STATISTICS = {  # statistics over a population: hidden when it has fewer than seuil people
    "duree_moyenne_parcours_mois": "sorties",
    "duree_mediane_parcours_mois": "sorties",
}
PER_CAPITA = {  # rate per inhabitant → its counts (× the public population gives each count back)
    "accompagnes_pour_1000_habitants_par_epci": "accompagnes_par_epci",
}
# ESF+ indicators (reperes.analytics.esf), each {"F": n, "M": n, "total": n}: counts by sex (total = F + M),
# rates by sex, the partitions a reader knows (situation, age, ISCED groups of the entrées, with a never shown
# remainder), the counts that are sums of exit motifs, and the totals equal to a core count.
BY_SEX_KEYS = ("F", "M", "total")
BY_SEX_COUNTS = dict(esf.ESF_COUNTS)
BY_SEX_RATES = {rate: Rate(numerator, denominator) for rate, (numerator, denominator) in esf.ESF_RATES.items()}
BY_SEX_COMPLEMENTS = {"EECR05_part_situation_inconnue": "EECR05_situation_connue"}  # numerator = den − this
BY_SEX_PARTITIONS = esf.ESF_PARTITIONS
BY_SEX_MOTIFS = esf.ESF_MOTIFS
BY_SEX_SAME_AS = esf.ESF_SAME_AS
KNOWN_INDICATORS = (frozenset(COUNTS) | set(BREAKDOWNS) | set(RATES) | set(STATISTICS) | set(PER_CAPITA)
                    | set(BY_SEX_COUNTS) | set(BY_SEX_RATES))

PREFIX = "indicateurs"


def check_payload(indicators: Mapping[str, Any], numerators: Mapping[str, int]) -> None:
    """Refuse an indicator without a disclosure rule, or numerators of what is not a rate."""
    unknown = sorted(set(indicators) - KNOWN_INDICATORS)
    if unknown:
        raise DisclosureError(f"indicateurs sans règle de secret statistique : {', '.join(unknown)}")
    unknown = sorted(set(numerators) - set(RATES))
    if unknown:
        raise DisclosureError(f"numerators: pas des taux : {', '.join(unknown)}")


def indicator_cell(payload: Mapping[str, Any], path: str, seuil: int) -> Cell:
    """The :class:`Cell` at a dotted ``path`` (``indicateurs.sorties_par_motif.DECES``) of a payload."""
    node: Any = payload
    for key in path.split("."):
        node = node[key]
    secret = path in (payload.get("secret") or ())
    return Cell(None if secret else node, seuil, secret)


class _IndicatorModel:
    """The payload's figures and the relations a partner knows between them, as a :class:`_System`."""

    def __init__(self, indicators: Mapping[str, Any], seuil: int, numerators: Mapping[str, int],
                 system: _System | None = None):
        self.indicators = indicators
        self.seuil = seuil
        self.system = system if system is not None else _System(seuil)
        self.paths: dict[int, list[str]] = {}
        self.by_id: dict[str, int] = {}  # indicator id (or derived expression) → variable
        self.rates: list[tuple[str, int, int]] = []  # path, numerator, denominator
        self.statistics: list[tuple[str, int]] = []  # path, population
        self._categories()
        for indicator in COUNTS:
            if indicator not in self.by_id and self._present(indicator):
                rank = 3 if indicator in HEADLINE_TOTALS else 2
                self._shown(indicator, _count(indicators[indicator], indicator), [_path(indicator)], rank)
        self._sorties()
        self._valorisees()
        self._epci()
        self._by_sex()
        for indicator, spec in RATES.items():
            if self._present(indicator):
                self._rate(indicator, spec, numerators.get(indicator))
        for indicator, spec in BY_SEX_RATES.items():
            if self._present(indicator):
                self._rate_by_sex(indicator, spec)
        for indicator, population in STATISTICS.items():
            if self._present(indicator):
                if not self._present(population):
                    raise DisclosureError(f"{indicator} : il faut {population} pour le protéger")
                self.statistics.append((_path(indicator), _count(indicators[population], population)))

    # -- building

    def _present(self, indicator: str) -> bool:
        return self.indicators.get(indicator) is not None

    def _breakdown(self, indicator: str) -> dict[str, int] | None:
        if not self._present(indicator):
            return None
        value = self.indicators[indicator]
        if not isinstance(value, Mapping):
            raise DisclosureError(f"{indicator} doit être un objet")
        return {key: _count(count, f"{indicator}.{key}") for key, count in value.items()}

    def _shown(self, name: str, value: int, paths: list[str], rank: int) -> int:
        var = self.system.var(name, value, displayed=bool(paths), rank=rank)
        self.paths[var] = paths
        self.by_id[name] = var
        return var

    def _hidden(self, name: str, value: int) -> int:
        if value < 0:
            raise DisclosureError(f"indicateurs incohérents : {name} = {value}")
        var = self.system.var(name, value, displayed=False)
        self.by_id[name] = var
        return var

    def _categories(self) -> None:
        """The four categories of exit, shared by ``sorties_par_categorie`` and ``sorties_positives``/``_neutres``."""
        by_category = self._breakdown("sorties_par_categorie") or {}
        unknown = sorted(set(by_category) - set(CATEGORIE_SORTIE.codes()))
        if unknown:
            raise DisclosureError(f"sorties_par_categorie : catégories inconnues {unknown}")
        motifs = self._breakdown("sorties_par_motif")
        self.motif_categories: dict[str, str] = {}
        if motifs is not None:
            for code in motifs:
                category = category_of(code)
                if category is None:
                    raise DisclosureError(f"sorties_par_motif : motif inconnu {code}")
                self.motif_categories[code] = category
        aliases = {SORTIE_POSITIVE: "sorties_positives", SORTIE_NEUTRE: "sorties_neutres"}
        for category in CATEGORIE_SORTIE.codes():
            values = {}
            if category in by_category:
                values["sorties_par_categorie"] = by_category[category]
            if motifs is not None:
                values["sorties_par_motif"] = sum(n for code, n in motifs.items()
                                                  if self.motif_categories[code] == category)
            alias = aliases.get(category)
            if alias and self._present(alias):
                values[alias] = _count(self.indicators[alias], alias)
            if len(set(values.values())) > 1:
                raise DisclosureError(f"indicateurs incohérents pour la catégorie {category} : {values}")
            if not values:
                continue
            paths = ([_path("sorties_par_categorie", category)] if category in by_category else [])
            if alias and self._present(alias):
                paths.append(_path(alias))
            rank = 2 if alias and self._present(alias) else 1
            var = self._shown(f"categorie:{category}", next(iter(values.values())), paths, rank)
            if alias:
                self.by_id[alias] = var

    def _sorties(self) -> None:
        """Motifs add up to their category; categories (and motifs) add up to the sorties."""
        motifs = self._breakdown("sorties_par_motif")
        motif_vars = {}
        for code, n in (motifs or {}).items():
            motif_vars[code] = self._shown(f"motif:{code}", n, [_path("sorties_par_motif", code)], 0)
        categories = [self.by_id[f"categorie:{c}"] for c in CATEGORIE_SORTIE.codes() if f"categorie:{c}" in self.by_id]
        if motifs is not None:
            for category in CATEGORIE_SORTIE.codes():
                self.system.equation(self.by_id[f"categorie:{category}"],
                                     [v for code, v in motif_vars.items() if self.motif_categories[code] == category])
        if "sorties" not in self.by_id:
            return
        sorties = self.by_id["sorties"]
        total = self.system.vars[sorties].value
        groups = [categories] + ([list(motif_vars.values())] if motifs is not None else [])
        remainder = None
        for parts in groups:
            if not parts:
                continue
            rest = total - sum(self.system.vars[p].value for p in parts)
            if rest:  # sorties in no category shown (never a structural zero: a reader would know it)
                remainder = remainder if remainder is not None else self._hidden("sorties:reste", rest)
                if self.system.vars[remainder].value != rest:
                    raise DisclosureError("sorties_par_motif et sorties_par_categorie incohérents")
                parts = parts + [remainder]
            self.system.equation(sorties, parts)

    def _valorisees(self) -> None:
        """Valued non-positive exits: every ``solution`` exit plus some ``sans_solution`` ones."""
        if "sorties_non_positives_valorisees" not in self.by_id:
            return
        solution, sans_solution = self.by_id.get("categorie:solution"), self.by_id.get("categorie:sans_solution")
        if solution is None or sans_solution is None:
            return
        valued = self.by_id["sorties_non_positives_valorisees"]
        value = self.system.vars
        among = self._hidden("sans_solution:valorisees", value[valued].value - value[solution].value)
        others = self._hidden("sans_solution:non_valorisees", value[sans_solution].value - value[among].value)
        self.system.equation(valued, [solution, among])
        self.system.equation(sans_solution, [among, others])

    def _epci(self) -> None:
        counts = self._breakdown("accompagnes_par_epci")
        per_capita = self.indicators.get("accompagnes_pour_1000_habitants_par_epci")
        if per_capita is not None and counts is None:
            raise DisclosureError("accompagnes_pour_1000_habitants_par_epci : il faut accompagnes_par_epci")
        if counts is None:
            return
        epci_vars = {key: self._shown(f"epci:{key}", n, [_path("accompagnes_par_epci", key)], 0)
                     for key, n in counts.items()}
        for key, value in (per_capita or {}).items():
            if key not in epci_vars:
                raise DisclosureError(f"accompagnes_pour_1000_habitants_par_epci : {key} absent des effectifs")
            if value is not None:  # the count × 1000 / population: the same figure
                self.paths[epci_vars[key]].append(_path("accompagnes_pour_1000_habitants_par_epci", key))
        if "participants_accompagnes" in self.by_id:
            total_var = self.by_id["participants_accompagnes"]
            parts = list(epci_vars.values())
            rest = self.system.vars[total_var].value - sum(counts.values())
            if rest:
                parts.append(self._hidden("epci:reste", rest))
            self.system.equation(total_var, parts)

    def _by_sex(self) -> None:
        """ESF+ counts by sex, and the relations between them and with the core counts."""
        for indicator in BY_SEX_COUNTS:
            if not self._present(indicator):
                continue
            value = self.indicators[indicator]
            if not isinstance(value, Mapping) or set(value) != set(BY_SEX_KEYS):
                raise DisclosureError(f"{indicator} doit être un objet {{F, M, total}}")
            counts = {key: _count(value[key], f"{indicator}.{key}") for key in BY_SEX_KEYS}
            parts = [self._shown(f"{indicator}.{key}", counts[key], [_path(indicator, key)], 0)
                     for key in BY_SEX_KEYS[:-1]]
            total = self._shown(f"{indicator}.total", counts["total"], [_path(indicator, "total")], 1)
            self.by_id[indicator] = total
            rest = counts["total"] - sum(counts[key] for key in BY_SEX_KEYS[:-1])
            if rest:
                parts.append(self._hidden(f"{indicator}.reste", rest))
            self.system.equation(total, parts)
        for whole, members in BY_SEX_PARTITIONS:
            if not all(self._present(i) for i in (whole, *members)):
                continue
            for key in BY_SEX_KEYS:
                total = self.by_id[f"{whole}.{key}"]
                parts = [self.by_id[f"{m}.{key}"] for m in members]
                rest = self.system.vars[total].value - sum(self.system.vars[p].value for p in parts)
                if rest:
                    parts.append(self._hidden(f"{whole}.{key}-{'+'.join(members)}", rest))
                self.system.equation(total, parts)
        for indicator, motifs in BY_SEX_MOTIFS.items():
            if self._present(indicator) and all(f"motif:{m}" in self.by_id for m in motifs):
                self.system.equation(self.by_id[f"{indicator}.total"], [self.by_id[f"motif:{m}"] for m in motifs])
        for indicator, core in BY_SEX_SAME_AS.items():
            if self._present(indicator) and core in self.by_id:
                self.system.equation(self.by_id[core], [self.by_id[f"{indicator}.total"]])

    def _rate_by_sex(self, indicator: str, spec: Rate) -> None:
        rates = self.indicators[indicator]
        if not isinstance(rates, Mapping) or set(rates) != set(BY_SEX_KEYS):
            raise DisclosureError(f"{indicator} doit être un objet {{F, M, total}}")
        complement = BY_SEX_COMPLEMENTS.get(indicator)
        for key in BY_SEX_KEYS:
            names = [spec.denominator, spec.numerator or complement]
            missing = [n for n in names if f"{n}.{key}" not in self.by_id]
            if missing:
                raise DisclosureError(f"{indicator} : il faut {', '.join(missing)} pour le protéger")
            denominator = self.by_id[f"{spec.denominator}.{key}"]
            den_value = self.system.vars[denominator].value
            if spec.numerator:
                numerator = self.by_id[f"{spec.numerator}.{key}"]
            else:  # the complement: never shown as a count, but recomputable from the two others
                name = f"{spec.denominator}.{key}-{complement}"
                if name not in self.by_id:
                    other = self.by_id[f"{complement}.{key}"]
                    numerator = self._hidden(name, den_value - self.system.vars[other].value)
                    self.system.equation(denominator, [other, numerator])
                numerator = self.by_id[name]
            rate = rates[key]
            if den_value == 0:
                if rate is not None:
                    raise DisclosureError(f"{indicator}.{key} = {rate} alors que son dénominateur est nul")
                continue
            num_value = self.system.vars[numerator].value
            if rate is None or not math.isclose(num_value / den_value, rate, rel_tol=RELATIVE_TOLERANCE,
                                                abs_tol=1e-12):
                raise DisclosureError(f"{indicator}.{key} = {rate} ≠ {num_value} / {den_value}")
            self.rates.append((_path(indicator, key), numerator, denominator))

    def _expression(self, expression: str) -> tuple[int, int]:
        """Variable and value of a denominator such as ``sorties - sorties_neutres``."""
        terms = [term.strip() for term in expression.split(" - ")]
        missing = [term for term in terms if term not in self.by_id]
        if missing:
            raise DisclosureError(f"il faut {', '.join(missing)} pour protéger un taux sur « {expression} »")
        if len(terms) == 1:
            var = self.by_id[terms[0]]
            return var, self.system.vars[var].value
        if expression not in self.by_id:
            first, *others = (self.by_id[t] for t in terms)
            value = self.system.vars[first].value - sum(self.system.vars[o].value for o in others)
            var = self._hidden(expression, value)
            self.system.equation(first, [var, *others])
        var = self.by_id[expression]
        return var, self.system.vars[var].value

    def _rate(self, indicator: str, spec: Rate, given: int | None) -> None:
        rate = self.indicators[indicator]
        if not isinstance(rate, int | float) or isinstance(rate, bool):
            raise DisclosureError(f"{indicator} doit être un nombre")
        denominator, den_value = self._expression(spec.denominator)
        if den_value == 0:
            raise DisclosureError(f"{indicator} = {rate} alors que son dénominateur est nul")
        shown_by_rate = spec.numerator is None or spec.numerator not in self.by_id
        if shown_by_rate:
            num_value = _count(given, indicator) if given is not None else round(rate * den_value)
            numerator = self._shown(f"numerateur:{indicator}", num_value, [_path(indicator)], 1)
        else:
            numerator = self.by_id[spec.numerator]
            num_value = self.system.vars[numerator].value
        if not math.isclose(num_value / den_value, rate, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12):
            raise DisclosureError(f"{indicator} = {rate} ≠ {num_value} / {den_value}")
        self.rates.append((_path(indicator), numerator, denominator))


def _path(*keys: str) -> str:
    return ".".join((PREFIX, *keys))

