"""Import, own sheet, comparison and evidence, on the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from benchmark_helpers import make_plie, run_cli
from sheets_data import REJECTED, STORED, write_messy_csv

from reperes.benchmark.indicators import COLUMNS, NATIONAL_PLIE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_caches")]

DAYS_PER_MONTH = 30.4375
D = dt.date


def stored():
    from reperes.benchmark.models import SheetValue

    return {(v.indicateur, v.line): (v.nombre, v.texte, v.secret, v.definition, v.note)
            for v in SheetValue.objects.all()}


def import_json(capsys, *argv) -> tuple[int, dict]:
    status = run_cli("import", *map(str, argv), "--json")
    return status, json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------- import


def test_cli_import_of_a_messy_sheet_stores_every_good_value_and_lists_every_rejected_line(tmp_path, capsys):
    status, report = import_json(capsys, write_messy_csv(tmp_path / "fiche lunévillois.csv"))
    assert status == 3
    assert set(report) == {"importees", "remplacees", "rejetees"}
    assert report["importees"] == len(STORED) == 10
    assert report["remplacees"] == 0
    assert [r["ligne"] for r in report["rejetees"]] == sorted(REJECTED)
    for rejection in report["rejetees"]:
        assert REJECTED[rejection["ligne"]] in rejection["message"]
    assert stored() == STORED


def test_the_same_file_twice_changes_nothing(tmp_path, capsys):
    from reperes.benchmark.models import SheetImport, SheetValue

    path = write_messy_csv(tmp_path / "fiche.csv")
    import_json(capsys, path)
    before = sorted(SheetValue.objects.values_list("id", "nombre", "texte", "sheet_import_id"))
    status, report = import_json(capsys, path)
    assert status == 3 and report["remplacees"] == 0 and report["importees"] == 10
    assert sorted(SheetValue.objects.values_list("id", "nombre", "texte", "sheet_import_id")) == before
    assert SheetImport.objects.count() == 1


def test_strict_imports_nothing_when_a_line_is_rejected(tmp_path, capsys):
    from reperes.benchmark.models import SheetValue

    status = run_cli("import", str(write_messy_csv(tmp_path / "fiche.csv")), "--strict")
    assert status == 2
    assert "Rien n’est importé" in capsys.readouterr().out
    assert SheetValue.objects.count() == 0


def test_revised_figures_replace_the_stored_ones_and_the_summary_says_which(tmp_path, capsys):
    from reperes.benchmark.models import SheetValue

    first = tmp_path / "v1.csv"
    first.write_text("plie;annee;indicateur;valeur;source;date_source\n"
                     "PLIE A;2019;participants_accompagnes;500;Bilan;2020\n"
                     "PLIE A;2019;entrees;200;Bilan;2020\n"
                     "PLIE A;2018;entrees;180;Bilan;2019\n", encoding="utf-8")
    assert import_json(capsys, first) == (0, {"importees": 3, "remplacees": 0, "rejetees": []})
    revised = tmp_path / "v2.csv"
    revised.write_text("plie;annee;indicateur;valeur;source;date_source\n"
                       "PLIE A;2019;participants_accompagnes;520;Bilan révisé;2020-06-01\n"
                       "PLIE A;2019;entrees;200;Bilan;2020\n", encoding="utf-8")
    assert import_json(capsys, revised) == (0, {"importees": 2, "remplacees": 1, "rejetees": []})
    values = {(v.annee, v.indicateur): v.nombre for v in SheetValue.objects.all()}
    assert values == {(2019, "participants_accompagnes"): 520.0, (2019, "entrees"): 200.0,
                      (2018, "entrees"): 180.0}
    run_cli("import", str(revised))
    assert "Déjà importée" in capsys.readouterr().out


def test_unreadable_or_empty_files_exit_2_with_a_french_message(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("nom;valeur\nx;1\n", encoding="utf-8")
    status, report = import_json(capsys, bad)
    assert status == 2 and report["importees"] == 0
    assert "colonnes obligatoires absentes" in report["rejetees"][0]["message"]
    only_bad = tmp_path / "only-bad.csv"
    only_bad.write_text("plie;annee;indicateur;valeur;source;date_source\nX;2019;inconnu;1;S;2020\n", encoding="utf-8")
    status, report = import_json(capsys, only_bad)
    assert status == 2 and [r["ligne"] for r in report["rejetees"]] == [2]


# --------------------------------------------------------------------------- own sheet


def test_own_sheet_counted_by_hand_with_disclosure(plie, territory):
    from django.db.models import Sum

    from reperes.benchmark.models import Organisation
    from reperes.benchmark.services import own_sheet

    org = Organisation.get()
    org.referents_etp, org.budget_total_euros, org.part_fse_pourcent = 4, 200000, 40
    org.structure_porteuse, org.pratiques = "Association", "Pratique A\n\nPratique B\n"
    org.save()
    rows = own_sheet(2019)
    values = {r["indicateur"]: r["valeur"] for r in rows if r["indicateur"] != "pratique_remarquable"}
    secret = {r["indicateur"] for r in rows if r["secret"]}
    population = territory.communes.aggregate(n=Sum("population"))["n"]
    assert values == pytest.approx({
        "participants_accompagnes": 40, "entrees": 0, "sorties": 30, "sorties_positives": 16,
        "taux_sorties_positives": 16 / 30, "duree_moyenne_parcours_mois": 365 / DAYS_PER_MONTH,
        "part_femmes": None,  # 30 women of 40: would give the 10 men (under 11), hidden with them
        "part_moins_26_ans": None,  # 6 people (ages 20–25): under 11
        "part_50_ans_et_plus": None,  # 10 people (ages 50–59): under 11
        "part_rsa": 20 / 40, "part_deld": 0.0, "part_th": 0.0, "part_qpv": 0.0, "part_infra_bac": 1.0,
        "population_territoire": population, "nombre_epci": 4,
        "structure_porteuse": "Association", "referents_etp": 4, "budget_total_euros": 200000, "part_fse": 0.4,
        "participants_par_referent": 10.0, "cout_par_participant_euros": 5000.0,
    })
    assert secret == {"part_moins_26_ans", "part_50_ans_et_plus", "part_femmes"}
    assert [r["valeur"] for r in rows if r["indicateur"] == "pratique_remarquable"] == ["Pratique A", "Pratique B"]
    assert all(r["source"] and r["date_source"] and r["annee"] == 2019 and r["plie"] == "PLIE de test" for r in rows)


def test_a_small_plie_publishes_no_count_and_no_ratio_that_reveals_one(territory, tmp_path):
    from reperes.benchmark.models import Organisation
    from reperes.benchmark.services import export_sheet

    make_plie(8)  # 8 women, 8 exits (all positive but 2)
    org = Organisation.get()
    org.referents_etp, org.budget_total_euros = 2, 50000
    org.save()
    rows = export_sheet(tmp_path / "fiche.csv", 2019)
    by_id = {r["indicateur"]: r for r in rows}
    for indicateur in ("participants_accompagnes", "sorties", "sorties_positives", "taux_sorties_positives",
                       "part_femmes", "participants_par_referent", "cout_par_participant_euros",
                       "duree_moyenne_parcours_mois"):
        assert by_id[indicateur]["secret"] and by_id[indicateur]["valeur"] is None, indicateur
    assert by_id["entrees"]["valeur"] == 0  # zero is shown
    text = (tmp_path / "fiche.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(COLUMNS)
    line = next(x for x in lines if ";participants_accompagnes;" in x)
    assert line.split(";")[3] == "s"
    for x in lines[1:]:
        number = x.split(";")[3]
        if x.split(";")[2] in ("participants_accompagnes", "entrees", "sorties", "sorties_positives"):
            assert number == "s" or number == "0" or int(number) >= 11


def test_export_then_import_under_another_name_gives_the_same_values(plie, tmp_path, capsys):
    from reperes.benchmark.services import compare

    run_cli("export", "--out", str(tmp_path / "fiche.csv"), "--annee", "2019")
    text = (tmp_path / "fiche.csv").read_text(encoding="utf-8-sig").replace("PLIE de test;", "PLIE jumeau;")
    (tmp_path / "jumeau.csv").write_text(text, encoding="utf-8")
    status, report = import_json(capsys, tmp_path / "jumeau.csv")
    assert status == 0 and report["rejetees"] == []
    for indicateur in ("participants_accompagnes", "taux_sorties_positives", "part_moins_26_ans", "part_femmes"):
        lines = compare(indicateur, 2019)["lignes"]
        mine = next(x for x in lines if x["moi"])
        twin = next(x for x in lines if x["plie"] == "PLIE jumeau")
        assert twin["valeur"] == pytest.approx(mine["valeur"]) if mine["valeur"] is not None else twin["valeur"] is None
        assert twin["secret"] == mine["secret"]


def test_default_year_is_the_last_calendar_year_ended_before_the_latest_date(plie, tmp_path, capsys):
    run_cli("export", "--out", str(tmp_path / "fiche.csv"))
    # latest date in the data: 2019-06-01 (exits) → 2018
    assert {line.split(";")[1] for line in
            (tmp_path / "fiche.csv").read_text(encoding="utf-8-sig").splitlines()[1:]} == {"2018"}


# --------------------------------------------------------------------------- compare and evidence


def test_compare_json_has_me_the_nation_and_peers_with_non_comparable_values(plie, tmp_path, capsys):
    path = write_messy_csv(tmp_path / "fiche.csv")
    import_json(capsys, path)
    assert run_cli("compare", "--indicateur", "sorties_positives", "--annee", "2019", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["indicateur"] == "sorties_positives"
    lines = payload["lignes"]
    keys = {"plie", "annee", "valeur", "source", "date_source", "moi", "national", "comparable", "note"}
    assert all(keys <= set(line) for line in lines)
    mine = [x for x in lines if x["moi"]]
    assert [(x["plie"], x["annee"], x["valeur"], x["comparable"]) for x in mine] == [("PLIE de test", 2019, 16, True)]
    peer = next(x for x in lines if x["plie"] == "PLIE du Lunévillois")
    assert (peer["valeur"], peer["comparable"], peer["moi"], peer["national"]) == (180, False, False, False)
    run_cli("compare", "--indicateur", "participants_accompagnes", "--json")
    lines = json.loads(capsys.readouterr().out)["lignes"]
    national = {(x["annee"], x["valeur"]) for x in lines if x["national"]}
    assert national == {(2014, 114446), (2019, 131000), (2020, 125000)}  # the bundled AVE series
    assert all(x["plie"] == NATIONAL_PLIE and "Alliance Villes Emploi" in x["source"] for x in lines if x["national"])
    assert {x["annee"] for x in lines if x["moi"]} == {2018}  # own years up to the default year
    run_cli("compare", "--indicateur", "participants_accompagnes", "--annee", "2014", "--json")
    lines = json.loads(capsys.readouterr().out)["lignes"]
    assert [(x["national"], x["valeur"]) for x in lines] == [(True, 114446)]  # no own value outside the data


def test_a_report_asks_for_the_last_years_only_and_no_older_sheet_is_computed(plie, monkeypatch):
    """The 40 parcours entered in 2018, and 40 more entered on 2015-03-01 (exits on 2019-06-01): own years
    2015–2018. ``own_last=2`` gives the lines of 2017 and 2018, the same as the whole series' last two,
    builds no sheet of 2015 or 2016 (each sheet costs a protected publication and its audit), and leaves
    the national lines as they are."""
    from reperes.analyses import services as analyses
    from reperes.benchmark import services
    from reperes.collection.models import Participant

    Participant.objects.bulk_create([
        Participant(id_hash=f"old{i:03d}", sexe="F", age_entree=30, commune_residence="54528",
                    epci_siren="200070563", niveau_formation="NIV_3", situation_entree="DE", criteres=[],
                    freins_entree=[], prescripteur="FRANCE_TRAVAIL", referent="REF1", date_entree=D(2015, 3, 1))
        for i in range(40)])
    analyses.clear_caches()
    services._SHEETS.clear()
    everything = services.compare("participants_accompagnes")["lignes"]
    whole = [x for x in everything if x["moi"]]
    assert [x["annee"] for x in whole] == [2015, 2016, 2017, 2018]

    services._SHEETS.clear()
    asked = []
    own_sheet = services.own_sheet
    monkeypatch.setattr(services, "own_sheet", lambda annee=None: asked.append(annee) or own_sheet(annee))
    lines = services.compare("participants_accompagnes", own_last=2)["lignes"]
    assert [x for x in lines if x["moi"]] == whole[-2:]
    assert sorted(asked) == [2017, 2018]
    assert [x for x in lines if not x["moi"]] == [x for x in everything if not x["moi"]]


def test_resolve_gives_value_and_source_for_evidence(plie, tmp_path, capsys):
    from reperes.benchmark.services import resolve

    import_json(capsys, write_messy_csv(tmp_path / "fiche.csv"))
    peer = resolve("taux_sorties_positives", "PLIE du Lunévillois", 2019)
    assert peer["valeur"] == pytest.approx(0.47) and peer["comparable"] and "Rapport" in peer["source"]
    assert resolve("sorties_positives", "PLIE du Lunévillois", 2019)["comparable"] is False
    assert resolve("part_rsa", "PLIE du Lunévillois", 2019)["valeur"] is None
    mine = resolve("taux_sorties_positives", "PLIE de test", 2019)
    assert mine["valeur"] == pytest.approx(16 / 30) and mine["moi"]
    assert resolve("part_moins_26_ans", "PLIE de test", 2019)["secret"] is True
    assert resolve("participants_accompagnes", NATIONAL_PLIE, 2014)["valeur"] == 114446
    assert resolve("pratique_remarquable", "PLIE du Lunévillois", 2019)["valeur"] == [
        "Parrainage par des retraités", "Garde d’enfants pendant les ateliers"]
    with pytest.raises(LookupError, match="Aucune valeur"):
        resolve("entrees", "PLIE du Lunévillois", 2017)


# --------------------------------------------------------------------------- pages


def test_compare_page_for_a_partner_shows_sources_and_non_comparable_but_no_import(plie, tmp_path, capsys,
                                                                                client_partner):
    import_json(capsys, write_messy_csv(tmp_path / "fiche.csv"))
    response = client_partner.get("/comparer/?indicateur=sorties_positives&annee=2019")
    html = response.content.decode()
    assert response.status_code == 200
    assert "non comparable" in html and "tout emploi au jour de la sortie" in html
    assert "Rapport d’activité 2019 du PLIE du Lunévillois, 2020" in html
    assert "ce PLIE" in html and "<svg" in html
    assert "Importer la fiche" not in html and "Exporter la fiche" not in html
    assert "Parrainage par des retraités" in html and "Maison de l’emploi" in html
    # The chart ranks comparable values only: the peer's 180 (defined otherwise) is not drawn.
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "PLIE du Lunévillois" not in svg
    searched = client_partner.get("/comparer/?q=garde+enfants").content.decode()
    assert "Garde d’enfants" in searched and "Parrainage par des retraités" not in searched


def test_upload_page_lists_rejected_lines_then_the_sheet_can_be_removed(plie, tmp_path, client_charge):
    from reperes.audit.models import AuditEvent
    from reperes.benchmark.models import SheetImport, SheetValue

    path = write_messy_csv(tmp_path / "fiche.csv")
    with path.open("rb") as handle:
        response = client_charge.post("/comparer/importer/", {"fichier": handle})
    html = response.content.decode()
    assert "10 valeur(s) importée(s)" in html
    for line in REJECTED:
        assert f"<td>{line}</td>" in html
    sheet = SheetImport.objects.get()
    assert sheet.user_email == "etude@test.fr" and sheet.file_name == "fiche.csv"
    listing = client_charge.get("/comparer/").content.decode()
    assert "fiche.csv" in listing and "etude@test.fr" in listing
    client_charge.post(f"/comparer/fiches/{sheet.pk}/supprimer/")
    assert SheetValue.objects.count() == 0 and SheetImport.objects.count() == 0
    assert AuditEvent.objects.filter(target__contains="fiche PLIE").count() == 2


def test_export_button_downloads_the_sheet_and_is_audited(plie, client_charge):
    from reperes.audit.models import Action, AuditEvent

    response = client_charge.get("/comparer/fiche.csv?annee=2019")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == ";".join(COLUMNS)
    assert "PLIE de test;2019;participants_accompagnes;40;" in body
    assert AuditEvent.objects.filter(action=Action.EXPORT, target="fiche PLIE 2019").exists()


def test_organisation_is_entered_once_by_the_administrator(client_admin, plie):
    from reperes.benchmark.models import Organisation

    response = client_admin.post("/comparer/organisation/", {
        "structure_porteuse": "EPCI", "gouvernance": "COPIL", "referents_etp": "5", "budget_total_euros": "100000",
        "part_fse_pourcent": "150", "pratiques": "", "source": ""})
    assert response.status_code == 200 and "150" in response.content.decode()
    assert Organisation.get().structure_porteuse == ""  # refused: a share over 100 %
    client_admin.post("/comparer/organisation/", {
        "structure_porteuse": "EPCI", "gouvernance": "COPIL", "referents_etp": "5", "budget_total_euros": "100000",
        "part_fse_pourcent": "45", "pratiques": "", "source": ""})
    assert Organisation.get().structure_porteuse == "EPCI"


def test_a_secret_value_on_the_compare_page_carries_the_contracts_note(territory, client_partner):
    from html import unescape

    make_plie(8)  # 8 participants: this PLIE's own counts are secret in its sheet
    html = unescape(client_partner.get("/comparer/?indicateur=participants_accompagnes&annee=2019").content
                    .decode())
    assert ">s<" in html.replace(" ", "")
    # the contract's legend, word for word (docs/indicateurs.md, « The mark »), then the producer's case apart
    assert "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre." in html
    assert "masquée dans sa fiche" in html


def test_a_peers_row_is_retained_as_evidence_from_the_compare_page(plie, tmp_path, capsys, client_charge,
                                                                  client_partner):
    from html import unescape

    from reperes.evaluation.models import Preuve, Question

    question = Question.objects.create(code="Q1", critere="efficacite", texte="Le PLIE fait-il sortir vers l’emploi ?")
    import_json(capsys, write_messy_csv(tmp_path / "fiche.csv"))
    page = unescape(client_charge.get("/comparer/?indicateur=taux_sorties_positives&annee=2019").content.decode())
    link = ("/evaluation/retenir/?type=benchmark&indicateur=taux_sorties_positives&plie=PLIE%20du%20Lun%C3%A9villois"
            "&annee=2019&origine=Comparer")
    assert link in page
    # partners read the comparison, they do not build the evaluation
    assert "Retenir comme preuve" not in client_partner.get(
        "/comparer/?indicateur=taux_sorties_positives&annee=2019").content.decode()
    form = unescape(client_charge.get(link).content.decode())
    assert "Taux de sorties positives de PLIE du Lunévillois, 2019" in form
    client_charge.post(link, {"type": "benchmark", "indicateur": "taux_sorties_positives",
                              "plie": "PLIE du Lunévillois", "annee": "2019", "origine": "Comparer",
                              "texte": "Le Lunévillois fait mieux sur les sorties positives.",
                              "questions": [question.pk]})
    preuve = Preuve.objects.get(type="benchmark")
    # line 3 of the sheet: « 47 % », read as a share
    assert (preuve.plie, preuve.annee, preuve.indicateur) == ("PLIE du Lunévillois", 2019, "taux_sorties_positives")
    assert preuve.valeur_initiale == pytest.approx(0.47) and preuve.origine == "Comparer"
    assert preuve.constat.texte == "Le Lunévillois fait mieux sur les sorties positives."
    # a row that does not exist is refused in French, nothing stored
    response = client_charge.post(link.replace("2019", "2015"), {
        "type": "benchmark", "indicateur": "taux_sorties_positives", "plie": "PLIE du Lunévillois",
        "annee": "2015", "texte": "Autre constat.", "questions": [question.pk]})
    assert "Aucune valeur" in unescape(response.content.decode()) and Preuve.objects.count() == 1
