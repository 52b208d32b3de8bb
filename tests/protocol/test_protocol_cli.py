"""``reperes protocol draft`` as docs/evaluation.md lists it: ``--out DIR`` always, ``--json`` prints the content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reperes.cli import french_usage_error, main

DOCS = Path(__file__).resolve().parents[2] / "docs"
COMMAND = ("| `reperes protocol draft --out DIR [--format docx,pdf,html] [--json]` | the draft protocol (default: all "
           "three formats); `--json` prints its content (below) |")


def test_the_command_is_the_contracts():
    assert COMMAND in (DOCS / "evaluation.md").read_text(encoding="utf-8")


def test_json_without_out_is_a_usage_error_in_french(db, tmp_path, capsys, monkeypatch):
    """``--out DIR`` is not optional (no brackets): --json adds the content on standard output, it does not
    replace the files. Exit 2, nothing on standard output, nothing written."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["protocol", "draft", "--json"])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "reperes protocol draft : erreur : il manque l’argument obligatoire : --out" in captured.err
    assert "utilisation : reperes protocol draft" in captured.err and "--out DOSSIER" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_json_with_out_writes_the_three_formats_and_prints_only_the_content(evaluated, tmp_path, capsys):
    assert main(["protocol", "draft", "--out", str(tmp_path / "p"), "--date", "2020-11-30", "--json"]) == 0
    content = json.loads(capsys.readouterr().out)  # standard output: the one JSON object, nothing else
    assert {"titre", "debut", "fin", "articles", "objectifs", "bilan_precedent", "grille_valorisation",
            "preambule", "signataires"} <= set(content)
    assert sorted(p.suffix for p in (tmp_path / "p").iterdir()) == [".docx", ".html", ".pdf"]


@pytest.mark.parametrize(("english", "french"), [
    ("the following arguments are required: --out", "il manque l’argument obligatoire : --out"),
    ("the following arguments are required: FICHIER, --out",
     "il manque les arguments obligatoires : FICHIER, --out"),
    ("unrecognized arguments: --bogus", "argument non reconnu : --bogus"),
    ("argument --annee: invalid int value: 'abc'", "argument --annee : valeur invalide 'abc'"),
    ("argument ACTION: invalid choice: 'frob' (choose from 'import', 'export')",
     "argument ACTION : choix invalide 'frob' (choix possibles : 'import', 'export')"),
    ("argument --out: expected one argument", "argument --out : une valeur est attendue"),
])
def test_argparse_messages_are_said_in_french(english, french):
    assert french_usage_error(english) == french
