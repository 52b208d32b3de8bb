"""``reperes survey …``: questionnaires (XLSForm) and answers collected elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json

IMPORT_ANSWERS_DESCRIPTION = """\
Importer des réponses recueillies avec un autre outil : export CSV ou XLSX de
KoboToolbox (libellés ou noms XML, séparateur ; ou ,), export ZIP d'ODK Central,
export CSV de LimeSurvey (codes de questions : donnez --mapping, un CSV
colonne,question ou un objet JSON, ou laissez Repères proposer la correspondance).

Réimporter le même export n'ajoute rien (les réponses sont repérées par leur
identifiant de soumission). Des réponses d'un autre questionnaire sont refusées.

Code de sortie : 0 toutes les réponses acceptées ; 3 des réponses rejetées ;
2 fichier inutilisable ou d'un autre questionnaire : rien n'est enregistré."""


def register(sub) -> None:
    from . import FrenchHelpFormatter

    parser = sub.add_parser("survey", help="questionnaires XLSForm et réponses d'enquête", add_help=False,
                            formatter_class=FrenchHelpFormatter, description="Questionnaires XLSForm et réponses d'enquête.")
    parser.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    parser._optionals.title = "options"
    commands = parser.add_subparsers(dest="survey_command", metavar="COMMANDE", title="commandes")
    imp = add_parser(commands, "import-form", "Importer un questionnaire XLSForm (nouvelle version si modifié)",
                     import_form)
    imp.add_argument("file", metavar="FICHIER.xlsx", type=Path, help="le questionnaire XLSForm")
    imp.add_argument("--json", action="store_true", help="écrire {\"form\", \"version\", \"questions\"} en JSON")
    exp = add_parser(commands, "export-form", "Écrire le fichier XLSForm d'un questionnaire", export_form)
    exp.add_argument("form", metavar="QUESTIONNAIRE", help="identifiant du questionnaire (form_id)")
    exp.add_argument("out", metavar="FICHIER.xlsx", type=Path, help="fichier à écrire")
    exp.add_argument("--version", type=int, help="numéro de version (par défaut la dernière)")
    builtin = add_parser(commands, "builtin", "Installer les questionnaires fournis avec Repères", install_builtin)
    builtin.add_argument("--json", action="store_true", help="sortie JSON")
    ans = add_parser(commands, "import-answers", "Importer des réponses (KoboToolbox, ODK Central, LimeSurvey)",
                     import_answers, description=IMPORT_ANSWERS_DESCRIPTION)
    ans.add_argument("form", metavar="QUESTIONNAIRE", help="identifiant du questionnaire (form_id)")
    ans.add_argument("file", metavar="FICHIER", type=Path, help="export CSV, XLSX ou ZIP")
    ans.add_argument("--mapping", type=Path, metavar="FICHIER", help="correspondance colonne → question (CSV ou JSON)")
    ans.add_argument("--audience", choices=("elu", "institution", "acteur", "participant"),
                     help="public des répondants, si l'export ne le dit pas")
    ans.add_argument("--dry-run", action="store_true", help="vérifier seulement : rien n'est enregistré")
    ans.add_argument("--json", action="store_true", help="rapport JSON sur la sortie standard")
    parser.set_defaults(func=lambda args: (parser.print_help(), 0)[1], needs_database=False)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"Le fichier {path} n'existe pas.") from exc
    except OSError as exc:
        raise UserError(f"Le fichier {path} est illisible : {os_reason(exc)}.") from exc


def import_form(args) -> int:
    from reperes.audit.trail import record
    from reperes.surveys.services import import_form as do_import
    from reperes.surveys.xlsform import XLSFormError

    try:
        result = do_import(_read(args.file), args.file.name)
    except XLSFormError as exc:
        for message in exc.messages:
            err(message)
        raise UserError(f"Le questionnaire {args.file.name} n'est pas importé : corrigez-le puis réessayez.") from exc
    record("import", target=f"questionnaire {result.version.form.form_id}", version=result.version.number,
           questions=result.version.question_count, source="cli")
    if args.json:
        out_json(result.as_json())
    else:
        note = "nouvelle version" if result.created else "inchangé, version existante"
        print(result.version.form.form_id)
        err(f"Questionnaire « {result.version.title} » : version {result.version.number} ({note}), "
            f"{result.version.question_count} questions.")
    return 0


def _form_version(form_id: str, number: int | None = None):
    from reperes.surveys.models import FormVersion

    versions = FormVersion.objects.filter(form__form_id=form_id).order_by("-number")
    if number is not None:
        versions = versions.filter(number=number)
    version = versions.first()
    if version is None:
        raise UserError(f"Aucun questionnaire « {form_id} »" + (f" en version {number}" if number else "") +
                        " : importez-le d'abord (reperes survey import-form).")
    return version


def export_form(args) -> int:
    version = _form_version(args.form, args.version)
    args.out.write_bytes(bytes(version.source_file))
    err(f"Questionnaire « {version.title} » (version {version.number}) écrit dans {args.out}.")
    return 0


def install_builtin(args) -> int:
    from reperes.surveys.builtin import ensure_builtin_forms

    results = ensure_builtin_forms()
    if args.json:
        out_json({"forms": [r.as_json() for r in results]})
    else:
        for r in results:
            print(f"{r.version.form.form_id}\tversion {r.version.number}\t{r.version.question_count} questions")
    return 0


def import_answers(args) -> int:
    from reperes.audit.trail import record
    from reperes.surveys.answers_import import AnswersFileError, read_mapping
    from reperes.surveys.answers_import import import_answers as do_import

    version = _form_version(args.form)
    mapping = {}
    if args.mapping:
        try:
            mapping = read_mapping(_read(args.mapping), args.mapping.name)
        except AnswersFileError as exc:
            raise UserError(str(exc)) from exc
    err(f"Lecture de {args.file.name}…")
    report = do_import(version, _read(args.file), args.file.name, mapping=mapping, audience=args.audience or "",
                       dry_run=args.dry_run)
    record("import", target=f"réponses {version.form.form_id}", status=report.status,
           accepted=report.accepted, rejected=report.rejected, skipped=report.skipped, source="cli")
    if args.json:
        out_json(report.as_json())
        return report.exit_status
    if report.refused:
        for error in report.errors[:50]:
            err(f"Fichier refusé, rien n’a été enregistré : {error['message']}")
        return report.exit_status
    table = report.as_json()["tables"]["reponses"]
    print(f"Réponses : {table['read']} lues, {table['accepted']} acceptées, {table['rejected']} rejetées, "
          f"{table['skipped']} déjà importées.", file=sys.stdout)
    for error in report.errors[:50]:
        where = f"ligne {error['line']}, colonne {error['column']} : " if error.get("line") else ""
        print(f"- {where}{error['message']}", file=sys.stdout)
    for column in report.ignored:
        if column["reason"] != "métadonnée de l'outil de collecte":
            print(f"- colonne ignorée « {column['column']} » : {column['reason']}", file=sys.stdout)
    return report.exit_status
