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


# argparse's own messages (English), said in French: a usage error is a user's error like any other.
_ARGPARSE_FRENCH = (
    (r"^the following arguments are required: (.*)$",
     lambda m: ("il manque les arguments obligatoires : " if "," in m[1] else "il manque l’argument obligatoire : ")
     + m[1]),
    (r"^unrecognized arguments: (.*)$",
     lambda m: ("arguments non reconnus : " if " " in m[1] else "argument non reconnu : ") + m[1]),
    (r"^one of the arguments (.*) is required$", r"l’un de ces arguments est obligatoire : \1"),
    (r"^ambiguous option: (\S+) could match (.*)$", r"option ambiguë : \1 peut désigner \2"),
    (r"^argument (.+?): expected one argument$", r"argument \1 : une valeur est attendue"),
    (r"^argument (.+?): expected at least one argument$", r"argument \1 : au moins une valeur est attendue"),
    (r"^argument (.+?): expected at most one argument$", r"argument \1 : une valeur au plus"),
    (r"^argument (.+?): invalid choice: (.*) \(choose from (.*)\)$",
     r"argument \1 : choix invalide \2 (choix possibles : \3)"),
    (r"^argument (.+?): invalid \w+ value: (.*)$", r"argument \1 : valeur invalide \2"),
    (r"^argument (.+?): not allowed with argument (.*)$", r"argument \1 : incompatible avec l’argument \2"),
    (r"^argument (.+?): ignored explicit argument (.*)$", r"argument \1 : valeur inattendue \2"),
)


def french_usage_error(message: str) -> str:
    import re

    for pattern, replacement in _ARGPARSE_FRENCH:
        french, count = re.subn(pattern, replacement, message)
        if count:
            return french
    return message


class FrenchArgumentParser(argparse.ArgumentParser):
    """Usage errors in French, on standard error, exit status 2 (as argparse)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french_usage_error(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
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
