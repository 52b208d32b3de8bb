"""``reperes stats import FICHIER``: territorial statistics (INSEE, France Travail/DARES, CAF, QPV, long format)."""

from __future__ import annotations

from pathlib import Path

from .base import add_parser, err, out_json

DESCRIPTION = """\
Importer des statistiques territoriales, par commune ou par EPCI :
  insee    comparateur de territoires ou dossier complet (CODGEO, P21_POP, MED21…)
  dares    demandeurs d'emploi France Travail / DARES par catégorie et ancienneté
  caf      foyers allocataires percevant le RSA (CAF)
  qpv      liste des quartiers prioritaires (code du quartier, code INSEE de la commune)
  generic  format long : code_geo, indicateur, valeur, millesime, source

Sans --source, la source est reconnue d'après les colonnes. Les marques de
secret des fichiers publiés (s, secret, nd, n.d., *) sont gardées comme
données secrètes. Une ligne dont une valeur n'est pas un nombre, est négative,
ou dont le code géographique est inconnu est rejetée et listée ; les autres
sont enregistrées. Les communes hors du territoire sont ignorées.

Code de sortie : 0 toutes les lignes acceptées ; 3 des lignes rejetées ;
2 fichier inutilisable (illisible, colonne obligatoire absente) : rien n'est
enregistré."""


def register(sub) -> None:
    parser = add_parser(sub, "stats", "Statistiques territoriales (INSEE, France Travail, CAF, QPV)", _help)
    ops = parser.add_subparsers(dest="stats_command", metavar="ACTION", title="actions")
    p = add_parser(ops, "import", "Importer un fichier de statistiques territoriales", run,
                   description=DESCRIPTION)
    p.add_argument("path", metavar="FICHIER", type=Path, help="fichier CSV (ou XLSX) publié par la source")
    p.add_argument("--source", choices=("insee", "dares", "caf", "qpv", "generic"),
                   help="source du fichier (reconnue d'après les colonnes si absente)")
    p.add_argument("--millesime", help="millésime des données quand le fichier ne le dit pas (ex. 2023)")
    p.add_argument("--json", action="store_true",
                   help="écrire le rapport en JSON sur la sortie standard (la progression va sur la sortie "
                        "d'erreur)")
    parser.set_defaults(stats_parser=parser)


def _help(args) -> int:
    args.stats_parser.print_help()
    return 0


def run(args) -> int:
    from reperes.offer.stats_import import run_stats_import

    err(f"Lecture de {args.path}…")
    result = run_stats_import(args.path, source=args.source, millesime=args.millesime)
    if args.json:
        out_json(result.report)
        return result.exit_status
    for line in summary(result.report, str(args.path)):
        print(line)
    return result.exit_status


def summary(report: dict, name: str, max_errors: int = 10) -> list[str]:
    from reperes import formats

    if report["status"] == "refused":
        lines = [f"Import de « {name} » refusé : rien n'a été enregistré."]
    else:
        lines = []
        for table, t in report["tables"].items():
            lines.append(f"Import de « {name} » ({table}) : {formats.number(t['read'])} ligne(s) lue(s), "
                         f"{formats.number(t['accepted'])} acceptée(s), {formats.number(t['rejected'])} "
                         f"rejetée(s), {formats.number(t['skipped'])} hors du territoire (ignorées).")
    for col in report["ignored_columns"][:max_errors]:
        lines.append(f"  Colonne ignorée : « {col['column']} » ({col['reason']}).")
    errors = report["errors"]
    if errors:
        lines.append("Erreurs :" if len(errors) <= max_errors else
                     f"Premières erreurs ({max_errors} sur {formats.number(len(errors))}) :")
        for e in errors[:max_errors]:
            where = ", ".join(p for p in (f"ligne {e['line']}" if e.get("line") else None, e.get("column")) if p)
            value = f" « {e['value']} »" if e.get("value") not in (None, "") else ""
            lines.append(f"  - {where}{value} : {e['message']}" if where else f"  - {e['message']}")
        if len(errors) > max_errors:
            lines.append("  … relancez avec --json pour la liste complète.")
    if report["status"] != "refused":
        lines.append("Données enregistrées.")
    return lines
