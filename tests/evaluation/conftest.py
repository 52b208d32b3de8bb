"""A small PLIE for the evaluation register: 30 parcours in Toul, exits of 2019 counted by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

D = dt.date
SAMPLE = Path(__file__).with_name("sample.json")


@pytest.fixture(autouse=True)
def fresh_caches():
    from reperes.analyses import services

    services.clear_caches()
    yield
    services.clear_caches()


def make_plie():
    """20 women (12 exits in 2019: 8 EMPLOI_CDI, 4 ABANDON) and 10 men (5 exits: 2 EMPLOI_CDI, 3 ABANDON).

    By hand: 17 exits in 2019, 10 positive (10 / 17), 7 abandons; the men's 5 exits are below the
    threshold of 11, hidden from partners.
    """
    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = D(2019, 1, 1), D(2019, 12, 31)
    installation.save()
    people = []
    for i in range(30):
        woman = i < 20
        k = i if woman else i - 20
        exits = k < (12 if woman else 5)
        positive = k < (8 if woman else 2)
        people.append(Participant(
            id_hash=f"h{i:03d}", sexe="F" if woman else "M", age_entree=20 + i, commune_residence="54528",
            epci_siren="200070563", niveau_formation="NIV_3", situation_entree="DE", criteres=[],
            freins_entree=["MOBILITE"] if i % 2 else [], prescripteur="FRANCE_TRAVAIL", referent="REF1",
            date_entree=D(2018, 6, 1), date_sortie=D(2019, 6, 1) if exits else None,
            motif_sortie=("EMPLOI_CDI" if positive else "ABANDON") if exits else ""))
    Participant.objects.bulk_create(people)


@pytest.fixture
def plie(territory):
    make_plie()


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))
