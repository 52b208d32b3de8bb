"""Backup and restore: a round trip gives back the data, the settings and the key."""

import json
import zipfile

import pytest

from reperes import instance
from reperes.cli import main

pytestmark = pytest.mark.django_db


def test_backup_restore_round_trip(tmp_path, territory, admin_user_, capsys):
    from reperes.accounts.models import User
    from reperes.audit.models import AuditEvent
    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.plie_name, installation.seuil = "PLIE de test", 7
    installation.save()
    Participant.objects.create(id_hash="a" * 64, sexe="F", commune_residence="54528", niveau_formation="NIV_3",
                               situation_entree="DE", date_entree="2019-03-01", criteres=["RSA"])
    key = instance.pseudonym_key()
    archive = tmp_path / "sauvegarde.zip"
    assert main(["backup", str(archive)]) == 0
    assert "clé de pseudonymisation" in capsys.readouterr().err
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("MANIFEST.json"))
        assert manifest["contient_cle_pseudonymisation"] is True
        assert zf.read("pseudonym.key").decode().strip() == key.decode()
    assert (archive.stat().st_mode & 0o777) == 0o600

    # Everything changes after the backup…
    Participant.objects.all().delete()
    User.objects.create_user("intrus@test.fr", "x" * 12)
    installation.seuil = 11
    installation.save()
    instance.pseudonym_key_path().write_text("une-autre-cle\n")

    # …and the restore gives it all back.
    assert main(["restore", str(archive)]) == 0
    assert Participant.objects.get().criteres == ["RSA"]
    assert not User.objects.filter(email="intrus@test.fr").exists()
    assert User.objects.get(email=admin_user_.email).check_password("mot-de-passe-de-test-2019")
    restored = Installation.get()
    assert (restored.plie_name, restored.seuil, restored.territory.name) == ("PLIE de test", 7, territory.name)
    assert restored.territory.communes.count() == 153
    assert instance.pseudonym_key() == key
    assert AuditEvent.objects.filter(action="restauration").exists()
    # New rows get fresh ids after a restore (sequences reset).
    assert Participant.objects.create(id_hash="b" * 64, sexe="M", commune_residence="54528",
                                      niveau_formation="NIV_3", situation_entree="DE",
                                      date_entree="2019-03-01").pk > 0


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, capsys):
    bad = tmp_path / "pas-une-sauvegarde.zip"
    bad.write_bytes(b"bonjour")
    assert main(["restore", str(bad)]) == 2
    assert "n'est pas une sauvegarde" in capsys.readouterr().err
    incomplete = tmp_path / "incomplete.zip"
    with zipfile.ZipFile(incomplete, "w") as zf:
        zf.writestr("MANIFEST.json", "{}")
    assert main(["restore", str(incomplete)]) == 2
    assert "incomplète" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "absent.zip")]) == 2


def test_backup_keeps_the_evaluation_the_surveys_and_the_offer(tmp_path, territory):
    """What a PLIE builds after the import (register, coding themes, offer) comes back after a restore."""
    from django.contrib.auth.models import Group

    from reperes.accounts.models import User
    from reperes.evaluation.models import Constat, Preconisation, Question
    from reperes.offer.models import Structure
    from reperes.surveys.models import Theme

    question = Question.objects.create(code="Q1", critere="pertinence", texte="Le PLIE répond-il aux besoins ?")
    constat = Constat.objects.create(code="C1", texte="Les freins de mobilité dominent.")
    constat.questions.add(question)
    reco = Preconisation.objects.create(code="P1", numero=1, titre="Mobilité", texte="Renforcer l’offre.",
                                        priorite="haute", horizon="2021-2025", pilote="PLIE", article="axes")
    reco.constats.add(constat)
    parent = Theme.objects.create(code="freins", label="Freins")
    Theme.objects.create(code="mobilite", label="Mobilité", parent=parent)
    Structure.objects.create(di_id="s-1", nom="Auto-école sociale (fictive)")
    user = User.objects.create_user("consultant@test.fr", "x" * 12)
    user.groups.add(Group.objects.create(name="consultants"))
    created = Constat.objects.get().created_at

    archive = tmp_path / "sauvegarde.zip"
    assert main(["backup", str(archive)]) == 0
    with zipfile.ZipFile(archive) as zf:
        counts = json.loads(zf.read("MANIFEST.json"))["effectifs"]
    assert counts["evaluation.Preconisation"] == 1 and counts["surveys.Theme"] == 2
    assert "territory.Commune" not in counts  # the reference comes with the migrations

    Question.objects.all().delete()
    Constat.objects.all().delete()
    Preconisation.objects.all().delete()
    Theme.objects.all().delete()
    Structure.objects.all().delete()
    user.delete()
    assert main(["restore", str(archive)]) == 0
    reco = Preconisation.objects.get()
    assert [c.code for c in reco.constats.all()] == ["C1"]
    assert [q.code for q in Constat.objects.get().questions.all()] == ["Q1"]
    # Dates come back as they were (Django's JSON keeps milliseconds), not as the time of the restore.
    assert Constat.objects.get().created_at == created.replace(microsecond=created.microsecond // 1000 * 1000)
    assert Theme.objects.get(code="mobilite").parent.code == "freins"
    assert Structure.objects.get().nom == "Auto-école sociale (fictive)"
    assert [g.name for g in User.objects.get(email="consultant@test.fr").groups.all()] == ["consultants"]
