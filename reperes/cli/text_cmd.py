"""``reperes text mask FICHIER``: mask personal data in a text (interview notes, transcripts)."""

from __future__ import annotations

import sys
from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json


def register(sub) -> None:
    from . import FrenchHelpFormatter

    parser = sub.add_parser("text", help="textes d'entretien : masquer les données personnelles", add_help=False,
                            formatter_class=FrenchHelpFormatter, description="Textes d'entretien.")
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser._optionals.title = "options"
    commands = parser.add_subparsers(dest="text_command", metavar="COMMANDE", title="commandes")
    mask = add_parser(commands, "mask", "Afficher le texte avec noms, courriels, téléphones et adresses masqués",
                      run_mask, needs_database=False)
    mask.add_argument("file", metavar="FICHIER", type=Path, help="fichier TXT, DOCX ou ODT")
    mask.add_argument("--json", action="store_true", help="écrire {\"text\", \"masked\"} en JSON")
    parser.set_defaults(func=lambda args: (parser.print_help(), 0)[1], needs_database=False)


def run_mask(args) -> int:
    from reperes.surveys.masking import mask, read_document

    try:
        data = args.file.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"Le fichier {args.file} n'existe pas.") from exc
    except OSError as exc:
        raise UserError(f"Le fichier {args.file} est illisible : {os_reason(exc)}.") from exc
    try:
        text = read_document(data, args.file.name)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    err("Masquage des données personnelles…")
    result = mask(text)
    if args.json:
        out_json({"text": result.text, "masked": result.counts()})
    else:
        sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    return 0
