"""A small PLIE in the test database: 40 parcours, some groups large, some below the threshold of 11."""

import datetime as dt

import pytest

D = dt.date


@pytest.fixture(autouse=True)
def fresh_caches():
    from reperes.analyses import services

    services.clear_caches()
    yield
    services.clear_caches()


def make_plie():
    """40 parcours of 2019 in Toul (Terres Touloises): 30 women, 10 men (a group below 11).

    Exits in 2019: 24 women (14 positive, 10 abandon), 6 men (2 positive, 4 abandon); the others still in.
    Every participant has one step of an action; women 10 to 19 (10 exits, 4 positive) one of an
    experimental action: 4 / 10 against 12 / 20 for the others, a difference that is not significant.
    """
    from reperes.collection.models import Action, Etape, Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = D(2019, 1, 1), D(2019, 12, 31)
    installation.save()
    regular = Action.objects.create(id_action="A1", intitule="=Accompagnement renforcé", axe="Axe 1",
                                    operateur="PLIE", budget_total=40000, experimentale=False)
    experimental = Action.objects.create(id_action="A2", intitule="Atelier santé", axe="Axe 2",
                                         operateur="Asso", budget_total=8000, experimentale=True,
                                         theme_experimentation="Santé")
    people = []
    for i in range(40):
        woman = i < 30
        k = i if woman else i - 30
        exits = k < (24 if woman else 6)
        positive = k < (14 if woman else 2)
        people.append(Participant(
            id_hash=f"h{i:03d}", sexe="F" if woman else "M", age_entree=20 + i, commune_residence="54528",
            epci_siren="200070563", niveau_formation="NIV_3", situation_entree="DE", criteres=["RSA"] if i % 2 else [],
            freins_entree=[], prescripteur="FRANCE_TRAVAIL", referent="REF1" if i % 3 else "REF2",
            date_entree=D(2018, 6, 1), date_sortie=D(2019, 6, 1) if exits else None,
            motif_sortie=("EMPLOI_CDI" if positive else "ABANDON") if exits else ""))
    Participant.objects.bulk_create(people)
    steps = []
    for i, p in enumerate(Participant.objects.order_by("id_hash")):
        action = experimental if 10 <= i < 20 else regular
        steps.append(Etape(etape_key=f"e{i}", participant=p, type_etape="AUTRE", date_debut=D(2019, 2, 1),
                           action=action))
    Etape.objects.bulk_create(steps)


@pytest.fixture
def plie(territory):
    make_plie()
    return territory
