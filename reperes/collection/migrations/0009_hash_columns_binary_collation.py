"""PostgreSQL: the pseudonymised identifiers compared byte by byte (collation « C »).

They are hexadecimal digests: every collation orders them alike, but only « C »
lets PostgreSQL sort them by their bytes (with abbreviated keys) instead of
calling the C library's collation for each comparison. Building their unique
indexes after a large import takes half the time (3 M keys: 5.1 s → 2.5 s).
SQLite compares text byte by byte already: nothing to do there.
"""

from django.db import migrations

COLUMNS = (
    ("collection_participant", "id_hash"),
    ("collection_participant", "personne_hash"),
    ("collection_etape", "etape_key"),
)


def collation(collate: str):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in COLUMNS:
            schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar(64) {collate}')

    return alter


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0008_import_interrupted"),
    ]

    operations = [
        migrations.RunPython(collation('COLLATE "C"'), collation('COLLATE "default"')),
    ]
