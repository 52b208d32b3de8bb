"""Load the bundled reference of communes and the bundled contours."""

from django.db import migrations


def load(apps, schema_editor):
    from reperes.territory.reference import BUNDLED_CONTOURS, read_communes, read_contours
    from reperes.territory.rows import insert_rows

    Commune = apps.get_model("territory", "Commune")
    Contour = apps.get_model("territory", "Contour")
    insert_rows(Commune, read_communes(), schema_editor.connection)
    seen = set()
    contours = []
    for path, source in BUNDLED_CONTOURS:
        for code, name, geometry in read_contours(path):
            if code not in seen:
                seen.add(code)
                contours.append(Contour(code=code, nom=name, geometry=geometry, source=source))
    Contour.objects.bulk_create(contours, batch_size=200)


def unload(apps, schema_editor):
    apps.get_model("territory", "Contour").objects.all().delete()
    apps.get_model("territory", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
