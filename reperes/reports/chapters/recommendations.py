"""The recommendations: standing decisions, amended texts, reasons for rejection or postponement, action plan;
and the annexes' register of decisions and committee attendance."""

from __future__ import annotations

from reperes import formats
from reperes.documents import BulletList, Callout, Column, Paragraph, Run, Section, Table
from reperes.referentiel import evaluation as voc

from .context import ChapterContext


def decided():
    """[(preconisation, standing)] in numbering order."""
    from reperes.evaluation.models import Preconisation
    from reperes.evaluation.standing import standings

    recos = list(Preconisation.objects.prefetch_related("constats", "actions"))
    standing = standings(recos)
    return [(r, standing[r.pk]) for r in recos]


def reco_blocks(cx: ChapterContext, reco, standing) -> list:
    from reperes.evaluation.services import cible_text

    blocks: list = [Paragraph(standing.texte)]
    facts = [f"Décision : {standing.label}", f"Priorité : {voc.PRIORITES[reco.priorite]}",
             f"Horizon : {reco.horizon}", f"Pilote : {reco.pilote}",
             f"Article du protocole : {voc.ARTICLES[reco.article]}",
             "Constats : " + (", ".join(k.code for k in reco.constats.all()) or "–")]
    cible = cible_text(reco, cx.resolver)
    if cible:
        facts.append(f"Cible : {cible}")
    blocks.append(BulletList(facts))
    if standing.texte != reco.texte:
        blocks.append(Callout("info", "Texte initial (avant amendement)", reco.texte))
    last = standing.history[-1] if standing.history else None
    if standing.decision in voc.DECISIONS_WITH_MOTIF and last is not None:
        kind = "Motif du rejet" if standing.decision == "rejetee" else "Motif de l'ajournement"
        blocks.append(Callout("warning", kind, last["motif"] or "Non précisé."))
    if standing.history:
        blocks.append(BulletList([f"{formats.date(h['date'])}, {h['intitule']} : {h['label'].lower()}"
                                  + (f" – {h['motif']}" if h["motif"] else "")
                                  + (f" – texte amendé : « {h['texte']} »" if h["texte"] else "")
                                  for h in standing.history]))
    return blocks


def action_plan(recos) -> Table | None:
    rows = []
    for reco, _standing in recos:
        for action in reco.actions.all():
            rows.append([reco.numero, action.action, action.responsable, formats.date(action.echeance),
                         voc.ACTION_STATUTS[action.statut]])
    if not rows:
        return None
    return Table("Plan d'action", [Column("Préconisation", "count"), Column("Action"), Column("Responsable"),
                                   Column("Échéance"), Column("Statut")], rows,
                 source="Registre de l'évaluation", key="plan-action",
                 definition="Statuts de suivi de la Cour des comptes : non engagée, en cours, mise en œuvre, "
                            "partiellement mise en œuvre, sans objet.")


def chapter(cx: ChapterContext) -> Section:
    recos = decided()
    subsections = [Section(f"Préconisation {r.numero} – {r.titre}", blocks=reco_blocks(cx, r, s),
                           slug=f"preconisation-{r.numero}") for r, s in recos]
    counts = {}
    for _r, s in recos:
        counts[s.label.lower()] = counts.get(s.label.lower(), 0) + 1
    blocks: list = []
    if recos:
        blocks.append(Paragraph(f"{formats.plural(len(recos), 'préconisation')} : "
                                + ", ".join(f"{label} : {n}" for label, n in counts.items()) + ". "
                                "Seules les préconisations adoptées ou amendées entrent dans le projet de "
                                "protocole ; les autres restent ici, avec leur motif."))
        blocks.append(Table("Préconisations et décisions", [Column("N°", "count"), Column("Préconisation"),
                                                            Column("Décision"), Column("Article")],
                            [[r.numero, r.titre, s.label, voc.ARTICLES[r.article]] for r, s in recos],
                            source="Registre de l'évaluation", key="preconisations"))
    plan = action_plan(recos)
    if plan is not None:
        subsections.append(Section("Plan d'action", blocks=[plan], slug="plan-d-action"))
    return Section("Préconisations et décisions", blocks=blocks, subsections=subsections, slug="preconisations",
                   empty_message="Aucune préconisation n'est encore enregistrée.")


def register_of_decisions() -> Section:
    from reperes.evaluation.models import Decision

    rows = [[d.comite.intitule, formats.date(d.comite.date), d.preconisation.numero, d.preconisation.titre,
             voc.DECISIONS[d.decision], d.motif or "–"]
            for d in Decision.objects.select_related("comite", "preconisation")]
    blocks = [Table("Registre des décisions", [Column("Comité"), Column("Date"), Column("N°", "count"),
                                               Column("Préconisation"), Column("Décision"), Column("Motif")],
                    rows, source="Registre de l'évaluation", key="registre-decisions")] if rows else []
    return Section("Registre des décisions", blocks=blocks, slug="registre-des-decisions",
                   empty_message="Aucun comité n'a encore décidé.")


def attendance() -> Section:
    from reperes.evaluation.models import Comite

    comites = list(Comite.objects.prefetch_related("membres"))
    institutions: list[str] = []
    for c in comites:
        for m in c.membres.all():
            if m.institution not in institutions:
                institutions.append(m.institution)
    rows = []
    for name in institutions:
        row = [name]
        for c in comites:
            present = {m.institution: m.present for m in c.membres.all()}
            row.append("présente" if present.get(name) else ("absente" if name in present else "–"))
        rows.append(row)
    blocks: list = []
    if rows:
        columns = [Column("Institution")] + [Column(f"{c.code} ({formats.short_date(c.date)})") for c in comites]
        blocks.append(Table("Présence aux comités", columns, rows, source="Registre de l'évaluation",
                            key="presence"))
        for c in comites:
            if c.releve:
                blocks.append(Paragraph([Run(f"Relevé – {c.intitule} : ", bold=True), Run(c.releve)]))
    return Section("Présence aux comités", blocks=blocks, slug="presence-aux-comites",
                   empty_message="Aucun comité n'est enregistré.")
