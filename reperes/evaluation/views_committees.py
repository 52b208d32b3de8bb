"""Committees, consultation of the partners, the séance, follow-up, mission plan and a recommendation's history.

The team (``run_analyses``) runs the committees and records decisions; partners read committees and the
follow-up (``view_aggregates``) and give their institution's opinion (``give_opinion``), seeing only their own
institution's opinions. Every change goes to the audit trail.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.referentiel import evaluation as voc

from . import committees as cm
from . import forms
from . import models as m
from .standing import standing_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def _context(request, **extra) -> dict:
    return {"can_edit": request.user.can("run_analyses"), **extra}


def _audit(request, target: str, **details) -> None:
    record(Action.EVALUATION, request=request, target=target, **details)


def _download(request, content: bytes, content_type: str, filename: str, target: str) -> HttpResponse:
    record(Action.EXPORT, request=request, target=target)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ------------------------------------------------------------------------------------ committees


@requires("view_aggregates")
def comites(request):
    rows = m.Comite.objects.prefetch_related("membres", "decisions", "documents")
    return render(request, "evaluation/comites.html", _context(request, comites=rows, title="Comités"))


def _comite_form(request, comite):
    kind = request.GET.get("type") if comite is None else comite.type
    kind = kind if kind in voc.COMITE_TYPES else "comite_suivi"
    initial = {"type": kind, "membres": "\n".join(
        [x.institution for x in comite.membres.all()] if comite else cm.proposed_members(kind))}
    if comite is None:
        initial["intitule"] = voc.COMITE_TYPES[kind]
    form = forms.ComiteForm(request.POST or None, instance=comite, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save(commit=False)
            if not obj.code:
                obj.code = cm.next_committee_code(obj.type)
                obj.position = m.Comite.objects.count()
            obj.save()
            cm.set_members(obj, form.cleaned_data["membres"])
            _audit(request, f"comité {obj.code}", modification="création" if comite is None else "modification",
                   date=obj.date.isoformat(), membres=form.cleaned_data["membres"])
        messages.success(request, f"Comité « {obj.intitule} » enregistré.")
        return redirect("evaluation:comite_detail", pk=obj.pk)
    back = reverse("evaluation:comite_detail", args=[comite.pk]) if comite else reverse("evaluation:comites")
    title = f"Modifier le comité « {comite.intitule} »" if comite else "Nouveau comité"
    return render(request, "evaluation/form.html", _context(request, form=form, title=title, back=back))


@requires("run_analyses")
def comite_create(request):
    return _comite_form(request, None)


@requires("run_analyses")
def comite_edit(request, pk):
    return _comite_form(request, get_object_or_404(m.Comite, pk=pk))


@requires("view_aggregates")
def comite_detail(request, pk):
    comite = get_object_or_404(m.Comite.objects.prefetch_related("membres", "documents"), pk=pk)
    decisions = comite.decisions.select_related("preconisation").order_by("preconisation__numero")
    return render(request, "evaluation/comite.html", _context(
        request, comite=comite, decisions=decisions, agenda=cm.agenda_lines(comite),
        title=comite.intitule))


@requires("run_analyses")
def comite_document(request, pk):
    comite = get_object_or_404(m.Comite, pk=pk)
    form = forms.ComiteDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["registre"]:
            from reperes.configuration.models import Installation
            from reperes.documents.docx import render_docx

            from .evidence import Resolver
            from .services import register_document

            content = render_docx(register_document(Resolver(diffusion=True), Installation.get().plie_name))
            titre = form.cleaned_data["titre"].strip() or f"Registre des préconisations ({dt.date.today():%d/%m/%Y})"
            filename = "registre-preconisations.docx"
        else:
            upload = form.cleaned_data["fichier"]
            content, titre, filename = upload.read(), form.cleaned_data["titre"].strip(), upload.name
        doc = cm.attach_document(comite, titre, content, filename, request=request)
        messages.success(request, f"Document « {doc.titre} » figé : empreinte SHA-256 {doc.empreinte}.")
        return redirect("evaluation:comite_detail", pk=comite.pk)
    return render(request, "evaluation/comite_document.html", _context(
        request, form=form, comite=comite, title=f"Présenter un document au comité « {comite.intitule} »"))


@requires("run_analyses")
def comite_convocation(request, pk, fmt):
    comite = get_object_or_404(m.Comite, pk=pk)
    if fmt == "docx":
        from reperes.documents.docx import render_docx

        return _download(request, render_docx(cm.convocation_document(comite)), DOCX,
                         f"convocation-{comite.code}.docx", f"convocation du comité {comite.code} (docx)")
    if fmt == "ics":
        return _download(request, cm.ics_bytes(comite), "text/calendar; charset=utf-8",
                         f"convocation-{comite.code}.ics", f"convocation du comité {comite.code} (ics)")
    raise Http404


@requires("view_aggregates")
def comite_minutes(request, pk):
    from reperes.documents.docx import render_docx

    comite = get_object_or_404(m.Comite, pk=pk)
    return _download(request, render_docx(cm.minutes_document(comite)), DOCX, f"releve-decisions-{comite.code}.docx",
                     f"relevé de décisions du comité {comite.code} (docx)")


# ------------------------------------------------------------------------------------ the séance


@requires("run_analyses")
def seance_presences(request, pk):
    comite = get_object_or_404(m.Comite, pk=pk)
    if request.method == "POST":
        ids = {int(x) for x in request.POST.getlist("present") if x.isdigit()}
        cm.set_attendance(comite, ids, request=request)
        messages.success(request, "Présences enregistrées.")
        return redirect("evaluation:seance", pk=comite.pk)
    return render(request, "evaluation/seance_presences.html", _context(
        request, comite=comite, membres=comite.membres.all(), title=f"Séance – {comite.intitule}"))


@requires("run_analyses")
def seance(request, pk):
    """One recommendation at a time; « Enregistrer » records the decision and goes on to the next one."""
    comite = get_object_or_404(m.Comite, pk=pk)
    items = cm.seance_items(comite)
    if not items:
        messages.info(request, "Aucune préconisation à soumettre : écrivez-les d’abord dans le registre.")
        return redirect("evaluation:comite_detail", pk=comite.pk)
    try:
        index = min(max(int(request.GET.get("n", "1")), 1), len(items)) - 1
    except ValueError:
        index = 0
    item = items[index]
    reco, taken = item["reco"], item["decision"]
    if request.method == "POST":
        form = forms.DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            cm.record_decision(comite, reco, d["decision"], d["motif"], d["texte_amende"], request=request)
            messages.success(request, f"Préconisation {reco.numero} : {voc.DECISIONS[d['decision']].lower()}.")
            if index + 1 < len(items):
                return redirect(f"{reverse('evaluation:seance', args=[comite.pk])}?n={index + 2}")
            return redirect("evaluation:comite_detail", pk=comite.pk)
        wrong = next((name for name in ("texte_amende", "motif") if name in form.errors), None)
        if wrong:
            form.fields[wrong].widget.attrs["autofocus"] = True  # the keyboard lands where the fix is
    else:
        initial = {"decision": taken.decision, "motif": taken.motif, "texte_amende": taken.texte_amende} if taken \
            else {}
        form = forms.DecisionForm(initial=initial)
    earlier = [x for x in reco.decisions.select_related("comite") if x.comite_id != comite.pk
               and (x.comite.date, x.comite.position, x.comite.pk) < (comite.date, comite.position, comite.pk)]
    opinions = reco.consultations.filter(campagne__comite=comite).order_by("institution")
    return render(request, "evaluation/seance.html", _context(
        request, comite=comite, reco=reco, taken=taken, form=form, index=index + 1, total=len(items),
        opinions=[(o.institution, voc.AVIS_REPONSES[o.avis], o.commentaire) for o in opinions],
        texte=standing_of(reco, earlier).texte, done=sum(1 for x in items if x["decision"]),
        title=f"Séance – {comite.intitule}"))


# ------------------------------------------------------------------------------------ consultation


@requires("run_analyses")
def consultations(request):
    form = forms.CampagneForm(request.POST or None, initial={"ouverture": dt.date.today(),
                                                             "cloture": dt.date.today() + dt.timedelta(days=14)})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            campagne = form.save()
            _audit(request, f"consultation « {campagne.intitule} »", modification="ouverture",
                   ouverture=campagne.ouverture.isoformat(), cloture=campagne.cloture.isoformat())
        messages.success(request, f"Consultation « {campagne.intitule} » ouverte.")
        return redirect("evaluation:consultation_detail", pk=campagne.pk)
    return render(request, "evaluation/consultations.html", _context(
        request, form=form, campagnes=m.ConsultationCampagne.objects.all(), title="Consultation des partenaires"))


@requires("run_analyses")
def consultation_detail(request, pk):
    """The team's view: every institution's answers, recommendation by recommendation."""
    campagne = get_object_or_404(m.ConsultationCampagne, pk=pk)
    avis = list(campagne.avis.select_related("preconisation").order_by("institution", "preconisation__numero"))
    institutions = sorted({a.institution for a in avis})
    by_institution = [{"institution": name, "avis": [a for a in avis if a.institution == name]}
                      for name in institutions]
    by_reco = []
    for reco in m.Preconisation.objects.all():
        mine = [a for a in avis if a.preconisation_id == reco.pk]
        by_reco.append({"reco": reco, "counts": [(label, sum(1 for a in mine if a.avis == code))
                                                 for code, label in voc.AVIS_REPONSES.items()]})
    return render(request, "evaluation/consultation.html", _context(
        request, campagne=campagne, by_institution=by_institution, by_reco=by_reco, avis_labels=voc.AVIS_REPONSES,
        title=f"Consultation « {campagne.intitule} »"))


@requires("give_opinion")
def consultation_answer(request):
    """A partner answers for its institution: the open consultations, one choice and a comment per recommendation."""
    institution = (request.user.organisation or "").strip()
    today = dt.date.today()
    campagnes = [c for c in m.ConsultationCampagne.objects.all() if c.is_open(today)]
    campagne = None
    if campagnes:
        wanted = request.GET.get("consultation") or request.POST.get("consultation")
        campagne = next((c for c in campagnes if str(c.pk) == wanted), campagnes[0])
    recos = list(m.Preconisation.objects.all())
    mine = {a.preconisation_id: a for a in campagne.avis.filter(institution=institution)} \
        if campagne and institution else {}
    errors = []
    if request.method == "POST" and campagne and institution:
        answers = []
        for reco in recos:
            avis = request.POST.get(f"avis-{reco.pk}", "")
            commentaire = request.POST.get(f"commentaire-{reco.pk}", "").strip()
            if not avis:
                if commentaire:
                    errors.append(f"Préconisation {reco.numero} : choisissez un avis pour accompagner votre "
                                  "commentaire.")
                continue
            if avis not in voc.AVIS_REPONSES:
                errors.append(f"Préconisation {reco.numero} : avis inconnu.")
                continue
            if avis != "accord" and not commentaire:
                errors.append(f"Préconisation {reco.numero} : expliquez vos réserves ou votre désaccord dans le "
                              "commentaire.")
            answers.append((reco, avis, commentaire))
        if not answers and not errors:
            errors.append("Donnez votre avis sur au moins une préconisation.")
        if not errors:
            with transaction.atomic():
                for reco, avis, commentaire in answers:
                    m.Consultation.objects.update_or_create(
                        campagne=campagne, preconisation=reco, institution=institution,
                        defaults={"avis": avis, "commentaire": commentaire, "date": today, "auteur": request.user})
                _audit(request, f"consultation « {campagne.intitule} »", modification="avis", institution=institution,
                       avis={r.code: a for r, a, _ in answers})
            messages.success(request, f"Avis de {institution} enregistrés : {len(answers)} préconisation(s).")
            return redirect(f"{reverse('evaluation:consultation_answer')}?consultation={campagne.pk}")
    rows = []
    for reco in recos:
        a = mine.get(reco.pk)
        rows.append({"reco": reco, "avis": request.POST.get(f"avis-{reco.pk}", a.avis if a else ""),
                     "commentaire": request.POST.get(f"commentaire-{reco.pk}", a.commentaire if a else "")})
    return render(request, "evaluation/consultation_answer.html", _context(
        request, institution=institution, campagne=campagne, campagnes=campagnes, rows=rows, errors=errors,
        avis_labels=voc.AVIS_REPONSES, title="Donner l’avis de mon institution"))


# ------------------------------------------------------------------------------------ follow-up


@requires("view_aggregates")
def suivi(request):
    return render(request, "evaluation/suivi.html", _context(
        request, rows=cm.follow_up(), statuts=voc.ACTION_STATUTS, status_form=forms.ActionStatutForm(),
        title="Suivi des préconisations"))


@requires("run_analyses")
def action_create(request, pk):
    reco = get_object_or_404(m.Preconisation, pk=pk)
    form = forms.ActionForm(request.POST or None, initial={"statut": "non_engagee", "responsable": reco.pilote})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            action = form.save(commit=False)
            action.preconisation, action.code = reco, cm.next_action_code()
            action.save()
            m.ActionStatut.objects.create(action=action, statut=action.statut, date=dt.date.today(),
                                          auteur=str(request.user), position=0)
            _audit(request, f"action {action.code}", modification="création", preconisation=reco.code,
                   statut=action.statut)
        messages.success(request, f"Action {action.code} ajoutée à la préconisation {reco.numero}.")
        return redirect("evaluation:suivi")
    return render(request, "evaluation/form.html", _context(
        request, form=form, title=f"Nouvelle action pour la préconisation {reco.numero}",
        back=reverse("evaluation:suivi")))


@requires("run_analyses")
def action_status(request, pk):
    action = get_object_or_404(m.Action, pk=pk)
    form = forms.ActionStatutForm(request.POST or None, initial={"statut": action.statut})
    if request.method == "POST" and form.is_valid():
        statut = form.cleaned_data["statut"]
        if statut == action.statut:
            messages.info(request, f"L’action {action.code} est déjà « {voc.ACTION_STATUTS[statut]} ».")
        else:
            cm.set_action_status(action, statut, auteur=str(request.user), request=request)
            messages.success(request, f"Action {action.code} : {voc.ACTION_STATUTS[statut].lower()}.")
        return redirect("evaluation:suivi")
    return render(request, "evaluation/form.html", _context(
        request, form=form, title=f"Statut de l’action {action.code}", back=reverse("evaluation:suivi")))


# ------------------------------------------------------------------------------------ mission plan


def _month_grid(year: int, month: int, jalons, comites) -> list[list[dict | None]]:
    events: dict[dt.date, list[str]] = {}
    for j in jalons:
        events.setdefault(j.date, []).append(f"{j.intitule} ({j.get_statut_display().lower()})")
    for c in comites:
        events.setdefault(c.date, []).append(c.intitule)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"day": d, "events": events.get(d, [])} if d.month == month else None for d in week])
    return weeks


@requires("view_aggregates")
def calendrier(request):
    jalons = list(m.Jalon.objects.all())
    comites = list(m.Comite.objects.all())
    dates = [j.date for j in jalons] + [c.date for c in comites]
    months = []
    if dates:
        y, mo = min(dates).year, min(dates).month
        end = (max(dates).year, max(dates).month)
        while (y, mo) <= end and len(months) < 36:
            months.append({"label": f"{MONTHS[mo - 1]} {y}", "weeks": _month_grid(y, mo, jalons, comites),
                           "slug": f"{y}-{mo:02d}"})
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return render(request, "evaluation/calendrier.html", _context(
        request, jalons=jalons, months=months, title="Calendrier de la mission",
        days=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")))


def _jalon_form(request, jalon):
    initial = {} if jalon else {"code": f"J{m.Jalon.objects.count() + 1}", "statut": "prevu"}
    form = forms.JalonForm(request.POST or None, instance=jalon, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save()
            _audit(request, f"jalon {obj.code}", modification="création" if jalon is None else "modification",
                   date=obj.date.isoformat(), statut=obj.statut)
        messages.success(request, f"Jalon « {obj.intitule} » enregistré.")
        return redirect("evaluation:calendrier")
    title = f"Modifier le jalon {jalon.code}" if jalon else "Nouveau jalon"
    return render(request, "evaluation/form.html", _context(request, form=form, title=title,
                                                            back=reverse("evaluation:calendrier")))


@requires("run_analyses")
def jalon_create(request):
    return _jalon_form(request, None)


@requires("run_analyses")
def jalon_edit(request, pk):
    return _jalon_form(request, get_object_or_404(m.Jalon, pk=pk))


@requires("run_analyses")
def modalites(request):
    from reperes.documents.docx import render_docx

    return _download(request, render_docx(cm.modalites_document()), DOCX, "modalites-operationnelles.docx",
                     "note de modalités opérationnelles (docx)")


# ------------------------------------------------------------------------------------ a recommendation's life


@requires("view_aggregates")
def preconisation_detail(request, pk):
    reco = get_object_or_404(m.Preconisation.objects.prefetch_related("constats"), pk=pk)
    team = request.user.can("run_analyses")
    institution = (request.user.organisation or "").strip()
    events = cm.history(reco, institution=institution, all_opinions=team)
    return render(request, "evaluation/preconisation.html", _context(
        request, reco=reco, standing=standing_of(reco), events=events, team=team,
        title=f"Préconisation {reco.numero}. {reco.titre}"))
