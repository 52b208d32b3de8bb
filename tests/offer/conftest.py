"""Helpers of the offer tests: a few participants, files written on the fly, the CLI parser."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

VOSGES_EPCI = ("200033868", "200096642")  # CC des Ballons des Hautes-Vosges, CC Gérardmer Hautes Vosges


def run_cli(module, *argv) -> int:
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    module.register(sub)
    args = parser.parse_args(list(argv))
    return args.func(args)


def add_participant(n: int, *, commune: str, epci: str, freins=(), criteres=(), anciennete=None,
                    entree=dt.date(2019, 3, 1), sortie=None, motif="", prescripteur="FRANCE_TRAVAIL"):
    from reperes.collection.models import Participant

    return Participant.objects.create(
        id_hash=f"h{n:06d}", sexe="F", commune_residence=commune, epci_siren=epci, niveau_formation="NIV_3",
        situation_entree="DE", criteres=list(criteres), freins_entree=list(freins),
        anciennete_chomage_mois=anciennete, date_entree=entree, date_sortie=sortie, motif_sortie=motif,
        prescripteur=prescripteur)


@pytest.fixture
def period_2019(db):
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.save()
    return installation


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def participant(db):
    return add_participant
