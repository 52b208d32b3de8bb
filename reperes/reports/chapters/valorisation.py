"""The valuing of exits other than positive: the grid proposed (each ``solution`` and ``neutre`` motif with
what counts as proof), how many exits of the last years each line covers, the rates under the grid, then the
grid as adopted."""

from __future__ import annotations

import datetime as dt

from reperes import referentiel as ref
from reperes.analytics import period_publication as publication
from reperes.analytics.period_publication import DisclosureRefused
from reperes.analytics.populations import sorties
from reperes.documents import Callout, Column, Paragraph, Section, Table
from reperes.referentiel.valorisation import GRILLE_PROPOSEE

from .context import ChapterContext

YEARS = 3


def grid_motifs() -> list[str]:
    return [code for code in ref.MOTIF_SORTIE.codes() if ref.category_of(code) in ("solution", "neutre")]


def proposed_grid() -> list[dict]:
    return [{"motif": code, "valorisation": GRILLE_PROPOSEE[code][0], "justificatif": GRILLE_PROPOSEE[code][1]}
            for code in grid_motifs() if code in GRILLE_PROPOSEE]


def adopted_grid() -> list[dict]:
    from reperes.evaluation.models import Valorisation

    return [{"motif": v.motif, "valorisation": v.valorisation, "justificatif": v.justificatif}
            for v in Valorisation.objects.all()]


def years(cx: ChapterContext) -> list[int]:
    from reperes.evaluation.services import base_year

    last = base_year(cx.resolver)
    return [] if last is None else list(range(last - YEARS + 1, last + 1))


def exits_by_year(cx: ChapterContext, year: int) -> dict[str, int]:
    """Exits of the calendar year by motif (the indicators' population of « sorties »)."""
    data = cx.report.dataset
    if data is None or data.participants.height == 0:
        return {}
    frame = sorties(data.participants, dt.date(year, 1, 1), dt.date(year, 12, 31))
    counts = dict(frame.group_by("motif_sortie").len().iter_rows())
    return {code: int(counts.get(code, 0)) for code in ref.MOTIF_SORTIE.codes()}


def published_year(cx: ChapterContext, year: int):
    """The calendar year's partner publication: the decision the intermediate report of that year and
    ``reperes indicators --diffusion`` read, so the final report shows the same cells (computed once)."""
    key = ("publication", year)
    if key not in cx.cache:
        bounds = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        published = cx.facts.pub if cx.facts.pub is not None and (cx.debut, cx.fin) == bounds else \
            publication.build(cx.report.dataset, *bounds, cx.seuil)  # the report's own year is built already
        failures = published.audit().failures
        if failures:
            raise DisclosureRefused(f"La version pour les partenaires n'est pas diffusée : {failures[0]}")
        cx.cache[key] = published
    return cx.cache[key]


def _motif(code: str) -> str:
    return f"indicateurs.sorties_par_motif.{code}"


def chapter(cx: ChapterContext) -> Section:
    span = years(cx)
    grid = proposed_grid()
    by_year = {year: exits_by_year(cx, year) for year in span}
    blocks: list = [Paragraph(
        "Le protocole ne compte aujourd'hui que les sorties positives (emploi durable, formation qualifiante). "
        "Beaucoup d'autres sorties marquent pourtant une avancée : une orientation en milieu protégé avec une "
        "RQTH, des soins engagés, un départ à la retraite. La grille ci-dessous propose de les reconnaître, "
        "chacune avec la pièce qui la prouve ; les sorties neutres (déménagement, décès) sortent du calcul.")]
    columns = [Column("Motif de sortie"), Column("Valorisation proposée"), Column("Justificatif")]
    blocks.append(Table("Grille proposée de valorisation des sorties", columns,
                        [[ref.MOTIF_SORTIE.label(g["motif"]), g["valorisation"], g["justificatif"]] for g in grid],
                        source="Repères, proposition au comité de pilotage", key="grille-proposee"))
    if span:
        rows = []
        shown_by_year = {}
        for year in span:
            counts = by_year[year]
            if cx.diffusion:  # the year's own decision, never a protection of this table alone
                published = published_year(cx, year)
                shown_by_year[year] = {g["motif"]: published.show(_motif(g["motif"]), True) for g in grid}
            else:
                shown_by_year[year] = {g["motif"]: counts.get(g["motif"], 0) for g in grid}
        for g in grid:
            rows.append([ref.MOTIF_SORTIE.label(g["motif"])] + [shown_by_year[y][g["motif"]] for y in span])
        blocks.append(Table("Sorties couvertes par chaque ligne de la grille, par année",
                            [Column("Motif")] + [Column(str(y), "count") for y in span], rows,
                            source=cx.source, key="grille-effectifs",
                            definition="Sorties de l'année civile (date de sortie dans l'année), par motif."))
        blocks.append(rates_table(cx, span, by_year))
    else:
        blocks.append(Callout("info", "Pas de données", "Aucune sortie n'est encore importée."))
    adopted = adopted_grid()
    adopted_blocks: list = []
    if adopted:
        adopted_blocks.append(Table("Grille de valorisation adoptée", columns,
                                    [[ref.MOTIF_SORTIE.label(g["motif"], g["motif"]), g["valorisation"],
                                      g["justificatif"] or "–"] for g in adopted],
                                    source="Protocole (registre de l'évaluation)", key="grille-adoptee"))
    else:
        adopted_blocks.append(Paragraph("Le comité de pilotage n'a pas encore adopté de grille : la grille proposée "
                                        "figure dans le projet de protocole, à son article « Évaluation »."))
    return Section("Valoriser les sorties autres que positives", blocks=blocks, slug="valorisation", subsections=[
        Section("La grille adoptée", blocks=adopted_blocks, slug="grille-adoptee")])


def rates_table(cx: ChapterContext, span: list[int], by_year: dict[int, dict[str, int]]) -> Table:
    """Rate of positive exits as today, and as it would have been under the grid (valued motifs counted with
    positive exits, neutral ones out of the denominator)."""
    positive = set(ref.MOTIF_SORTIE.with_attr("positive"))
    neutral = set(ref.MOTIF_SORTIE.with_attr("neutre"))
    valued = {code for code in GRILLE_PROPOSEE if code not in neutral}
    rows = []
    for year in span:
        counts = by_year[year]
        total = sum(counts.values())
        pos = sum(n for code, n in counts.items() if code in positive)
        neu = sum(n for code, n in counts.items() if code in neutral)
        val = sum(n for code, n in counts.items() if code in valued)
        if not cx.diffusion:
            rows.append([str(year), total, pos / total if total else None,
                         (pos + val) / (total - neu) if total - neu else None])
            continue
        # Partners: the year's publication. The rate under the grid is a function of published cells only, or
        # « s »: computed from a hidden motif it would give that motif back (the neutral count, say).
        published = published_year(cx, year)
        inputs = ["indicateurs.sorties", "indicateurs.sorties_positives",
                  *(_motif(code) for code in sorted(valued | neutral))]
        hidden = any(name not in published.publication or published.protected.is_secret(name) for name in inputs)
        rows.append([str(year), published.show("indicateurs.sorties", True),
                     published.show("indicateurs.taux_sorties_positives", True),
                     cx.suppressed() if hidden else (pos + val) / (total - neu) if total - neu else None])
    return Table("Taux de sorties positives, actuel et avec la grille", [
        Column("Année"), Column("Sorties", "count"), Column("Taux actuel", "percent"),
        Column("Taux avec la grille", "percent")], rows, source=cx.source, key="taux-grille",
        definition="Taux actuel : sorties positives / sorties. Avec la grille : (sorties positives + sorties "
                   "valorisées par la grille) / (sorties − sorties neutres).")
