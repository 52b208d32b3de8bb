"""The evaluation file's rules, each read from docs/evaluation.md (an exact copy of the shared contract) and then
checked against the behaviour, counted by hand on the small PLIE of conftest.py."""

from __future__ import annotations

import argparse
import json
import re
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


# --------------------------------------------------------------------------- valeur_initiale


def test_valeur_initiale_is_optional_and_holds_the_value_when_the_finding_was_written(plie, sample, tmp_path,
                                                                                      capsys):
    rule("`indicateur` (an id of `indicateurs.md`, or `id.key` for one key of an object indicator, e.g. "
         "`sorties_par_motif.SANTE`), `debut`, `fin`, optionally `valeur_initiale`")
    rule("`valeur_initiale` (the value when the finding was written: given by the file, or recorded when the "
         "evidence was retained in the application) and `a_revoir`: `true` when the value changed since, never "
         "silently replaced.")
    from reperes.analyses import services
    from reperes.collection.models import Participant

    motifs = {"EMPLOI_CDI": 9, "ABANDON": 8}  # written down when there were 9 and 8 exits; by hand now 10 and 7
    sample["constats"][0]["preuves"] += [
        {"type": "indicateur", "indicateur": "sorties_par_motif", "debut": "2019-01-01", "fin": "2019-12-31",
         "valeur_initiale": motifs},
        # null: the rate had no value when written (no exit yet); it has one now
        {"type": "indicateur", "indicateur": "taux_sorties_positives", "debut": "2019-01-01", "fin": "2019-12-31",
         "valeur_initiale": None}]
    assert cli("import", write(tmp_path, sample)) == 0
    rate, abandons, _document, by_motif, was_null = export(capsys)["constats"][0]["preuves"]
    assert (rate["valeur_initiale"], rate["a_revoir"]) == (0.5, True)  # given by the file
    assert (abandons["valeur_initiale"], abandons["a_revoir"]) == (7, False)  # not given: recorded at import
    assert by_motif["valeur_initiale"] == motifs and by_motif["a_revoir"] is True
    assert by_motif["valeur"]["EMPLOI_CDI"] == 10 and by_motif["valeur"]["ABANDON"] == 7
    assert was_null["valeur_initiale"] is None and was_null["a_revoir"] is True
    assert was_null["valeur"] == pytest.approx(10 / 17)
    # one abandon fewer in 2019; the same file again: the recorded 7 is kept, flagged, never replaced
    gone = Participant.objects.filter(motif_sortie="ABANDON").order_by("id_hash").first()
    Participant.objects.filter(pk=gone.pk).update(date_sortie=None, motif_sortie="")
    services.clear_caches()
    assert cli("import", write(tmp_path, sample, "again.json")) == 0
    abandons = export(capsys)["constats"][0]["preuves"][1]
    assert (abandons["valeur"], abandons["valeur_initiale"], abandons["a_revoir"]) == (6, 7, True)
    # the export imports again unchanged, the null one included
    first = export(capsys)
    before = snapshot()
    assert cli("import", write(tmp_path, first, "export.json")) == 0
    assert snapshot() == before and export(capsys) == first


@pytest.mark.parametrize(("indicateur", "valeur_initiale"), [
    ("taux_sorties_positives", "50 %"),  # a text is not the value of a rate
    ("taux_sorties_positives", {"F": 0.5}),  # an object is not the value of a simple indicator
    ("sorties_par_motif.ABANDON", True),  # nor a boolean
    ("sorties_par_motif", 17),  # an object indicator as a whole holds an object
    ("sorties_par_motif", {"ABANDON": "sept"}),  # of numbers
])
def test_a_valeur_initiale_that_is_not_a_value_of_its_indicator_is_an_error(plie, sample, tmp_path, capsys,
                                                                            indicateur, valeur_initiale):
    sample["constats"][0]["preuves"][0].update(indicateur=indicateur, valeur_initiale=valeur_initiale)
    capsys.readouterr()
    assert cli("import", write(tmp_path, sample), "--json") == 2
    errors = json.loads(capsys.readouterr().out)["erreurs"]
    assert [e["chemin"] for e in errors] == ["constats[0].preuves[0].valeur_initiale"]
    assert all(not rows for rows in snapshot().values())


# --------------------------------------------------------------------------- required sections


def top_level_sections() -> list[str]:
    """The keys of the « Top level » object of the contract, ``format`` aside."""
    text = (DOCS / "evaluation.md").read_text(encoding="utf-8")
    block = text.split("## Top level", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    return [key for key in re.findall(r'"([a-z_]+)":', block) if key != "format"]


def optional_sections() -> list[str]:
    text = (DOCS / "evaluation.md").read_text(encoding="utf-8")
    block = text.split("## Optional sections", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- `([a-z_]+)`", block, flags=re.M)


def test_the_contract_lists_these_sections():
    rule("Fields named here are required unless marked optional")
    assert top_level_sections() == ["questions", "constats", "preconisations", "comites", "actions", "protocole"]
    assert optional_sections() == ["consultations", "jalons"]


@pytest.mark.parametrize("section", top_level_sections())
def test_a_missing_required_section_is_named_and_nothing_is_written(plie, sample, tmp_path, capsys, section):
    assert cli("import", write(tmp_path, sample)) == 0  # stored before: must survive untouched
    before = snapshot()
    bad = dict(sample)
    del bad[section]
    bad["questions" if section != "questions" else "constats"][0]["texte"] = "Ne doit pas être enregistré."
    capsys.readouterr()
    assert cli("import", write(tmp_path, bad, "bad.json"), "--json") == 2
    errors = json.loads(capsys.readouterr().out)["erreurs"]
    assert [e["chemin"] for e in errors] == [section]
    assert errors[0]["message"].startswith(f"{section} : section « {section} » manquante")
    assert snapshot() == before
    # without --json: the same French message on standard error, and nothing written either
    bad[section] = None  # null is not the section either
    assert cli("import", write(tmp_path, bad, "bad.json")) == 2
    err = capsys.readouterr().err
    assert f"section « {section} » manquante" in err and "rien n'a été enregistré" in err
    assert snapshot() == before


@pytest.mark.parametrize("section", optional_sections())
def test_an_optional_section_may_be_left_out(plie, sample, tmp_path, capsys, section):
    del sample[section]
    assert cli("import", write(tmp_path, sample)) == 0


def test_a_protocol_without_its_fields_is_an_error_on_each(plie, sample, tmp_path, capsys):
    rule("| `titre` | e.g. « Protocole d'accord du PLIE du Pays Terres de Lorraine 2021-2025 » |")
    sample["protocole"] = {}
    assert cli("import", write(tmp_path, sample), "--json") == 2
    paths = {e["chemin"] for e in json.loads(capsys.readouterr().out)["erreurs"]}
    assert paths == {"protocole.titre", "protocole.debut", "protocole.fin", "protocole.signataires",
                     "protocole.precedent"}  # grille_valorisation is optional


def test_an_export_with_no_protocol_yet_is_a_valid_file(plie, sample, tmp_path, capsys):
    """The export is a file of the format: its required ``protocole`` is there before anyone wrote one."""
    from reperes.configuration.models import Installation
    from reperes.evaluation.exchange import validate

    installation = Installation.get()
    installation.plie_name = "PLIE du Toulois"
    installation.save()
    assert cli("import", write(tmp_path, sample)) == 0
    m.CiblePrecedente.objects.all().delete()
    m.Protocole.objects.all().delete()  # as on an instance where nobody has written the protocol yet
    exported = export(capsys)
    assert exported["protocole"]["titre"] == "Protocole d'accord du PLIE du Toulois 2021-2025"
    assert (exported["protocole"]["debut"], exported["protocole"]["fin"]) == (2021, 2025)
    assert exported["protocole"]["precedent"] == [] and exported["protocole"]["signataires"][0] == "État"
    assert validate(exported) == []
    assert cli("import", write(tmp_path, exported, "export.json")) == 0
    assert export(capsys) == exported


# --------------------------------------------------------------------------- a file that cannot be read


def test_a_missing_file_exits_2_and_with_json_prints_one_error_object(db, tmp_path, capsys):
    rule("an invalid file changes nothing, exits 2, and every error names its JSON path")
    missing = tmp_path / "absent.json"
    assert cli("import", str(missing), "--json") == 2
    captured = capsys.readouterr()
    answer = json.loads(captured.out)  # one JSON object, nothing else on standard output
    assert answer == {"format": "reperes-evaluation/1", "valide": False,
                      "erreurs": [{"chemin": "", "message": f"Fichier introuvable : « {missing} ». "
                                                            "Vérifiez le chemin."}]}
    assert cli("import", str(missing)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"Erreur : Fichier introuvable : « {missing} »" in captured.err
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"format": "reperes-évaluation"}'.encode("latin-1"))
    assert cli("import", str(latin1), "--json") == 2
    assert "UTF-8" in json.loads(capsys.readouterr().out)["erreurs"][0]["message"]
    assert all(not rows for rows in snapshot().values())


# --------------------------------------------------------------------------- horizon


HORIZON_WORDS = "une année ou une période, par exemple 2021 ou 2021-2025"


@pytest.mark.parametrize("horizon", ["2021", 2021, "2021-2025"])
def test_a_horizon_is_a_year_or_a_span(plie, sample, tmp_path, capsys, horizon):
    rule("| `horizon` | year or span, e.g. `2021` or `2021-2025` |")
    sample["preconisations"][0]["horizon"] = horizon
    assert cli("import", write(tmp_path, sample)) == 0
    assert m.Preconisation.objects.get(code="R1").horizon == str(horizon)


@pytest.mark.parametrize("horizon", ["bientôt", "2025-2021", "21", "2021/2025", True, 2021.5, None])
def test_anything_else_is_an_error_worded_as_the_contract(plie, sample, tmp_path, capsys, horizon):
    sample["preconisations"][0]["horizon"] = horizon
    assert cli("import", write(tmp_path, sample), "--json") == 2
    (error,) = json.loads(capsys.readouterr().out)["erreurs"]
    assert error["chemin"] == "preconisations[0].horizon" and HORIZON_WORDS in error["message"]
    assert not m.Preconisation.objects.exists()


def test_the_page_says_the_same(plie):
    from reperes.evaluation.forms import PreconisationForm

    for horizon, message in (("bientôt", f"Saisissez {HORIZON_WORDS}."),
                             ("2025-2021", f"La période finit avant de commencer : saisissez {HORIZON_WORDS}.")):
        form = PreconisationForm(data={"horizon": horizon})
        assert not form.is_valid() and form.errors["horizon"] == [message]


# --------------------------------------------------------------------------- an action's history


def test_a_history_entry_names_its_author(plie, sample, tmp_path, capsys):
    rule('`historique` (optional on import, always in the export) lists every change: `{"statut": S, "date": '
         '"AAAA-MM-JJ", "auteur": TEXT}`')
    del sample["actions"][0]["historique"][1]["auteur"]
    assert cli("import", write(tmp_path, sample), "--json") == 2
    (error,) = json.loads(capsys.readouterr().out)["erreurs"]
    assert error["chemin"] == "actions[0].historique[1].auteur" and "auteur manquant" in error["message"]
    sample["actions"][0]["historique"][1]["auteur"] = ""  # a text, empty: as the export writes an unknown one
    assert cli("import", write(tmp_path, sample), "--dry-run") == 0
    del sample["actions"][0]["historique"]  # the history itself is optional on import
    assert cli("import", write(tmp_path, sample)) == 0
    (action,) = export(capsys)["actions"]
    assert [set(h) for h in action["historique"]] == [{"statut", "date", "auteur"}]  # always in the export


def test_the_other_text_fields_without_optional_mark_are_required(plie, sample, tmp_path, capsys):
    rule('`{"preconisation": ID, "institution": TEXT, "avis": "accord" | "reserve" | "desaccord", '
         '"commentaire": TEXT, "date": "AAAA-MM-JJ"}`')
    rule('list of `{"motif": CODE, "valorisation": TEXT, "justificatif": TEXT}`')
    del sample["consultations"][0]["commentaire"]
    sample["protocole"]["grille_valorisation"] = [{"motif": "SANTE", "valorisation": "Soins engagés"}]
    assert cli("import", write(tmp_path, sample), "--json") == 2
    paths = [e["chemin"] for e in json.loads(capsys.readouterr().out)["erreurs"]]
    assert paths == ["consultations[0].commentaire", "protocole.grille_valorisation[0].justificatif"]
    sample["consultations"][0]["commentaire"] = ""
    sample["protocole"]["grille_valorisation"][0]["justificatif"] = ""
    assert cli("import", write(tmp_path, sample)) == 0


# --------------------------------------------------------------------------- benchmark evidence


def test_benchmark_evidence_names_an_indicator_of_the_plie_sheet(plie, sample, tmp_path, capsys):
    rule("| `benchmark` | `indicateur`, `plie`, `annee` | `valeur` and `source` of that row of the benchmark "
         "(`fiche-plie.md`) |")
    rule("| `budget_total_euros` | euros | yearly budget of the PLIE |", "fiche-plie.md")
    from reperes.benchmark.services import import_sheet
    from reperes.evaluation.evidence import Resolver
    from reperes.evaluation.services import show

    sheet = tmp_path / "fiche-nancy.csv"
    sheet.write_text("plie;annee;indicateur;valeur;source;date_source\n"
                     "PLIE de Nancy;2019;budget_total_euros;1 250 000;Compte administratif 2019;2020\n"
                     "PLIE de Nancy;2019;structure_porteuse;Maison de l’emploi;Statuts;2015\n"
                     "PLIE de Nancy;2019;entrees;s;Bilan 2019;2020\n", encoding="utf-8")
    assert import_sheet(sheet).exit_status == 0
    sample["constats"][0]["preuves"] += [
        {"type": "benchmark", "indicateur": key, "plie": "PLIE de Nancy", "annee": 2019}
        for key in ("budget_total_euros", "structure_porteuse", "entrees")]
    assert cli("import", write(tmp_path, sample)) == 0
    budget, carrier, entries = export(capsys)["constats"][0]["preuves"][3:6]
    assert (budget["valeur"], budget["source"]) == (1250000, "Compte administratif 2019")
    assert carrier["valeur"] == "Maison de l’emploi"
    assert entries["valeur"] is None and entries["secret"] is True  # the peer's « s »: never a number
    shown = [show(p, Resolver()) for p in m.Preuve.objects.filter(type="benchmark").order_by("position")]
    assert [s.now for s in shown] == ["1\u202f250\u202f000\u00a0€", "Maison de l’emploi", "s"]
    # an id of neither contract is an error with its path
    sample["constats"][0]["preuves"][3]["indicateur"] = "budget_du_plie"
    assert cli("import", write(tmp_path, sample), "--json") == 2
    (error,) = json.loads(capsys.readouterr().out)["erreurs"]
    assert error["chemin"] == "constats[0].preuves[3].indicateur" and "fiche PLIE" in error["message"]
