"""The dashboard guides: the years the data cover, what is missing with a link, this period against a year before."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

D = dt.date


def _people(n, *, entree, sortie=None, motif=""):
    from reperes.collection.models import Participant

    start = Participant.objects.count()
    Participant.objects.bulk_create(Participant(
        id_hash=f"p{start + i}", sexe="F", commune_residence="54528", niveau_formation="NIV_3",
        situation_entree="DE", date_entree=entree, date_sortie=sortie, motif_sortie=motif) for i in range(n))


@pytest.fixture
def two_years():
    """Analysis period 2019. By hand: accompanied 2019 = 30 + 20 = 50, 2018 = 30 + 12 = 42;
    entries 2019 = 20, 2018 = 30; exits 2019 = 20 (15 positive), 2018 = 12 (3 positive)."""
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = D(2019, 1, 1), D(2019, 12, 31)
    installation.save()
    _people(3, entree=D(2017, 3, 1), sortie=D(2018, 5, 1), motif="EMPLOI_CDI")
    _people(9, entree=D(2017, 3, 1), sortie=D(2018, 5, 1), motif="ABANDON")
    _people(15, entree=D(2018, 2, 1), sortie=D(2019, 6, 1), motif="EMPLOI_CDI")
    _people(5, entree=D(2018, 2, 1), sortie=D(2019, 6, 1), motif="ABANDON")
    _people(10, entree=D(2018, 2, 1))
    _people(20, entree=D(2019, 4, 1))


def test_dashboard_says_the_years_what_is_missing_and_compares_with_the_year_before(client_admin, two_years):
    response = client_admin.get(reverse("dashboard:home"))
    text = html.unescape(response.content.decode())
    assert "Données de 2017 à 2019." in text
    assert "Pas encore de catalogue de l'offre d'insertion" in text
    assert reverse("offer:import") in text and reverse("surveys:home") in text
    rows = {c.label: c for c in response.context["board"].comparison}
    assert (rows["Participants accompagnés"].current, rows["Participants accompagnés"].previous) == (50 - 0, 42)
    assert (rows["Entrées"].current, rows["Entrées"].previous) == (20, 30)
    assert (rows["Sorties"].current, rows["Sorties"].previous) == (20, 12)
    assert rows["Taux de sorties positives"].current == pytest.approx(15 / 20)
    assert rows["Taux de sorties positives"].previous == pytest.approx(3 / 12)
    assert "+50,0\u00a0points" in text and "\u221210" in text  # 75 % against 25 %; 20 entries against 30
    assert "toutes années confondues" in text  # a count says what it counts
    # the accompagnés of the analysis period: one key figure, said once, with its definition
    assert text.count("participants accompagnés sur la période") == 1
    assert text.count("Définition : parcours entrés au plus tard le dernier jour de la période") == 1


def test_partner_comparison_hides_small_counts_and_gets_no_import_link(client_partner, two_years):
    response = client_partner.get(reverse("dashboard:home"))
    rows = {c.label: c for c in response.context["board"].comparison}
    assert rows["Taux de sorties positives"].previous == "s"  # 3 positive of 12: below 11, hidden
    assert rows["Taux de sorties positives"].change == "s"  # a change from a hidden rate would give it back
    assert rows["Entrées"].current == 20
    text = html.unescape(response.content.decode())
    # the one mark and its legend, never « – » for a hidden figure
    assert "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre" in text
    assert "effectif masqué par le secret statistique" not in text
    assert reverse("offer:import") not in text and "Pas encore de catalogue" in text


def test_empty_instance_says_what_to_do_first(client_admin):
    text = html.unescape(client_admin.get(reverse("dashboard:home")).content.decode())
    assert "Aucune donnée de parcours n'est encore chargée." in text
    assert "Importer les données du PLIE" in text and reverse("collection:import_upload") in text
