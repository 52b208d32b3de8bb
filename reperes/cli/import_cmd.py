"""``reperes import CHEMIN``: import data in the exchange format (format-echange.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from .base import UserError, add_parser, err, out_json

DESCRIPTION = """\
Importer des données au format d'échange : un dossier de fichiers CSV nommés
d'après les tables (participants.csv, etapes.csv…), un classeur XLSX ou ODS
(une feuille par table), ou un seul fichier ne contenant que les participants.

Les lignes valides sont enregistrées, les lignes rejetées sont listées avec
leur numéro de ligne et ce qu'il faut corriger. Réimporter les mêmes données
met à jour, sans doublon.

Après un import qui enregistre des lignes, les tableaux de bord sont préparés
(pages, graphiques, données lues gardées en fichiers) : le serveur et le
premier rapport les trouvent prêts. --no-warm l'évite.

Code de sortie : 0 toutes les lignes acceptées ; 3 des lignes rejetées
(avec --strict : rien n'est enregistré) ; 2 fichier inutilisable (illisible,
colonne obligatoire absente) : rien n'est enregistré."""


def register(sub) -> None:
    parser = add_parser(sub, "import", "Importer des données au format d'échange (dossier CSV, XLSX ou ODS)",
                        run, description=DESCRIPTION)
    parser.add_argument("paths", metavar="CHEMIN", nargs="+", type=Path,
                        help="dossier de fichiers CSV, classeur XLSX ou ODS, ou fichier CSV")
    parser.add_argument("--dry-run", action="store_true",
                        help="vérifier seulement : rien n'est enregistré")
    parser.add_argument("--strict", action="store_true",
                        help="ne rien enregistrer si une seule ligne est rejetée")
    parser.add_argument("--replace", action="store_true",
                        help="remplacer toutes les données déjà enregistrées par le contenu de l'import")
    parser.add_argument("--json", action="store_true",
                        help="écrire le rapport en JSON sur la sortie standard (la progression va sur la "
                             "sortie d'erreur)")
    parser.add_argument("--no-warm", action="store_true",
                        help="ne pas préparer les tableaux de bord après l'import (ils le seront à la première "
                             "visite ou au premier rapport)")
    parser.add_argument("--mapping", metavar="NOM|FICHIER",
                        help="profil de correspondance des colonnes et des valeurs : le nom d'un profil enregistré "
                             "dans l'application, ou un fichier JSON exporté depuis l'application")


def run(args) -> int:
    from reperes.collection.importer import mode_of, run_import
    from reperes.collection.importer.report import summary

    paths = list(args.paths)
    mapping = None
    if getattr(args, "mapping", None):
        from reperes.collection.mapping import MappingError, load_profile

        try:
            mapping = load_profile(args.mapping)
        except MappingError as exc:
            raise UserError(str(exc)) from exc
    result = run_import(paths if len(paths) > 1 else paths[0], dry_run=args.dry_run, strict=args.strict,
                        replace=args.replace, progress=err, mapping=mapping)
    if result.report["stored"] and not args.no_warm:
        from reperes.collection.signals import rows_stored

        # as after an upload: the analyses prepare their pages, and the next process finds the data read
        rows_stored.send(sender=result.run.__class__, run=result.run, progress=err)
    if args.json:
        out_json(result.report)
        return result.exit_status
    notes = {"dry_run": "Vérification seulement (--dry-run).",
             "strict": "Des lignes sont rejetées et --strict est demandé."}
    mode = mode_of(dry_run=args.dry_run, strict=args.strict, replace=args.replace)
    note = notes["dry_run"] if mode == "dry_run" else (notes["strict"] if not result.report["stored"] else "")
    for line in summary(result.report, source_name=result.run.source_name, mode_note=note,
                        run_id=result.run.pk):
        print(line, file=sys.stdout)
    return result.exit_status
