"""``reperes serve`` and ``reperes check``."""

from __future__ import annotations

import os
import sys

from .base import UserError, add_parser, err


def register(sub) -> None:
    p = add_parser(sub, "serve", "Servir une instance existante (http://127.0.0.1:8000 par défaut)", serve)
    p.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    p.add_argument("--workers", type=int, default=2, help="processus serveurs (défaut : 2)")
    add_parser(sub, "check", "Vérifier la configuration (secret, sécurité, base de données)", check)


def run_checks(deploy: bool) -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="ERROR")
    except SystemCheckError as exc:
        raise UserError(f"La configuration n'est pas prête :\n{exc}") from None


def check(args) -> int:
    from django.conf import settings

    run_checks(deploy=settings.PRODUCTION)
    err("Configuration vérifiée : aucun problème bloquant.")
    return 0


def serve(args) -> int:
    from django.conf import settings

    if settings.PRODUCTION:
        run_checks(deploy=True)
    from reperes.collection.importer import settle_interrupted_runs

    settled = settle_interrupted_runs()  # imports cut by the last stop: « interrompu », not « en cours »
    if settled:
        err(f"{settled} import(s) interrompu(s) par le dernier arrêt du serveur : rien n'en a été enregistré "
            "(voir l'historique des imports).")
    url = f"http://{args.host}:{args.port}"
    err(f"Repères est servi sur {url} (Ctrl+C pour arrêter).")
    argv = [sys.executable, "-m", "gunicorn", "reperes.wsgi:application", "--bind", f"{args.host}:{args.port}",
            "--workers", str(getattr(args, "workers", 2)), "--threads", "4", "--timeout", "300",
            "--access-logfile", "-", "--log-level", "warning", "--preload", "--graceful-timeout", "10"]
    # This process becomes gunicorn's master (exec, same PID): SIGTERM or Ctrl+C reach it directly, and it stops
    # its workers (10 s at most for requests under way) — no orphan, the port is freed.
    # Loaded once before the workers fork (see reperes/wsgi.py): no worker pays 3–4 s of imports on its
    # first analysis page.
    os.environ["REPERES_PRELOAD"] = "1"
    os.execv(sys.executable, argv)
    return 0  # not reached
