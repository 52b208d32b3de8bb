import argparse

import pytest


def run_cli(module, *argv) -> int:
    parser = argparse.ArgumentParser(prog="reperes")
    sub = parser.add_subparsers(dest="command")
    module.register(sub)
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.fixture
def partner_version(db):
    from reperes.surveys.builtin import partner_form
    from reperes.surveys.services import import_form

    return import_form(partner_form(), "partenaires.xlsx").version


@pytest.fixture
def participant_version(db):
    from reperes.surveys.builtin import participant_form
    from reperes.surveys.services import import_form

    return import_form(participant_form(), "participants_falc.xlsx").version


@pytest.fixture
def cli():
    return run_cli
