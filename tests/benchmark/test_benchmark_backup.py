"""A backup keeps the imported sheets (who, when, which file) and the organisation entered once."""

from __future__ import annotations

import pytest
from sheets_data import STORED, write_messy_csv

from reperes.cli import main

pytestmark = pytest.mark.django_db


def test_backup_restore_keeps_sheets_and_organisation(tmp_path, charge_user):
    from reperes.benchmark.models import Organisation, SheetImport, SheetValue
    from reperes.benchmark.services import import_sheet

    org = Organisation.get()
    org.structure_porteuse = "Maison de l’emploi"
    org.save()
    import_sheet(write_messy_csv(tmp_path / "fiche.csv"), user=charge_user)
    archive = tmp_path / "sauvegarde.zip"
    assert main(["backup", str(archive)]) == 0
    SheetImport.objects.all().delete()
    Organisation.objects.all().delete()
    assert main(["restore", str(archive)]) == 0
    sheet = SheetImport.objects.get()
    assert (sheet.file_name, sheet.user_email) == ("fiche.csv", "etude@test.fr")
    assert {(v.indicateur, v.line) for v in SheetValue.objects.all()} == set(STORED)
    assert Organisation.get().structure_porteuse == "Maison de l’emploi"
