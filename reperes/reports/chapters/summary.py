"""Executive summary: the key figures with their 95 % intervals, the main findings, the recommendations as decided."""

from __future__ import annotations

from reperes import formats
from reperes.analytics.stats import METHODE_INTERVALLE, wilson
from reperes.documents import BulletList, Column, KeyFigure, KeyFigures, Paragraph, Section, Suppressed, Table

from .context import ChapterContext
from .recommendations import decided

# rate → (numerator, denominator) among the indicators (docs/indicateurs.md)
RATES = (
    ("taux_sorties_positives", "sorties_positives", ("sorties",)),
    ("taux_sorties_positives_hors_neutres", "sorties_positives", ("sorties", "-sorties_neutres")),
    ("taux_valorisation_sorties_non_positives", "sorties_non_positives_valorisees",
     ("sorties", "-sorties_positives", "-sorties_neutres")),
)


def _count(cx: ChapterContext, parts) -> int | None:
    total = 0
    for part in parts:
        value = cx.facts.value(part.lstrip("-"))
        if value is None or isinstance(value, Suppressed):
            return None
        total += -int(value) if part.startswith("-") else int(value)
    return total


def key_rates(cx: ChapterContext) -> list[dict]:
    """Each key rate with its Wilson 95 % interval (none when a count is hidden from partners)."""
    rows = []
    if cx.facts.indicators is None:
        return rows
    for rate, numerator, denominator in RATES:
        value = cx.facts.value(rate)
        label, definition = cx.facts.label(rate)
        n, d = _count(cx, (numerator,)), _count(cx, denominator)
        secret = isinstance(value, Suppressed) or n is None or d is None
        interval = None if secret or not d else wilson(n, d)
        rows.append({"id": rate, "label": label, "definition": definition, "value": value, "n": n, "d": d,
                     "interval": interval, "secret": secret})
    return rows


def interval_text(interval) -> str:
    if interval is None:
        return "–"
    return f"{formats.percent(interval[0])} à {formats.percent(interval[1])}"


def chapter(cx: ChapterContext) -> Section:
    blocks: list = []
    rates = key_rates(cx)
    figures = [KeyFigure(cx.facts.label("participants_accompagnes")[0],
                         cx.facts.value("participants_accompagnes"), "count", source=cx.source, period=cx.period,
                         seuil=cx.seuil)] if cx.facts.indicators is not None else []
    for row in rates:
        # a hidden rate has no interval to tell (the mark « s » belongs to cells, never to a sentence)
        said = "" if row["secret"] else f" Intervalle de confiance à 95 % : {interval_text(row['interval'])}."
        figures.append(KeyFigure(row["label"], row["value"], "percent",
                                 definition=f"{row['definition']}{said}".strip(),
                                 source=cx.source, period=cx.period, seuil=cx.seuil))
    if figures:
        blocks.append(KeyFigures(figures))
    if rates:
        blocks.append(Table("Chiffres clés et leurs intervalles de confiance à 95 %",
                            [Column("Indicateur"), Column("Valeur", "percent"), Column("Effectif", "count"),
                             Column("Intervalle à 95 %")],
                            [[r["label"], r["value"], Suppressed(cx.seuil) if r["d"] is None else r["d"],
                              Suppressed(cx.seuil) if r["secret"] else interval_text(r["interval"])]
                             for r in rates],
                            source=cx.source, period=cx.period, definition=METHODE_INTERVALLE,
                            key="chiffres-cles"))
    findings = _findings()
    if findings:
        blocks.append(Paragraph("Principaux constats :"))
        blocks.append(BulletList(findings))
    recos = decided()
    if recos:
        blocks.append(Table("Les préconisations et les décisions des comités",
                            [Column("N°", "count"), Column("Préconisation"), Column("Décision")],
                            [[r.numero, r.titre, s.label] for r, s in recos], source="Registre de l'évaluation",
                            key="decisions-synthese"))
    if not blocks:
        blocks.append(Paragraph("Ni données ni registre de l'évaluation : la synthèse est vide."))
    return Section("Synthèse", blocks=blocks, slug="synthese")


def _findings(limit: int = 8) -> list[str]:
    from reperes.evaluation.models import Constat

    return [f"{k.code} – {k.texte}" for k in Constat.objects.all()[:limit]]
