"""``reperes committee``: a committee's convocation (DOCX and .ics), its relevé de décisions, the modalités note."""

from __future__ import annotations

from pathlib import Path

from .base import UserError, add_parser, err, os_reason

FORMATS = ("docx", "pdf")


def register(sub) -> None:
    parser = add_parser(sub, "committee", "Comités : convocation, relevé de décisions, note de modalités", _help)
    ops = parser.add_subparsers(dest="committee_command", metavar="ACTION", title="actions")
    c = add_parser(ops, "convocation", "Écrire la convocation d'un comité (Word) et son invitation (.ics)",
                   convocation, description="Écrire la convocation d'un comité : un document Word (date, lieu, "
                                            "ordre du jour, institutions convoquées, documents présentés) et "
                                            "une invitation .ics à ouvrir dans un agenda.")
    c.add_argument("id", metavar="ID", help="identifiant du comité (par exemple CS1) ou son numéro")
    c.add_argument("--out", required=True, type=Path, help="dossier où écrire les fichiers")
    mi = add_parser(ops, "minutes", "Écrire le relevé de décisions d'un comité (Word, PDF)", minutes,
                    description="Écrire le relevé de décisions : le comité, sa date, les membres présents et "
                                "absents, les documents présentés avec leur empreinte SHA-256 et, pour chaque "
                                "préconisation, la décision, son motif et, si elle est amendée, le nouveau texte.")
    mi.add_argument("id", metavar="ID", help="identifiant du comité (par exemple CP1) ou son numéro")
    mi.add_argument("--out", required=True, type=Path, help="dossier où écrire les fichiers")
    mi.add_argument("--format", default="", help="formats séparés par des virgules : docx,pdf (défaut : les deux)")
    mo = add_parser(ops, "modalites", "Écrire la note de modalités opérationnelles (Word)", modalites,
                    description="Écrire la note de modalités opérationnelles (méthode, calendrier, instances, "
                                "qui fournit quoi), premier livrable après le comité de lancement.")
    mo.add_argument("--out", required=True, type=Path, help="dossier où écrire le fichier")
    parser.set_defaults(committee_parser=parser)


def _help(args) -> int:
    args.committee_parser.print_help()
    return 0


def _comite(ident: str):
    from reperes.evaluation.models import Comite

    comite = Comite.objects.filter(code=ident).first()
    if comite is None and ident.isdigit():
        comite = Comite.objects.filter(pk=int(ident)).first()
    if comite is None:
        known = ", ".join(Comite.objects.values_list("code", flat=True)) or "aucun"
        raise UserError(f"Aucun comité « {ident} ». Comités connus : {known}.")
    return comite


def _formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()] or list(FORMATS)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UserError(f"--format : format inconnu « {', '.join(unknown)} » ; choisissez parmi docx,pdf.")
    return list(dict.fromkeys(wanted))


def _out(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise UserError(f"--out : « {path} » existe et n'est pas un dossier.")
    return path


def _record(target: str) -> None:
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    record(Action.REPORT, target=target, email="ligne de commande")


def convocation(args) -> int:
    from reperes.evaluation import committees as cm

    comite, out = _comite(args.id), _out(args.out)
    try:
        paths = cm.write_files(cm.convocation_document(comite), out, f"convocation-{comite.code}", ["docx"])
        ics = out / f"convocation-{comite.code}.ics"
        ics.write_bytes(cm.ics_bytes(comite))
    except OSError as exc:
        raise UserError(f"Impossible d'écrire dans « {out} » : {os_reason(exc)}.") from exc
    _record(f"convocation du comité {comite.code}")
    for path in [*paths, ics]:
        err(f"  {path}")
    return 0


def minutes(args) -> int:
    from reperes.evaluation import committees as cm

    comite, formats, out = _comite(args.id), _formats(args.format), _out(args.out)
    err(f"Relevé de décisions de « {comite.intitule} » : {', '.join(formats)}…")
    try:
        paths = cm.write_files(cm.minutes_document(comite), out, f"releve-decisions-{comite.code}", formats)
    except OSError as exc:
        raise UserError(f"Impossible d'écrire dans « {out} » : {os_reason(exc)}.") from exc
    _record(f"relevé de décisions du comité {comite.code}")
    for path in paths:
        err(f"  {path}")
    return 0


def modalites(args) -> int:
    from reperes.evaluation import committees as cm

    out = _out(args.out)
    try:
        paths = cm.write_files(cm.modalites_document(), out, "modalites-operationnelles", ["docx"])
    except OSError as exc:
        raise UserError(f"Impossible d'écrire dans « {out} » : {os_reason(exc)}.") from exc
    _record("note de modalités opérationnelles")
    for path in paths:
        err(f"  {path}")
    return 0
