"""The « Livrables » page: customise, generate, read and download the intermediate report."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import client_ip, record
from reperes.configuration.models import Installation

from . import jobs, services
from .forms import CommentsForm, GenerateForm, TemplateForm, TextsForm, default_dates
from .models import GeneratedReport, ReportSettings, SectionComment

logger = logging.getLogger(__name__)


def _comments() -> dict[str, str]:
    return dict(SectionComment.objects.values_list("slug", "text"))


@requires("run_analyses")
def home(request):
    report_settings = ReportSettings.get()
    installation = Installation.get()
    generate_form = GenerateForm(initial=default_dates(installation), prefix="gen")
    texts_form = TextsForm(instance=report_settings, prefix="txt")
    template_form = TemplateForm(prefix="tpl")
    comments_form = CommentsForm(initial_texts=_comments(), prefix="com")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "generate":
            generate_form = GenerateForm(request.POST, prefix="gen")
            if generate_form.is_valid():
                return _generate(request, generate_form)
        elif action == "texts":
            texts_form = TextsForm(request.POST, instance=report_settings, prefix="txt")
            if texts_form.is_valid():
                texts_form.save()
                messages.success(request, "Textes enregistrés : ils figureront dans le prochain rapport généré.")
                return redirect("reports:home")
        elif action == "template":
            template_form = TemplateForm(request.POST, request.FILES, prefix="tpl")
            if template_form.is_valid():
                upload = template_form.cleaned_data["modele"]
                if report_settings.template:
                    report_settings.template.delete(save=False)
                report_settings.template.save("modele.docx", upload, save=False)
                report_settings.template_name = upload.name[:300]
                report_settings.save()
                messages.success(request, f"Modèle Word « {upload.name} » enregistré.")
                return redirect("reports:home")
        elif action == "template_delete":
            if report_settings.template:
                report_settings.template.delete(save=False)
            report_settings.template_name = ""
            report_settings.save()
            messages.success(request, "Modèle Word retiré : le rapport reprend la mise en page de Repères.")
            return redirect("reports:home")
        elif action == "comments":
            comments_form = CommentsForm(request.POST, prefix="com")
            if comments_form.is_valid():
                for slug, text in comments_form.texts().items():
                    SectionComment.objects.update_or_create(slug=slug, defaults={"text": text.strip(),
                                                                                 "updated_by": request.user})
                messages.success(request, "Commentaires enregistrés : ils sont repris à chaque génération.")
                return redirect("reports:home")
        else:
            messages.error(request, "Action inconnue : rechargez la page et recommencez.")
    return render(request, "reports/home.html", {
        "generate_form": generate_form,
        "texts_form": texts_form,
        "template_form": template_form,
        "comments_form": comments_form,
        "report_settings": report_settings,
        "reports": GeneratedReport.objects.select_related("user")[:20],
        "format_labels": services.FORMAT_LABELS,
    })


@requires("run_analyses")
def final(request):
    """The final report and the COPIL deck (its PowerPoint format), generated from the decisions."""
    form = GenerateForm(initial=default_dates(Installation.get()), prefix="fin")
    if request.method == "POST":
        form = GenerateForm(request.POST, prefix="fin")
        if form.is_valid():
            return _generate(request, form, livrable="rapport_final")
    return render(request, "reports/final.html", {"form": form})


def _generate(request, form, livrable: str = "rapport_intermediaire"):
    """Start the generation in the background; the page that follows it goes to the report when it is there."""
    data = form.cleaned_data
    job = jobs.start(user=request.user, debut=data["debut"], fin=data["fin"], date=data["date"],
                     diffusion=data["diffusion"], formats=data["formats"], ip=client_ip(request), livrable=livrable)
    if job.state == jobs.DONE:  # already over (tests run it at once)
        messages.success(request, "Rapport généré.")
        return redirect("reports:detail", pk=job.report_id)
    if job.state == jobs.FAILED:
        messages.error(request, job.error)
        return redirect("reports:home")
    return redirect("reports:job", token=job.token)


def _job_or_404(request, token: str) -> jobs.Job:
    job = jobs.load(token)
    if job is None or (job.user_id is not None and job.user_id != request.user.pk):
        raise Http404
    return job


@requires("run_analyses")
def job(request, token: str):
    """The generation under way: its state, refreshed by htmx."""
    current = _job_or_404(request, token)
    if current.state == jobs.DONE:
        return redirect("reports:detail", pk=current.report_id)
    return render(request, "reports/job.html", {"job": current})


@requires("run_analyses")
def job_status(request, token: str):
    current = _job_or_404(request, token)
    response = render(request, "reports/_job_status.html", {"job": current})
    if current.state == jobs.DONE and request.headers.get("HX-Request"):
        response["HX-Redirect"] = reverse("reports:detail", args=[current.report_id])
    return response


@requires("run_analyses")
def detail(request, pk: int):
    report = get_object_or_404(GeneratedReport, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "share":
            try:
                services.share_with_partners(report, request.user)
            except services.ReportError as exc:
                messages.error(request, str(exc))
            else:
                record(Action.EXPORT, request=request, target=str(report), livrable=report.audit_name,
                       partage="espace_partenaires")
                messages.success(request, "Rapport partagé\u202f: les comptes partenaires le trouvent dans leur "
                                          "« Espace partenaires ».")
        elif action == "unshare":
            services.stop_sharing(report)
            record(Action.EXPORT, request=request, target=str(report), livrable=report.audit_name,
                   partage="retire")
            messages.success(request, "Partage retiré\u202f: les partenaires ne voient plus ce rapport.")
        else:
            messages.error(request, "Action inconnue\u202f: rechargez la page et recommencez.")
        return redirect("reports:detail", pk=pk)
    files = [(fmt, services.FORMAT_LABELS[fmt]) for fmt in services.FORMATS if services.report_file(report, fmt)]
    return render(request, "reports/detail.html", {
        "report": report, "files": files, "html": mark_safe(report.html),  # escaped by the HTML renderer
    })


@requires("run_analyses")
def download(request, pk: int, fmt: str):
    report = get_object_or_404(GeneratedReport, pk=pk)
    if fmt not in services.FORMATS:
        raise Http404
    path = services.report_file(report, fmt)
    if path is None:
        raise Http404
    record(Action.EXPORT, request=request, target=str(report), livrable=report.audit_name, format=fmt,
           diffusion=report.diffusion)
    # A report is a few hundred kilobytes: read at once (no file handle left open behind the response).
    response = HttpResponse(path.read_bytes(), content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, path.name)
    return response
