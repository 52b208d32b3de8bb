"""The partner's profile tables read the decision taken with the period's publication (the report's figures)."""

import datetime as dt
import json

import pytest

from reperes.analytics import disclosure

pytestmark = pytest.mark.django_db
D = dt.date


def make_ages():
    """46 accompagnés of 2019: 20 aged 22, 24 aged 30, 2 aged 55 (all women, no exit)."""
    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = D(2019, 1, 1), D(2019, 12, 31)
    installation.save()
    ages = [22] * 20 + [30] * 24 + [55] * 2
    Participant.objects.bulk_create(Participant(
        id_hash=f"a{i:03d}", sexe="F", age_entree=age, commune_residence="54528", epci_siren="200070563",
        niveau_formation="NIV_3", situation_entree="DE", criteres=[], freins_entree=[],
        prescripteur="FRANCE_TRAVAIL", referent="REF1", date_entree=D(2018, 6, 1), date_sortie=None,
        motif_sortie="") for i, age in enumerate(ages))


def rows(page, block_id):
    return {row[0]: row[1:] for row in page.block(block_id).values}


def test_partner_age_table_keeps_the_reports_figures_and_hides_the_difference(territory, client_partner):
    from reperes.analyses import partner

    make_ages()
    # The report's own decision (period's publication): under 26 shown (20), 26–49 and 50+ hidden.
    main = partner.period(D(2019, 1, 1), D(2019, 12, 31), 11).protected
    assert main.value("indicateurs.participants_accompagnes") == 46
    assert main.value("rapport.age.MOINS_26") == 20
    assert main.value("rapport.age.50_PLUS") is None
    # Protected on its own, the page's table would show 26–49 (24): 46 − 20 − 24 = 2 people aged 50 or more.
    alone = disclosure.protect_counts({"MOINS_26": 20, "26_49": 24, "50_PLUS": 2}, 11, total=46).values
    assert alone["26_49"] == 24 and 46 - 20 - alone["26_49"] == 2

    page = client_partner.get("/analyses/publics/").context["page"]
    age = rows(page, "profil-tranche_age")
    assert age["Moins de 26 ans"][0] == 20  # the report's figure, the same number
    assert age["26 à 49 ans"][0] == "s"  # hidden with its complement
    assert age["50 ans et plus"][0] == "s"
    # Plain sum: what the « s » cells hide together is 26 people, not a count of 1 to 10.
    assert 46 - 20 == 26
    # Sex: 46 women, the report's figure.
    assert rows(page, "profil-sexe")["Femme"][0] == 46
    assert main.value("rapport.sexe.F") == 46


def test_partner_group_tables_never_show_a_small_count_and_rates_follow_their_counts(plie, client_partner):
    page = client_partner.get("/analyses/publics/").context["page"]
    # plie: 30 women (24 exits, 14 positive), 10 men (6 exits, 2 positive).
    sexe = rows(page, "profil-sexe")
    assert sexe["Homme"][0] == "s"  # 10 men
    assert sexe["Femme"][0] == "s"  # 40 − 30 would give them
    assert sexe["Homme"][4] == "s"  # a rate on hidden counts is hidden


def test_audit_command_covers_the_tables_layer(plie, capsys):
    from reperes.cli import main

    code = main(["disclosure", "audit", "--from", "2019-01-01", "--to", "2019-12-31", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result["echecs"]
    layers = {entry["couche"] for entry in result["publications"]}
    assert layers == {"publication", "territoire", "tableaux"}
    tables = [e for e in result["publications"] if e["couche"] == "tableaux"]
    # The 10 men of the sex table are among the cells the audit examined, and are not pinned.
    men = [c for e in tables for c in e["cases"] if "Homme" in c["libelle"]]
    assert men and not any(c["epinglee"] for c in men)
