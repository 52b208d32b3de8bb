"""Helpers shared by the CLI commands."""

from __future__ import annotations

import errno
import json
import sys


class UserError(Exception):
    """A problem the user can fix: printed in French, without a traceback."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EISDIR: "c’est un dossier",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EEXIST: "existe déjà",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in French (the system's own text, in English, otherwise)."""
    return _OS_REASONS.get(exc.errno) or exc.strerror or str(exc)


def err(message: str) -> None:
    """Progress and messages go to standard error (standard output is kept for --json)."""
    print(message, file=sys.stderr, flush=True)


def out_json(payload) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def add_parser(sub, name: str, help_text: str, func, *, needs_database: bool = True, description: str | None = None):
    parser = sub.add_parser(name, help=help_text, description=description or help_text, add_help=False,
                            formatter_class=_formatter())
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser._optionals.title = "options"
    parser._positionals.title = "arguments"
    parser.set_defaults(func=func, needs_database=needs_database)
    return parser


def ensure_database(verbose: bool = True) -> None:
    """Create and migrate the database if needed (the reference of communes comes with it)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    if verbose:
        err("Préparation de la base de données (création, référentiel des communes)…")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if verbose:
        err("Base de données prête.")


def _formatter():
    from . import FrenchHelpFormatter

    return FrenchHelpFormatter
