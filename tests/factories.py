"""Factories for the main models (factory_boy): a valid row in one line, only the fields a test cares about.

    participant = ParticipantFactory(motif_sortie="EMPLOI_CDI", date_sortie=dt.date(2024, 6, 30))
    EtapeFactory(participant=participant, action=ActionFactory())
    preco = PreconisationFactory(constats=[ConstatFactory(questions=[QuestionFactory()])])

Every default is a valid code of the référentiel (``reperes.referentiel``); identifiers are
sequences, so two rows never collide. A participant is entered on 2024-01-15 and still
accompanied unless the test gives a ``date_sortie`` and a ``motif_sortie`` (its exit).
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from reperes import referentiel as ref
from reperes.collection import models as collection
from reperes.evaluation import models as evaluation

COMMUNE = "54528"  # Toul (Terres de Lorraine), in the reference loaded by the migrations


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = collection.Action

    id_action = factory.Sequence(lambda n: f"ACT-{n:04d}")
    intitule = factory.Sequence(lambda n: f"Action {n}")
    famille = "EMPLOI"


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = collection.Participant

    id_hash = factory.Sequence(lambda n: f"{n:064x}")
    sexe = "F"
    annee_naissance = 1990
    age_entree = 34
    commune_residence = COMMUNE
    niveau_formation = "NIV_4"
    situation_entree = "DE"
    date_entree = dt.date(2024, 1, 15)


class EtapeFactory(DjangoModelFactory):
    class Meta:
        model = collection.Etape

    etape_key = factory.Sequence(lambda n: f"etape-{n:06d}")
    participant = factory.SubFactory(ParticipantFactory)
    type_etape = ref.TYPE_ETAPE.codes()[0]
    date_debut = factory.LazyAttribute(lambda e: e.participant.date_entree)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = evaluation.Question

    code = factory.Sequence(lambda n: f"Q{n}")
    critere = "efficacite"
    texte = factory.Sequence(lambda n: f"Question évaluative {n} ?")


class ConstatFactory(DjangoModelFactory):
    class Meta:
        model = evaluation.Constat
        skip_postgeneration_save = True  # the links are set by the hook, nothing to save again

    code = factory.Sequence(lambda n: f"C{n}")
    texte = factory.Sequence(lambda n: f"Constat {n}.")

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted:
            self.questions.set(extracted)


class PreconisationFactory(DjangoModelFactory):
    class Meta:
        model = evaluation.Preconisation
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n}")
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Préconisation {n}")
    texte = "Texte proposé."
    priorite = "haute"
    horizon = "2025"
    pilote = "Équipe du PLIE"
    article = "objet"

    @factory.post_generation
    def constats(self, create, extracted, **kwargs):
        if create and extracted:
            self.constats.set(extracted)


def exits(*motifs: str, on: dt.date = dt.date(2024, 6, 30)) -> list[collection.Participant]:
    """One participant leaving on ``on`` per motif (a code of ``ref.MOTIF_SORTIE``)."""
    for motif in motifs:
        assert motif in ref.MOTIF_SORTIE.codes(), motif
    return [ParticipantFactory(date_sortie=on, motif_sortie=motif) for motif in motifs]
