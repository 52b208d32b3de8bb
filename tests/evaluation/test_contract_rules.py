"""The evaluation file's rules, each read from docs/evaluation.md (an exact copy of the shared contract) and then
checked against the behaviour, counted by hand on the small PLIE of conftest.py."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from reperes.cli import evaluation_cmd
from reperes.evaluation import models as m

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs"
MODELS = (m.Question, m.Constat, m.Preuve, m.Preconisation, m.Comite, m.ComiteMembre, m.ComiteDocument, m.Decision,
          m.Action, m.ActionStatut, m.Consultation, m.Jalon, m.Protocole, m.CiblePrecedente, m.Valorisation)


def cli(*argv) -> int:
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    evaluation_cmd.register(sub)
    args = parser.parse_args(["evaluation", *argv])
    return args.func(args)


def write(tmp_path, data, name="evaluation.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def export(capsys, *flags) -> dict:
    capsys.readouterr()
    assert cli("export", *flags) == 0
    return json.loads(capsys.readouterr().out)


def snapshot() -> dict:
    """Every stored row of the register, as plain values."""
    return {model.__name__: sorted(repr({k: v for k, v in row.items() if k not in ("id", "updated_at")})
                                   for row in model.objects.values()) for model in MODELS}


def spec(name: str = "evaluation.md") -> str:
    """The contract's text, whitespace normalised (a rule may be wrapped over two lines)."""
    return " ".join((DOCS / name).read_text(encoding="utf-8").split())


def rule(text: str, name: str = "evaluation.md") -> None:
    """The rule a test checks is still the contract's (a changed contract fails here, not silently)."""
    assert " ".join(text.split()) in spec(name), text


# --------------------------------------------------------------------------- matrix cells with --diffusion


def test_a_suppressed_matrix_cell_is_null_with_secret(plie, sample, tmp_path, capsys):
    rule("a suppressed `valeur` is `null` with `\"secret\": true`")
    rule("`matrice` and `benchmark` values obey the same rules")
    from reperes.collection.models import Participant

    # by hand: 3 people have the health barrier at entry, below the threshold of 11
    for person in Participant.objects.order_by("id_hash")[:3]:
        person.freins_entree = ["SANTE"]
        person.save()
    sample["constats"][1]["preuves"].append({"type": "matrice", "besoin": "SANTE", "epci": "200070563"})
    assert cli("import", write(tmp_path, sample)) == 0
    _verbatim, mobility, health = export(capsys, "--diffusion")["constats"][1]["preuves"]
    assert health["valeur"] is None and health["secret"] is True
    # h000, h001, h002: one odd index (h001) had MOBILITE and lost it, 15 - 1 = 14 people, published
    assert mobility["valeur"]["demande"] == 14 and "secret" not in mobility
    staff = export(capsys)["constats"][1]["preuves"][2]
    assert staff["valeur"]["demande"] == 3 and "secret" not in staff
    # the partner page shows the same cell as the matrix page: the status, the need marked « s »
    from reperes.evaluation.evidence import Resolver
    from reperes.evaluation.services import show

    shown = show(m.Preuve.objects.get(type="matrice", besoin="SANTE"), Resolver(diffusion=True))
    assert shown.secret and shown.now == "Carence : demande s, 0 service(s)"
