"""Generate a report in the background: the page follows it, the server is never held up.

A generation reads every table, draws the charts and renders up to four
formats: seconds at demo size, more for a large PLIE, too long for a web
request behind a proxy. ``start`` runs it in a thread (at once when
``REPERES_BACKGROUND_SYNC`` is set: tests) and keeps its state in a small
JSON file of the data directory (``reperes.background``); the page polls it
with htmx and goes to the report when it is there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from reperes import background

logger = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
FAILURE = ("Le rapport n'a pas pu être généré. Vérifiez les données importées et le modèle Word, puis "
           "recommencez ; le journal du serveur donne le détail.")


@dataclass
class Job:
    token: str
    state: str
    user_id: int | None
    params: dict = field(default_factory=dict)  # debut, fin, date (ISO), diffusion, formats
    report_id: int | None = None
    error: str | None = None
    process: str | None = None
    ip: str | None = None  # of the request that started it, for the audit trail

    def period(self) -> str:
        """« du 1er janvier 2019 au 31 décembre 2019 »."""
        from reperes import formats

        try:
            debut, fin = (dt.date.fromisoformat(self.params[k]) for k in ("debut", "fin"))
        except (KeyError, TypeError, ValueError):
            return ""
        return f"du {formats.date(debut)} au {formats.date(fin)}"


def jobs_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "jobs-livrables"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return jobs_dir() / f"{token}.json" if TOKEN.match(token or "") else None


def save(job: Job) -> None:
    background.write_state(_path(job.token), asdict(job))


def load(token: str) -> Job | None:
    """The job, or None for an unknown token; a job whose process died is marked failed."""
    path = _path(token)
    data = background.read_state(path) if path is not None else None
    if data is None:
        return None
    job = Job(**{k: data.get(k) for k in Job.__dataclass_fields__})
    if job.state == RUNNING and job.process and background.is_alive(job.process) is False:
        job.state, job.error = FAILED, ("La génération a été interrompue (arrêt ou redémarrage du serveur) : "
                                        "relancez-la.")
        save(job)
    return job


LIVRABLES = ("rapport_intermediaire", "rapport_final")


def start(*, user, debut: dt.date, fin: dt.date, date: dt.date, diffusion: bool, formats: list[str],
          ip: str | None = None, livrable: str = "rapport_intermediaire") -> Job:
    """``livrable``: ``rapport_intermediaire`` or ``rapport_final`` (:mod:`reperes.reports.final`)."""
    job = Job(token=secrets.token_hex(16), state=RUNNING, user_id=user.pk, process=background.current_process(), ip=ip,
              params={"debut": debut.isoformat(), "fin": fin.isoformat(), "date": date.isoformat(),
                      "diffusion": diffusion, "formats": list(formats), "livrable": livrable})
    save(job)
    sync = getattr(settings, "REPERES_BACKGROUND_SYNC", False)
    background.start(_work, job.token, name=f"livrable-{job.token[:8]}", sync=sync)
    return load(job.token) if sync else job


def _work(token: str) -> None:
    from django.db import connection

    from reperes.accounts.models import User
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    from . import services

    job = load(token)
    if job is None:
        return
    params = job.params
    debut, fin, date = (dt.date.fromisoformat(params[k]) for k in ("debut", "fin", "date"))
    try:
        user = User.objects.filter(pk=job.user_id).first()
        livrable = params.get("livrable") or "rapport_intermediaire"
        if livrable == "rapport_final":
            from . import final

            generate = final.generate
        else:
            generate = services.generate
        generation = generate(debut=debut, fin=fin, date=date, diffusion=params["diffusion"],
                              formats=params["formats"])
        report = services.store(generation, debut=debut, fin=fin, date=date, diffusion=params["diffusion"],
                                user=user)
        if livrable == "rapport_final":
            report.kind = report.KIND_FINAL
            report.save(update_fields=["kind"])
        record(Action.REPORT, user=user, ip=job.ip, target=str(report), livrable=livrable,
               debut=params["debut"], fin=params["fin"], date=params["date"], diffusion=params["diffusion"],
               formats=list(generation.outputs),
               empreinte=generation.document.metadata.get("Empreinte des données (SHA-256)", ""))
        job.state, job.report_id = DONE, report.pk
    except services.ReportError as exc:
        job.state, job.error = FAILED, str(exc)
    except Exception:
        logger.exception("Generation of the report failed")
        job.state, job.error = FAILED, FAILURE
    finally:
        save(job)
        if not getattr(settings, "REPERES_BACKGROUND_SYNC", False):
            connection.close()
