"""The « Livrables » page: customise, generate, read and download the intermediate report."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.configuration.models import Installation

from . import services
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


def _generate(request, form):
    data = form.cleaned_data
    try:
        generation = services.generate(debut=data["debut"], fin=data["fin"], date=data["date"],
                                       diffusion=data["diffusion"], formats=data["formats"])
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:home")
    except Exception:
        logger.exception("Generation of the intermediate report failed")
        messages.error(request, "Le rapport n'a pas pu être généré. Vérifiez les données importées et le modèle "
                                "Word, puis recommencez ; le journal du serveur donne le détail.")
        return redirect("reports:home")
    report = services.store(generation, debut=data["debut"], fin=data["fin"], date=data["date"],
                            diffusion=data["diffusion"], user=request.user)
    record(Action.REPORT, request=request, target=str(report), livrable="rapport_intermediaire",
           debut=data["debut"].isoformat(), fin=data["fin"].isoformat(), date=data["date"].isoformat(),
           diffusion=data["diffusion"], formats=list(generation.outputs),
           empreinte=generation.document.metadata.get("Empreinte des données (SHA-256)", ""))
    messages.success(request, "Rapport généré.")
    return redirect("reports:detail", pk=report.pk)


@requires("run_analyses")
def detail(request, pk: int):
    report = get_object_or_404(GeneratedReport, pk=pk)
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
    record(Action.EXPORT, request=request, target=str(report), livrable="rapport_intermediaire", format=fmt,
           diffusion=report.diffusion)
    # A report is a few hundred kilobytes: read at once (no file handle left open behind the response).
    response = HttpResponse(path.read_bytes(), content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, path.name)
    return response
