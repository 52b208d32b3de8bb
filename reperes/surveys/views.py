"""Thin views of surveys: questionnaires, campaigns, the public answering page, interviews and coding."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from reperes import mail
from reperes.accounts.decorators import requires
from reperes.audit.trail import client_ip, record
from reperes.referentiel.enquetes import AUDIENCES, PARTNER_AUDIENCES, SOURCES

from . import coding, services
from .masking import mask, mask_contacts, read_document
from .models import Campaign, Excerpt, FormVersion, Interview, Theme
from .xlsform import TYPE_LABELS, XLSFormError

RATE_LIMIT = 30  # requests per token and per address, per RATE_WINDOW seconds
RATE_WINDOW = 60
MAX_UPLOAD = 5 * 1024 * 1024


# ------------------------------------------------------------------------ helpers


def question_fields(questions, values: dict, errors: dict) -> list[dict]:
    """What the template needs to draw each question (labels, choices, values, errors)."""
    import json

    from . import expressions

    out = []
    for q in questions:
        if q.type in ("calculate",):
            continue
        relevant_json = ""
        if q.relevant:
            try:
                relevant_json = json.dumps(expressions.to_json(expressions.parse(q.relevant)))
            except expressions.ExpressionError:
                relevant_json = ""
        value = values.get(q.name)
        selected = set(value if isinstance(value, list) else [str(value)] if value not in (None, "") else [])
        out.append({
            "name": q.name, "type": q.type, "label": q.label, "hint": q.hint, "required": q.required,
            "conditional": bool(q.relevant), "relevant_json": relevant_json, "group_label": q.group_label, "id": f"q-{q.name}",
            "value": "" if value is None or isinstance(value, list) else value, "error": errors.get(q.name, ""),
            "choices": [{"value": c, "label": label, "checked": c in selected, "id": f"q-{q.name}-{i}"}
                        for i, (c, label) in enumerate(q.choices)],
            "is_choice": q.type in ("select_one", "select_multiple"), "multiple": q.type == "select_multiple",
            "input_type": {"integer": "number", "decimal": "text", "date": "date"}.get(q.type, "text"),
            "long": q.type == "text", "note": q.type == "note",
            "inputmode": {"integer": "numeric", "decimal": "decimal"}.get(q.type, ""),
            # the ids of the help, condition and error texts shown with the question (_questions.html)
            "describedby": " ".join(f"q-{q.name}-{suffix}" for suffix, shown in (
                ("aide", q.hint), ("condition", q.relevant), ("erreur", errors.get(q.name))) if shown),
        })
    return out


def raw_answers(post, questions) -> dict:
    raw = {}
    for q in questions:
        if q.type == "select_multiple":
            raw[q.name] = post.getlist(q.name)
        elif q.name in post:
            raw[q.name] = post.get(q.name, "")
    return raw


def _rate_limited(request, token: str) -> bool:
    keys = [f"surveys:rate:ip:{client_ip(request) or '-'}", f"surveys:rate:token:{token[:40]}"]
    limited = False
    for key in keys:
        cache.add(key, 0, RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, RATE_WINDOW)
            count = 1
        limited = limited or count > RATE_LIMIT
    return limited


# ------------------------------------------------------------------------ staff pages


def _upload_page(request, title: str, form, url_name: str):
    return render(request, "surveys/upload_page.html", {"title": title, "form": form, "url_name": url_name,
                                                        "multipart": any(isinstance(f.field, forms.FileField)
                                                                         for f in form)})


class FormUpload(forms.Form):
    prefix = "questionnaire"  # several forms share the home page: unique ids
    file = forms.FileField(label="Questionnaire XLSForm (.xlsx)",
                           help_text="Feuilles survey, choices et settings ; libellés en français.")


class CampaignForm(forms.ModelForm):
    prefix = "campagne"

    class Meta:
        model = Campaign
        fields = ("name", "form_version", "anonymous", "closes_on", "collector", "purpose", "retention", "contact")
        widgets = {"closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_version"].queryset = FormVersion.objects.select_related("form").order_by("form__title",
                                                                                                   "-number")


class PartnerForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    email = forms.EmailField(label="Courriel")
    audience = forms.ChoiceField(label="Public", choices=[(a, AUDIENCES[a]) for a in PARTNER_AUDIENCES])


class ParticipantsForm(forms.Form):
    count = forms.IntegerField(label="Nombre de liens participants à créer", min_value=1, max_value=500)


class AnswersUpload(forms.Form):
    form_version = forms.ModelChoiceField(label="Questionnaire", queryset=FormVersion.objects.none())
    file = forms.FileField(label="Export des réponses (CSV, XLSX ou ZIP d'ODK Central)",
                           help_text="KoboToolbox, ODK Central ou LimeSurvey.")
    audience = forms.ChoiceField(label="Public des répondants", required=False,
                                 choices=[("", "indiqué dans le fichier")] + list(AUDIENCES.items()))
    mapping = forms.CharField(label="Correspondance colonne → question (une par ligne : colonne,question)",
                              required=False, widget=forms.Textarea(attrs={"rows": 4}))
    store = forms.BooleanField(label="Enregistrer les réponses (sinon : vérifier seulement)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_version"].queryset = FormVersion.objects.select_related("form").order_by("form__title",
                                                                                                   "-number")


class InterviewUpload(forms.Form):
    prefix = "entretien"
    title = forms.CharField(label="Titre", max_length=200)
    audience = forms.ChoiceField(label="Public", choices=list(AUDIENCES.items()))
    held_on = forms.DateField(label="Date de l'entretien", widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="Notes ou transcription (TXT, DOCX ou ODT)")


@requires("run_analyses")
def home(request):
    from .models import Form

    campaigns = list(Campaign.objects.select_related("form_version__form"))
    rates = services.campaign_rates(campaigns)
    return render(request, "surveys/home.html", {
        "forms": Form.objects.prefetch_related("versions").order_by("title"),
        "builtin_missing": not Form.objects.filter(builtin=True).exists(),
        "campaigns": [{"campaign": c, **rates.get(c.pk, {"invited": 0, "answered": 0, "rate": None})}
                      for c in campaigns],
        "interviews": Interview.objects.all()[:50],
        "upload": FormUpload(), "campaign_form": CampaignForm(), "interview_form": InterviewUpload(),
    })


@requires("run_analyses")
def form_import(request):
    if request.method != "POST":
        return _upload_page(request, "Importer un questionnaire XLSForm", FormUpload(), "surveys:form_import")
    upload = FormUpload(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, "Choisissez un fichier XLSForm (.xlsx).")
        return redirect("surveys:home")
    file = upload.cleaned_data["file"]
    if file.size > MAX_UPLOAD:
        messages.error(request, "Le fichier dépasse 5 Mo : est-ce bien un questionnaire ?")
        return redirect("surveys:home")
    try:
        result = services.import_form(file.read(), file.name)
    except XLSFormError as exc:
        return render(request, "surveys/form_errors.html", {"messages_list": exc.messages, "filename": file.name},
                      status=400)
    record("import", request=request, target=f"questionnaire {result.version.form.form_id}",
           version=result.version.number)
    messages.success(request, f"Questionnaire « {result.version.title} » importé : version {result.version.number}, "
                              f"{result.version.question_count} questions.")
    return redirect("surveys:form_detail", pk=result.version.pk)


@requires("run_analyses")
def builtin_install(request):
    """Install (or bring up to date) the questionnaires that come with Repères, in one click."""
    from .builtin import BUILTIN_DESCRIPTIONS, ensure_builtin_forms

    if request.method == "POST":
        results = ensure_builtin_forms()
        new = [r for r in results if r.created]
        for result in new:
            record("import", request=request, target=f"questionnaire {result.version.form.form_id}",
                   version=result.version.number)
        messages.success(request, f"Questionnaires fournis installés : {len(new)} nouveau(x), "
                                  f"{len(results) - len(new)} déjà à jour." if new else
                         "Les questionnaires fournis sont déjà installés et à jour.")
        return redirect("surveys:home")
    return render(request, "surveys/builtin.html", {"descriptions": BUILTIN_DESCRIPTIONS})


@requires("run_analyses")
def form_detail(request, pk: int):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    questions = version.questions()
    return render(request, "surveys/form_detail.html", {
        "version": version, "questions": [{"q": q, "type_label": TYPE_LABELS.get(q.type, q.type)} for q in questions],
        "others": version.form.versions.exclude(pk=version.pk)})


@requires("run_analyses")
def form_export(request, pk: int):
    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    record("export", request=request, target=f"questionnaire {version.form.form_id}", version=version.number)
    response = HttpResponse(bytes(version.source_file),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{version.form.form_id}-v{version.number}.xlsx"'
    return response


@requires("run_analyses")
def campaign_create(request):
    if request.method != "POST":
        return _upload_page(request, "Créer une campagne d'enquête", CampaignForm(), "surveys:campaign_create")
    form = CampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La campagne n'est pas créée : " + " ".join(
            f"{form.fields[f].label if f in form.fields else ''} : {' '.join(e)}" for f, e in form.errors.items()))
        return redirect("surveys:home")
    campaign = form.save(commit=False)
    campaign.created_by = request.user
    campaign.save()
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@requires("view_rows")
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("form_version__form"), pk=pk)
    partner_form, participants_form = PartnerForm(), ParticipantsForm()
    if request.method == "POST":
        if request.POST.get("action") in ("invite", "remind"):
            reminder = request.POST["action"] == "remind"
            result = services.send_invitations(
                campaign, lambda token: request.build_absolute_uri(reverse("surveys:answer", args=[token])),
                reminder=reminder)
            if result.sent:
                record("export", request=request, target=f"campagne {campaign.pk}",
                       courriels=result.sent, envoi="relance" if reminder else "invitation")
                messages.success(request, f"{result.sent} {'relance' if reminder else 'invitation'}"
                                          f"{'s' if result.sent > 1 else ''} envoyée{'s' if result.sent > 1 else ''}"
                                          " par courriel, chacune avec son lien personnel.")
            if result.error:
                messages.error(request, result.error)
            elif not result.sent:
                messages.info(request, "Personne à qui écrire : tous les répondants qui ont une adresse ont "
                                       "déjà reçu ce message ou ont répondu.")
            return redirect("surveys:campaign_detail", pk=pk)
        if request.POST.get("action") == "partner":
            partner_form = PartnerForm(request.POST)
            if partner_form.is_valid():
                services.add_partner(campaign, **partner_form.cleaned_data)
                messages.success(request, "Partenaire ajouté.")
                return redirect("surveys:campaign_detail", pk=pk)
        elif request.POST.get("action") == "participants":
            participants_form = ParticipantsForm(request.POST)
            if participants_form.is_valid():
                created = services.add_participants(campaign, participants_form.cleaned_data["count"])
                messages.success(request, f"{len(created)} liens participants créés.")
                return redirect("surveys:campaign_detail", pk=pk)
    record("consultation_individuelle", request=request, target=f"campagne {campaign.pk}")
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign, "rates": services.response_rates(campaign),
        "to_remind": services.to_remind(campaign), "respondents": campaign.respondents.all(),
        "to_invite_count": services.to_invite(campaign).count(),
        "to_remind_by_email_count": services.to_remind_by_email(campaign).count(),
        "mail_configured": mail.configured(), "mail_not_configured": mail.NOT_CONFIGURED,
        "partner_form": partner_form, "participants_form": participants_form,
        "answer_base": request.build_absolute_uri("/enquetes/repondre/"),
    })


@requires("view_rows")
def letters(request, pk: int):
    import segno

    campaign = get_object_or_404(Campaign, pk=pk)
    items = []
    for respondent in campaign.respondents.filter(audience="participant", answered_at__isnull=True):
        url = request.build_absolute_uri(f"/enquetes/repondre/{respondent.token}/")
        qr = segno.make(url, error="m")
        items.append({"respondent": respondent, "url": url,
                      "qr": qr.svg_inline(scale=3, title=f"Code QR du lien de réponse {respondent.pseudonym}")})
    record("consultation_individuelle", request=request, target=f"courriers campagne {campaign.pk}")
    return render(request, "surveys/letters.html", {"campaign": campaign, "items": items})


@requires("view_rows")
def enter(request, pk: int):
    """Paper and phone answers, typed in by staff through the same form."""
    campaign = get_object_or_404(Campaign.objects.select_related("form_version__form"), pk=pk)
    questions = campaign.form_version.questions()
    values, errors = {}, {}
    pending = campaign.respondents.filter(answered_at__isnull=True)
    if request.method == "POST":
        raw = raw_answers(request.POST, questions)
        answers, errors = services.clean_answers(questions, raw)
        source = request.POST.get("source", "papier")
        audience = request.POST.get("audience", "")
        respondent = pending.filter(pk=request.POST.get("respondent") or 0).first()
        if source not in SOURCES or audience not in AUDIENCES:
            errors["general"] = "Choisissez l'origine et le public de la réponse."
        if not errors:
            services.enter_on_behalf(campaign.form_version, answers, audience=respondent.audience if respondent
                                     else audience, source=source, user=request.user, campaign=campaign,
                                     respondent=respondent)
            messages.success(request, "Réponse enregistrée.")
            return redirect("surveys:enter", pk=pk)
        values = raw
    # The page lists the respondents still expected (pseudonyms, public): a view of individual data.
    record("consultation_individuelle", request=request, target=f"saisie campagne {campaign.pk}",
           en_attente=pending.count())
    return render(request, "surveys/enter.html", {
        "campaign": campaign, "fields": question_fields(questions, values, errors), "errors": errors,
        "sources": [(k, v) for k, v in SOURCES.items() if k in ("papier", "telephone")],
        "audiences": list(AUDIENCES.items()), "pending": pending}, status=400 if errors else 200)


# ------------------------------------------------------------------------ public answering page


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    if _rate_limited(request, token):
        return render(request, "surveys/answer_refused.html", {
            "title": "Trop de tentatives",
            "reason": "Trop de demandes en peu de temps depuis votre connexion. Patientez une minute puis "
                      "rechargez la page : vos réponses enregistrées sont conservées."}, status=429)
    try:
        respondent = services.respondent_for_token(token)
    except services.TokenRefused as refused:
        return render(request, "surveys/answer_refused.html", {"title": refused.title, "reason": refused.reason},
                      status=410 if "déjà" in refused.reason or "close" in refused.reason else 404)
    campaign = respondent.campaign
    questions = campaign.form_version.questions()
    values, errors = dict(respondent.draft), {}
    saved = False
    if request.method == "POST":
        raw = raw_answers(request.POST, questions)
        if request.POST.get("action") == "save":
            services.save_draft(respondent, raw)
            values, saved = dict(respondent.draft), True
        else:
            answers, errors = services.clean_answers(questions, raw)
            if not errors:
                try:
                    services.submit(respondent, answers)
                except services.TokenRefused as refused:
                    return render(request, "surveys/answer_refused.html",
                                  {"title": refused.title, "reason": refused.reason}, status=410)
                return render(request, "surveys/answer_thanks.html", {"campaign": campaign})
            values = raw
    return render(request, "surveys/answer.html", {
        "campaign": campaign, "title": campaign.form_version.title, "respondent": respondent,
        "fields": question_fields(questions, values, errors), "errors": errors, "saved": saved,
        "error_count": len(errors)}, status=400 if errors else 200)


# ------------------------------------------------------------------------ interviews and coding


@requires("run_analyses")
def interview_upload(request):
    if request.method != "POST":
        return _upload_page(request, "Déposer un entretien", InterviewUpload(), "surveys:interview_upload")
    """Read and mask the file, then show the review screen: nothing is stored before it is confirmed."""
    form = InterviewUpload(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "L'entretien n'est pas enregistré : indiquez un titre, un public, une date et un "
                                "fichier TXT, DOCX ou ODT.")
        return redirect("surveys:home")
    file = form.cleaned_data["file"]
    if file.size > MAX_UPLOAD:
        messages.error(request, "Le fichier dépasse 5 Mo.")
        return redirect("surveys:home")
    try:
        text = read_document(file.read(), file.name)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:home")
    result = mask(text)
    return render(request, "surveys/interview_review.html", {
        "result": result, "counts": {k: result.counts().get(k, 0) for k in ("[PERSONNE]", "[COURRIEL]",
                                                                            "[TÉLÉPHONE]", "[ADRESSE]")},
        "data": form.cleaned_data, "source_name": file.name, "audiences": list(AUDIENCES.items())})


@requires("run_analyses")
def interview_confirm(request):
    if request.method != "POST":
        return _upload_page(request, "Déposer un entretien", InterviewUpload(), "surveys:interview_upload")
    title = request.POST.get("title", "").strip()[:200]
    audience = request.POST.get("audience", "")
    text = request.POST.get("text", "")
    try:
        held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
    except ValueError:
        held_on = None
    if not title or audience not in AUDIENCES or held_on is None or not text.strip():
        messages.error(request, "L'entretien n'est pas enregistré : titre, public, date et texte sont nécessaires.")
        return redirect("surveys:home")
    interview = Interview.objects.create(
        title=title, audience=audience, held_on=held_on, text=mask_contacts(text),
        source_name=request.POST.get("source_name", "")[:255], reviewed=True, created_by=request.user)
    record("import", request=request, target=f"entretien {interview.pk}")
    messages.success(request, "Entretien enregistré, données personnelles masquées.")
    return redirect("surveys:interview_detail", pk=interview.pk)


@requires("view_rows")
def interview_detail(request, pk: int):
    interview = get_object_or_404(Interview, pk=pk)
    coding.seed_codebook()
    themes = Theme.objects.all()
    if request.method == "POST":
        theme = themes.filter(pk=request.POST.get("theme") or 0).first()
        excerpt = request.POST.get("excerpt", "").strip()
        if theme is None or not excerpt:
            messages.error(request, "Choisissez un thème et copiez l'extrait à coder.")
        else:
            coding.tag(theme, excerpt, audience=interview.audience, interview=interview)
            messages.success(request, f"Extrait codé « {theme.label} ».")
            return redirect("surveys:interview_detail", pk=pk)
    record("consultation_individuelle", request=request, target=f"entretien {interview.pk}")
    return render(request, "surveys/interview_detail.html", {
        "interview": interview, "themes": themes,
        "suggestions": coding.suggest_themes(interview.text, themes),
        "excerpts": Excerpt.objects.filter(interview=interview).select_related("theme")})


@requires("run_analyses")
def synthesis_view(request):
    coding.seed_codebook()
    tables = []
    for version in FormVersion.objects.filter(responses__isnull=False).distinct().select_related("form"):
        for question in version.questions():
            if question.type in ("select_one", "select_multiple"):
                result = coding.tabulate_closed(version, question.name)
                if result["rows"]:
                    tables.append({"version": version, **result,
                                   "rows": [{**row, "cells": [row["counts"].get(c) for c, _ in result["choices"]]}
                                            for row in result["rows"]]})
    return render(request, "surveys/synthesis.html", {"themes": coding.synthesis(), "tables": tables})


@requires("run_analyses")
def answers_import(request):
    """Import answers from another tool; unmatched columns get a proposed question to confirm."""
    from .answers_import import import_answers, propose_mapping, read_mapping, read_table

    if request.method != "POST":
        return _upload_page(request, "Importer des réponses", AnswersUpload(), "surveys:answers_import")
    form = AnswersUpload(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, "Importer des réponses", form, "surveys:answers_import")
    data = form.cleaned_data
    file = data["file"]
    content = file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        messages.error(request, "Le fichier dépasse 5 Mo.")
        return _upload_page(request, "Importer des réponses", AnswersUpload(), "surveys:answers_import")
    version = data["form_version"]
    mapping = {}
    if data["mapping"].strip():
        mapping = read_mapping(data["mapping"].encode("utf-8"), "correspondance.csv")
    report = import_answers(version, content, file.name, mapping=mapping, audience=data["audience"],
                            dry_run=not data["store"])
    proposals = {}
    try:
        headers = read_table(content, file.name)[0]
        proposals = {h: q for h, q in propose_mapping(headers, version.questions()).items() if h not in mapping}
    except ValueError:
        pass
    if report.stored:
        record("import", request=request, target=f"réponses {version.form.form_id}", status=report.status,
               accepted=report.accepted, rejected=report.rejected, skipped=report.skipped)
    mapping_text = "\n".join(f"{k},{v}" for k, v in {**mapping, **proposals}.items())
    again = AnswersUpload(initial={"form_version": version.pk, "audience": data["audience"], "mapping": mapping_text,
                                   "store": True})
    return render(request, "surveys/answers_import.html", {
        "report": report.as_json(), "stored": report.stored, "proposals": proposals, "form": again,
        "version": version}, status=200)


@requires("view_rows")
def open_answers(request, pk: int):
    """The open answers of a questionnaire (masked when shown), to tag with a theme."""
    from .masking import mask_text
    from .models import Response

    version = get_object_or_404(FormVersion.objects.select_related("form"), pk=pk)
    coding.seed_codebook()
    themes = Theme.objects.all()
    if request.method == "POST":
        theme = themes.filter(pk=request.POST.get("theme") or 0).first()
        response = Response.objects.filter(form_version__form=version.form, pk=request.POST.get("response") or 0).first()
        excerpt = request.POST.get("excerpt", "").strip()
        if theme is None or response is None or not excerpt:
            messages.error(request, "Choisissez un thème et gardez un extrait non vide.")
        else:
            coding.tag(theme, excerpt, audience=response.audience or "acteur", response=response,
                       question=request.POST.get("question", "")[:120])
            messages.success(request, f"Extrait codé « {theme.label} ».")
        return redirect("surveys:open_answers", pk=pk)
    text_questions = [q for q in version.questions() if q.type == "text"]
    items = []
    responses = Response.objects.filter(form_version__form=version.form).order_by("-submitted_at")[:200]
    for response in responses:
        for q in text_questions:
            value = response.answers.get(q.name)
            if isinstance(value, str) and value.strip():
                items.append({"response": response, "question": q, "text": mask_text(value)})
    record("consultation_individuelle", request=request, target=f"réponses ouvertes {version.form.form_id}")
    return render(request, "surveys/open_answers.html", {"version": version, "items": items, "themes": themes})


# --------------------------------------------------------------------------- codebook


class ThemeForm(forms.ModelForm):
    """A theme of the codebook: label, description, keywords (for suggestions), parent theme."""

    keywords_text = forms.CharField(
        label="Mots-clés", required=False, max_length=2000,
        help_text="Séparés par des virgules, au singulier et à l'infinitif (« enfant », « garder ») : ils servent à "
                  "suggérer ce thème pour un extrait, quels que soient les accents et les accords du texte.")

    class Meta:
        model = Theme
        fields = ("label", "description", "parent")
        labels = {"label": "Thème", "description": "Ce que le thème recouvre", "parent": "Sous-thème de"}
        error_messages = {"label": {"required": "Donnez un nom au thème."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Theme.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["keywords_text"].initial = ", ".join(self.instance.keywords)
            if self.instance.children.exists():  # a theme with sub-themes stays at the top
                parents = parents.none()
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "— thème principal —"
        self.fields["parent"].required = False

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError("Donnez un nom au thème.")
        if Theme.objects.filter(label__iexact=label).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Un thème porte déjà ce nom : choisissez-en un autre.")
        return label

    def save(self, commit=True):
        from django.utils.text import slugify

        theme = super().save(commit=False)
        theme.keywords = [k.strip() for k in self.cleaned_data["keywords_text"].split(",") if k.strip()]
        if not theme.code:
            base = slugify(theme.label)[:50] or "theme"
            code, n = base, 2
            while Theme.objects.filter(code=code).exists():
                code, n = f"{base}-{n}", n + 1
            theme.code = code
        if commit:
            theme.save()
        return theme


@requires("run_analyses")
def codebook(request):
    """The codebook: every theme and sub-theme, its keywords and how many excerpts it holds; add a theme."""
    coding.seed_codebook()
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        theme = form.save()
        messages.success(request, f"Thème « {theme.label} » ajouté à la grille de codage.")
        return redirect("surveys:codebook")
    themes = Theme.objects.filter(parent__isnull=True).prefetch_related("children")
    counts = dict(Excerpt.objects.values_list("theme").annotate(n=models.Count("id")))
    rows = []
    for theme in themes:
        rows.append({"theme": theme, "depth": 0, "excerpts": counts.get(theme.pk, 0)})
        rows.extend({"theme": child, "depth": 1, "excerpts": counts.get(child.pk, 0)}
                    for child in theme.children.all())
    return render(request, "surveys/codebook.html", {"rows": rows, "form": form},
                  status=400 if form.errors else 200)


@requires("run_analyses")
def theme_edit(request, pk: int):
    """Rename a theme, change its keywords or parent; or delete it with its coded excerpts."""
    theme = get_object_or_404(Theme, pk=pk)
    excerpts = theme.excerpts.count() + Excerpt.objects.filter(theme__parent=theme).count()
    if request.method == "POST" and "supprimer" in request.POST:
        label = theme.label
        theme.delete()
        messages.success(request, f"Thème « {label} » supprimé de la grille, avec ses {excerpts} extrait(s) codé(s)."
                         if excerpts else f"Thème « {label} » supprimé de la grille.")
        return redirect("surveys:codebook")
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Thème « {theme.label} » enregistré.")
        return redirect("surveys:codebook")
    return render(request, "surveys/theme_edit.html", {"theme": theme, "form": form, "excerpts": excerpts},
                  status=400 if form.errors else 200)
