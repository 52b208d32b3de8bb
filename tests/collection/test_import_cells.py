"""Reading one value, and the keyed hash of a whole column."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from reperes.collection.importer import parsers as cells
from reperes.collection.importer.pseudonyms import hash_series, make_hasher
from reperes.collection.importer.readers import is_identifying, normalise_header
from reperes.privacy import looks_like_nir, pseudonymise
from reperes.referentiel import CRITERES, FREINS, SEXE


@pytest.mark.parametrize("key", [b"", b"k", b"x" * 64, b"y" * 65, "clé".encode(), b"0123456789abcdef" * 8])
def test_fast_hasher_is_the_privacy_hmac(key):
    hasher = make_hasher(key)
    for text in ("P001", "", "é" * 100, "1234"):
        assert hasher(text) == pseudonymise(text, key)
    assert hash_series(pl.Series(["a", None]), hasher).to_list() == [pseudonymise("a", key), None]


@pytest.mark.parametrize("text", ["1 85 06 54 395 123 45", "185065439512345", "x 2 85 06 2A 395 123 45 y",
                                  "2850654395123 45", "NIR:185065439512345.", "12345", "1850654395123456",
                                  "01 85 06 54 395 123 45", "téléphone 06 01 02 03 04", ""])
def test_polars_nir_regex_agrees_with_privacy(text):
    polars_says = pl.Series([text]).str.contains(cells.NIR_REGEX)[0]
    assert polars_says == looks_like_nir(text)


def test_dates():
    assert cells.parse_date("1/2/2024") == (dt.date(2024, 2, 1), None)
    assert cells.parse_date("2024-02-01T23:59:59Z") == (dt.date(2024, 2, 1), None)
    assert cells.parse_date("45352", workbook=True) == (dt.date(2024, 3, 1), None)
    assert cells.parse_date("45352.75", workbook=True) == (dt.date(2024, 3, 1), None)
    assert cells.parse_date("45352")[0] is None
    assert cells.parse_date("29/02/2023")[1].endswith("jour inexistant. Écrivez la date au format JJ/MM/AAAA.")
    assert cells.parse_date("01/01/1850")[0] is None
    assert cells.parse_date("01/02/80")[0] is None


def test_numbers():
    parse = cells.number_parser("budget_total", integer=False, minimum=0, maximum=None)
    assert parse("12 500,50") == (12500.5, None)
    assert parse("12500.50 €") == (12500.5, None)
    assert parse("1,234.5")[0] is None
    assert "supérieure ou égale à 0" in parse("-1")[1]


def test_codes_and_multi_codes():
    assert cells.code_parser("sexe", SEXE)(" femme ") == ("F", None)
    multi = cells.multi_code_parser("criteres", CRITERES, ";")
    assert multi("RSA,TH|Parent isolé") == (["RSA", "TH", "PARENT_ISOLE"], None)
    assert multi("RSA;TH")[0] is None  # ; is the file's delimiter: not a separator inside the cell
    assert cells.multi_code_parser("freins", FREINS, None)("Savoirs de base (lire, écrire, compter);Santé") == (
        ["SAVOIRS_DE_BASE", "SANTE"], None)


def test_commune_normalisation():
    assert cells.normalise_commune("1001") == "01001"
    assert cells.normalise_commune("2a004") == "2A004"
    assert cells.normalise_commune("54395") == "54395"
    assert cells.normalise_commune("101") == "101"


@pytest.mark.parametrize("header,expected", [("DATE_ENTREE", "date_entree"), ("Date entrée", "date_entree"),
                                             ("date-entree", "date_entree"), ("Date d'entrée", "date_entree"),
                                             ("Commune de résidence", "commune_residence")])
def test_header_normalisation(header, expected):
    assert normalise_header(header) == expected


@pytest.mark.parametrize("header,identifying", [("Nom", True), ("NOM DE NAISSANCE", True), ("Prénom", True),
                                                ("e-mail", True), ("Numéro de sécurité sociale", True),
                                                ("Adresse postale", True), ("N° de téléphone", True),
                                                ("Tél. portable", True), ("commune_residence", False),
                                                ("Nombre d'enfants", False),
                                                ("Remarque", False)])
def test_identifying_headers(header, identifying):
    assert is_identifying(header) is identifying
