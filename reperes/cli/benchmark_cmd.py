"""``reperes benchmark``: import, export and compare PLIE sheets (docs/fiche-plie.md)."""

from __future__ import annotations

from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json

IMPORT_DESCRIPTION = """\
Importer la fiche d'un autre PLIE (format de docs/fiche-plie.md) : CSV
(UTF-8 ou Windows-1252, virgule ou point-virgule), XLSX ou ODS (première
feuille). Les lignes en erreur sont rejetées avec leur numéro ; les autres
sont importées (--strict : aucune si une ligne est rejetée). Une fiche qui
apporte des valeurs pour un PLIE et une année déjà enregistrés les remplace ;
réimporter le même fichier ne change rien.

Code de sortie : 0 toutes les lignes importées ; 3 des lignes rejetées (les
autres importées) ; 2 fichier illisible ou rien d’importé (avec --strict,
une seule ligne rejetée suffit : rien n’est importé)."""

EXPORT_DESCRIPTION = """\
Écrire la fiche de ce PLIE pour une année (défaut : la dernière année civile
achevée avant la date la plus récente des données), calculée à partir de ses
données, avec les valeurs d'organisation saisies dans « Comparer ». Le secret
statistique s'applique (fiche destinée à d'autres) : une valeur masquée est
écrite « s ». CSV UTF-8 avec BOM, séparateur point-virgule."""

COMPARE_DESCRIPTION = """\
Toutes les valeurs enregistrées d'un indicateur (toutes les années, ou
--annee), avec celles de ce PLIE calculées à partir de ses données et la
série nationale (« Ensemble des PLIE (France) », Alliance Villes Emploi)."""


def register(sub) -> None:
    parser = add_parser(sub, "benchmark", "Comparer ce PLIE à d'autres : fiches PLIE (import, export, comparaison)",
                        _help)
    ops = parser.add_subparsers(dest="benchmark_command", metavar="ACTION", title="actions")
    p = add_parser(ops, "import", "Importer la fiche d'un autre PLIE (CSV, XLSX, ODS)", run_import,
                   description=IMPORT_DESCRIPTION)
    p.add_argument("path", metavar="FICHIER", type=Path, help="fiche PLIE (CSV, XLSX ou ODS)")
    p.add_argument("--strict", action="store_true", help="ne rien importer si une ligne est rejetée")
    p.add_argument("--json", action="store_true", help="écrire le résumé en JSON sur la sortie standard")
    e = add_parser(ops, "export", "Écrire la fiche de ce PLIE (CSV)", run_export, description=EXPORT_DESCRIPTION)
    e.add_argument("--out", required=True, type=Path, metavar="FICHIER.csv", help="fichier CSV à écrire")
    e.add_argument("--annee", type=int, metavar="AAAA", help="année de la fiche")
    c = add_parser(ops, "compare", "Comparer un indicateur entre PLIE", run_compare, description=COMPARE_DESCRIPTION)
    c.add_argument("--indicateur", required=True, metavar="ID", help="identifiant (par exemple taux_sorties_positives)")
    c.add_argument("--annee", type=int, metavar="AAAA", help="une seule année")
    c.add_argument("--json", action="store_true", help="écrire la comparaison en JSON sur la sortie standard")
    parser.set_defaults(benchmark_parser=parser)


def _help(args) -> int:
    args.benchmark_parser.print_help()
    return 0


def _check_year(annee: int | None) -> None:
    if annee is not None and not 1980 <= annee <= 2100:
        raise UserError(f"--annee {annee} : attendu une année sur quatre chiffres, par exemple 2019.")


def run_import(args) -> int:
    from reperes.benchmark.services import ImportOutcome, import_sheet

    if not args.path.is_file():  # the file cannot be read: exit 2, and with --json the command's one shape
        outcome = ImportOutcome(unreadable=f"Fichier introuvable : « {args.path} ». Vérifiez le chemin."
                                if not args.path.exists() else
                                f"« {args.path} » n’est pas un fichier : donnez la fiche PLIE (CSV, XLSX ou ODS).")
    else:
        err(f"Lecture de {args.path}…")
        outcome = import_sheet(args.path, strict=args.strict)
    if args.json:
        out_json(outcome.report())
    else:
        if outcome.unreadable:
            err(outcome.unreadable)
        for rejection in outcome.rejetees:
            print(f"Ligne {rejection.line} : {rejection.message}")
        if outcome.unchanged:
            print(f"Déjà importée : {outcome.importees} valeur(s) identique(s), rien n’a changé.")
        elif args.strict and outcome.rejetees:
            print("Rien n’est importé (--strict) : corrigez les lignes ci-dessus puis recommencez.")
        elif not outcome.unreadable:
            print(f"{outcome.importees} valeur(s) importée(s), {outcome.remplacees} remplacée(s), "
                  f"{len(outcome.rejetees)} ligne(s) rejetée(s).")
            for replaced in outcome.replaced:
                print(f"  remplacée : {replaced}")
    return outcome.exit_status


def run_export(args) -> int:
    from reperes.benchmark.services import export_sheet

    _check_year(args.annee)
    if args.out.is_dir():
        raise UserError(f"--out : « {args.out} » est un dossier ; donnez le fichier à écrire (FICHIER.csv).")
    try:
        rows = export_sheet(args.out, args.annee)
    except OSError as exc:
        raise UserError(f"Impossible d’écrire « {args.out} » : {os_reason(exc)}.") from exc
    hidden = sum(r["secret"] for r in rows)
    annee = rows[0]["annee"] if rows else args.annee
    err(f"Fiche {annee} écrite dans {args.out} : {len(rows)} valeur(s), dont {hidden} masquée(s) "
        "par le secret statistique (« s »).")
    return 0


def run_compare(args) -> int:
    from reperes.benchmark.indicators import BY_ID
    from reperes.benchmark.services import compare
    from reperes.benchmark.sheets import display_value

    _check_year(args.annee)
    if args.indicateur not in BY_ID:
        raise UserError(f"Indicateur « {args.indicateur} » inconnu. Indicateurs de la fiche : "
                        + ", ".join(BY_ID) + ".")
    payload = compare(args.indicateur, args.annee)
    if args.json:
        out_json(payload)
        return 0
    print(BY_ID[args.indicateur].label)
    for line in payload["lignes"]:
        mark = " (ce PLIE)" if line["moi"] else ""
        value = display_value(args.indicateur, line["valeur"], line["secret"])
        extra = "" if line["comparable"] else "  [non comparable]"
        print(f"  {line['plie'] + mark:<50} {line['annee']}  {value:>14}  — {line['source']}, "
              f"{line['date_source']}{extra}")
    return 0
