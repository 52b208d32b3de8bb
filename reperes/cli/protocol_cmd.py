"""``reperes protocol draft``: the draft protocol (DOCX, PDF, HTML) generated from the data and the decisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .base import UserError, add_parser, err, os_reason, out_json


def register(sub) -> None:
    p = add_parser(sub, "protocol", "Le projet de protocole du PLIE", _help)
    ops = p.add_subparsers(dest="protocol_command", metavar="ACTION", title="actions")
    d = add_parser(ops, "draft", "Générer le projet de protocole", draft,
                   description="Générer le projet de protocole (Word, PDF, page web) à partir du territoire, des "
                               "données et des décisions des comités : seules les préconisations adoptées ou "
                               "amendées y entrent. Marqué « Projet » tant que le comité de pilotage ne l'a pas "
                               "adopté. Mêmes données, mêmes décisions, mêmes textes et même date : mêmes fichiers.")
    d.add_argument("--out", required=True, type=Path, metavar="DOSSIER",
                   help="dossier où écrire les fichiers (obligatoire, même avec --json)")
    d.add_argument("--format", default="", help="formats séparés par des virgules : docx,pdf,html (défaut : tous)")
    d.add_argument("--date", default=None, help="date du document (AAAA-MM-JJ ; défaut : aujourd'hui)")
    d.add_argument("--json", action="store_true", help="écrire le contenu du protocole en JSON sur la sortie standard")


def _help(args) -> int:
    raise UserError("Précisez l'action : reperes protocol draft --out DOSSIER (voir --help).")


def draft(args) -> int:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.protocol import services
    from reperes.reports.protocol import draft_content

    try:
        formats = services.parse_formats(args.format)
    except services.ProtocolError as exc:
        raise UserError(str(exc)) from exc
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise UserError(f"--date : date invalide « {args.date} » ; écrivez-la AAAA-MM-JJ.") from None
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out : « {args.out} » existe et n'est pas un dossier.")
    err(f"Projet de protocole : {', '.join(formats)}…")
    _document, outputs = services.render(formats, date=date)
    stem = services.file_stem(date)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for fmt, data in outputs.items():
            path = args.out / f"{stem}.{fmt}"
            path.write_bytes(data)
            err(f"  {path}")
    except OSError as exc:
        raise UserError(f"Impossible d'écrire dans « {args.out} » : {os_reason(exc)}.") from exc
    record(Action.REPORT, target="projet de protocole (ligne de commande)", livrable="protocole",
           date=date.isoformat(), formats=formats, email="ligne de commande")
    if args.json:
        out_json(draft_content(date=date))
    return 0
