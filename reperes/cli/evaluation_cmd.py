"""``reperes evaluation import`` and ``reperes evaluation export``: the evaluation file (docs/evaluation.md)."""

from __future__ import annotations

import json
from pathlib import Path

from .base import add_parser, err, os_reason, out_json

IMPORT_DESCRIPTION = """\
Charger un fichier d'évaluation au format reperes-evaluation/1
(docs/evaluation.md) : questions, constats et leurs preuves, préconisations,
comités et décisions, actions de suivi, consultations, jalons, protocole.

Un identifiant (« id ») déjà présent est mis à jour, jamais dupliqué. Tout
ou rien : un fichier invalide ne change rien ; chaque erreur nomme son
chemin dans le JSON (par exemple constats[2].preuves[0].indicateur).

Code de sortie : 0 fichier chargé (ou valide, avec --dry-run) ; 2 fichier
invalide ou illisible : rien n'est enregistré."""

EXPORT_DESCRIPTION = """\
Écrire toute l'évaluation en un objet JSON au format reperes-evaluation/1,
chaque preuve résolue maintenant : la valeur d'un indicateur recalculée sur
sa période (avec la valeur retenue et « a_revoir » si elle a changé), la case
de la matrice besoins × offre, la ligne de comparaison. Avec --diffusion :
la version pour les partenaires (secret statistique, sans les consultations)."""


def register(sub) -> None:
    parser = add_parser(sub, "evaluation", "Évaluation : importer ou exporter le fichier d'évaluation", _help)
    ops = parser.add_subparsers(dest="evaluation_command", metavar="ACTION", title="actions")
    p = add_parser(ops, "import", "Charger un fichier d'évaluation (JSON)", run_import, description=IMPORT_DESCRIPTION)
    p.add_argument("path", metavar="FICHIER", type=Path, help="fichier JSON au format reperes-evaluation/1")
    p.add_argument("--dry-run", action="store_true", help="vérifier seulement, sans rien enregistrer")
    p.add_argument("--json", action="store_true", help="écrire le rapport en JSON sur la sortie standard")
    e = add_parser(ops, "export", "Écrire l'évaluation en JSON, preuves résolues", run_export,
                   description=EXPORT_DESCRIPTION)
    e.add_argument("--diffusion", action="store_true", help="version pour les partenaires (secret statistique)")
    e.add_argument("--json", action="store_true", help="JSON sur la sortie standard (toujours le cas)")
    parser.set_defaults(evaluation_parser=parser)


def _help(args) -> int:
    args.evaluation_parser.print_help()
    return 0


def _fail(args, problems: list[dict]) -> int:
    if args.json:
        out_json({"format": "reperes-evaluation/1", "valide": False, "erreurs": problems})
    else:
        err(f"Fichier invalide : {len(problems)} erreur{'s' if len(problems) > 1 else ''}, rien n'a été enregistré.")
        for problem in problems:
            err(f"  {problem['message']}")
    return 2


def _unusable(args, message: str) -> int:
    """A file that cannot be read: exit 2, nothing written; with --json, the same one object as an invalid file
    (its error at the root of the file, path "")."""
    if args.json:
        out_json({"format": "reperes-evaluation/1", "valide": False, "erreurs": [{"chemin": "", "message": message}]})
    else:
        err(f"Erreur : {message}")
    return 2


def run_import(args) -> int:
    from reperes.evaluation.exchange import InvalidFile, import_file

    err(f"Lecture de {args.path}…")
    try:
        text = args.path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return _unusable(args, f"Fichier introuvable : « {args.path} ». Vérifiez le chemin.")
    except IsADirectoryError:
        return _unusable(args, f"« {args.path} » est un dossier : donnez le fichier JSON d’évaluation.")
    except UnicodeDecodeError:
        return _unusable(args, f"Fichier illisible « {args.path} » : ce n’est pas du texte UTF-8. "
                               "Enregistrez-le en UTF-8.")
    except OSError as error:
        return _unusable(args, f"Fichier illisible « {args.path} » : {os_reason(error)}.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _fail(args, [{"chemin": "", "message": f"JSON invalide, ligne {error.lineno}, colonne {error.colno} : "
                                                      f"{error.msg}"}])
    try:
        report = import_file(data, dry_run=args.dry_run)
    except InvalidFile as invalid:
        return _fail(args, [p.as_dict() for p in invalid.problems])
    if args.json:
        out_json(report.as_dict())
        return 0
    verb = "vérifié (rien n'est enregistré avec --dry-run)" if args.dry_run else "chargé"
    print(f"Fichier d'évaluation {verb}.")
    for section, counts in report.counts.items():
        print(f"  {section} : {counts['crees']} créé(s), {counts['mis_a_jour']} mis à jour")
    return 0


def run_export(args) -> int:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.evaluation.exchange import export

    err("Résolution des preuves…")
    payload = export(diffusion=args.diffusion)
    record(Action.EXPORT, target="évaluation (reperes-evaluation/1)", email="ligne de commande",
           diffusion=args.diffusion)
    out_json(payload)
    return 0
