"""Ages at entry computed before 2 December 2026 may be one year off (Int8 overflow, issue 11).

The full birth date is dropped at import (format-echange.md), so the stored ages
cannot be recomputed here: with only the birth year the age was right; with a
full date it may be one year off either way. When participants are stored, the
installation is flagged and the dashboard and the imports page tell the team to
import its file again with « Remplacer toutes les données » (``reperes import
--replace``), which clears the flag.
"""

from django.db import migrations, models


def flag_stored_ages(apps, schema_editor):
    Participant = apps.get_model("collection", "Participant")
    Installation = apps.get_model("configuration", "Installation")
    if Participant.objects.filter(age_entree__isnull=False).exists():
        installation, _ = Installation.objects.get_or_create(pk=1)
        installation.ages_to_check = True
        installation.save(update_fields=["ages_to_check"])


class Migration(migrations.Migration):

    dependencies = [
        ("configuration", "0001_initial"),
        ("collection", "0006_situation_entree_inconnu"),
    ]

    operations = [
        migrations.AddField(
            model_name="installation",
            name="ages_to_check",
            field=models.BooleanField(default=False, verbose_name="âges à l'entrée à recalculer"),
        ),
        migrations.RunPython(flag_stored_ages, migrations.RunPython.noop),
    ]
