"""Committees, consultation and follow-up: what the pages and the ``reperes committee`` commands share.

- documents presented to a committee are frozen with their SHA-256;
- a decision is recorded with its rules (a reason for ``ajournee`` and ``rejetee``, the new text for
  ``amendee``), every change written to the audit trail;
- the convocation (DOCX and ``.ics``), the relevé de décisions (DOCX, PDF) and the « modalités
  opérationnelles » note are built as :mod:`reperes.documents` trees;
- an action's status changes are kept with their date and author.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from reperes.audit.models import Action as AuditAction
from reperes.audit.trail import record
from reperes.referentiel import evaluation as voc

from . import models as m
from .standing import standing_of, standings


class DecisionError(ValueError):
    """A decision that breaks the rules: ``messages`` in French, by field."""

    def __init__(self, messages: dict[str, str]):
        super().__init__(" ".join(messages.values()))
        self.messages = messages


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _audit(target: str, *, user=None, request=None, **details) -> None:
    record(AuditAction.EVALUATION, user=user, request=request, target=target,
           email="" if (user or request) else "ligne de commande", **details)


# ------------------------------------------------------------------------------------ committees


def proposed_members(kind: str) -> tuple[str, ...]:
    return voc.COMITE_MEMBRES_PROPOSES.get(kind, voc.MEMBRES_PROPOSES)


def next_committee_code(kind: str) -> str:
    prefix = {"comite_suivi": "CS", "copil": "CP", "comite_technique": "CT"}.get(kind, "C")
    n = 1
    while m.Comite.objects.filter(code=f"{prefix}{n}").exists():
        n += 1
    return f"{prefix}{n}"


def set_members(comite: m.Comite, institutions: list[str]) -> None:
    """Keep the members listed (their attendance with them), add the new ones, remove the others."""
    present = {x.institution: x.present for x in comite.membres.all()}
    comite.membres.all().delete()
    m.ComiteMembre.objects.bulk_create(
        m.ComiteMembre(comite=comite, institution=name, present=present.get(name, False), position=i)
        for i, name in enumerate(institutions))


def attach_document(comite: m.Comite, titre: str, content: bytes, filename: str, *, user=None,
                    request=None) -> m.ComiteDocument:
    """Freeze a document presented to the committee: its SHA-256 and a copy of the file."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        doc = m.ComiteDocument(comite=comite, titre=titre, empreinte=sha256(content),
                               position=comite.documents.count())
        doc.fichier.save(filename, ContentFile(content), save=False)
        doc.save()
        _audit(f"comité {comite.code}", user=user, request=request, modification="document présenté",
               titre=titre, empreinte=doc.empreinte)
    return doc


def set_attendance(comite: m.Comite, present_ids: set[int], *, user=None, request=None) -> None:
    with transaction.atomic():
        for membre in comite.membres.all():
            if membre.present != (membre.pk in present_ids):
                membre.present = membre.pk in present_ids
                membre.save(update_fields=["present"])
        _audit(f"comité {comite.code}", user=user, request=request, modification="présences",
               presents=[x.institution for x in comite.membres.all() if x.present])


def check_decision(decision: str, motif: str, texte_amende: str) -> dict[str, str]:
    """The rules of the contract, as French messages by field (empty: valid)."""
    problems = {}
    if decision not in voc.DECISIONS:
        problems["decision"] = "Choisissez la décision : adoptée, amendée, ajournée ou rejetée."
        return problems
    if decision in voc.DECISIONS_WITH_MOTIF and not motif.strip():
        word = "ajournement" if decision == "ajournee" else "rejet"
        problems["motif"] = f"Indiquez le motif du {word} : le relevé de décisions le mentionne."
    if decision == voc.DECISION_AMENDEE and not texte_amende.strip():
        problems["texte_amende"] = "Écrivez le nouveau texte de la préconisation amendée."
    return problems


def record_decision(comite: m.Comite, reco: m.Preconisation, decision: str, motif: str = "",
                    texte_amende: str = "", *, user=None, request=None) -> m.Decision:
    """Record (or change) the committee's decision on a recommendation; raises :class:`DecisionError`."""
    motif, texte_amende = motif.strip(), texte_amende.strip()
    problems = check_decision(decision, motif, texte_amende)
    if problems:
        raise DecisionError(problems)
    if decision != voc.DECISION_AMENDEE:
        texte_amende = ""
    with transaction.atomic():
        existing = m.Decision.objects.filter(comite=comite, preconisation=reco).first()
        before = existing.decision if existing else None
        if existing is None:
            existing = m.Decision(comite=comite, preconisation=reco, position=comite.decisions.count())
        existing.decision, existing.motif, existing.texte_amende = decision, motif, texte_amende
        existing.save()
        _audit(f"comité {comite.code}", user=user, request=request, modification="décision",
               preconisation=reco.code, decision=decision, avant=before or "", motif=motif,
               texte_amende=texte_amende)
    return existing


def seance_items(comite: m.Comite) -> list[dict]:
    """The recommendations in their order, with the decision this committee took on each (or None)."""
    recos = list(m.Preconisation.objects.all())
    taken = {d.preconisation_id: d for d in comite.decisions.all()}
    current = standings(recos)
    return [{"reco": r, "decision": taken.get(r.pk), "standing": current[r.pk]} for r in recos]


# ------------------------------------------------------------------------------------ documents


def _plie_name() -> str:
    from reperes.configuration.models import Installation

    return Installation.get().plie_name or "PLIE"


def _when(comite: m.Comite) -> str:
    from reperes import formats

    text = formats.date(comite.date)
    if comite.heure_debut:
        text += f", de {comite.heure_debut:%H h %M}"
        if comite.heure_fin:
            text += f" à {comite.heure_fin:%H h %M}"
    return text


def agenda_lines(comite: m.Comite) -> list[str]:
    return [line.strip() for line in comite.ordre_du_jour.splitlines() if line.strip()]


def convocation_document(comite: m.Comite):
    from reperes.documents import model as doc

    members = [x.institution for x in comite.membres.all()]
    sections = [
        doc.Section("Convocation", blocks=[
            doc.Paragraph(f"Vous êtes invités à la réunion « {comite.intitule} » ({comite.get_type_display()})."),
            doc.BulletList([f"Date : {_when(comite)}", f"Lieu : {comite.lieu or 'à préciser'}"]),
        ]),
        doc.Section("Ordre du jour", blocks=[doc.BulletList(agenda_lines(comite))] if agenda_lines(comite) else (),
                    empty_message="L’ordre du jour sera communiqué avant la réunion."),
        doc.Section("Institutions convoquées", blocks=[doc.BulletList(members)] if members else (),
                    empty_message="Aucune institution n’est encore inscrite."),
    ]
    documents = list(comite.documents.all())
    if documents:
        sections.append(doc.Section("Documents qui seront présentés", blocks=[doc.Table(
            "Documents présentés et leur empreinte", ["Document", "Empreinte SHA-256"],
            [[d.titre, d.empreinte] for d in documents])]))
    return doc.Document(f"Convocation – {comite.intitule}", sections, subtitle=comite.get_type_display(),
                        date=comite.date, organisation=_plie_name())


def ics_bytes(comite: m.Comite, *, stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar (RFC 5545) invitation: one event, timed in Europe/Paris (all day without a time)."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    paris = ZoneInfo("Europe/Paris")
    cal = Calendar()
    cal.add("prodid", "-//Repères//Comités du PLIE//FR")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"comite-{comite.code}-{comite.pk}@reperes")
    event.add("dtstamp", stamp or dt.datetime.now(dt.UTC))
    if comite.heure_debut:
        start = dt.datetime.combine(comite.date, comite.heure_debut, tzinfo=paris)
        end_time = comite.heure_fin or (dt.datetime.combine(comite.date, comite.heure_debut)
                                        + dt.timedelta(hours=2)).time()
        event.add("dtstart", start)
        event.add("dtend", dt.datetime.combine(comite.date, end_time, tzinfo=paris))
    else:
        event.add("dtstart", comite.date)
        event.add("dtend", comite.date + dt.timedelta(days=1))
    event.add("summary", comite.intitule)
    if comite.lieu:
        event.add("location", comite.lieu)
    description = [comite.get_type_display()]
    if agenda_lines(comite):
        description += ["Ordre du jour :", *(f"- {line}" for line in agenda_lines(comite))]
    event.add("description", "\n".join(description))
    cal.add_component(event)
    if comite.heure_debut:
        cal.add_missing_timezones()  # a VTIMEZONE for Europe/Paris, so every calendar reads the time alike
    return cal.to_ical()


def minutes_document(comite: m.Comite):
    """The relevé de décisions: members present and absent, documents with fingerprints, each decision."""
    from reperes.documents import model as doc

    membres = list(comite.membres.all())
    present = [x.institution for x in membres if x.present]
    absent = [x.institution for x in membres if not x.present]
    sections = [
        doc.Section("Le comité", blocks=[doc.BulletList([
            f"Comité : {comite.intitule} ({comite.get_type_display()})", f"Date : {_when(comite)}",
            *([f"Lieu : {comite.lieu}"] if comite.lieu else [])])]),
        doc.Section("Membres", blocks=[
            doc.Table("Présences", ["Institution", "Présence"],
                      [[x.institution, "présente" if x.present else "absente"] for x in membres]),
            doc.Paragraph(f"Présents : {', '.join(present) if present else 'aucun'}."),
            doc.Paragraph(f"Absents : {', '.join(absent) if absent else 'aucun'}."),
        ] if membres else (), empty_message="Aucun membre n’est inscrit."),
    ]
    documents = list(comite.documents.all())
    sections.append(doc.Section("Documents présentés", blocks=[doc.Table(
        "Documents présentés et leur empreinte SHA-256", ["Document", "Empreinte SHA-256"],
        [[d.titre, d.empreinte] for d in documents])] if documents else (),
        empty_message="Aucun document n’a été enregistré pour ce comité."))
    decisions = list(comite.decisions.select_related("preconisation").order_by("preconisation__numero", "pk"))
    rows, details = [], []
    for d in decisions:
        r = d.preconisation
        rows.append([f"{r.numero}. {r.titre}", d.get_decision_display(), d.motif or "—"])
        blocks = [doc.Paragraph(f"Décision : {d.get_decision_display()}.")]
        if d.motif:
            blocks.append(doc.Paragraph(f"Motif : {d.motif}"))
        if d.decision == voc.DECISION_AMENDEE:
            before = _text_before(r, comite)
            blocks.append(doc.Paragraph(f"Texte soumis au comité : {before}"))
            blocks.append(doc.Paragraph(f"Texte amendé : {d.texte_amende}"))
        else:
            blocks.append(doc.Paragraph(f"Texte : {_text_before(r, comite)}"))
        details.append(doc.Section(f"Préconisation {r.numero}. {r.titre}", blocks=blocks))
    sections.append(doc.Section("Décisions", blocks=[doc.Table(
        "Décisions du comité", ["Préconisation", "Décision", "Motif"], rows)] if rows else (),
        subsections=details, empty_message="Le comité n’a pris aucune décision."))
    if comite.releve:
        sections.append(doc.Section("Relevé", blocks=[doc.Paragraph(comite.releve)]))
    return doc.Document(f"Relevé de décisions – {comite.intitule}", sections, subtitle=comite.get_type_display(),
                        date=comite.date, organisation=_plie_name())


def _text_before(reco: m.Preconisation, comite: m.Comite) -> str:
    """The recommendation's text as submitted to this committee (after earlier amendments)."""
    earlier = [d for d in reco.decisions.select_related("comite")
               if (d.comite.date, d.comite.position, d.comite.pk) < (comite.date, comite.position, comite.pk)]
    return standing_of(reco, earlier).texte


def modalites_document():
    """The « modalités opérationnelles » note: method, calendar, committees, who provides what."""
    from reperes.documents import model as doc

    jalons = list(m.Jalon.objects.all())
    comites = list(m.Comite.objects.prefetch_related("membres"))
    questions = list(m.Question.objects.all())
    sections = [
        doc.Section("Objet de la note", blocks=[doc.Paragraph(
            "Cette note fixe les modalités opérationnelles de l’évaluation après le comité de lancement : "
            "la méthode, le calendrier, les instances et ce que chacun fournit.")]),
        doc.Section("Méthode", blocks=[
            doc.Paragraph("L’évaluation répond aux questions évaluatives ci-dessous, rangées selon les critères "
                          "de l’OCDE, par des constats étayés de preuves (indicateurs calculés sur les données "
                          "du PLIE, matrice besoins × offre, entretiens et questionnaires, comparaison avec "
                          "d’autres PLIE) puis par des préconisations soumises aux comités."),
            *([doc.BulletList([f"{q.code} ({voc.CRITERES[q.critere]}) : {q.texte}" for q in questions])]
              if questions else [])]),
        doc.Section("Calendrier", blocks=[doc.Table(
            "Jalons de la mission", ["Jalon", doc.Column("Date", "date"), "Statut"],
            [[j.intitule, j.date, j.get_statut_display()] for j in jalons])] if jalons else (),
            empty_message="Le calendrier n’a pas encore de jalons."),
        doc.Section("Instances", blocks=[doc.Table(
            "Comités", ["Comité", doc.Column("Date", "date"), "Institutions"],
            [[c.intitule, c.date, ", ".join(x.institution for x in c.membres.all())] for c in comites])]
            if comites else (), empty_message="Aucun comité n’est encore prévu."),
        doc.Section("Qui fournit quoi", blocks=[doc.Table("Contributions attendues", ["Qui", "Quoi"], [
            ["PLIE", "L’export des parcours et des étapes (format d’échange), les conventions et bilans des "
                     "actions, la liste des référents"],
            ["Partenaires du comité de suivi", "Leur offre d’accompagnement sur le territoire, leurs avis sur "
                                               "les préconisations lors de la consultation"],
            ["Équipe d’évaluation", "Les analyses, les entretiens et questionnaires, le rapport intermédiaire, "
                                    "les préconisations, le rapport final et le projet de protocole"],
        ])]),
    ]
    return doc.Document("Note de modalités opérationnelles", sections, subtitle="Évaluation du PLIE",
                        date=dt.date.today(), organisation=_plie_name())


def write_files(document, out, stem: str, formats: list[str]) -> list:
    from pathlib import Path

    from reperes.documents.docx import render_docx

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        if fmt == "docx":
            data = render_docx(document)
        elif fmt == "pdf":
            from reperes.documents.pdf import render_pdf

            data = render_pdf(document)
        else:
            raise ValueError(fmt)
        path = out / f"{stem}.{fmt}"
        path.write_bytes(data)
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------------ follow-up


def set_action_status(action: m.Action, statut: str, *, auteur: str, date: dt.date | None = None, user=None,
                      request=None) -> m.ActionStatut:
    if statut not in voc.ACTION_STATUTS:
        raise ValueError(statut)
    date = date or dt.date.today()
    with transaction.atomic():
        before = action.statut
        action.statut = statut
        action.save(update_fields=["statut"])
        change = m.ActionStatut.objects.create(action=action, statut=statut, date=date, auteur=auteur,
                                               position=action.historique.count())
        _audit(f"action {action.code}", user=user, request=request, modification="statut", avant=before,
               statut=statut)
    return change


def next_action_code() -> str:
    n = m.Action.objects.count() + 1
    while m.Action.objects.filter(code=f"A{n}").exists():
        n += 1
    return f"A{n}"


def follow_up() -> list[dict]:
    """Each recommendation adopted or amended, with its actions and where it stands."""
    recos = list(m.Preconisation.objects.prefetch_related("actions__historique"))
    current = standings(recos)
    rows = []
    for r in recos:
        s = current[r.pk]
        if s.decision not in ("adoptee", "amendee"):
            continue
        actions = list(r.actions.all())
        counts: dict[str, int] = {}
        for a in actions:
            counts[a.statut] = counts.get(a.statut, 0) + 1
        rows.append({"reco": r, "standing": s, "actions": actions,
                     "counts": [(voc.ACTION_STATUTS[k], counts[k]) for k in voc.ACTION_STATUTS if k in counts]})
    return rows


# ------------------------------------------------------------------------------------ history


def history(reco: m.Preconisation, *, institution: str | None = None, all_opinions: bool = False) -> list[dict]:
    """The life of a recommendation, in order: proposed, opinions, debated, amended, decided, actions.

    Opinions: all of them for the team (``all_opinions``), only the partner's own institution's otherwise.
    """
    events = [{"date": reco.created_at.date(), "kind": "proposee", "label": "Proposée", "text": reco.texte}]
    opinions = reco.consultations.all()
    if not all_opinions:
        opinions = opinions.filter(institution=institution) if institution else opinions.none()
    for o in opinions:
        events.append({"date": o.date, "kind": "avis", "label": f"Avis : {voc.AVIS_REPONSES[o.avis]}",
                       "text": f"{o.institution}" + (f" – {o.commentaire}" if o.commentaire else "")})
    texte = reco.texte
    for d in sorted(reco.decisions.select_related("comite"),
                    key=lambda d: (d.comite.date, d.comite.position, d.comite.pk)):
        c = d.comite
        docs = ", ".join(f"{x.titre} (SHA-256 {x.empreinte[:12]}…)" for x in c.documents.all())
        events.append({"date": c.date, "kind": "debattue", "label": f"Débattue : {c.intitule}",
                       "text": f"Documents présentés : {docs}" if docs else ""})
        entry = {"date": c.date, "kind": d.decision, "label": f"Décision : {d.get_decision_display()}",
                 "text": d.motif}
        if d.decision == voc.DECISION_AMENDEE:
            entry["label"] = "Amendée"
            entry["before"], entry["after"] = texte, d.texte_amende
            texte = d.texte_amende
        events.append(entry)
    for a in reco.actions.prefetch_related("historique"):
        for h in a.historique.all():
            events.append({"date": h.date, "kind": "action",
                           "label": f"Action {a.code} : {voc.ACTION_STATUTS[h.statut]}",
                           "text": f"{a.action} ({a.responsable}){' – ' + h.auteur if h.auteur else ''}"})
    order = {"proposee": 0, "avis": 1, "debattue": 2, "action": 4}
    return sorted(events, key=lambda e: (e["date"], order.get(e["kind"], 3)))
