"""A recommendation's standing decision and current text, from the committees' decisions (docs/evaluation.md).

The standing decision is the one of the latest committee (by date; two on the
same date: the later in the file, i.e. the higher ``position``) that decided on
it; before any decision it is ``proposee``. An amendment replaces the text from
that committee on; the original text stays first in the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reperes.referentiel import evaluation as voc


@dataclass
class Standing:
    decision: str = voc.PROPOSEE
    texte: str = ""
    history: list[dict] = field(default_factory=list)  # {"comite", "date", "decision", "motif", "texte"}

    @property
    def label(self) -> str:
        return voc.STANDING_LABELS[self.decision]


def standing_of(preconisation, decisions=None) -> Standing:
    """``decisions``: the recommendation's decisions already fetched (with their committee), else queried."""
    if decisions is None:
        decisions = list(preconisation.decisions.select_related("comite"))
    ordered = sorted(decisions, key=lambda d: (d.comite.date, d.comite.position, d.comite.pk, d.position, d.pk))
    result = Standing(texte=preconisation.texte)
    for d in ordered:
        if d.decision == voc.DECISION_AMENDEE:
            result.texte = d.texte_amende
        result.decision = d.decision
        result.history.append({"comite": d.comite.code, "intitule": d.comite.intitule, "date": d.comite.date,
                               "decision": d.decision, "label": voc.DECISIONS[d.decision], "motif": d.motif,
                               "texte": d.texte_amende if d.decision == voc.DECISION_AMENDEE else ""})
    return result


def standings(preconisations) -> dict[int, Standing]:
    """Standing of many recommendations with one query."""
    from .models import Decision

    by_reco: dict[int, list] = {}
    for d in Decision.objects.filter(preconisation__in=preconisations).select_related("comite"):
        by_reco.setdefault(d.preconisation_id, []).append(d)
    return {p.pk: standing_of(p, by_reco.get(p.pk, [])) for p in preconisations}
