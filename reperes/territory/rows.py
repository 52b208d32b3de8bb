"""The bundled reference (35 000 communes and the contours of Meurthe-et-Moselle) written into its tables: by
its migration on a new database, and by :func:`reperes.territory.services.ensure_reference` after a flush.

The communes go in as plain rows, in one ``executemany``: ``bulk_create`` builds and compiles a model instance
per row, 2.1 s for the communes on SQLite against 0.5 s here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, router

from .reference import BUNDLED_CONTOURS, read_communes, read_contours


def load_bundled_reference(commune_model, contour_model, connection=None) -> None:
    """Insert the bundled communes, and the bundled contours not stored yet, into empty commune tables.

    The models may be a migration's historical ones; ``connection`` defaults to the models' database."""
    connection = connection or connections[router.db_for_write(commune_model)]
    insert_rows(commune_model, read_communes(), connection)
    contours = contour_model.objects.using(connection.alias)
    seen: set[str] = set(contours.values_list("code", flat=True))
    new = []
    for path, source in BUNDLED_CONTOURS:
        for code, name, geometry in read_contours(path):
            if code not in seen:
                seen.add(code)
                new.append(contour_model(code=code, nom=name, geometry=geometry, source=source))
    contours.bulk_create(new, batch_size=200)


def insert_rows(model, rows: Iterable[dict], connection) -> None:
    """Insert ``rows`` (a dict per row, keyed by the model's field names) into ``model``'s table, for models
    whose fields need no conversion (text, integers): the values go to the driver as they are."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, ([row[f.attname] for f in fields] for row in rows))
