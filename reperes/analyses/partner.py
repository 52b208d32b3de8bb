"""The period's partner decisions, once per data version: what every partner page, map and chart shows.

« One publication, one decision » (docs/indicateurs.md): the analyses pages for
the partner role, the dashboard and its map read the cells of the period's
publication (:mod:`reperes.analytics.period_publication`) — the very decision of the
partner report and of ``reperes indicators --diffusion`` — of its territory
layer (:mod:`reperes.analytics.territory_cells`) and of its tables layer
(:mod:`reperes.analytics.partner_tables`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from reperes.analytics import partner_tables, territory_cells
from reperes.analytics import period_publication as publication

from .snapshot import data_version, dataset

_LOCK = threading.Lock()
_KEEP = 8
_PERIODS: OrderedDict = OrderedDict()
_TERRITORY: OrderedDict = OrderedDict()
_TABLES: OrderedDict = OrderedDict()


def _remember(store: OrderedDict, key, build):
    with _LOCK:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = build()
    with _LOCK:
        store[key] = value
        while len(store) > _KEEP:
            store.popitem(last=False)
    return value


def forget() -> None:
    with _LOCK:
        _PERIODS.clear()
        _TERRITORY.clear()
        _TABLES.clear()


def period(debut: dt.date, fin: dt.date, seuil: int) -> publication.PeriodPublication:
    """The period's partner publication, built once per data version."""
    version = data_version()
    return _remember(_PERIODS, (version, debut, fin, seuil),
                     lambda: publication.build(dataset(version), debut, fin, seuil))


def territory(debut: dt.date, fin: dt.date, seuil: int) -> territory_cells.TerritoryCells:
    """Accompagnés, entrées, sorties by EPCI and commune for partners: the publication's territory layer."""
    version = data_version()
    return _remember(_TERRITORY, (version, debut, fin, seuil),
                     lambda: territory_cells.protect(dataset(version), period(debut, fin, seuil)))


def tables(debut: dt.date, fin: dt.date, seuil: int) -> partner_tables.PartnerTables:
    """Profiles, prescripteurs, parcours and actions tables for partners: the publication's tables layer."""
    version = data_version()
    return _remember(_TABLES, (version, debut, fin, seuil),
                     lambda: partner_tables.protect(dataset(version), period(debut, fin, seuil)))


# -- the partner rows of the analyses page « Publics » (staff see raw counts, built in services)

HORS = "Hors territoire"


def _rates(block, p, label: str, acc, total_acc, raw_acc: int, raw_total: int, out, pos, raw_out: int,
           raw_pos: int, *, share: bool) -> None:
    """One row: counts as the decision shows them; a share or rate only when its two counts are shown."""
    cells = [p.count_text(acc)]
    if share:
        cells.append(p.rate_text(p.rate(raw_acc, raw_total) if acc is not None and total_acc is not None
                                 else "secret"))
    rate = p.rate(raw_pos, raw_out) if out is not None and pos is not None else "secret"
    cells += [p.count_text(out), p.count_text(pos), p.rate_text(rate, raw_out),
              p.interval_text(rate, raw_pos, raw_out)]
    block.add_row(label, *cells)


def epci_rows(block, cells: territory_cells.TerritoryCells, names: dict[str, str], p) -> None:
    """Accompagnés, their share, sorties, positive exits and rate by EPCI: the territory layer's cells."""
    block.headers = [block.headers[0], "Accompagnés", "Part des accompagnés", "Sorties", "Sorties positives",
                     "Taux de sorties positives", "Intervalle de confiance à 95 %"]
    raw_total = sum(c["accompagnes"] for c in cells.raw_epcis.values())
    order = sorted((s for s in cells.epcis if s in names), key=lambda s: names[s])
    for siren in [*order, territory_cells.HORS_TERRITOIRE]:
        raw = cells.raw_epcis[siren]
        _rates(block, p, names.get(siren, HORS), cells.epci(siren, "accompagnes"), cells.totals["accompagnes"],
               raw["accompagnes"], raw_total, cells.epci(siren, "sorties"), cells.epci(siren, "positives"),
               raw["sorties"], raw["positives"], share=True)


def commune_rows(block, cells: territory_cells.TerritoryCells, names: dict[str, str], p) -> None:
    """The communes of the territory (zeros included), their cells protected with their EPCI's."""
    block.headers = [block.headers[0], "Accompagnés", "Entrées", "Sorties", "Sorties positives",
                     "Taux de sorties positives", "Intervalle de confiance à 95 %"]
    for code in sorted(cells.communes, key=lambda c: (names.get(c, c), c)):
        raw = cells.raw_communes[code]
        out, pos = cells.commune(code, "sorties"), cells.commune(code, "positives")
        rate = p.rate(raw["positives"], raw["sorties"]) if out is not None and pos is not None else "secret"
        block.add_row(names.get(code, code), p.count_text(cells.commune(code, "accompagnes")),
                      p.count_text(cells.commune(code, "entrees")), p.count_text(out), p.count_text(pos),
                      p.rate_text(rate, raw["sorties"]), p.interval_text(rate, raw["positives"], raw["sorties"]))
    block.notes.append("Les personnes résidant hors du territoire sont comptées dans la ligne « Hors territoire » "
                       "du tableau par intercommunalité. Les communes et les intercommunalités sont protégées "
                       "ensemble : la somme des communes d’une intercommunalité ne révèle aucun effectif masqué.")
