"""``reperes report intermediate`` and ``reperes report final``: the reports in DOCX, PDF, PPTX and HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json


def register(sub) -> None:
    p = add_parser(sub, "report", "Générer les livrables (rapport intermédiaire, rapport final)", _help)
    ops = p.add_subparsers(dest="report_command", metavar="LIVRABLE", title="livrables")
    r = add_parser(ops, "intermediate", "Générer le rapport intermédiaire pour le comité de suivi", intermediate,
                   description="Générer le rapport intermédiaire (Word, PDF, PowerPoint, page web) à partir des "
                               "données importées. Mêmes données et mêmes paramètres : mêmes fichiers.")
    r.add_argument("--out", required=True, type=Path, metavar="DOSSIER", help="dossier où écrire les fichiers")
    r.add_argument("--format", default="", help="formats séparés par des virgules : docx,pdf,pptx,html "
                                                "(défaut : tous)")
    r.add_argument("--from", dest="debut", default=None, help="début de la période (AAAA-MM-JJ ; défaut : "
                                                               "période des paramètres)")
    r.add_argument("--to", dest="fin", default=None, help="fin de la période (AAAA-MM-JJ)")
    r.add_argument("--date", default=None, help="date du document (AAAA-MM-JJ ; défaut : aujourd'hui)")
    r.add_argument("--diffusion", action="store_true",
                   help="version pour les partenaires : secret statistique appliqué à chaque effectif")
    r.add_argument("--json", action="store_true", help="écrire le résumé en JSON sur la sortie standard")
    f = add_parser(ops, "final", "Générer le rapport final de l'évaluation (et le diaporama du COPIL)", final,
                   description="Générer le rapport final (Word, PDF, page web) et le diaporama du comité de "
                               "pilotage (PowerPoint, 25 diapositives au plus), à partir des données, du registre "
                               "de l'évaluation et des décisions des comités. Mêmes données, mêmes décisions et "
                               "mêmes paramètres : mêmes fichiers.")
    f.add_argument("--out", required=True, type=Path, metavar="DOSSIER", help="dossier où écrire les fichiers")
    f.add_argument("--format", default="", help="formats séparés par des virgules : docx,pdf,pptx,html "
                                                "(défaut : tous ; pptx : le diaporama du COPIL)")
    f.add_argument("--from", dest="debut", default=None, help="début de la période (AAAA-MM-JJ ; défaut : "
                                                               "période des paramètres)")
    f.add_argument("--to", dest="fin", default=None, help="fin de la période (AAAA-MM-JJ)")
    f.add_argument("--date", default=None, help="date du document (AAAA-MM-JJ ; défaut : aujourd'hui)")
    f.add_argument("--diffusion", action="store_true",
                   help="version pour les partenaires : secret statistique appliqué à chaque effectif")
    f.add_argument("--json", action="store_true", help="écrire le résumé en JSON sur la sortie standard")


def _help(args) -> int:
    raise UserError("Précisez le livrable : reperes report intermediate|final --out DOSSIER (voir --help).")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} : date invalide « {text} » ; écrivez-la AAAA-MM-JJ (par exemple 2019-12-31).") from None


def _parameters(args):
    """(formats, debut, fin, date) of a report command, checked, French messages."""
    from reperes.configuration.models import Installation
    from reperes.reports import services

    try:
        formats = services.parse_formats(args.format)
    except services.ReportError as exc:
        raise UserError(str(exc)) from exc
    debut, fin = _date(args.debut, "--from"), _date(args.fin, "--to")
    default_debut, default_fin = Installation.get().default_period()
    if (debut is None) != (fin is None):
        raise UserError("Donnez --from et --to ensemble, ou aucun des deux (période des paramètres).")
    debut, fin = debut or default_debut, fin or default_fin
    date = _date(args.date, "--date") or dt.date.today()
    if fin < debut:
        raise UserError("--to doit suivre --from.")
    try:
        services.check_period(debut, fin, args.diffusion)
    except services.ReportError as exc:
        raise UserError(f"{exc} (--from {debut.year}-01-01 --to {fin.year}-12-31)") from exc
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out : « {args.out} » existe et n'est pas un dossier.")
    return formats, debut, fin, date


def intermediate(args) -> int:
    from reperes.reports import services

    return _generate(args, "Rapport intermédiaire", "rapport_intermediaire", services.generate)


def final(args) -> int:
    from reperes.reports import final as final_report

    return _generate(args, "Rapport final", "rapport_final", final_report.generate,
                     extra={"decisions": "Empreinte des décisions (SHA-256)"})


def _generate(args, title: str, livrable: str, generate, extra: dict[str, str] | None = None) -> int:
    """Generate a report (``generate`` of its module), write its files, audit it, print where they are."""
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.reports import services

    formats, debut, fin, date = _parameters(args)
    err(f"{title} du {debut.isoformat()} au {fin.isoformat()} "
        f"({'diffusion partenaires' if args.diffusion else 'interne'}) : {', '.join(formats)}…")
    generation = generate(debut=debut, fin=fin, date=date, diffusion=args.diffusion, formats=formats)
    try:
        paths = services.write_files(generation, args.out)
    except OSError as exc:
        raise UserError(f"Impossible d'écrire dans « {args.out} » : {os_reason(exc)}.") from exc
    record(Action.REPORT, target=f"{title.lower()} (ligne de commande)", livrable=livrable,
           debut=debut.isoformat(), fin=fin.isoformat(), date=date.isoformat(), diffusion=args.diffusion,
           formats=formats, email="ligne de commande")
    for path in paths:
        err(f"  {path}")
    metadata = generation.document.metadata
    if args.json:
        keys = {"imports": "Imports de données", "hash": "Empreinte des données (SHA-256)", **(extra or {}),
                "version": "Version de Repères"}
        out_json({"files": [str(p) for p in paths], "debut": debut.isoformat(), "fin": fin.isoformat(),
                  "date": date.isoformat(), "diffusion": args.diffusion,
                  **{key: metadata.get(label) for key, label in keys.items()}})
    return 0
