import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from reperes import referentiel as ref
from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import client_ip, record
from reperes.spreadsheets import csv_bytes, xlsx_bytes

from . import lifecycle, mapping, template, uploads
from .forms import CorrectionForm, DeleteParticipantForm, MappingForm, ProfileUploadForm, UploadForm
from .importer import settle_interrupted_runs
from .models import ImportRun, MappingProfile, Participant


@requires("view_rows")
def participant_list(request):
    """Pseudonymised row-level data: every consultation is written to the audit trail."""
    from reperes.territory.services import place_names

    page = Paginator(Participant.objects.order_by("-date_entree", "id"), 50).get_page(request.GET.get("page"))
    names = place_names(p.commune_residence for p in page.object_list)
    for p in page.object_list:
        p.commune_nom = names.get(p.commune_residence, p.commune_residence)
    record(Action.ROWS_VIEWED, request=request, target="liste des participants",
           page=page.number, lignes=len(page.object_list))
    return render(request, "collection/participant_list.html", {"page": page})


EXPORT_COLUMNS = ("id_hash", "personne_hash", "sexe", "annee_naissance", "age_entree", "commune_residence",
                  "epci_siren", "qpv", "niveau_formation", "situation_entree", "anciennete_chomage_mois", "criteres",
                  "freins_entree", "prescripteur", "referent", "date_entree", "date_sortie", "motif_sortie",
                  "duree_emploi_mois", "situation_6_mois", "date_situation_6_mois")


@requires("export_rows")
def participant_export(request):
    """The pseudonymised participants as CSV (staff only; recorded in the audit trail)."""
    rows = Participant.objects.order_by("date_entree", "id").values_list(*EXPORT_COLUMNS)

    def cells():
        for row in rows.iterator(chunk_size=2000):
            yield ["|".join(v) if isinstance(v, list) else v for v in row]

    body = csv_bytes(EXPORT_COLUMNS + ("categorie_sortie",),
                     (row + [ref.category_of(row[17]) or ""] for row in cells()))
    record(Action.EXPORT, request=request, target="participants-pseudonymises.csv", lignes=rows.count())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="participants-pseudonymises.csv"'
    return response


# --------------------------------------------------------------------------- import history and report


def last_undoable_run():
    """The most recent import that stored data and is not undone (the one « Annuler » acts on)."""
    from .importer.undo import last_stored_run

    return last_stored_run()


@requires("manage_imports")
def import_list(request):
    settle_interrupted_runs()
    page = Paginator(ImportRun.objects.history().select_related("user"), 50).get_page(request.GET.get("page"))
    validations = list(ImportRun.objects.validations().select_related("user")[:20])
    return render(request, "collection/import_list.html", {
        "page": page, "last_run": last_undoable_run(), "profiles": MappingProfile.objects.count(),
        "validations": validations})


def column_label(table: str | None, column: str | None) -> str:
    """The French name of an exchange column (« Niveau de formation »), or the header as written."""
    if table in ref.TABLES and column in ref.TABLES[table].column_names:
        return ref.TABLES[table].column(column).description.split(" (")[0]
    return column or ""


def report_context(run: ImportRun) -> dict:
    report = run.report or {}
    errors = report.get("errors", [])
    ignored = report.get("ignored_columns", [])
    shown = [{**e, "column_label": column_label(e.get("table"), e.get("column"))} for e in errors[:1000]]
    return {
        "run": run, "errors": shown, "more_errors": max(0, len(errors) - 1000),
        "error_count": len(errors) + report.get("errors_omitted", 0), "tables": report.get("tables", {}),
        "rejected_count": run.rejected_total, "table_titles": {n: ref.TABLES[n].title for n in ref.TABLES},
        "ignored": [{**c, "identifying": str(c.get("reason", "")).startswith("identifiant direct"),
                     "detail": str(c.get("reason", ""))[len("identifiant direct"):].lstrip(" :")}
                    for c in ignored],
        # Direct identifiers the file should not carry (not those a profile reads for the person key).
        "identifying": [c for c in ignored if str(c.get("reason", "")).startswith("identifiant direct")
                        and "clé pseudonyme" not in str(c.get("reason", ""))],
        "ignored_sheets": report.get("ignored_sheets", []), "ignored_files": report.get("ignored_files", []),
        "profile": report.get("profile") or {},
    }


@requires("manage_imports")
def import_detail(request, pk):
    settle_interrupted_runs()
    run = get_object_or_404(ImportRun.objects.select_related("user"), pk=pk)
    context = report_context(run)
    # The report lists rejected rows with their line, column and value: a view of individual data.
    record(Action.ROWS_VIEWED, request=request, target=f"rapport de l'import n° {run.pk}",
           erreurs=len((run.report or {}).get("errors", [])))
    job = _kept_job(request, request.GET.get("suivi", ""), run)
    if job is not None:
        context["job"] = job
        context["corrections"] = CorrectionForm(corrections=mapping.corrections_of(run.report or {}))
    return render(request, "collection/import_detail.html", context)


def _kept_job(request, token: str, run: ImportRun):
    """The upload behind ``run`` when it is still there to import again (same user), else None."""
    if not token:
        return None
    job = uploads.load_job(token)
    if job is None or job.run_id != run.pk or job.user_id != request.user.pk or not uploads.source_kept(job):
        return None
    return job


@requires("manage_imports")
def import_resume(request, token):
    """Import a kept upload (POST): after a validation-only run, or with the corrections chosen on the report."""
    job = _job_or_404(request, token)
    if request.method != "POST":
        return import_job(request, token)  # the form lives on the report: a GET just follows the upload
    if not uploads.source_kept(job):
        if job.state == uploads.DONE and job.run_id:
            messages.info(request, "Ce fichier n'est plus disponible : envoyez-le à nouveau pour l'importer.")
            return redirect("collection:import_detail", pk=job.run_id)
        return redirect("collection:import_job", token=token)
    if "abandon" in request.POST:
        uploads.discard_source(job)
        uploads.save_job(job)
        messages.info(request, "Le fichier a été supprimé sans être importé.")
        return redirect("collection:import_detail", pk=job.run_id)
    run = get_object_or_404(ImportRun, pk=job.run_id)
    form = CorrectionForm(request.POST, corrections=mapping.corrections_of(run.report or {}))
    if not form.is_valid():
        context = {**report_context(run), "job": job, "corrections": form}
        return render(request, "collection/import_detail.html", context, status=400)
    profile = dict(job.mapping or {"colonnes": {}, "valeurs": {}})
    values = {column: dict(entries) for column, entries in (profile.get("valeurs") or {}).items()}
    for column, entries in form.values().items():
        values.setdefault(column, {}).update(entries)
    profile["valeurs"] = values
    chosen = profile if (profile.get("colonnes") or any(values.values())) else None
    asked = dict(job.options or {})
    asked["dry_run"] = False
    job.options = asked
    job.state = uploads.RUNNING
    job.messages = ["Import du fichier en cours…" if chosen is None else "Corrections appliquées, import en cours…"]
    uploads.start(job, user=request.user, mapping=chosen, check_headers=False)
    return redirect("collection:import_job", token=token)


REPORT_FORMATS = ("csv", "xlsx", "json")
ERROR_HEADERS = ("table", "ligne", "colonne", "valeur", "message")
TOTAL_HEADERS = ("table", "lues", "acceptées", "rejetées", "ignorées (commentaires)")
IGNORED_HEADERS = ("table", "colonne", "raison")


def report_sheets(run: ImportRun) -> dict:
    report = run.report or {}
    errors = [(e.get("table"), e.get("line"), e.get("column"), e.get("value"), e.get("message"))
              for e in report.get("errors", [])]
    totals = [(name, t.get("read"), t.get("accepted"), t.get("rejected"), t.get("skipped"))
              for name, t in report.get("tables", {}).items()]
    ignored = [(c.get("table"), c.get("column"), c.get("reason")) for c in report.get("ignored_columns", [])]
    sheets = {"Lignes rejetées": (ERROR_HEADERS, errors), "Totaux": (TOTAL_HEADERS, totals),
              "Colonnes ignorées": (IGNORED_HEADERS, ignored)}
    filled = [(f.get("table"), f.get("column"), f.get("value"), f.get("rows"))
              for f in (report.get("profile") or {}).get("filled_by_default", [])]
    if filled:  # a profile gave values the file does not carry
        sheets["Rempli par défaut"] = (("table", "colonne", "valeur par défaut", "lignes"), filled)
    return sheets


@requires("manage_imports")
def import_report_download(request, pk, fmt):
    """The validation report as CSV (rejected rows), XLSX (three sheets) or the contract's JSON; audited."""
    run = get_object_or_404(ImportRun, pk=pk)
    if fmt not in REPORT_FORMATS:
        raise Http404
    filename = f"rapport-import-{run.pk}.{fmt}"
    if fmt == "json":
        body = json.dumps(run.report or {}, ensure_ascii=False, indent=2).encode("utf-8")
        content_type = "application/json; charset=utf-8"
    elif fmt == "csv":
        headers, rows = report_sheets(run)["Lignes rejetées"]
        body = csv_bytes(headers, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(report_sheets(run))
        content_type = template.CONTENT_TYPES["xlsx"]
    record(Action.EXPORT, request=request, target=filename, run=run.pk,
           erreurs=len((run.report or {}).get("errors", [])))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- upload and background import


@requires("manage_imports")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, path = uploads.store_upload(form.cleaned_data["file"])
        except uploads.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            profile = form.cleaned_data.get("profile")
            job = uploads.Job(token=token, state=uploads.RUNNING, source_name=uploads.safe_name(
                form.cleaned_data["file"].name), messages=["Fichier reçu, import en cours…"],
                options=form.options(), path=str(path), user_id=request.user.pk, ip=client_ip(request))
            uploads.start(job, user=request.user, mapping=profile, check_headers=profile is None)
            return redirect("collection:import_job", token=token)
    return render(request, "collection/import_upload.html", {"form": form}, status=400 if form.errors else 200)


def _job_or_404(request, token):
    job = uploads.load_job(token)
    if job is None or (job.user_id is not None and job.user_id != request.user.pk):
        raise Http404
    return uploads.settle_if_orphaned(job)


def _job_redirect(job) -> str | None:
    if job.state == uploads.DONE and job.run_id:
        url = reverse("collection:import_detail", args=[job.run_id])
        return f"{url}?suivi={job.token}" if uploads.source_kept(job) else url
    if job.state == uploads.NEEDS_MAPPING:
        return reverse("collection:import_mapping", args=[job.token])
    return None


@requires("manage_imports")
def import_job(request, token):
    job = _job_or_404(request, token)
    next_url = _job_redirect(job)
    if next_url:  # already over (or waiting for its mapping): straight to what comes next
        return redirect(next_url)
    return render(request, "collection/import_job.html", {"job": job, "next_url": next_url})


@requires("manage_imports")
def import_job_status(request, token):
    """The progress fragment polled by htmx; when the import is over, htmx is sent to the report."""
    job = _job_or_404(request, token)
    next_url = _job_redirect(job)
    response = render(request, "collection/_import_status.html", {"job": job, "next_url": next_url})
    if next_url and request.headers.get("HX-Request"):
        response["HX-Redirect"] = next_url
    return response


def _mapping_inputs(job) -> tuple[dict, dict, list]:
    tables = (job.probe or {}).get("tables", {})
    proposals = {table: mapping.propose_mapping(info["headers"], info["samples"], table=table)
                 for table, info in tables.items()}
    suggestions = []
    for table, info in tables.items():
        for proposal in proposals[table]:
            if not proposal.target:
                continue
            for value, (code, _score) in mapping.suggest_values(proposal.target,
                                                                info["distinct"].get(proposal.source, [])).items():
                suggestions.append((proposal.target, value, code))
    return tables, proposals, suggestions


def _code_label(column: str, code: str | None) -> str:
    codes = mapping._column_codes(column)
    return codes.label(code) if codes is not None and code else ""


@requires("manage_imports")
def import_mapping(request, token):
    """The file's headers (or a coded column's values) do not match: propose a column and value mapping,
    confirm it, import with it."""
    job = _job_or_404(request, token)
    if job.state != uploads.NEEDS_MAPPING:
        next_url = _job_redirect(job)
        return redirect(next_url) if next_url else redirect("collection:import_job", token=token)
    if request.method == "POST" and "abandon" in request.POST:
        job.state = uploads.FAILED
        job.probe = None
        job.error = "Import abandonné : le fichier a été supprimé sans être importé."
        uploads.discard_source(job)
        uploads.save_job(job)
        messages.info(request, job.error)
        return redirect("collection:imports")
    tables, proposals, suggestions = _mapping_inputs(job)
    form = MappingForm(request.POST or None, tables=tables, proposals=proposals, value_suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        data = form.profile_data()
        name = form.cleaned_data["name"]
        if name:
            profile = MappingProfile.objects.create(name=name, columns=data["colonnes"], values=data["valeurs"],
                                                    rules=data.get("tables", {}), created_by=request.user)
            messages.success(request, f"Profil de correspondance « {name} » enregistré.")
            chosen = profile
        else:
            chosen = data
        job.state = uploads.RUNNING
        job.probe = None
        job.messages = ["Correspondance confirmée, import en cours…"]
        uploads.start(job, user=request.user, mapping=chosen, check_headers=False)
        return redirect("collection:import_job", token=token)
    rows = []
    for table, info in tables.items():
        fields = [(form[key], source, info["samples"].get(source, []), proposal)
                  for (key, source), proposal in zip(form.column_fields[table], proposals[table], strict=True)]
        rows.append({"table": table, "info": info, "fields": fields, "rules": form.table_rules(table)})
    values = [(form[key], column, value, _code_label(column, form.suggestions.get(key)))
              for key, column, value in form.value_fields]
    headers_match = not any(info.get("unknown") or info.get("missing") for info in tables.values())
    return render(request, "collection/import_mapping.html", {"job": job, "form": form, "tables": rows,
                                                               "values": values, "headers_match": headers_match},
                  status=400 if form.errors else 200)


# --------------------------------------------------------------------------- undo


@requires("manage_imports")
def import_undo(request):
    """Undo the last import (confirmation page, then POST)."""
    from .importer.undo import UndoError, undo_import, undo_refusal

    run = last_undoable_run()
    if request.method == "POST":
        if run is None or str(run.pk) != request.POST.get("run"):
            messages.error(request, "Cet import n'est plus le dernier import annulable : la liste a changé, "
                                    "vérifiez-la avant d'annuler.")
            return redirect("collection:imports")
        try:
            undo_import(run, user=request.user, request=request)
        except UndoError as exc:
            messages.error(request, exc.message)
            return redirect("collection:imports")
        messages.success(request, f"Import n° {run.pk} (« {run.source_name} ») annulé : les données sont revenues "
                                  "à leur état d'avant cet import.")
        return redirect("collection:imports")
    return render(request, "collection/import_undo.html", {
        "run": run, "refusal": undo_refusal(run) if run is not None else None})


# --------------------------------------------------------------------------- mapping profiles


@requires("manage_imports")
def mapping_list(request):
    form = ProfileUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > mapping.MAX_PROFILE_BYTES:
                raise mapping.MappingError("Fichier de profil trop volumineux (1 Mo au plus).")
            profile = mapping.profile_from_json(upload.read(), name=upload.name.rsplit(".", 1)[0])
            name = (form.cleaned_data["name"] or profile.name or "").strip()
            if not name:
                raise mapping.MappingError("Donnez un nom au profil.")
            if MappingProfile.objects.filter(name=name).exists():
                raise mapping.MappingError(f"Un profil s'appelle déjà « {name} » : choisissez un autre nom.")
        except mapping.MappingError as exc:
            form.add_error("file", str(exc))
        else:
            MappingProfile.objects.create(name=name, columns=profile.columns, values=profile.values,
                                          rules=profile.tables, created_by=request.user)
            messages.success(request, f"Profil de correspondance « {name} » ajouté.")
            return redirect("collection:mappings")
    return render(request, "collection/mapping_list.html", {
        "profiles": MappingProfile.objects.select_related("created_by"), "form": form,
        "builtin": list(mapping.builtin_profiles().values())},
        status=400 if form.errors else 200)


@requires("manage_imports")
def mapping_export(request, pk):
    profile = get_object_or_404(MappingProfile, pk=pk)
    body = json.dumps(mapping.as_profile(profile).to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in profile.name)[:60] or "profil"
    response["Content-Disposition"] = f'attachment; filename="correspondance-{slug}.json"'
    return response


@requires("manage_imports")
def mapping_delete(request, pk):
    """Delete a saved profile (confirmation page, then POST). Past imports keep their report."""
    profile = get_object_or_404(MappingProfile, pk=pk)
    if request.method == "POST":
        name = profile.name
        profile.delete()
        messages.success(request, f"Profil de correspondance « {name} » supprimé. Les imports déjà faits avec lui "
                                  "ne changent pas.")
        return redirect("collection:mappings")
    return render(request, "collection/mapping_delete.html", {"profile": profile})


# --------------------------------------------------------------------------- template and methodology


@requires("run_analyses")
def template_download(request, fmt):
    if fmt not in template.FORMATS:
        raise Http404
    response = HttpResponse(template.template_bytes(fmt), content_type=template.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-de-recueil-reperes.{fmt}"'
    return response


@requires("view_aggregates")
def methodology(request):
    return render(request, "collection/methodology.html", {
        "title": template.METHODOLOGY_TITLE, "sections": template.METHODOLOGY})


# --------------------------------------------------------------------------- data protection (RGPD)


@requires("view_aggregates")
def data_protection(request):
    from reperes.configuration.models import Installation

    return render(request, "collection/data_protection.html", {
        "months": Installation.get().duree_conservation_mois, "title": lifecycle.PROTECTION_TITLE,
        "sections": lifecycle.PROTECTION})


@requires("manage_imports")
def data_lifecycle(request):
    form = DeleteParticipantForm(request.POST or None)
    cutoff, months = lifecycle.retention_cutoff()
    preview = lifecycle.purge(dry_run=True)
    if request.method == "POST" and form.is_valid():
        try:
            found = lifecycle.delete_participant(form.cleaned_data["identifier"], request=request)
        except lifecycle.LifecycleError as exc:
            form.add_error("identifier", str(exc))
        else:
            messages.success(request, f"Données supprimées : {found.parcours} parcours, {found.etapes} étape(s), "
                                      f"{found.suivi_freins} suivi(s) de frein, {found.acquis} acquis.")
            return redirect("collection:data_lifecycle")
    return render(request, "collection/data_lifecycle.html", {
        "form": form, "cutoff": cutoff, "months": months, "preview": preview},
        status=400 if form.errors else 200)


@requires("manage_imports")
def data_purge(request):
    """Confirmation page (GET), then the purge (POST)."""
    if request.method != "POST":
        cutoff, months = lifecycle.retention_cutoff()
        return render(request, "collection/data_purge.html", {
            "cutoff": cutoff, "months": months, "preview": lifecycle.purge(dry_run=True)})
    result = lifecycle.purge(request=request)
    if result["parcours"]:
        messages.success(request, f"Purge effectuée : {result['parcours']} parcours supprimé(s) (sortie depuis plus "
                                  f"de {result['months']} mois), avec leurs étapes, suivis de freins et acquis.")
    else:
        messages.info(request, "Aucun parcours à purger.")
    return redirect("collection:data_lifecycle")
