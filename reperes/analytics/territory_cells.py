"""The partner cells of the territory: accompagnés, entrées, sorties by EPCI and by commune, protected together.

A reader adds up the communes of an EPCI and compares the sum with the EPCI's
count (indicators, report, analyses page): protected table by table, a commune
hidden alone in its EPCI would be that difference. Here the EPCI table and the
commune table of the partner pages, and the dashboard's map, are one more layer
of the period's publication (:mod:`reperes.analytics.period_publication`):

- the period's totals and each EPCI's accompagnés keep the publication's decision
  (a figure the report shows stays shown, one it hides stays hidden);
- each commune's accompagnés, entrées, sorties and positive exits add up to its
  EPCI's (accompagnés, sorties, positive exits) or to the period's (entrées);
- positive exits are part of the exits of the same place (the rest, not published,
  is still a count a reader can compute).

Protected once per data snapshot and period, with the audit, like the publication.
When the territory layer would need to hide a figure the report already shows, every
cell of that EPCI is hidden instead (hiding more never tells more).

Pure (Polars, no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reperes.analytics import disclosure
from reperes.analytics.indicators import HORS_TERRITOIRE
from reperes.analytics.populations import accompagnes, entrees, sorties
from reperes.analytics.profiles import categorie
from reperes.referentiel.codes import SORTIE_POSITIVE

IND = "indicateurs."
MEASURES = ("accompagnes", "entrees", "sorties", "positives")
# The period's totals as the publication names them.
TOTALS = {"accompagnes": IND + "participants_accompagnes", "entrees": IND + "entrees",
          "sorties": IND + "sorties", "positives": IND + "sorties_positives"}
EPCI_MEASURES = ("accompagnes", "sorties", "positives")  # what the EPCI table shows


@dataclass(frozen=True)
class TerritoryCells:
    """What a partner sees of the territory: a value, or ``None`` for « s »."""

    totals: dict[str, int | None]
    epcis: dict[str, dict[str, int | None]]  # SIREN (or hors_territoire) → measure → value
    communes: dict[str, dict[str, int | None]]  # INSEE code → measure → value
    raw_epcis: dict[str, dict[str, int]]
    raw_communes: dict[str, dict[str, int]]
    audit: Any

    def epci(self, siren: str, measure: str) -> int | None:
        return self.epcis.get(siren, {}).get(measure)

    def commune(self, code: str, measure: str) -> int | None:
        return self.communes.get(code, {}).get(measure)


def _counts(dataset, debut, fin) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Raw counts by commune of residence (any code, territory or not), and the period's totals."""
    people = dataset.participants
    frames = {"accompagnes": accompagnes(people, debut, fin), "entrees": entrees(people, debut, fin)}
    out = sorties(people, debut, fin)
    frames["sorties"] = out
    frames["positives"] = out.filter((categorie() == SORTIE_POSITIVE).fill_null(False))
    by_commune: dict[str, dict[str, int]] = {}
    totals = {}
    for measure, frame in frames.items():
        totals[measure] = frame.height
        for code, n in frame.group_by("commune").len().iter_rows():
            by_commune.setdefault(code, {m: 0 for m in MEASURES})[measure] = int(n)
    return by_commune, totals


def protect(dataset, period) -> TerritoryCells:
    """The territory layer of ``period`` (a :class:`reperes.analytics.period_publication.PeriodPublication`)."""
    main = period.protected
    seuil = period.seuil
    epci_of = dict(dataset.communes.select("commune", "epci").iter_rows())
    by_commune, totals = _counts(dataset, period.debut, period.fin)
    zero = dict.fromkeys(MEASURES, 0)
    raw_communes = {code: dict(by_commune.get(code, zero)) for code in sorted(epci_of)}
    sirens = sorted({e for e in epci_of.values() if e})
    raw_epcis = {siren: dict(zero) for siren in [*sirens, HORS_TERRITOIRE]}
    for code, counts in by_commune.items():
        siren = epci_of.get(code) or HORS_TERRITOIRE
        for measure, n in counts.items():
            raw_epcis[siren][measure] += n

    pub = disclosure.Publication(seuil)
    keep_secret: list[str] = []
    tied: dict[str, str] = {}  # name here → name in the period's publication (same figure)

    def tie(name: str, main_name: str) -> None:
        if main_name in main.publication:
            tied[name] = main_name
            if main.is_secret(main_name):
                keep_secret.append(name)

    for measure in MEASURES:
        pub.count(f"total.{measure}", totals[measure], label=f"Total : {measure}", rank=3)
        tie(f"total.{measure}", TOTALS[measure])
    pub.identity("total.sorties", ["total.positives"])
    for siren, counts in raw_epcis.items():
        for measure in EPCI_MEASURES:
            pub.count(f"epci.{siren}.{measure}", counts[measure], label=f"EPCI {siren} : {measure}", rank=1)
        tie(f"epci.{siren}.accompagnes", f"{IND}accompagnes_par_epci.{siren}")
        pub.identity(f"epci.{siren}.sorties", [f"epci.{siren}.positives"])
    for measure in EPCI_MEASURES:
        pub.identity(f"total.{measure}", [f"epci.{siren}.{measure}" for siren in raw_epcis])
    members: dict[str, list[str]] = {}
    for code, counts in raw_communes.items():
        for measure in MEASURES:
            pub.count(f"commune.{code}.{measure}", counts[measure], label=f"Commune {code} : {measure}")
        pub.identity(f"commune.{code}.sorties", [f"commune.{code}.positives"])
        members.setdefault(epci_of[code] or HORS_TERRITOIRE, []).append(code)
    for siren, codes in members.items():
        for measure in EPCI_MEASURES:
            pub.identity(f"epci.{siren}.{measure}", [f"commune.{c}.{measure}" for c in codes])
    pub.identity("total.entrees", [f"commune.{c}.entrees" for c in raw_communes])
    decision = disclosure.protect(pub, keep_secret, audited=True)

    hidden = set(decision.secret)
    for name, main_name in tied.items():
        if name in hidden and not main.is_secret(main_name):
            # The report shows it: this layer cannot rely on it being hidden. Hide the whole EPCI instead.
            siren = name.split(".")[1] if name.startswith("epci.") else None
            codes = members.get(siren, []) if siren else list(raw_communes)
            hidden |= {f"commune.{c}.{m}" for c in codes for m in MEASURES}
            hidden |= {f"epci.{s}.{m}" for s in ([siren] if siren else raw_epcis) for m in ("sorties", "positives")}
            hidden.discard(name)

    def shown(name: str, value: int, main_name: str | None = None) -> int | None:
        if main_name is not None:
            return main.value(main_name)
        return None if name in hidden else value

    return TerritoryCells(
        totals={m: shown(f"total.{m}", totals[m], tied.get(f"total.{m}")) for m in MEASURES},
        epcis={s: {m: shown(f"epci.{s}.{m}", c[m], tied.get(f"epci.{s}.{m}")) for m in EPCI_MEASURES}
               for s, c in raw_epcis.items()},
        communes={code: {m: shown(f"commune.{code}.{m}", c[m]) for m in MEASURES}
                  for code, c in raw_communes.items()},
        raw_epcis=raw_epcis, raw_communes=raw_communes, audit=decision.audit_result)

