"""The « Protocole » pages: the draft generated from the decisions, each article editable with its versions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.referentiel import evaluation as voc

from . import services
from .forms import AdoptionForm, ArticleForm
from .models import Adoption

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}


def _cle_or_404(cle: str) -> str:
    if cle not in voc.ARTICLES:
        raise Http404
    return cle


@requires("run_analyses")
def home(request):
    from reperes.reports.protocol import draft_content

    adoption_form = AdoptionForm(prefix="adoption")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "adopt":
            adoption_form = AdoptionForm(request.POST, prefix="adoption")
            if adoption_form.is_valid():
                Adoption.objects.all().delete()
                adoption = Adoption.objects.create(comite=adoption_form.cleaned_data["comite"],
                                                   recorded_by=request.user)
                record(Action.EVALUATION, request=request, target="adoption du protocole",
                       comite=adoption.comite.code)
                messages.success(request, f"Protocole adopté par « {adoption.comite} » : il n'est plus marqué "
                                          "« Projet ».")
                return redirect("protocol:home")
        elif action == "unadopt":
            Adoption.objects.all().delete()
            record(Action.EVALUATION, request=request, target="adoption du protocole retirée")
            messages.success(request, "Adoption retirée : le protocole est de nouveau marqué « Projet ».")
            return redirect("protocol:home")
        else:
            messages.error(request, "Action inconnue : rechargez la page et recommencez.")
    content = draft_content()
    from reperes.evaluation.models import Article

    edited = {a.cle for a in Article.objects.all() if a.texte.strip()}
    articles = [{**a, "modifie": a["cle"] in edited} for a in content["articles"]]
    return render(request, "protocol/home.html", {
        "content": content, "articles": articles, "adoption": Adoption.current(), "adoption_form": adoption_form,
        "formats": services.FORMATS,
    })


@requires("run_analyses")
def article(request, cle: str):
    from reperes.evaluation.models import Article

    cle = _cle_or_404(cle)
    stored = Article.objects.filter(cle=cle).first()
    current = stored.texte if stored is not None and stored.texte.strip() else services.generated_body(cle)
    form = ArticleForm(initial={"texte": current})
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            services.reset_article(cle, user=request.user)
            record(Action.EVALUATION, request=request, target=f"article « {voc.ARTICLES[cle]} » du protocole",
                   retour="texte généré")
            messages.success(request, "L'article reprend le texte généré ; ses versions sont conservées.")
            return redirect("protocol:article", cle=cle)
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                changed = services.save_article(cle, form.cleaned_data["texte"], user=request.user)
            except services.ProtocolError as exc:
                form.add_error("texte", str(exc))
            else:
                if changed:
                    record(Action.EVALUATION, request=request,
                           target=f"article « {voc.ARTICLES[cle]} » du protocole", modification="texte")
                    messages.success(request, "Article enregistré ; la version précédente est conservée.")
                else:
                    messages.info(request, "Le texte n'a pas changé : aucune nouvelle version.")
                return redirect("protocol:article", cle=cle)
    return render(request, "protocol/article.html", {
        "cle": cle, "label": voc.ARTICLES[cle], "number": list(voc.ARTICLES).index(cle) + 1, "form": form,
        "edited": stored is not None and bool(stored.texte.strip()), "versions": services.versions(cle),
    })


@requires("run_analyses")
def versions(request, cle: str):
    cle = _cle_or_404(cle)
    items = services.versions(cle)
    by_pk = {str(v.pk): v for v in items}
    old, new = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
    error = ""
    if (request.GET.get("a") or request.GET.get("b")) and (old is None or new is None):
        error = "Choisissez deux versions de la liste."
    pieces = services.diff(old.texte, new.texte) if old is not None and new is not None else None
    return render(request, "protocol/versions.html", {
        "cle": cle, "label": voc.ARTICLES[cle], "versions": items, "old": old, "new": new, "pieces": pieces,
        "error": error,
    })


@requires("run_analyses")
def version_export(request, pk: int, fmt: str):
    """One version: its text (``txt``) or the whole draft with this version of the article (``docx``)."""
    from reperes.evaluation.models import ArticleVersion

    version = get_object_or_404(ArticleVersion.objects.select_related("article"), pk=pk)
    if fmt not in ("txt", "docx"):
        raise Http404
    cle = version.article.cle
    number = next(v.number for v in services.versions(cle) if v.pk == version.pk)
    name = f"protocole-article-{cle}-version-{number}.{fmt}"
    if fmt == "txt":
        data = version.texte.encode("utf-8")
    else:
        _document, outputs = services.render(["docx"], date=dt.date.today(), body_overrides={cle: version.texte})
        data = outputs["docx"]
    record(Action.EXPORT, request=request, target=f"article « {voc.ARTICLES[cle]} » du protocole, version {number}",
           livrable="protocole", format=fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@requires("run_analyses")
def download(request, fmt: str):
    if fmt not in services.FORMATS:
        raise Http404
    date = dt.date.today()
    _document, outputs = services.render([fmt], date=date)
    record(Action.EXPORT, request=request, target="projet de protocole", livrable="protocole", format=fmt)
    response = HttpResponse(outputs[fmt], content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{services.file_stem(date)}.{fmt}")
    return response
