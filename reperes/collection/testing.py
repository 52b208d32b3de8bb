"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    from . import uploads
    from .models import ImportRun, MappingProfile

    run = ImportRun.objects.create(source_name="exemple.csv", status=ImportRun.Status.PARTIAL, report={
        "status": "partial", "stored": True, "tables": {"participants": {"read": 2, "accepted": 1, "rejected": 1,
                                                                         "skipped": 0}},
        "errors": [{"table": "participants", "line": 3, "column": "sexe", "value": "=X", "message": "Code inconnu."}],
        "ignored_columns": []})
    profile = MappingProfile.objects.get_or_create(name="Profil d'exemple", defaults={"columns": {"Genre": "sexe"}})[0]
    token = "0" * 32
    uploads.job_dir(token).mkdir(parents=True, exist_ok=True)
    uploads.save_job(uploads.Job(token=token, state=uploads.NEEDS_MAPPING, source_name="export.csv", messages=[],
                                 probe={"tables": {"participants": {
                                     "source": "export.csv", "headers": ["Genre", "Niveau"],
                                     "samples": {"Genre": ["F"], "Niveau": ["Bac"]},
                                     "distinct": {"Genre": ["F"], "Niveau": ["Bac"]},
                                     "unknown": ["Genre", "Niveau"], "missing": ["id_participant"]}},
                                     "needs_mapping": True}))
    running = "1" * 32
    uploads.job_dir(running).mkdir(parents=True, exist_ok=True)
    uploads.save_job(uploads.Job(token=running, state=uploads.RUNNING, source_name="recueil.xlsx",
                                 messages=["Lecture de « recueil.xlsx »…"]))
    job = {"token": token}
    return {
        "collection:import_report": {"pk": run.pk, "fmt": "xlsx"},
        "collection:mapping_export": {"pk": profile.pk},
        "collection:mapping_delete": {"pk": profile.pk},
        "collection:template_download": {"fmt": "xlsx"},
        "collection:import_job": {"token": running},
        "collection:import_job_status": {"token": running},
        "collection:import_mapping": job,
        "collection:import_resume": {"token": running},
    }
