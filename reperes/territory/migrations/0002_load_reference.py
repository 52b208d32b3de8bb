"""Load the bundled reference of communes and the bundled contours."""

from django.db import migrations


def load(apps, schema_editor):
    from reperes.territory.rows import load_bundled_reference

    load_bundled_reference(apps.get_model("territory", "Commune"), apps.get_model("territory", "Contour"),
                           schema_editor.connection)


def unload(apps, schema_editor):
    apps.get_model("territory", "Contour").objects.all().delete()
    apps.get_model("territory", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
