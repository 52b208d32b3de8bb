"""First findings as questions for the committee's debate (intermediate report), from the shown figures only:
a hidden figure gives no sentence."""

from __future__ import annotations

from reperes import formats
from reperes.documents import Callout, Paragraph

from .blocks import epci_frame, interval_of, no_data, rate_text, share
from .facts import IND, Facts, ReportContext


def interim(ctx: ReportContext, facts: Facts) -> list:
    if not facts.has_data:
        return no_data(ctx)
    questions: list[str] = []
    rate = facts.value("taux_sorties_positives")
    if isinstance(rate, float | int):
        shown = facts.rate_text("taux_sorties_positives") or formats.percent(rate)
        questions.append(f"Le taux de sorties positives atteint {shown} "
                         "sur la période : "
                         "est-il à la hauteur de l'objectif du protocole, et faut-il le mesurer autrement ?")
    if facts.pub is not None and facts.sorties.height:
        # Shares of the published cells only: a hidden category gives no sentence (its figure is secret).
        total = facts.show(IND + "sorties")
        solution = facts.show(IND + "sorties_par_categorie.solution")
        share_solution = share(ctx, solution, total)
        if isinstance(share_solution, float):
            text = rate_text(share_solution, interval_of(ctx, solution, total)) or formats.percent(share_solution)
            questions.append(f"{text} des sorties sont d'autres sorties à valoriser "
                             "(santé, retraite, orientation adaptée…) : comment le futur protocole doit-il les "
                             "reconnaître ?")
        sans = facts.show(IND + "sorties_par_categorie.sans_solution")
        share_sans = share(ctx, sans, total)
        if isinstance(share_sans, float):
            text = rate_text(share_sans, interval_of(ctx, sans, total)) or formats.percent(share_sans)
            questions.append(f"{text} des sorties se font sans solution, dont les "
                             "abandons : à quel moment du parcours le lien se perd-il ?")
    epcis = epci_frame(ctx)
    per_1000 = facts.indicators.get("accompagnes_pour_1000_habitants_par_epci") if facts.indicators else None
    if epcis is not None and isinstance(per_1000, dict):
        names = {row["epci"]: row["epci_nom"] or row["epci"] for row in epcis.iter_rows(named=True)}
        rates = []
        for siren in per_1000:
            value = facts.show(f"{IND}accompagnes_pour_1000_habitants_par_epci.{siren}")
            if isinstance(value, float | int):
                rates.append((value, names.get(siren, siren)))
        if len(rates) >= 2:
            low, high = min(rates), max(rates)
            questions.append(f"{low[1]} compte {formats.number(low[0], 1)} accompagnés pour 1 000 habitants, "
                             f"contre {formats.number(high[0], 1)} pour {high[1]} : l'accès au PLIE est-il "
                             "le même partout sur le territoire ?")
    questions.append("Quelles données manquent encore pour éclairer ces questions, et qui peut les fournir ?")
    return [Paragraph("Ces premiers constats sont formulés comme des questions, pour le débat du comité de "
                      "suivi ; ils ne sont pas des conclusions.")] + [
        Callout("question", f"Question {index}", text) for index, text in enumerate(questions, start=1)]
