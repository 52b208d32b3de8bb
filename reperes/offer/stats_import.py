"""Import territorial statistics (Django side of :mod:`reperes.offer.stats_files`) and read them back.

One run is one transaction; the report has the shape of every importer
(format-echange.md, « What an import run does »); exit status 0 / 3 / 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from reperes.offer import stats_files as reader
from reperes.territory.models import Commune

from .models import Figure, StatImport


@dataclass
class StatsResult:
    report: dict
    exit_status: int
    run: StatImport | None


def geography(territory=None) -> reader.Geography:
    rows = list(Commune.objects.values_list("code", "epci_siren", "departement"))
    keep = None
    if territory is not None:
        members = list(territory.communes.values_list("code", "epci_siren", "departement"))
        keep = frozenset({c for c, _, _ in members} | {e for _, e, _ in members if e}
                         | {d for _, _, d in members})
    return reader.Geography(communes=frozenset(r[0] for r in rows), epcis=frozenset(r[1] for r in rows if r[1]),
                            departements=frozenset(r[2] for r in rows), keep=keep)


def _report(status: str, stored: bool, parsed: reader.ParsedStats | None, errors=None) -> dict:
    tables = {reader.TABLE: {"read": parsed.read, "accepted": parsed.accepted, "rejected": parsed.rejected,
                             "skipped": parsed.skipped}} if parsed else {}
    return {"status": status, "stored": stored, "tables": tables,
            "errors": errors if errors is not None else (parsed.errors if parsed else []),
            "ignored_columns": parsed.ignored_columns if parsed else []}


def run_stats_import(path, *, source: str | None = None, user=None, data: bytes | None = None,
                     source_name: str | None = None, millesime: str | None = None, fictif: bool = False,
                     request=None) -> StatsResult:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.territory.services import current_territory

    path = Path(path)
    name = source_name or path.name
    try:
        parsed = reader.parse(path, geography(current_territory()), source=source, data=data, millesime=millesime)
    except reader.StatsUnusable as exc:
        report = _report("refused", False, None, errors=[{"table": reader.TABLE, "line": None, "column": None,
                                                          "value": None, "message": str(exc)}])
        run = StatImport.objects.create(source=source or "generic", source_name=name[:300], status="refused",
                                        report=report, user=user)
        record(Action.IMPORT, request=request, user=user, target=f"statistiques : {name}"[:300], statut="refused")
        return StatsResult(report, 2, run)
    status = "partial" if parsed.rejected else "ok"
    with transaction.atomic():
        run = StatImport.objects.create(source="demo" if fictif else parsed.source, source_name=name[:300],
                                        status=status, fictif=fictif, user=user)
        store(parsed.cells, run)
        report = _report(status, True, parsed)
        run.report = report
        run.save(update_fields=["report"])
    record(Action.IMPORT, request=request, user=user, target=f"statistiques : {name}"[:300], statut=status,
           acceptees=parsed.accepted, rejetees=parsed.rejected)
    return StatsResult(report, 3 if parsed.rejected else 0, run)


def store(cells: pl.DataFrame, run: StatImport) -> int:
    objects = [Figure(code_geo=r["code_geo"], niveau=r["niveau"], indicateur=r["indicateur"][:80],
                      millesime=str(r["millesime"])[:10], source=(r["source"] or "")[:80], valeur=r["valeur"],
                      secret=bool(r["secret"]), fictif=run.fictif, stat_import=run)
               for r in cells.iter_rows(named=True)]
    Figure.objects.bulk_create(objects, batch_size=1000, update_conflicts=True,
                               unique_fields=["code_geo", "indicateur", "millesime", "source"],
                               update_fields=["valeur", "secret", "fictif", "stat_import", "niveau"])
    return len(objects)


@dataclass(frozen=True)
class FigureValue:
    """The latest figure of an indicator for a place, with what to show next to it."""

    value: float | None
    secret: bool
    source: str
    millesime: str
    imported: object  # datetime
    fictif: bool

    @property
    def provenance(self) -> str:
        from reperes import formats

        text = f"{self.source}, {self.millesime}, importé le {formats.date(self.imported.date())}"
        return text + (" — chiffre fictif (démonstration)" if self.fictif else "")


def for_years(indicateur: str, codes, years) -> dict[str, FigureValue]:
    """code → the stock that matches a period of calendar ``years``, its ``millesime`` saying which.

    The vintages of the period's years that were imported are averaged (one year: that vintage; several:
    « moyenne 2019–2020 » — a stock of several years is never one year's); when none of them was imported,
    the vintage closest to the period (the later one on a tie), said « 2023, millésime le plus proche ».
    Secret when one of the averaged figures is secret. Last import wins among equal vintages."""
    wanted = [str(y) for y in years]
    rows = (Figure.objects.filter(indicateur=indicateur, code_geo__in=list(codes))
            .select_related("stat_import").order_by("code_geo", "millesime", "stat_import__created_at", "id"))
    by_code: dict[str, dict[str, Figure]] = {}
    for f in rows:
        by_code.setdefault(f.code_geo, {})[f.millesime] = f
    found: dict[str, FigureValue] = {}
    for code, vintages in by_code.items():
        matching = [vintages[y] for y in wanted if y in vintages]
        if matching:
            secret = any(f.secret or f.valeur is None for f in matching)
            value = None if secret else sum(f.valeur for f in matching) / len(matching)
            label = matching[0].millesime if len(matching) == 1 else \
                f"moyenne {matching[0].millesime}–{matching[-1].millesime}"
            if len(matching) < len(wanted):  # some years of the period have no stock imported: said
                label += (", seul millésime importé" if len(matching) == 1 else ", seuls millésimes importés") + \
                    f" de la période {wanted[0]}–{wanted[-1]}"
            last = max(matching, key=lambda f: f.stat_import.created_at)
            found[code] = FigureValue(value, secret, last.source, label, last.stat_import.created_at,
                                      any(f.fictif for f in matching))
            continue

        def distance(millesime: str) -> tuple[int, int]:
            year = int(millesime[:4]) if millesime[:4].isdigit() else 0
            gap = min(abs(year - int(y)) for y in wanted) if wanted else 0
            return gap, -year

        closest = vintages[min(vintages, key=distance)]
        found[code] = FigureValue(closest.valeur, closest.secret, closest.source,
                                  f"{closest.millesime}, millésime le plus proche",
                                  closest.stat_import.created_at, closest.fictif)
    return found


def latest(indicateur: str, codes) -> dict[str, FigureValue]:
    """code → the most recent vintage of ``indicateur`` (last import wins among equal vintages)."""
    rows = (Figure.objects.filter(indicateur=indicateur, code_geo__in=list(codes))
            .select_related("stat_import").order_by("code_geo", "millesime", "stat_import__created_at", "id"))
    found: dict[str, FigureValue] = {}
    for f in rows:
        found[f.code_geo] = FigureValue(f.valeur, f.secret, f.source, f.millesime, f.stat_import.created_at, f.fictif)
    return found
