"""Words, not codes, where a person reads: names of communes and EPCI, labels of criteria."""

from __future__ import annotations

import datetime as dt
import html

import pytest

pytestmark = pytest.mark.django_db


def test_participant_list_shows_commune_names_and_criteria_labels(client_admin):
    from reperes.collection.models import Participant

    Participant.objects.create(id_hash="h1", sexe="F", commune_residence="54528", niveau_formation="NIV_3",
                               situation_entree="DE", criteres=["DETLD", "RSA"], date_entree=dt.date(2024, 1, 2))
    text = html.unescape(client_admin.get("/donnees/participants/").content.decode())
    assert "<td>Toul</td>" in text and "54528" not in text
    assert "Demandeur d'emploi de très longue durée (24 mois et plus)" in text and "DETLD" not in text


def test_offer_catalogue_names_the_commune_and_the_eligibility_zone(client_admin):
    from reperes.offer.models import Service, Structure

    structure = Structure.objects.create(di_id="s1", nom="Mission locale", code_insee="54528")
    Service.objects.create(di_id="v1", structure=structure, nom="Accueil", zone_eligibilite=["245400510"])
    text = html.unescape(client_admin.get("/offre/").content.decode())
    assert "Commune : Toul." in text
    assert "CC du Pays de Colombey et du Sud Toulois" in text and "245400510" not in text
