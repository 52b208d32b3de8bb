"""Backup and restore of an instance: database, settings, media and the pseudonymisation key.

The archive is a ZIP holding ``MANIFEST.json`` (which says it holds the key),
``database.json`` (Django serialisation, portable between SQLite and
PostgreSQL), ``pseudonym.key`` and ``media/``. The bundled reference of
communes is not saved: every installation has it from its migrations.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction

from reperes import __version__, instance

FORMAT = "reperes-backup/1"
KEY_WARNING = ("Cette archive contient la clé de pseudonymisation : conservez-la comme une donnée sensible "
               "(chiffrée, accès restreint). Sans cette clé, les imports futurs ne retrouveraient plus les "
               "participants déjà enregistrés.")
# Models saved, in dependency order. The reference of communes comes with the migrations.
MODELS = (
    "territory.Contour", "territory.Territory", "accounts.User", "configuration.Installation",
    "collection.ImportRun", "collection.Action", "collection.Participant", "collection.Etape",
    "collection.SuiviFrein", "collection.Acquis", "audit.AuditEvent",
    "benchmark.Organisation", "benchmark.SheetImport", "benchmark.SheetValue",
)


class BackupError(ValueError):
    pass


def backup(path: Path) -> dict:
    path = Path(path)
    objects = []
    counts = {}
    for label in MODELS:
        model = apps.get_model(label)
        rows = list(model.objects.all().order_by("pk"))
        counts[label] = len(rows)
        objects.extend(rows)
    data = serializers.serialize("json", objects)
    manifest = {
        "format": FORMAT, "version": __version__, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "contient_cle_pseudonymisation": True, "avertissement": KEY_WARNING, "effectifs": counts,
        "base": connection.vendor,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("MANIFEST.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        zf.writestr("LISEZ-MOI.txt", KEY_WARNING + "\n")
        zf.writestr("database.json", data)
        zf.writestr("pseudonym.key", instance.pseudonym_key().decode("utf-8") + "\n")
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            for file in sorted(media.rglob("*")):
                if file.is_file():
                    zf.write(file, "media/" + file.relative_to(media).as_posix())
    tmp.chmod(0o600)
    tmp.replace(path)
    return manifest


def restore(path: Path) -> dict:
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"Ce fichier n'est pas une sauvegarde Repères lisible : {exc}") from None
    with zf:
        try:
            manifest = json.loads(zf.read("MANIFEST.json"))
            data = zf.read("database.json")
            key = zf.read("pseudonym.key").decode("utf-8").strip()
        except KeyError as exc:
            raise BackupError(f"Sauvegarde incomplète : l'élément {exc} manque.") from None
        if manifest.get("format") != FORMAT:
            raise BackupError("Format de sauvegarde inconnu : cette archive ne vient pas de cette version de Repères.")
        try:
            objects = list(serializers.deserialize("json", io.BytesIO(data)))
        except serializers.base.DeserializationError as exc:
            raise BackupError(f"Sauvegarde illisible : {exc}") from None
        with transaction.atomic():
            for label in reversed(MODELS):
                table = apps.get_model(label)._meta.db_table
                with connection.cursor() as cursor:
                    # The audit trail is append-only in the application; a restore replaces it whole.
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            territory_links = apps.get_model("territory.Territory").communes.through
            territory_links.objects.all().delete()
            for obj in objects:
                obj.save()
            _reset_sequences()
        media = Path(settings.MEDIA_ROOT)
        for name in zf.namelist():
            if name.startswith("media/") and not name.endswith("/"):
                target = (media / name[len("media/"):]).resolve()
                if media.resolve() not in target.parents:
                    continue  # never write outside the media folder
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    key_path = instance.pseudonym_key_path()
    key_path.unlink(missing_ok=True)
    key_path.touch(mode=0o600)
    key_path.write_text(key + "\n", encoding="utf-8")
    return manifest


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    models = [apps.get_model(label) for label in MODELS]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
