"""The evaluation register's pages: questions, findings and their evidence, recommendations, traceability.

Thin views over :mod:`reperes.evaluation.services`. The chargé d'étude and the
administrator edit (``run_analyses``); partners read (``view_aggregates``), every
figure resolved with the disclosure rules and no partner opinion shown. Every
change is written to the audit trail.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.referentiel import evaluation as voc

from . import forms, services
from . import models as m
from .evidence import Resolver, indicator_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _resolver(request) -> Resolver:
    return Resolver(diffusion=not request.user.can("view_raw_aggregates"))


def _audit(request, target: str, **details) -> None:
    record(Action.EVALUATION, request=request, target=target, **details)


def _context(request, **extra) -> dict:
    return {"can_edit": request.user.can("run_analyses"), "criteres": voc.CRITERES, **extra}


# ------------------------------------------------------------------------------------ questions


@requires("view_aggregates")
def home(request):
    if request.user.can("run_analyses") and services.seed_questions():
        _audit(request, "questions de l'appel proposées", nombre=len(voc.QUESTIONS_APPEL))
    return render(request, "evaluation/home.html", _context(
        request, groups=services.questions_by_criterion(), title="Évaluation : les questions",
        counts={"constats": m.Constat.objects.count(), "preconisations": m.Preconisation.objects.count()}))


def _save_form(request, form, target: str, next_url: str, template: str, title: str, **extra):
    if request.method == "POST" and form.is_valid():
        adding = form.instance._state.adding
        with transaction.atomic():
            obj = form.save()
            _audit(request, f"{target} {obj.code}", modification="création" if adding else "modification")
        messages.success(request, f"{target.capitalize()} {obj.code} enregistrée.")
        return redirect(next_url.format(pk=obj.pk))
    return render(request, template, _context(request, form=form, title=title, **extra))


@requires("run_analyses")
def question_create(request):
    form = forms.QuestionForm(request.POST or None, initial={"code": services.next_code(m.Question, "Q")})
    return _save_form(request, form, "question", reverse("evaluation:home"), "evaluation/form.html",
                      "Nouvelle question évaluative", back=reverse("evaluation:home"))


@requires("run_analyses")
def question_edit(request, pk):
    question = get_object_or_404(m.Question, pk=pk)
    form = forms.QuestionForm(request.POST or None, instance=question)
    return _save_form(request, form, "question", reverse("evaluation:home"), "evaluation/form.html",
                      f"Modifier la question {question.code}", back=reverse("evaluation:home"))


# ------------------------------------------------------------------------------------ findings


@requires("view_aggregates")
def constats(request):
    resolver = _resolver(request)
    rows = []
    for k in m.Constat.objects.prefetch_related("questions", "preuves", "preconisations"):
        evidence = services.evidence_of(k, resolver)
        rows.append({"constat": k, "evidence": evidence, "a_revoir": sum(e.a_revoir for e in evidence)})
    return render(request, "evaluation/constats.html", _context(request, rows=rows, title="Constats et preuves"))


@requires("view_aggregates")
def constat_detail(request, pk):
    constat = get_object_or_404(m.Constat.objects.prefetch_related("questions", "preconisations"), pk=pk)
    resolver = _resolver(request)
    return render(request, "evaluation/constat.html", _context(
        request, constat=constat, evidence=services.evidence_of(constat, resolver), diffusion=resolver.diffusion,
        seuil=resolver.seuil, title=f"Constat {constat.code}"))


@requires("run_analyses")
def constat_create(request):
    form = forms.ConstatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            constat = form.save(commit=False)
            constat.code = services.next_code(m.Constat, "C")
            constat.position = m.Constat.objects.count()
            constat.save()
            form.save_m2m()
            _audit(request, f"constat {constat.code}", modification="création")
        messages.success(request, f"Constat {constat.code} enregistré. Ajoutez-lui ses preuves.")
        return redirect("evaluation:constat_detail", pk=constat.pk)
    return render(request, "evaluation/form.html", _context(request, form=form, title="Nouveau constat",
                                                            back=reverse("evaluation:constats")))


@requires("run_analyses")
def constat_edit(request, pk):
    constat = get_object_or_404(m.Constat, pk=pk)
    form = forms.ConstatForm(request.POST or None, instance=constat)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _audit(request, f"constat {constat.code}", modification="modification")
        messages.success(request, f"Constat {constat.code} enregistré.")
        return redirect("evaluation:constat_detail", pk=constat.pk)
    return render(request, "evaluation/form.html", _context(
        request, form=form, title=f"Modifier le constat {constat.code}",
        back=reverse("evaluation:constat_detail", args=[constat.pk])))


@requires("run_analyses")
def preuve_add(request, pk):
    constat = get_object_or_404(m.Constat, pk=pk)
    form = forms.PreuveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.utils import timezone

        data = form.cleaned_data
        kind = data["type"]
        fields = {"document": ("titre", "source"), "verbatim": ("theme", "texte"), "matrice": ("besoin", "epci")}[kind]
        with transaction.atomic():
            m.Preuve.objects.create(constat=constat, type=kind, position=constat.preuves.count(),
                                    retenue_le=timezone.now(), retenue_par=request.user,
                                    **{name: data[name].strip() for name in fields})
            _audit(request, f"constat {constat.code}", modification="preuve ajoutée", type=kind)
        messages.success(request, "Preuve ajoutée.")
        return redirect("evaluation:constat_detail", pk=constat.pk)
    return render(request, "evaluation/form.html", _context(
        request, form=form, title=f"Ajouter une preuve au constat {constat.code}",
        back=reverse("evaluation:constat_detail", args=[constat.pk])))


@requires("run_analyses")
def preuve_delete(request, pk):
    preuve = get_object_or_404(m.Preuve.objects.select_related("constat"), pk=pk)
    constat = preuve.constat
    if request.method == "POST":
        if constat.preuves.count() <= 1:
            messages.error(request, "Un constat garde au moins une preuve : ajoutez-en une autre avant de retirer "
                                    "celle-ci.")
        else:
            with transaction.atomic():
                preuve.delete()
                _audit(request, f"constat {constat.code}", modification="preuve retirée")
            messages.success(request, "Preuve retirée du constat.")
        return redirect("evaluation:constat_detail", pk=constat.pk)
    shown = services.show(preuve, _resolver(request))
    return render(request, "evaluation/preuve_delete.html", _context(
        request, preuve=preuve, shown=shown, constat=constat, title="Retirer une preuve"))


# ------------------------------------------------------------------------------------ retain from the analyses


@requires("run_analyses")
def retain(request):
    """« Retenir comme preuve »: a figure of the analyses, a cell of the matrix or a coded excerpt."""
    from reperes.configuration.models import Installation

    params = request.POST if request.method == "POST" else request.GET
    kind = params.get("type") or "indicateur"
    default_debut, default_fin = Installation.get().default_period()
    initial = {"debut": forms.parse_date(params.get("debut")) or default_debut,
               "fin": forms.parse_date(params.get("fin")) or default_fin, "origine": params.get("origine", "")}
    describe = services.describe_period(initial["debut"], initial["fin"])
    if kind == "matrice":
        besoin = params.get("besoin") or services.barrier_of_category(params.get("thematique", ""))
        if not besoin:
            raise Http404("Cette catégorie ne correspond à aucun frein du référentiel.")
        initial.update(besoin=besoin, cellule_epci=params.get("cellule_epci", ""))
        form = forms.RetainMatrixForm(request.POST or None, initial=initial)
        describe = f"{services.matrix_label(besoin, initial['cellule_epci'])}, {describe}"
    elif kind == "benchmark":
        from reperes.benchmark.indicators import BY_ID as SHEET_INDICATORS

        indicateur = params.get("indicateur", "")
        if indicateur not in SHEET_INDICATORS:
            raise Http404("Cet indicateur n'est pas dans la fiche PLIE.")
        initial.update(indicateur=indicateur, plie=params.get("plie", ""), annee=params.get("annee", ""))
        form = forms.RetainBenchmarkForm(request.POST or None, initial=initial)
        describe = f"{SHEET_INDICATORS[indicateur].label} de {initial['plie']}, {initial['annee']} (comparaison)"
    elif kind == "verbatim":
        theme, citation = services.excerpt(params.get("extrait"))
        initial.update(theme=params.get("theme") or theme, citation=params.get("citation") or citation)
        form = forms.RetainVerbatimForm(request.POST or None, initial=initial)
        describe = f"verbatim du thème « {initial['theme']} »"
    else:
        kind = "indicateur"
        choices = services.indicator_choices(params.get("bloc", ""))
        if params.get("indicateur") and params["indicateur"] not in dict(choices):
            choices = [(params["indicateur"], indicator_label(params["indicateur"])), *choices]
        initial.update(epci=params.get("epci", ""), profil=params.get("profil", ""),
                       indicateur=params.get("indicateur", ""))
        form = forms.RetainIndicatorForm(request.POST or None, choices=choices, initial=initial)
        filtres = services.describe_filters({"epci": initial["epci"], "profil": initial["profil"]})
        describe += f" ; {filtres}" if filtres else ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            constat = data["constat"]
            if constat is None:
                constat = m.Constat.objects.create(code=services.next_code(m.Constat, "C"), texte=data["texte"].strip(),
                                                   position=m.Constat.objects.count())
                constat.questions.set(data["questions"])
            preuve = services.retain(constat, kind, data, user=request.user)
            details = {"indicateur": preuve.indicateur, "debut": str(preuve.debut or ""), "fin": str(preuve.fin or ""),
                       "besoin": preuve.besoin, "epci": preuve.epci, "theme": preuve.theme, "plie": preuve.plie,
                       "annee": preuve.annee}
            _audit(request, f"constat {constat.code}", modification="preuve retenue", type=kind,
                   **{k: v for k, v in details.items() if v})
        messages.success(request, f"Preuve retenue pour le constat {constat.code}.")
        return redirect("evaluation:constat_detail", pk=constat.pk)
    return render(request, "evaluation/retain.html", _context(
        request, form=form, describe=describe, kind=kind, title="Retenir comme preuve",
        has_questions=m.Question.objects.exists()))


# ------------------------------------------------------------------------------------ recommendations


@requires("view_aggregates")
def preconisations(request):
    from .standing import standings

    resolver = _resolver(request)
    recos = list(m.Preconisation.objects.prefetch_related("constats"))
    standing = standings(recos)
    rows = [{"reco": r, "standing": standing[r.pk], "cible": services.cible_text(r, resolver)} for r in recos]
    return render(request, "evaluation/preconisations.html", _context(
        request, rows=rows, title="Registre des préconisations", articles=voc.ARTICLES, priorites=voc.PRIORITES))


def _reco_form(request, reco, title):
    initial = {} if reco is not None else {"numero": services.next_numero()}
    form = forms.PreconisationForm(request.POST or None, instance=reco, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save(commit=False)
            if not obj.code:
                obj.code = services.next_code(m.Preconisation, "R")
            obj.save()
            form.save_m2m()
            _audit(request, f"préconisation {obj.code}", modification="création" if reco is None else "modification")
        messages.success(request, f"Préconisation n° {obj.numero} enregistrée.")
        return redirect("evaluation:preconisations")
    return render(request, "evaluation/form.html", _context(request, form=form, title=title,
                                                            back=reverse("evaluation:preconisations")))


@requires("run_analyses")
def preconisation_create(request):
    return _reco_form(request, None, "Nouvelle préconisation")


@requires("run_analyses")
def preconisation_edit(request, pk):
    reco = get_object_or_404(m.Preconisation, pk=pk)
    return _reco_form(request, reco, f"Modifier la préconisation n° {reco.numero}")


# ------------------------------------------------------------------------------------ traceability


@requires("view_aggregates")
def trace(request):
    resolver = _resolver(request)
    data = services.traceability(resolver)
    return render(request, "evaluation/trace.html", _context(request, title="Traçabilité", **data))


# ------------------------------------------------------------------------------------ exports and import


@requires("view_aggregates")
def register_export(request, fmt):
    from reperes import spreadsheets
    from reperes.configuration.models import Installation

    resolver = _resolver(request)
    if fmt == "xlsx":
        content = spreadsheets.xlsx_bytes({"Préconisations": (services.REGISTER_HEADERS, services.register_rows(resolver))})
        content_type = XLSX
    elif fmt == "docx":
        from reperes.documents.docx import render_docx

        content = render_docx(services.register_document(resolver, Installation.get().plie_name or "PLIE"))
        content_type = DOCX
    else:
        raise Http404
    record(Action.EXPORT, request=request, target=f"registre des préconisations ({fmt})",
           diffusion=resolver.diffusion)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="registre-preconisations.{fmt}"'
    return response


@requires("view_aggregates")
def export_json(request):
    from .exchange import export

    diffusion = not request.user.can("view_raw_aggregates")
    payload = export(diffusion=diffusion, resolver=_resolver(request))
    record(Action.EXPORT, request=request, target="évaluation (reperes-evaluation/1)", diffusion=diffusion)
    response = HttpResponse(json.dumps(payload, ensure_ascii=False, indent=1, default=str),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="evaluation.json"'
    return response


@requires("run_analyses")
def import_file(request):
    from .exchange import InvalidFile
    from .exchange import import_file as run_import

    problems, report = [], None
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            problems = ["Choisissez un fichier JSON au format reperes-evaluation/1."]
        else:
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
                report = run_import(data, dry_run=bool(request.POST.get("dry_run")), user=request.user,
                                    request=request)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                problems = [f"Ce fichier n’est pas un JSON lisible en UTF-8 : {error}."]
            except InvalidFile as invalid:
                problems = [str(p) for p in invalid.problems]
    return render(request, "evaluation/import.html", _context(
        request, problems=problems, report=report.as_dict() if report else None,
        title="Importer un fichier d’évaluation"))
