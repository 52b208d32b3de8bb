"""``reperes template --out recueil.xlsx``: the collection template, generated from the référentiel."""

from __future__ import annotations

from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json

DESCRIPTION = """\
Écrire le modèle de recueil au format d'échange : une feuille par table
(en-têtes codés, listes déroulantes, une ligne d'exemple commençant par #),
les feuilles Dictionnaire, Listes et « Méthodologie de recueil ».
Rempli à partir de la ligne 3, il s'importe tel quel (reperes import).
Le format suit l'extension du fichier : .xlsx (Excel) ou .ods (LibreOffice)."""


def register(sub) -> None:
    parser = add_parser(sub, "template", "Écrire le modèle de recueil (XLSX ou ODS)", run,
                        needs_database=False, description=DESCRIPTION)
    parser.add_argument("--out", metavar="FICHIER", type=Path, default=Path("recueil.xlsx"),
                        help="fichier à écrire, .xlsx ou .ods (par défaut recueil.xlsx)")
    parser.add_argument("--force", action="store_true", help="remplacer le fichier s'il existe")
    parser.add_argument("--json", action="store_true", help="écrire le résultat en JSON sur la sortie standard")


def run(args) -> int:
    from reperes.collection.template import FORMATS, format_of, write_template

    out: Path = args.out
    if format_of(out) is None:
        raise UserError(f"« {out.name} » : le modèle s'écrit en {' ou '.join('.' + f for f in FORMATS)} "
                        "(par exemple --out recueil.xlsx).")
    if out.exists() and not args.force:
        raise UserError(f"« {out} » existe déjà : choisissez un autre nom ou ajoutez --force pour le remplacer.")
    if not out.parent.exists():
        raise UserError(f"Le dossier « {out.parent} » n'existe pas.")
    try:
        write_template(out)
    except OSError as exc:
        raise UserError(f"Impossible d'écrire « {out} » : {os_reason(exc)}.") from exc
    if args.json:
        out_json({"fichier": str(out), "format": format_of(out)})
    else:
        err(f"Modèle de recueil écrit : {out}")
    return 0
