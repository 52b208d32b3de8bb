"""Breakdowns with their denominators, Wilson intervals and the significance of a difference."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from reperes import referentiel as ref
from reperes.analytics.breakdowns import DIMENSIONS, breakdown, series_by_year
from reperes.analytics.frames import Dataset
from reperes.analytics.indicators import compute
from reperes.analytics.stats import compare_rates, intervals_overlap, wilson, wilson_arrays

D = dt.date
DEBUT, FIN = D(2019, 1, 1), D(2019, 12, 31)
COMMUNES = pl.DataFrame({"commune": ["54528", "54003"], "nom": ["Toul", "Aboncourt"],
                         "epci": ["200070563", "245400510"], "epci_nom": ["CC Terres Touloises", "CC Colombey"],
                         "population": [15768, 91]})


def person(id_, **kw):
    row = {"participant": id_, "sexe": "M", "age_entree": 40, "commune": "54528", "niveau_formation": "NIV_4",
           "situation_entree": "DE", "criteres": [], "date_entree": D(2019, 3, 1), "referent": "R1",
           "prescripteur": "FRANCE_TRAVAIL"}
    row.update(kw)
    return row


def ds(people):
    return Dataset(participants=pl.DataFrame(people, schema_overrides={"criteres": pl.List(pl.String)},
                                             infer_schema_length=None), communes=COMMUNES)


PEOPLE = [
    person("a", sexe="F", age_entree=22, criteres=["RSA"], qpv=True, date_sortie=D(2019, 6, 1),
           motif_sortie="EMPLOI_CDI"),
    person("b", sexe="F", age_entree=55, criteres=["TH"], date_sortie=D(2019, 7, 1), motif_sortie="ABANDON",
           referent="R2"),
    person("c", commune="54395", anciennete_chomage_mois=24, prescripteur=None, date_entree=D(2018, 1, 1)),
    person("d", date_entree=D(2017, 5, 1), date_sortie=D(2018, 2, 1), motif_sortie="DECES"),
]


# --------------------------------------------------------------------------- Wilson and comparisons


def test_wilson_known_values():
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2365931, abs=1e-6) and high == pytest.approx(0.7634069, abs=1e-6)
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775328, abs=1e-6)
    assert wilson(0, 0) is None
    lows, highs = wilson_arrays([5, 0, 3], [10, 0, 3])
    assert lows[0] == pytest.approx(0.2365931, abs=1e-6) and pytest.approx(1.0) == highs[2]
    assert lows[1] != lows[1]  # NaN without denominator
    with pytest.raises(ValueError):
        wilson(4, 3)


def test_two_proportion_test_and_its_french_verdict():
    different = compare_rates(80, 100, 50, 100)
    assert different.significant and different.p_value < 0.001
    assert "écart significatif" in different.texte
    close = compare_rates(11, 20, 9, 20)
    assert not close.significant and close.p_value == pytest.approx(0.5271, abs=1e-3)
    assert "non significatif" in close.texte
    assert compare_rates(0, 0, 1, 5).p_value is None and not compare_rates(0, 0, 1, 5).significant
    assert intervals_overlap(wilson(11, 20), wilson(9, 20)) is True


# --------------------------------------------------------------------------- breakdowns


def test_every_dimension_exists_and_referent_is_staff_only():
    assert set(DIMENSIONS) == {"annee", "epci", "commune", "sexe", "tranche_age", "critere", "niveau_formation",
                               "prescripteur", "referent"}
    assert [d for d in DIMENSIONS.values() if d.staff_only] == [DIMENSIONS["referent"]]
    with pytest.raises(ValueError):
        breakdown(ds(PEOPLE), DEBUT, FIN, "inconnue")


def test_breakdown_by_sex_adds_up_to_the_totals_with_denominators_and_intervals():
    dataset = ds(PEOPLE)
    table = breakdown(dataset, DEBUT, FIN, "sexe").table
    totals = compute(dataset, DEBUT, FIN)["indicateurs"]
    assert table["cle"].to_list() == ref.SEXE.codes()
    assert table["participants_accompagnes"].sum() == totals["participants_accompagnes"] == 3
    f = table.row(0, named=True)
    assert f["libelle"] == "Femme" and f["sorties"] == 2 and f["sorties_positives"] == 1
    assert f["taux_sorties_positives"] == 0.5
    assert (f["taux_sorties_positives_ic_bas"], f["taux_sorties_positives_ic_haut"]) == pytest.approx(wilson(1, 2))
    assert f["sorties_hors_neutres"] == 2 and f["sorties_non_positives"] == 1
    m = table.row(1, named=True)
    assert m["sorties"] == 0 and m["taux_sorties_positives"] is None and m["taux_sorties_positives_ic_bas"] is None


def test_breakdown_by_epci_has_zeros_and_hors_territoire():
    table = breakdown(ds(PEOPLE), DEBUT, FIN, "epci").table
    assert table["cle"].to_list() == ["200070563", "245400510", "hors_territoire"]
    assert table["libelle"].to_list() == ["CC Terres Touloises", "CC Colombey", "Hors territoire"]
    assert table["participants_accompagnes"].to_list() == [2, 0, 1]


def test_breakdown_by_age_band_and_criterion():
    age = breakdown(ds(PEOPLE), DEBUT, FIN, "tranche_age").table
    assert age["cle"].to_list() == ref.TRANCHE_AGE.codes()
    assert age["participants_accompagnes"].to_list() == [1, 1, 1]
    crit = breakdown(ds(PEOPLE), DEBUT, FIN, "critere").table
    assert crit["cle"].to_list() == ["RSA", "DELD", "TH", "QPV"]
    assert crit["participants_accompagnes"].to_list() == [1, 1, 1, 1]
    assert DIMENSIONS["critere"].overlapping


def test_breakdown_by_prescriber_shows_unknown_and_every_code():
    table = breakdown(ds(PEOPLE), DEBUT, FIN, "prescripteur").table
    assert table["cle"].to_list() == [*ref.PRESCRIPTEUR.codes(), "INCONNU"]
    assert table.filter(pl.col("cle") == "INCONNU")["libelle"].item() == "Non renseigné"
    assert table.filter(pl.col("cle") == "CAP_EMPLOI")["participants_accompagnes"].item() == 0


def test_breakdown_by_referent_and_commune():
    ref_table = breakdown(ds(PEOPLE), DEBUT, FIN, "referent")
    assert ref_table.staff_only
    assert ref_table.table["cle"].to_list() == ["R1", "R2"]
    communes = breakdown(ds(PEOPLE), DEBUT, FIN, "commune").table
    assert communes["cle"].to_list() == ["54528", "54003", "54395"]
    assert communes["libelle"].to_list()[-1] == "54395 (hors territoire)"


def test_series_by_year_since_the_first_entry():
    series = series_by_year(ds(PEOPLE), fin=FIN).table
    assert series["cle"].to_list() == ["2017", "2018", "2019"]
    assert series["entrees"].to_list() == [1, 1, 2]
    assert series["sorties"].to_list() == [0, 1, 2]
    assert series["participants_accompagnes"].to_list() == [1, 2, 3]
    assert series_by_year(Dataset()).table.height == 0


def test_series_by_year_equals_the_indicators_of_each_year():
    from reperes.analytics.indicators import compute

    people = PEOPLE + [
        person("e", sexe="F", date_entree=D(2016, 12, 31), date_sortie=D(2019, 1, 1), motif_sortie="RETRAITE"),
        person("f", date_entree=D(2018, 6, 1), date_sortie=D(2018, 6, 1), motif_sortie="EMPLOI_CDI"),
    ]
    dataset = Dataset(participants=pl.DataFrame(people, schema_overrides={"criteres": pl.List(pl.String)},
                                                infer_schema_length=None),
                      etapes=pl.DataFrame([{"participant": "e", "type_etape": "IMMERSION", "date_debut": D(2018, 3, 1)},
                                           {"participant": "c", "type_etape": "AUTRE", "date_debut": D(2019, 3, 1)}]),
                      communes=COMMUNES)
    series = series_by_year(dataset, fin=FIN).table
    for row in series.iter_rows(named=True):
        year = int(row["cle"])
        expected = compute(dataset, D(year, 1, 1), D(year, 12, 31))["indicateurs"]
        for key in ("participants_accompagnes", "entrees", "sorties", "sorties_positives",
                    "sorties_non_positives_valorisees", "part_femmes", "etapes_par_participant",
                    "part_accompagnes_avec_etape_emploi", "duree_mediane_parcours_mois", "taux_sorties_positives"):
            assert row[key] == pytest.approx(expected[key]), (year, key)
