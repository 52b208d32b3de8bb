"""Validation-only runs (« Validation seule », ``--dry-run``) are kept apart from the import history."""

from __future__ import annotations

import argparse
import json

import pytest
from django.urls import reverse

from reperes.cli import imports_cmd
from reperes.collection.importer import run_import
from reperes.collection.models import ImportRun

pytestmark = pytest.mark.django_db

HEADER = "id_participant;sexe;annee_naissance;commune_residence;niveau_formation;situation_entree;date_entree\n"


def _file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{r};F;1990;54528;NIV_3;DE;01/02/2024\n" for r in rows), encoding="utf-8")
    return path


def _list(*argv) -> None:
    parser = argparse.ArgumentParser(prog="reperes")
    imports_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["imports", "list", "--json", *argv])
    args.func(args)


def test_validations_are_listed_apart_from_the_history(tmp_path, client_admin, capsys):
    checked = run_import(_file(tmp_path, "verifie.csv", ["P1"]), dry_run=True).run
    imported = run_import(_file(tmp_path, "importe.csv", ["P2"])).run
    assert checked.mode == "dry_run" and not checked.stored

    assert list(ImportRun.objects.history()) == [imported]
    assert list(ImportRun.objects.validations()) == [checked]

    capsys.readouterr()
    _list()
    assert [e["id"] for e in json.loads(capsys.readouterr().out)["imports"]] == [imported.pk]
    _list("--validations")
    assert [e["id"] for e in json.loads(capsys.readouterr().out)["imports"]] == [checked.pk]

    page = client_admin.get(reverse("collection:imports"))
    assert list(page.context["page"]) == [imported] and page.context["validations"] == [checked]
    text = page.content.decode()
    history, validations = text.split("<h2>Validations seules</h2>")
    assert "importe.csv" in history and "verifie.csv" not in history
    assert "verifie.csv" in validations
    # The dashboard's last imports do not list the validation either.
    board = client_admin.get(reverse("dashboard:home")).content.decode()
    assert "importe.csv" in board and "verifie.csv" not in board
