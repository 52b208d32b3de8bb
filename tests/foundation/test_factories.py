"""The factories of tests/factories.py make valid rows, and the exit categories read through the référentiel."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import (
    ActionFactory,
    ConstatFactory,
    EtapeFactory,
    ParticipantFactory,
    PreconisationFactory,
    QuestionFactory,
    exits,
)

from reperes import referentiel as ref
from reperes.collection.models import Participant

pytestmark = pytest.mark.django_db


def test_each_exit_motif_falls_in_the_category_the_exchange_format_gives_it():
    # docs/format-echange.md, motif_sortie: written out here by hand, not read from the code.
    expected = {"EMPLOI_CDI": "positive", "FORMATION_QUALIFIANTE": "positive", "RETRAITE": "solution",
                "SANTE": "solution", "DECES": "neutre", "DEMENAGEMENT": "neutre", "ABANDON": "sans_solution"}
    exits(*expected)
    found = {p.motif_sortie: p.categorie_sortie for p in Participant.objects.all()}
    assert found == expected
    assert (ref.SORTIE_POSITIVE, ref.SORTIE_SOLUTION, ref.SORTIE_NEUTRE, ref.SORTIE_SANS_SOLUTION) == (
        "positive", "solution", "neutre", "sans_solution")
    assert Participant.objects.filter(date_sortie__isnull=False).count() == 7


def test_a_participant_still_accompanied_has_no_exit_and_its_steps_follow_it():
    participant = ParticipantFactory()
    EtapeFactory(participant=participant, action=ActionFactory(intitule="Atelier mobilité"))
    EtapeFactory(participant=participant, date_debut=dt.date(2024, 3, 1))
    stored = Participant.objects.get()
    assert stored.date_sortie is None and stored.categorie_sortie is None
    assert [e.date_debut for e in stored.etapes.order_by("date_debut")] == [dt.date(2024, 1, 15), dt.date(2024, 3, 1)]
    assert [e.action.intitule for e in stored.etapes.exclude(action=None)] == ["Atelier mobilité"]


def test_the_evaluation_chain_links_a_question_to_a_recommendation():
    question = QuestionFactory(texte="Le PLIE atteint-il ses objectifs ?")
    constat = ConstatFactory(questions=[question])
    reco = PreconisationFactory(constats=[constat], titre="Viser l’emploi durable")
    other = PreconisationFactory()
    assert [p.titre for p in question.constats.get().preconisations.all()] == ["Viser l’emploi durable"]
    assert reco.numero != other.numero and reco.code != other.code
