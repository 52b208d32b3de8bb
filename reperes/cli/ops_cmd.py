"""``reperes backup FILE`` and ``reperes restore FILE``."""

from __future__ import annotations

import os
from pathlib import Path

from .base import UserError, add_parser, err


def register(sub) -> None:
    b = add_parser(sub, "backup", "Sauvegarder l'instance (base, paramètres, clé de pseudonymisation)", backup)
    b.add_argument("file", metavar="FICHIER", type=Path, help="archive à écrire (.zip)")
    r = add_parser(sub, "restore", "Restaurer une sauvegarde (remplace les données de l'instance)", restore)
    r.add_argument("file", metavar="FICHIER", type=Path, help="archive de sauvegarde (.zip)")


def backup(args) -> int:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.operations import KEY_WARNING
    from reperes.operations import backup as do_backup

    record(Action.BACKUP, email="ligne de commande", target=str(args.file.name))
    manifest = do_backup(args.file)
    total = sum(manifest["effectifs"].values())
    err(f"Sauvegarde écrite : {args.file} ({total} enregistrements).")
    err(KEY_WARNING)
    return 0


def restore(args) -> int:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.operations import BackupError
    from reperes.operations import restore as do_restore

    if not args.file.is_file():
        raise UserError(f"Fichier introuvable : {args.file}")
    try:
        manifest = do_restore(args.file)
    except BackupError as exc:
        raise UserError(str(exc)) from None
    record(Action.RESTORE, email="ligne de commande", target=str(args.file.name), date_sauvegarde=manifest["date"])
    err(f"Sauvegarde du {manifest['date']} restaurée.")
    if os.environ.get("REPERES_PSEUDONYM_KEY"):
        err("Attention : REPERES_PSEUDONYM_KEY est définie et prime sur la clé restaurée. Donnez-lui la valeur "
            "du fichier pseudonym.key du dossier de données pour retrouver les participants.")
    return 0
