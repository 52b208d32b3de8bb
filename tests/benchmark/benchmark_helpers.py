"""A small PLIE whose sheet is counted by hand, and a CLI runner for ``reperes benchmark`` (imported by name:
``conftest`` is ambiguous when several test folders run together)."""

from __future__ import annotations

import argparse
import datetime as dt

D = dt.date


def make_plie(n: int = 40):
    """``n`` parcours (default 40) entered on 2018-06-01, in Toul; counted by hand in the tests.

    i < 30 women, others men; ages 20 + i; RSA for odd i; niveau 3 for all.
    Exits on 2019-06-01: women 0–23, men 30–35; positive (CDI): women 0–13, men 30–31; others abandon.
    """
    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    installation.plie_name = "PLIE de test"
    installation.save()
    people = []
    for i in range(n):
        woman = i < 30
        k = i if woman else i - 30
        exits = k < (24 if woman else 6)
        positive = k < (14 if woman else 2)
        people.append(Participant(
            id_hash=f"h{i:03d}", sexe="F" if woman else "M", age_entree=20 + i, commune_residence="54528",
            epci_siren="200070563", niveau_formation="NIV_3", situation_entree="DE",
            criteres=["RSA"] if i % 2 else [], freins_entree=[], prescripteur="FRANCE_TRAVAIL", referent="REF1",
            date_entree=D(2018, 6, 1), date_sortie=D(2019, 6, 1) if exits else None,
            motif_sortie=("EMPLOI_CDI" if positive else "ABANDON") if exits else ""))
    Participant.objects.bulk_create(people)


def run_cli(*argv) -> int:
    from reperes.cli import benchmark_cmd

    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    benchmark_cmd.register(sub)
    args = parser.parse_args(["benchmark", *argv])
    return args.func(args)
