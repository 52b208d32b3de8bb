"""``reperes evaluation import`` / ``export``: the contract reperes-evaluation/1 (docs/evaluation.md)."""

from __future__ import annotations

import argparse
import copy
import json

import pytest

from reperes.cli import evaluation_cmd
from reperes.evaluation import models as m

pytestmark = pytest.mark.django_db
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


def snapshot() -> dict:
    """Every stored row of the register, as plain values."""
    return {model.__name__: sorted(repr({k: v for k, v in row.items() if k not in ("id", "updated_at")}) for row in model.objects.values())
            for model in MODELS}


def export(capsys, *flags) -> dict:
    capsys.readouterr()
    assert cli("export", *flags) == 0
    return json.loads(capsys.readouterr().out)


def test_import_then_export_resolves_each_evidence_item(plie, sample, tmp_path, capsys):
    assert cli("import", write(tmp_path, sample), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valide"] is True and report["comptes"]["constats"] == {"crees": 2, "mis_a_jour": 0}
    payload = export(capsys)
    assert payload["format"] == "reperes-evaluation/1"
    assert [q["id"] for q in payload["questions"]] == ["Q1", "Q2"]
    c1 = payload["constats"][0]
    rate, abandons, document = c1["preuves"]
    # by hand: 10 positive exits out of 17 in 2019; retained at 0.5, so it changed
    assert rate["valeur"] == pytest.approx(10 / 17)
    assert rate["valeur_initiale"] == 0.5 and rate["a_revoir"] is True
    assert rate["calcule_le"]
    # no valeur_initiale in the file: recorded at import, unchanged since
    assert abandons["valeur"] == 7 and abandons["valeur_initiale"] == 7 and abandons["a_revoir"] is False
    assert document["titre"] == "Protocole 2015-2020" and "valeur" not in document
    verbatim, cell = payload["constats"][1]["preuves"]
    assert verbatim["texte"].startswith("Sans voiture")
    # 15 people (odd indexes) have the mobility barrier at entry; no offer imported: a gap
    assert cell["valeur"]["demande"] == 15 and cell["valeur"]["statut"] == "carence"
    assert payload["consultations"][0]["avis"] == "reserve"
    assert payload["actions"][0]["historique"][1] == {"statut": "en_cours", "date": "2021-01-10", "auteur": "PLIE"}
    assert payload["protocole"]["precedent"][0]["cible"] == 0.5


def test_standing_decision_and_amended_text(plie, sample, tmp_path, capsys):
    assert cli("import", write(tmp_path, sample)) == 0
    recos = {r["id"]: r for r in export(capsys)["preconisations"]}
    # R1: amended at CS1, then adopted at CP1 → the amended text is adopted; the original is kept
    assert recos["R1"]["decision"] == "adoptee"
    assert recos["R1"]["texte_en_vigueur"] == "Porter le taux à 52 %."
    assert recos["R1"]["texte"] == "Porter le taux de sorties positives à 55 %."
    assert recos["R2"]["decision"] == "ajournee"


def test_same_date_committees_the_later_in_the_file_wins(plie, sample, tmp_path, capsys):
    sample["comites"][1]["date"] = sample["comites"][0]["date"]
    sample["comites"][1]["decisions"] = [{"preconisation": "R2", "decision": "rejetee", "motif": "Hors champ."}]
    assert cli("import", write(tmp_path, sample)) == 0
    assert {r["id"]: r["decision"] for r in export(capsys)["preconisations"]}["R2"] == "rejetee"


def test_reimport_updates_and_never_duplicates(plie, sample, tmp_path, capsys):
    path = write(tmp_path, sample)
    assert cli("import", path) == 0
    sample["questions"][0]["texte"] = "Une question reformulée ?"
    capsys.readouterr()
    assert cli("import", write(tmp_path, sample, "v2.json"), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["comptes"]["questions"] == {"crees": 0, "mis_a_jour": 2}
    assert m.Question.objects.count() == 2 and m.Constat.objects.count() == 2 and m.Preuve.objects.count() == 5
    assert m.Decision.objects.count() == 3 and m.ComiteMembre.objects.count() == 3
    assert m.Question.objects.get(code="Q1").texte == "Une question reformulée ?"


def test_dry_run_writes_nothing(plie, sample, tmp_path, capsys):
    before = snapshot()
    assert cli("import", write(tmp_path, sample), "--dry-run", "--json") == 0
    assert json.loads(capsys.readouterr().out)["comptes"]["questions"]["crees"] == 2
    assert snapshot() == before


def _bad(sample, change):
    data = copy.deepcopy(sample)
    change(data)
    return data


BAD_FILES = {
    "question inconnue": (lambda d: d["constats"][0]["questions"].append("Q9"), "constats[0].questions[1]"),
    "constat inconnu": (lambda d: d["preconisations"][0]["constats"].append("C9"), "preconisations[0].constats[1]"),
    "préconisation inconnue": (lambda d: d["comites"][1]["decisions"][0].update(preconisation="R9"),
                               "comites[1].decisions[0].preconisation"),
    "action sur préconisation inconnue": (lambda d: d["actions"][0].update(preconisation="R9"),
                                          "actions[0].preconisation"),
    "amendée sans texte": (lambda d: d["comites"][0]["decisions"][0].pop("texte_amende"),
                           "comites[0].decisions[0].texte_amende"),
    "rejetée sans motif": (lambda d: d["comites"][0]["decisions"][1].update(decision="rejetee", motif=""),
                           "comites[0].decisions[1].motif"),
    "ajournée sans motif": (lambda d: d["comites"][0]["decisions"][1].pop("motif"), "comites[0].decisions[1].motif"),
    "texte amendé d'une adoption": (lambda d: d["comites"][1]["decisions"][0].update(texte_amende="Autre."),
                                    "comites[1].decisions[0].texte_amende"),
    "indicateur inconnu": (lambda d: d["constats"][0]["preuves"][0].update(indicateur="taux_de_bonheur"),
                           "constats[0].preuves[0].indicateur"),
    "clé inconnue": (lambda d: d["constats"][0]["preuves"][1].update(indicateur="sorties_par_motif.VACANCES"),
                     "constats[0].preuves[1].indicateur"),
    "constat sans preuve": (lambda d: d["constats"][1].update(preuves=[]), "constats[1].preuves"),
    "identifiant en double": (lambda d: d["questions"].append(dict(d["questions"][0])), "questions[2].id"),
    "date invalide": (lambda d: d["comites"][0].update(date="30/06/2020"), "comites[0].date"),
    "mauvais format": (lambda d: d.update(format="reperes-evaluation/2"), "format"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_that_breaks_the_contract_changes_nothing(plie, sample, tmp_path, capsys, case):
    assert cli("import", write(tmp_path, sample)) == 0  # something stored that must survive untouched
    before = snapshot()
    change, path = BAD_FILES[case]
    bad = _bad(sample, change)
    bad["questions"][0]["texte"] = "Ce changement ne doit pas être enregistré ?"
    capsys.readouterr()
    assert cli("import", write(tmp_path, bad, "bad.json"), "--json") == 2
    answer = json.loads(capsys.readouterr().out)
    assert answer["valide"] is False
    assert path in [e["chemin"] for e in answer["erreurs"]], answer
    assert all(e["message"].startswith(e["chemin"]) for e in answer["erreurs"])
    assert snapshot() == before


def test_bad_file_on_an_empty_instance_writes_nothing(db, sample, tmp_path, capsys):
    sample["constats"][0]["preuves"][0]["indicateur"] = "inconnu"
    assert cli("import", write(tmp_path, sample)) == 2
    err = capsys.readouterr().err
    assert "constats[0].preuves[0].indicateur : indicateur inconnu « inconnu »" in err
    assert "rien n'a été enregistré" in err
    assert all(not rows for rows in snapshot().values())


def test_unreadable_json_exits_2(db, tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text("{pas du json", encoding="utf-8")
    assert cli("import", str(path), "--json") == 2
    assert "JSON invalide" in json.loads(capsys.readouterr().out)["erreurs"][0]["message"]


def test_diffusion_hides_small_figures_and_consultations(plie, sample, tmp_path, capsys):
    sample["constats"][0]["preuves"] += [
        {"type": "indicateur", "indicateur": "sorties", "debut": "2019-01-01", "fin": "2019-12-31",
         "filtres": {"profil": "sexe:Homme"}},
        {"type": "indicateur", "indicateur": "participants_accompagnes", "debut": "2019-01-01", "fin": "2019-12-31",
         "valeur_initiale": 30}]
    assert cli("import", write(tmp_path, sample)) == 0
    payload = export(capsys, "--diffusion")
    assert payload["diffusion"] is True and "consultations" not in payload
    rate, _, _, men, accompanied = payload["constats"][0]["preuves"]
    # 10 positive exits: a numerator below 11, so the rate is hidden, with its retained value and flag
    assert rate["valeur"] is None and rate["secret"] is True
    assert "valeur_initiale" not in rate and "a_revoir" not in rate
    # 5 exits of men: below 11, hidden
    assert men["valeur"] is None and men["secret"] is True and "a_revoir" not in men
    assert accompanied["valeur"] == 30 and accompanied["a_revoir"] is False and "secret" not in accompanied
    raw = export(capsys)
    assert raw["constats"][0]["preuves"][3]["valeur"] == 5
    assert raw["constats"][0]["preuves"][0]["valeur"] == pytest.approx(10 / 17)


def test_benchmark_evidence_is_the_peer_row_with_its_source(plie, sample, tmp_path, capsys):
    from reperes.benchmark.services import import_sheet

    sheet = tmp_path / "fiche-nancy.csv"
    sheet.write_text("plie;annee;indicateur;valeur;source;date_source;definition;note\n"
                     "PLIE de Nancy;2019;taux_sorties_positives;47 %;Rapport d’activité 2019;2020;;\n",
                     encoding="utf-8")
    import_sheet(sheet)
    sample["constats"][0]["preuves"] += [
        {"type": "benchmark", "indicateur": "taux_sorties_positives", "plie": "PLIE de Nancy", "annee": 2019},
        {"type": "benchmark", "indicateur": "taux_sorties_positives", "plie": "PLIE de Metz", "annee": 2019}]
    assert cli("import", write(tmp_path, sample)) == 0
    nancy, metz = export(capsys)["constats"][0]["preuves"][3:5]
    assert nancy["valeur"] == pytest.approx(0.47) and nancy["source"] == "Rapport d’activité 2019"
    assert metz["valeur"] is None and "PLIE de Metz" in metz["erreur"] and "importez sa fiche" in metz["erreur"]


def test_export_reimports_unchanged(plie, sample, tmp_path, capsys):
    assert cli("import", write(tmp_path, sample)) == 0
    first = export(capsys)
    before = snapshot()
    assert cli("import", write(tmp_path, first, "export.json")) == 0
    assert snapshot() == before
    assert export(capsys) == first


def test_partners_get_no_staff_figure_of_another_time_nor_a_filtered_or_partial_period(plie, sample, tmp_path,
                                                                                      capsys):
    """A figure retained at 25 that is 30 today would tell partners that 5 people came since: left out."""
    sample["constats"][0]["preuves"] += [
        {"type": "indicateur", "indicateur": "participants_accompagnes", "debut": "2019-01-01", "fin": "2019-12-31",
         "valeur_initiale": 25},
        {"type": "indicateur", "indicateur": "participants_accompagnes", "debut": "2019-01-01", "fin": "2019-12-30"}]
    assert cli("import", write(tmp_path, sample)) == 0
    changed_since, one_day_short = export(capsys, "--diffusion")["constats"][0]["preuves"][3:5]
    assert changed_since["valeur"] == 30 and changed_since["a_revoir"] is True
    assert "valeur_initiale" not in changed_since
    assert one_day_short["valeur"] is None and one_day_short["secret"] is True
    staff = export(capsys)["constats"][0]["preuves"][3:5]
    assert staff[0]["valeur_initiale"] == 25 and staff[1]["valeur"] == 30


@pytest.mark.parametrize("path", ["", "taux_de_reussite"])
def test_an_unknown_indicator_is_explained_with_the_page_that_lists_them_not_a_file_of_the_code(path):
    from reperes.evaluation.evidence import indicator_problem

    message = indicator_problem(path)
    assert "taux_sorties_positives" in message and "/analyses/definitions/" in message
    assert "docs/" not in message and ".md" not in message


def test_the_archive_names_the_data_it_rests_on(plie, sample, tmp_path, capsys):
    """« archive it with its data snapshot »: the export carries the data's fingerprint, the one every report
    prints; it changes with the data and comes back with them."""
    from reperes.analyses import services
    from reperes.collection.models import Participant
    from reperes.reports.data import gather_inputs

    assert cli("import", write(tmp_path, sample)) == 0
    first = export(capsys)["donnees"]
    assert len(first["empreinte"]) == 64 and first["imports"] == []
    assert first["empreinte"] == gather_inputs().snapshot["hash"]
    person = Participant.objects.order_by("pk").first()
    sexe = person.sexe
    person.sexe = "M" if sexe == "F" else "F"
    person.save()
    services.clear_caches()
    changed = export(capsys)["donnees"]["empreinte"]
    assert changed != first["empreinte"]
    person.sexe = sexe
    person.save()
    services.clear_caches()
    assert export(capsys)["donnees"]["empreinte"] == first["empreinte"]
