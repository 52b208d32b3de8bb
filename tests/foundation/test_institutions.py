"""Institutions named as they were in the period described (issue 17): Pôle emploi before 2024."""

import datetime as dt

import pytest

from reperes.referentiel.institutions import institution_name, institution_name_for_period


def test_pole_emploi_before_2024_france_travail_from_1_january_2024():
    assert institution_name("france_travail", dt.date(2019, 6, 30)) == "Pôle emploi"
    assert institution_name("france_travail", dt.date(2023, 12, 31)) == "Pôle emploi"
    assert institution_name("france_travail", dt.date(2024, 1, 1)) == "France Travail"
    assert institution_name("france_travail", dt.date(1990, 1, 1)) == "Pôle emploi"  # before: its first name


def test_a_period_across_the_change_names_both():
    assert institution_name_for_period("france_travail", dt.date(2019, 1, 1), dt.date(2020, 12, 31)) == \
        "Pôle emploi"
    assert institution_name_for_period("france_travail", dt.date(2023, 7, 1), dt.date(2024, 6, 30)) == \
        "Pôle emploi, puis France Travail à partir du 1er janvier 2024"


def test_an_unknown_institution_is_refused_in_french():
    with pytest.raises(ValueError, match="Institution inconnue du référentiel"):
        institution_name("anpe", dt.date(2000, 1, 1))
