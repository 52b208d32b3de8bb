"""Backup and restore of an instance: database, settings, media and the pseudonymisation key.

The archive is a ZIP holding ``MANIFEST.json`` (which says it holds the key),
``database.json`` (Django serialisation, portable between SQLite and
PostgreSQL), ``pseudonym.key`` and ``media/``. Every model of Repères is
saved (collected data, offer, surveys, evaluation, committees, protocol, reports,
benchmark, audit); the bundled reference of communes is not: every installation has it
from its migrations.
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
# Every model of Repères is saved, except the reference of communes, which comes with the migrations.
NOT_SAVED = frozenset({"territory.Commune"})


def saved_models() -> list:
    """The models of the instance, each after the models it points to (a restore saves them in this order)."""
    models = {m._meta.label: m for m in apps.get_models()
              if m.__module__.startswith("reperes.") and m._meta.managed and not m._meta.proxy
              and m._meta.label not in NOT_SAVED}
    ordered: list = []
    done: set[str] = set()

    def visit(label: str, path: tuple[str, ...] = ()) -> None:
        if label in done or label in path:
            return  # a model pointing to itself (a theme's parent) or a cycle: pks keep the order
        for field in models[label]._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                target = field.related_model._meta.label
                if target in models and target != label:
                    visit(target, path + (label,))
        done.add(label)
        ordered.append(models[label])

    for label in sorted(models):
        visit(label)
    return ordered


class BackupError(ValueError):
    pass


def backup(path: Path) -> dict:
    path = Path(path)
    objects = []
    counts = {}
    for model in saved_models():
        rows = list(model.objects.all().order_by("pk"))
        counts[model._meta.label] = len(rows)
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
        models = saved_models()
        with transaction.atomic():
            with connection.cursor() as cursor:
                for model in reversed(models):
                    # Many-to-many links first (a territory's communes, a user's groups), then the rows.
                    # The audit trail is append-only in the application; a restore replaces it whole.
                    for field in model._meta.local_many_to_many:
                        if field.remote_field.through._meta.auto_created:
                            cursor.execute(f"DELETE FROM {connection.ops.quote_name(field.m2m_db_table())}")
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            with connection.constraint_checks_disabled():
                for obj in objects:
                    obj.save()
            connection.check_constraints(table_names=[m._meta.db_table for m in models])
            _reset_sequences(models)
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


def _reset_sequences(models: list) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
