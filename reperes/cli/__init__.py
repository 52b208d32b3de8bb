"""The ``reperes`` command line: thin, French help texts, one module per domain.

Each module of ``COMMAND_MODULES`` exposes ``register(subparsers)`` and sets
``func`` on its parsers. A command's ``func(args)`` returns an exit status.
Django is set up (and the database created and migrated) before any command
runs, so every command works on a fresh data directory.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .base import UserError, err

COMMAND_MODULES = (
    "reperes.cli.instance_cmd",
    "reperes.cli.demo_cmd",
    "reperes.cli.import_cmd",
    "reperes.cli.territory_cmd",
    "reperes.cli.user_cmd",
    "reperes.cli.ops_cmd",
    "reperes.cli.template_cmd",  # collection template
    "reperes.cli.imports_cmd",  # import history and undo
    "reperes.cli.data_cmd",  # data lifecycle (GDPR)
    "reperes.cli.indicators_cmd",
    "reperes.cli.disclosure_cmd",  # secret statistique: the audit
    "reperes.cli.stats_cmd",  # territorial statistics
    "reperes.cli.offer_cmd",
    "reperes.cli.survey_cmd",
    "reperes.cli.text_cmd",
    "reperes.cli.report_cmd",
    "reperes.cli.evaluation_cmd",
    "reperes.cli.benchmark_cmd",
    "reperes.cli.protocol_cmd",
    "reperes.cli.committee_cmd",
)


class FrenchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix if prefix is not None else "utilisation : ")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reperes",
        description="Repères : évaluer un PLIE et réécrire son protocole sur des preuves.",
        epilog="Dossier de données : REPERES_DATA_DIR (par défaut ./reperes-data). "
               "Base : DATABASE_URL (par défaut SQLite dans le dossier de données).",
        formatter_class=FrenchHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser._positionals.title = "commandes"
    parser._optionals.title = "options"
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a domain whose commands are not installed in this version
        module.register(sub)
    sub.add_parser("manage", help="les commandes de Django (migrate, shell…) : reperes manage help")
    return parser


def setup_django(migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
    import django

    django.setup()
    if migrate:
        from .base import ensure_database

        ensure_database()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        # Django's own commands stay reachable: ``reperes manage migrate`` etc.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["reperes manage", *argv[1:]])
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        setup_django(migrate=getattr(args, "needs_database", True))
        return int(args.func(args) or 0)
    except UserError as exc:
        err(f"Erreur : {exc}")
        return exc.status
    except KeyboardInterrupt:
        err("Interrompu.")
        return 130
