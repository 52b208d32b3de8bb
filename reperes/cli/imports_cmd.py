"""``reperes imports list`` and ``reperes imports undo ID``: the history of imports, and undo."""

from __future__ import annotations

import sys

from .base import UserError, add_parser, out_json

DESCRIPTION = """\
L'historique des imports : qui a importé quel fichier (empreinte SHA-256),
quand, avec quels comptes et quel statut ; et l'annulation du dernier import
enregistré, qui remet les données exactement dans leur état d'avant (lignes
ajoutées retirées, lignes modifiées remises à leurs valeurs précédentes ;
après --replace, les données remplacées reviennent).

  reperes imports list [--json] [--limit N] [--validations]
  reperes imports undo ID [--json]"""

UNDO_DESCRIPTION = """\
Annuler l'import n° ID, qui doit être le dernier import enregistré (les
vérifications seules et les imports refusés n'ont rien enregistré).
L'état d'avant est conservé pour les derniers imports seulement.

Code de sortie : 0 import annulé ; 2 annulation impossible (le message dit
pourquoi)."""


def register(sub) -> None:
    parser = add_parser(sub, "imports", "Historique des imports et annulation du dernier import", _help,
                        description=DESCRIPTION)
    parser.set_defaults(parser=parser)
    commands = parser.add_subparsers(dest="imports_command", metavar="SOUS-COMMANDE", title="sous-commandes")
    listing = add_parser(commands, "list", "Lister les imports, du plus récent au plus ancien", run_list)
    listing.add_argument("--json", action="store_true", help="écrire la liste en JSON sur la sortie standard")
    listing.add_argument("--limit", type=int, default=50, metavar="N",
                         help="nombre d'imports affichés (par défaut 50 ; 0 pour tous)")
    listing.add_argument("--validations", action="store_true",
                         help="lister les validations seules (--dry-run), tenues à part de l'historique")
    undo = add_parser(commands, "undo", "Annuler le dernier import enregistré", run_undo,
                      description=UNDO_DESCRIPTION)
    undo.add_argument("run_id", metavar="ID", type=int, help="numéro de l'import (voir reperes imports list)")
    undo.add_argument("--json", action="store_true", help="écrire le résultat en JSON sur la sortie standard")


def _help(args) -> int:
    args.parser.print_help()
    return 0


def run_entry(run) -> dict:
    """One import of the history, as JSON."""
    report = run.report or {}
    return {
        "id": run.pk,
        "date": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "user": run.user.email if run.user_id else None,
        "file": run.source_name,
        "sha256": run.sha256,
        "mode": run.mode,
        "status": run.status,
        "stored": run.stored,
        "tables": report.get("tables", {}),
        "errors": len(report.get("errors", [])) + int(report.get("errors_omitted", 0) or 0),
    }


def run_list(args) -> int:
    from django.utils import timezone

    from reperes import formats
    from reperes.collection.importer import settle_interrupted_runs
    from reperes.collection.importer.undo import last_stored_run, undo_refusal
    from reperes.collection.models import ImportRun

    settle_interrupted_runs()
    runs = ImportRun.objects.validations() if args.validations else ImportRun.objects.history()
    runs = runs.select_related("user").order_by("-created_at", "-id")
    if args.limit and args.limit > 0:
        runs = runs[:args.limit]
    runs = list(runs)
    last = last_stored_run()
    entries = []
    for run in runs:
        entry = run_entry(run)
        entry["undoable"] = last is not None and run.pk == last.pk and undo_refusal(run) is None
        entries.append(entry)
    if args.json:
        out_json({"imports": entries})
        return 0
    if not entries and args.validations:
        print("Aucune validation seule pour l'instant (reperes import CHEMIN --dry-run).")
        return 0
    if not entries:
        print("Aucun import pour l'instant : reperes import CHEMIN pour importer des données.")
        return 0
    labels = dict(ImportRun.Status.choices)
    for run, entry in zip(runs, entries, strict=True):
        when = timezone.localtime(run.created_at)
        accepted = sum(t.get("accepted", 0) for t in entry["tables"].values())
        rejected = sum(t.get("rejected", 0) for t in entry["tables"].values())
        who = entry["user"] or "ligne de commande"
        mark = "  ← annulable (reperes imports undo " + str(run.pk) + ")" if entry["undoable"] else ""
        print(f"n° {run.pk} — {formats.short_date(when.date())} {when:%H:%M} — « {run.source_name} » — {who}")
        print(f"    {labels.get(run.status, run.status)} ; mode {run.mode} ; {formats.number(accepted)} ligne(s) "
              f"acceptée(s), {formats.number(rejected)} rejetée(s) ; SHA-256 {run.sha256 or '–'}{mark}")
    return 0


def run_undo(args) -> int:
    from reperes.collection.importer.undo import UndoError, summary_lines, undo_import
    from reperes.collection.models import ImportRun

    run = ImportRun.objects.filter(pk=args.run_id).first()
    if run is None:
        message = f"Aucun import n° {args.run_id} : voir reperes imports list."
        if args.json:
            out_json({"status": "refused", "message": message})
            return 2
        raise UserError(message)
    try:
        result = undo_import(run)
    except UndoError as exc:
        if args.json:
            out_json({"status": "refused", "run": run.pk, "message": exc.message})
            return 2
        raise UserError(exc.message) from exc
    if args.json:
        out_json(result)
        return 0
    for line in summary_lines(result):
        print(line, file=sys.stdout)
    return 0
