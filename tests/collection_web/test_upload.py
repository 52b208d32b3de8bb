"""The upload page: limits, background import, progress, mapping step, the report and its downloads."""

from __future__ import annotations

import html
import io
import json
import time

import openpyxl
import pytest
from collection_web_helpers import csv_text, read_rows, zip_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reperes.audit.models import Action as AuditAction
from reperes.audit.models import AuditEvent
from reperes.collection import uploads
from reperes.collection.models import ImportRun, MappingProfile, Participant

pytestmark = pytest.mark.django_db

UPLOAD = reverse("collection:import_upload")


def upload(client, name: str, content: bytes, **fields):
    data = {"file": SimpleUploadedFile(name, content), "mode": "normal", **fields}
    return client.post(UPLOAD, data)


def job_of(response) -> uploads.Job:
    token = response.url.rstrip("/").split("/")[-1]
    return uploads.load_job(token)


def participants_csv(demo_files) -> bytes:
    return demo_files["participants"].read_bytes()


def test_upload_of_a_csv_imports_in_the_background_and_leads_to_the_report(client_admin, sync_imports, demo_files):
    response = upload(client_admin, "participants.csv", participants_csv(demo_files))
    assert response.status_code == 302
    job = job_of(response)
    assert job.state == uploads.DONE
    run = ImportRun.objects.get(pk=job.run_id)
    assert run.report["tables"]["participants"]["accepted"] == demo_files["counts"]["participants"]
    assert Participant.objects.count() == demo_files["counts"]["participants"]
    assert run.user.email == "admin@test.fr" and run.source_name == "participants.csv"
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.user.email == "admin@test.fr" and event.ip == "127.0.0.1"  # the upload's address
    # The uploaded data (raw identifiers) does not stay on the server.
    assert not (uploads.job_dir(job.token) / "source").exists()

    assert client_admin.get(response.url).url == reverse("collection:import_detail", args=[run.pk])
    status = client_admin.get(reverse("collection:import_job_status", args=[job.token]), HTTP_HX_REQUEST="true")
    assert status["HX-Redirect"] == reverse("collection:import_detail", args=[run.pk])
    report = client_admin.get(status["HX-Redirect"]).content.decode()
    assert "Rapport de validation" in report and "Lignes par table" in report


def test_zip_of_csv_files_imports_every_table(client_admin, sync_imports, demo_files):
    files = {f"recueil/{name}.csv": demo_files[name].read_bytes()
             for name in ("participants", "actions", "etapes", "suivi_freins", "acquis")}
    response = upload(client_admin, "recueil.zip", zip_of(files))
    run = ImportRun.objects.get(pk=job_of(response).run_id)
    assert run.status == "ok"
    for name in files:
        table = name.split("/")[1].removesuffix(".csv")
        assert run.report["tables"][table]["accepted"] == demo_files["counts"][table]


def test_dry_run_and_strict_options_reach_the_import(client_admin, sync_imports, demo_files):
    response = upload(client_admin, "participants.csv", participants_csv(demo_files), mode="dry_run")
    run = ImportRun.objects.get(pk=job_of(response).run_id)
    assert run.mode == "dry_run" and not run.stored and Participant.objects.count() == 0
    header, rows = read_rows(demo_files["participants"])
    rows[0][header.index("sexe")] = "Z"
    response = upload(client_admin, "participants.csv", csv_text(header, rows), mode="strict")
    run = ImportRun.objects.get(pk=job_of(response).run_id)
    assert run.mode == "strict" and run.status == "partial" and not run.stored
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("name, content, message", [
    ("vide.csv", b"", "est vide (0 octet)"),
    ("rapport.pdf", b"%PDF-1.4 ...", "type de fichier non pris en charge"),
    ("archive.zip", zip_of({"lisez-moi.txt.md": b"rien"}), "ne contient aucun fichier CSV"),
    ("casse.zip", b"PK\x03\x04 pas vraiment un zip", "n'est pas une archive ZIP lisible"),
])
def test_bad_uploads_are_refused_with_a_french_message_and_nothing_is_imported(client_admin, sync_imports, name,
                                                                                content, message):
    response = upload(client_admin, name, content)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert ImportRun.objects.count() == 0
    assert not list(uploads.jobs_dir().glob(f"*/source/{name}"))  # nothing of the refused file is kept


def test_upload_above_the_limit_is_refused(client_admin, sync_imports, demo_files, settings):
    settings.REPERES_MAX_UPLOAD_BYTES = 1000
    response = upload(client_admin, "participants.csv", participants_csv(demo_files))
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode() and "la limite est de 1 ko" in response.content.decode()
    # A ZIP whose content would unpack above the limit (a zip bomb) is refused as well.
    bomb = zip_of({"participants.csv": b"id_participant;sexe\n" + b"0" * 200_000})
    assert len(bomb) < 1000
    response = upload(client_admin, "bombe.zip", bomb)
    assert response.status_code == 400 and "une fois décompressés" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_partner_and_charge_cannot_upload(client_partner, client_charge, demo_files):
    for client in (client_partner, client_charge):
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, "participants.csv", participants_csv(demo_files)).status_code == 403
    assert ImportRun.objects.count() == 0


def test_another_admin_cannot_follow_someone_elses_job(client_admin, sync_imports, demo_files, django_user_model):
    from django.test import Client

    response = upload(client_admin, "participants.csv", participants_csv(demo_files))
    other = Client()
    other.force_login(django_user_model.objects.create_user("autre@test.fr", "x" * 12, role="administrateur"))
    assert other.get(response.url).status_code == 404
    assert client_admin.get(reverse("collection:import_job", args=["pas-un-jeton"])).status_code == 404


# --------------------------------------------------------------------------- mapping step

EXPORT_HEADER = ["Dossier", "Nom", "Genre", "Année naissance", "Commune INSEE", "Niveau de diplôme",
                 "Situation à l'entrée", "Date d'entrée"]
EXPORT_ROWS = [["D1", "Martin", "F", "1990", "54528", "Bac", "DE", "01/02/2024"],
               ["D2", "Durand", "M", "1975", "54395", "CAP", "INACTIF", "15/03/2024"]]


def test_unknown_headers_lead_to_a_proposed_mapping_that_is_saved_and_imported(client_admin, sync_imports):
    response = upload(client_admin, "export-logiciel.csv", csv_text(EXPORT_HEADER, EXPORT_ROWS))
    job = job_of(response)
    assert job.state == uploads.NEEDS_MAPPING
    assert ImportRun.objects.count() == 0  # nothing imported before the user confirms
    status = client_admin.get(reverse("collection:import_job_status", args=[job.token]), HTTP_HX_REQUEST="true")
    mapping_url = reverse("collection:import_mapping", args=[job.token])
    assert status["HX-Redirect"] == mapping_url

    page = client_admin.get(mapping_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "1990 ; 1975" in text  # preview of the values
    assert "Martin" not in text  # never a preview of an identifying column
    form = page.context["form"]
    initial = {form[key].label: form[key].initial for key, _ in form.column_fields["participants"]}
    assert initial["Genre"] == "sexe" and initial["Date d'entrée"] == "date_entree"
    assert initial["Situation à l'entrée"] == "situation_entree" and initial["Nom"] == ""
    values = {label: form[key].initial for key, _col, label in form.value_fields}
    # Suggested, shown, never chosen for the user: « Bac » is not a code once normalised.
    assert values["Bac"] == "" and values["CAP"] == ""
    suggested = {label: form.suggestions[key] for key, _col, label in form.value_fields}
    assert suggested["Bac"] == "NIV_4" and suggested["CAP"] == "NIV_3"
    assert "Niveau 4" in html.unescape(text)  # the suggestion's label is on the page

    data = {key: form[key].initial for key in form.fields if key != "name"}
    for key, _col, label in form.value_fields:
        data[key] = suggested[label]  # the user takes the suggestions
    for key, source in form.column_fields["participants"]:
        if source == "Dossier":
            data[key] = "id_participant"
        if source == "Année naissance":
            data[key] = "annee_naissance"
        if source == "Commune INSEE":
            data[key] = "commune_residence"
        if source == "Niveau de diplôme":
            data[key] = "niveau_formation"
    data["name"] = "Logiciel X"
    response = client_admin.post(mapping_url, data)
    assert response.status_code == 302
    job = uploads.load_job(job.token)
    run = ImportRun.objects.get(pk=job.run_id)
    assert run.report["status"] == "ok", run.report["errors"]
    assert run.report["tables"]["participants"]["accepted"] == 2
    assert sorted(Participant.objects.values_list("niveau_formation", flat=True)) == ["NIV_3", "NIV_4"]
    profile = MappingProfile.objects.get(name="Logiciel X")
    assert profile.columns["Genre"] == "sexe" and profile.values == {"niveau_formation": {"Bac": "NIV_4",
                                                                                           "CAP": "NIV_3"}}

    # The saved profile is chosen at the next upload: no mapping step any more.
    response = upload(client_admin, "export-logiciel.csv", csv_text(EXPORT_HEADER, EXPORT_ROWS),
                      profile=profile.pk)
    assert job_of(response).state == uploads.DONE

    # Exported as JSON, it can be added back under another name (and used by the CLI).
    exported = client_admin.get(reverse("collection:mapping_export", args=[profile.pk]))
    assert exported["Content-Disposition"].endswith('.json"')
    body = json.loads(exported.content)
    assert body["colonnes"]["Genre"] == "sexe"
    added = client_admin.post(reverse("collection:mappings"), {
        "file": SimpleUploadedFile("p.json", exported.content), "name": "Copie"})
    assert added.status_code == 302 and MappingProfile.objects.get(name="Copie").values == profile.values


def test_known_headers_with_labels_for_codes_lead_to_the_report_and_its_correction_table(
        client_admin, sync_imports, demo_files):
    header, rows = read_rows(demo_files["participants"])
    level = header.index("niveau_formation")
    labels = {"NIV_4": "Bac", "NIV_3": "CAP"}
    for row in rows:
        row[level] = labels.get(row[level], "Sans diplôme")
    response = upload(client_admin, "export.csv", csv_text(header, rows), mode="dry_run")
    job = job_of(response)
    assert job.state == uploads.DONE, "a file in our format never goes to the column mapping"
    run = ImportRun.objects.get(pk=job.run_id)
    assert Participant.objects.count() == 0
    report_url = client_admin.get(response.url).url
    assert report_url == reverse("collection:import_detail", args=[run.pk]) + f"?suivi={job.token}"
    page = client_admin.get(report_url)
    text = html.unescape(page.content.decode())
    assert "Valeurs à corriger (3)" in text and "Importer avec ces corrections" in text
    assert "Niveau de formation" in text  # the column's label, not only its code
    raw_ids = [row[header.index("id_participant")] for row in rows[:5]]
    assert not any(raw_id in text for raw_id in raw_ids), "raw identifiers are never shown"
    form = page.context["corrections"]
    by_value = {row["correction"].value: row for row in form.bound_rows()}
    assert set(by_value) == {"Bac", "CAP", "Sans diplôme"}
    assert all(row["bound"].initial == "" for row in by_value.values()), "nothing chosen for the user"
    assert by_value["Bac"]["correction"].suggestion == "NIV_4"
    expected_lines = sum(1 for row in rows if row[level] == "Bac")
    assert by_value["Bac"]["correction"].lines == expected_lines

    data = {row["field"]: code for row, code in ((by_value["Bac"], "NIV_4"), (by_value["CAP"], "NIV_3"),
                                                (by_value["Sans diplôme"], "INFRA_3"))}
    response = client_admin.post(reverse("collection:import_resume", args=[job.token]), data)
    assert response.status_code == 302
    job = uploads.load_job(job.token)
    run = ImportRun.objects.get(pk=job.run_id)
    assert run.mode == "normal" and run.report["status"] == "ok", run.report["errors"][:3]
    assert Participant.objects.count() == len(rows)
    assert Participant.objects.filter(niveau_formation="NIV_4").count() == expected_lines
    assert not (uploads.job_dir(job.token) / "source").exists(), "imported: the upload is gone"


def test_a_typo_is_never_preselected_but_a_code_written_differently_is(client_admin, sync_imports, demo_files):
    from reperes.collection.mapping import exact_code

    assert exact_code("type_etape", "VOYAGE") is None
    assert exact_code("niveau_formation", "niv-4") == "NIV_4"
    files = {name: demo_files[name].read_bytes() for name in ("participants", "actions")}
    header, rows = read_rows(demo_files["etapes"])
    kind = header.index("type_etape")
    rows[0][kind] = "VOYAGE"
    rows[1][kind] = "VOYAGE"
    files["etapes"] = csv_text(header, rows)
    archive = zip_of({f"{name}.csv": content for name, content in files.items()})
    response = upload(client_admin, "recueil.zip", archive)
    job = job_of(response)
    assert job.state == uploads.DONE
    page = client_admin.get(client_admin.get(response.url).url)
    rows_ = {row["correction"].value: row for row in page.context["corrections"].bound_rows()}
    assert rows_["VOYAGE"]["correction"].lines == 2
    assert rows_["VOYAGE"]["bound"].initial == "", "« VOYAGE » must not be pre-set to any step type"
    assert 'selected>' not in page.content.decode().split("Valeurs à corriger")[1].split("</table>")[0] \
        .replace('value="" selected>', "")


def test_a_clean_validation_offers_to_import_the_file_without_a_new_upload(client_admin, sync_imports, demo_files):
    response = upload(client_admin, "participants.csv", participants_csv(demo_files), mode="dry_run")
    job = job_of(response)
    report = client_admin.get(client_admin.get(response.url).url)
    text = html.unescape(report.content.decode())
    assert "Validation seule : toutes les lignes sont valides" in text
    assert "Importer ce fichier" in text and "dry_run" not in text
    assert Participant.objects.count() == 0
    response = client_admin.post(reverse("collection:import_resume", args=[job.token]), {})
    assert response.status_code == 302
    run = ImportRun.objects.get(pk=uploads.load_job(job.token).run_id)
    assert run.mode == "normal" and run.stored
    assert Participant.objects.count() == demo_files["counts"]["participants"]
    # The file is gone: a second click imports nothing more.
    again = client_admin.post(reverse("collection:import_resume", args=[job.token]), {})
    assert again.status_code == 302 and ImportRun.objects.count() == 2


def test_abandoning_a_kept_upload_deletes_it(client_admin, sync_imports, demo_files):
    job = job_of(upload(client_admin, "participants.csv", participants_csv(demo_files), mode="dry_run"))
    assert (uploads.job_dir(job.token) / "source").exists()
    client_admin.post(reverse("collection:import_resume", args=[job.token]), {"abandon": "1"})
    assert not (uploads.job_dir(job.token) / "source").exists()
    assert Participant.objects.count() == 0


def test_a_stray_unknown_code_goes_to_the_report_without_a_mapping_step(client_admin, sync_imports, demo_files):
    header, rows = read_rows(demo_files["participants"])
    rows[0][header.index("niveau_formation")] = "NIV_44"
    job = job_of(upload(client_admin, "participants.csv", csv_text(header, rows)))
    assert job.state == uploads.DONE
    run = ImportRun.objects.get(pk=job.run_id)
    assert run.report["tables"]["participants"]["rejected"] == 1
    assert run.report["errors"][0]["column"] == "niveau_formation"


def test_mapping_form_refuses_two_sources_for_one_column_and_a_taken_name(client_admin, sync_imports):
    MappingProfile.objects.create(name="Déjà pris")
    job = job_of(upload(client_admin, "export.csv", csv_text(EXPORT_HEADER, EXPORT_ROWS)))
    url = reverse("collection:import_mapping", args=[job.token])
    form = client_admin.get(url).context["form"]
    data = {key: "sexe" for key, _ in form.column_fields["participants"]}
    data["name"] = "Déjà pris"
    response = client_admin.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "La colonne sexe est déjà choisie" in text and "Un profil porte déjà ce nom" in text
    assert uploads.load_job(job.token).state == uploads.NEEDS_MAPPING


def test_abandoning_the_mapping_deletes_the_upload(client_admin, sync_imports):
    job = job_of(upload(client_admin, "export.csv", csv_text(EXPORT_HEADER, EXPORT_ROWS)))
    response = client_admin.post(reverse("collection:import_mapping", args=[job.token]), {"abandon": "1"})
    assert response.status_code == 302
    assert uploads.load_job(job.token).state == uploads.FAILED
    assert not (uploads.job_dir(job.token) / "source").exists()
    assert ImportRun.objects.count() == 0


def test_bad_profile_file_is_refused_on_the_profiles_page(client_admin):
    response = client_admin.post(reverse("collection:mappings"), {
        "file": SimpleUploadedFile("p.json", b"{pas du json"), "name": "X"})
    assert response.status_code == 400 and "JSON valide" in response.content.decode()
    assert not MappingProfile.objects.exists()


# --------------------------------------------------------------------------- the report and its downloads


@pytest.fixture
def rejected_run(client_admin, sync_imports, demo_files):
    header, rows = read_rows(demo_files["participants"])
    rows[0][header.index("sexe")] = "=HYPERLINK(\"http://x\")"
    rows[1][header.index("date_naissance")] = "31/02/1980"
    header.append("Nom")
    rows = [r + ["Dupont"] for r in rows]
    response = upload(client_admin, "participants.csv", csv_text(header, rows))
    return ImportRun.objects.get(pk=job_of(response).run_id)


def test_report_page_lists_totals_rejected_rows_and_identifying_columns(client_admin, rejected_run):
    text = client_admin.get(reverse("collection:import_detail", args=[rejected_run.pk])).content.decode()
    assert "2 erreurs sur 2 lignes rejetées" in text
    assert "31/02/1980" in text
    assert "identifiant direct, jamais enregistré" in text and "« Nom »" in text
    assert "Dupont" not in text


def test_report_downloads_are_neutralised_and_audited(client_admin, rejected_run):
    csv_response = client_admin.get(reverse("collection:import_report", args=[rejected_run.pk, "csv"]))
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "table;ligne;colonne;valeur;message"
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text

    xlsx = client_admin.get(reverse("collection:import_report", args=[rejected_run.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Lignes rejetées", "Totaux", "Colonnes ignorées"]
    values = [c.value for row in book["Lignes rejetées"].iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\")" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert [c.value for c in book["Totaux"][2]][:3] == ["participants", 40, 38]

    as_json = client_admin.get(reverse("collection:import_report", args=[rejected_run.pk, "json"]))
    assert json.loads(as_json.content) == rejected_run.report
    assert client_admin.get(reverse("collection:import_report", args=[rejected_run.pk, "pdf"])).status_code == 404
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert exports.count() == 3 and {e.details["run"] for e in exports} == {rejected_run.pk}


# --------------------------------------------------------------------------- the real background thread


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_in_a_thread_and_the_status_fragment_follows_it(demo_files, admin_user_):
    from django.test import Client

    from reperes.territory.services import ensure_reference

    ensure_reference()
    client = Client()
    client.force_login(admin_user_)
    response = upload(client, "participants.csv", participants_csv(demo_files))
    assert response.status_code == 302  # the view returned before the import was over (or at its end)
    token = response.url.rstrip("/").split("/")[-1]
    status_url = reverse("collection:import_job_status", args=[token])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fragment = client.get(status_url, HTTP_HX_REQUEST="true")
        if fragment.has_header("HX-Redirect"):
            break
        assert 'hx-trigger="every 1s"' in fragment.content.decode()
        time.sleep(0.2)
    job = uploads.load_job(token)
    assert job.state == uploads.DONE, job.messages
    assert fragment["HX-Redirect"] == reverse("collection:import_detail", args=[job.run_id])
    assert Participant.objects.count() == demo_files["counts"]["participants"]


def test_uploads_older_than_a_week_are_forgotten(client_admin, sync_imports, demo_files):
    import os

    old = uploads.jobs_dir() / ("a" * 32)
    (old / "source").mkdir(parents=True)
    (old / "source" / "abandonne.csv").write_bytes(b"id_participant\nP1\n")
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    upload(client_admin, "participants.csv", participants_csv(demo_files))
    assert not old.exists()


def test_a_saved_profile_can_be_deleted_after_a_confirmation(client_admin):
    profile = MappingProfile.objects.create(name="Ancien logiciel", columns={"Genre": "sexe"})
    listing = client_admin.get(reverse("collection:mappings")).content.decode()
    url = reverse("collection:mapping_delete", args=[profile.pk])
    assert url in listing
    confirm = client_admin.get(url)
    assert confirm.status_code == 200 and MappingProfile.objects.filter(pk=profile.pk).exists()
    response = client_admin.post(url)
    assert response.status_code == 302 and response.url == reverse("collection:mappings")
    assert not MappingProfile.objects.filter(pk=profile.pk).exists()
    assert client_admin.post(url).status_code == 404


def test_after_a_stored_upload_the_dashboards_are_prepared_and_a_failure_there_spares_the_import(
        client_admin, sync_imports, demo_files, monkeypatch):
    from reperes.analyses import services

    calls = []
    sync_imports.REPERES_WARM_AFTER_IMPORT = True
    monkeypatch.setattr(services, "warm", lambda progress=None: calls.append("warm") or 1 / 0)
    job = job_of(upload(client_admin, "participants.csv", participants_csv(demo_files)))
    assert job.state == uploads.DONE and calls == ["warm"]
    assert ImportRun.objects.get(pk=job.run_id).stored

    dry = job_of(upload(client_admin, "participants.csv", participants_csv(demo_files), mode="dry_run"))
    assert dry.state == uploads.DONE and calls == ["warm"]  # nothing stored: nothing to prepare


def test_the_mapping_page_writes_defaults_and_a_filter_into_the_profile(client_admin, sync_imports):
    header = ["Dossier", "Genre", "Année naissance", "Commune INSEE", "Date d'entrée", "Statut"]
    rows = [["D1", "F", "1990", "54528", "01/02/2024", "Actif"], ["D2", "M", "1975", "54395", "15/03/2024", "Actif"],
            ["D3", "M", "1980", "54395", "15/03/2024", "Clos"]]
    response = upload(client_admin, "export-sans-niveau.csv", csv_text(header, rows))
    job = job_of(response)
    mapping_url = reverse("collection:import_mapping", args=[job.token])
    form = client_admin.get(mapping_url).context["form"]
    data = {key: form[key].initial for key in form.fields if key != "name"}
    for key, source in form.column_fields["participants"]:
        data[key] = {"Dossier": "id_participant", "Genre": "sexe", "Année naissance": "annee_naissance",
                     "Commune INSEE": "commune_residence", "Date d'entrée": "date_entree"}.get(source, "")
    # Without defaults, the two mandatory columns the file lacks are refused.
    refused = client_admin.post(mapping_url, {**data, "name": ""})
    assert refused.status_code == 400 and "il manque niveau_formation, situation_entree" in refused.content.decode()
    data.update({"def__participants__niveau_formation": "INCONNU", "def__participants__situation_entree": "INCONNU",
                 "filt_col__participants": "Statut", "filt_mode__participants": "garder",
                 "filt_val__participants": "actif", "name": "Logiciel sans niveau"})
    assert client_admin.post(mapping_url, data).status_code == 302
    run = ImportRun.objects.get(pk=uploads.load_job(job.token).run_id)
    assert run.report["tables"]["participants"]["accepted"] == 2, run.report  # « Clos » filtered out
    assert set(Participant.objects.values_list("niveau_formation", flat=True)) == {"INCONNU"}
    profile = MappingProfile.objects.get(name="Logiciel sans niveau")
    assert profile.rules == {"participants": {
        "defauts": {"niveau_formation": "INCONNU", "situation_entree": "INCONNU"},
        "filtre": [{"colonne": "Statut", "valeurs": ["actif"], "exclure": False}]}}
    exported = json.loads(client_admin.get(reverse("collection:mapping_export", args=[profile.pk])).content)
    assert exported["version"] == 2 and exported["tables"] == profile.rules


def test_the_builtin_profile_is_offered_at_upload(client_admin, sync_imports, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "collection"))
    from test_emplois_inclusion import write_export

    page = client_admin.get(reverse("collection:import_upload"))
    assert "emplois-inclusion-candidatures (fourni avec Repères)" in page.content.decode()
    path = write_export(tmp_path / "candidatures.xlsx")
    response = upload(client_admin, "candidatures.xlsx", path.read_bytes(),
                      profile="fourni:emplois-inclusion-candidatures")
    job = job_of(response)
    assert job.state == uploads.DONE
    run = ImportRun.objects.get(pk=job.run_id)
    assert run.report["tables"]["participants"]["accepted"] == 6
    assert "approximation" in client_admin.get(reverse("collection:mappings")).content.decode()


def test_the_report_page_shows_what_the_profile_filled_and_approximates(client_admin, sync_imports, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "collection"))
    from test_emplois_inclusion import write_export

    path = write_export(tmp_path / "candidatures.xlsx")
    job = job_of(upload(client_admin, "candidatures.xlsx", path.read_bytes(),
                        profile="fourni:emplois-inclusion-candidatures"))
    page = html.unescape(client_admin.get(reverse("collection:import_detail", args=[job.run_id])).content.decode())
    assert "Profil de correspondance : emplois-inclusion-candidatures" in page
    assert "Rempli par défaut" in page and "approximation" in page
    assert "Civilité candidat (sexe) : valeur obligatoire manquante." in page
    # The name columns read for the person key are not among the columns to remove from the file.
    alert = page.split("Colonnes d'identifiants directs non lues")[1].split("</p>")[0]
    assert "Email candidat" in alert and "Nom candidat" not in alert
    book = openpyxl.load_workbook(io.BytesIO(client_admin.get(
        reverse("collection:import_report", args=[job.run_id, "xlsx"])).content))
    assert list(book["Rempli par défaut"].values)[1:] == [("participants", "niveau_formation", "INCONNU", 8),
                                                         ("participants", "situation_entree", "INCONNU", 8)]
def test_errors_and_rejected_lines_are_counted_apart(client_admin, sync_imports, demo_files):
    header, rows = read_rows(demo_files["participants"])
    rows[0][header.index("sexe")] = "Z"
    rows[0][header.index("niveau_formation")] = "NIV_44"  # two errors, one line
    response = upload(client_admin, "participants.csv", csv_text(header, rows))
    run = ImportRun.objects.get(pk=job_of(response).run_id)
    text = html.unescape(client_admin.get(reverse("collection:import_detail", args=[run.pk])).content.decode())
    assert "2 erreurs sur 1 ligne rejetée" in text
    assert "Sexe" in text and "Niveau de formation" in text  # errors name the column by its label
