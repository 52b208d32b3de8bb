"""Actions, exits worth valuing and determinants on small hand-made datasets (values computed by hand)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from reperes.analytics import actions, determinants, valorisation
from reperes.analytics.frames import Dataset
from reperes.analytics.profiles import Filter

D = dt.date
DEBUT, FIN = D(2019, 1, 1), D(2019, 12, 31)


def person(pid, entree, sortie=None, motif=None, sexe="F", age=30, **extra):
    return {"participant": pid, "sexe": sexe, "age_entree": age, "date_entree": entree, "date_sortie": sortie,
            "motif_sortie": motif, **extra}


# ------------------------------------------------------------------------------------ actions


@pytest.fixture
def programme():
    people = [
        person("p1", D(2018, 1, 1), D(2019, 6, 1), "EMPLOI_CDI", epci="A"),
        person("p2", D(2018, 1, 1), D(2019, 7, 1), "ABANDON", epci="A"),
        person("p3", D(2019, 1, 1), D(2019, 8, 1), "FORMATION_QUALIFIANTE", epci="B"),
        person("p4", D(2019, 1, 1), epci="B"),
    ]
    acts = [
        {"id_action": "X1", "intitule": "Atelier mobilité", "axe": "Axe 2", "operateur": "Asso Roule",
         "budget_total": 10000.0, "experimentale": True, "theme_experimentation": "Santé"},
        {"id_action": "X2", "intitule": "Accompagnement", "axe": "Axe 1", "operateur": "PLIE",
         "budget_total": None, "experimentale": False},
    ]
    steps = [
        {"participant": "p1", "type_etape": "MOBILITE", "date_debut": D(2018, 3, 1), "id_action": "X1"},  # before
        {"participant": "p2", "type_etape": "MOBILITE", "date_debut": D(2019, 2, 1), "id_action": "X1"},
        {"participant": "p2", "type_etape": "MOBILITE", "date_debut": D(2019, 3, 1), "id_action": "X1",
         "operateur": "Garage solidaire"},
        {"participant": "p3", "type_etape": "AUTRE", "date_debut": D(2019, 2, 1), "id_action": "X2"},
        {"participant": "p4", "type_etape": "AUTRE", "date_debut": D(2019, 2, 1), "id_action": "X2"},
        {"participant": "p4", "type_etape": "AUTRE", "date_debut": D(2019, 3, 1)},  # no action
    ]
    return Dataset(participants=pl.DataFrame(people), actions=pl.DataFrame(acts), etapes=pl.DataFrame(steps))


def test_by_action_counts_and_costs(programme):
    rows = {r.id_action: r for r in actions.by_action(programme, DEBUT, FIN)}
    x1, x2 = rows["X1"], rows["X2"]
    # X1 in 2019: p2 only (two steps); over its life: p1 and p2; one positive exit (p1).
    assert (x1.participants, x1.etapes, x1.participants_total, x1.sorties_positives_total) == (1, 2, 2, 1)
    assert x1.cout_par_participant == pytest.approx(5000.0)
    assert x1.cout_par_sortie_positive == pytest.approx(10000.0)
    assert (x2.participants, x2.etapes) == (2, 2)
    assert x2.cout_par_participant is None and x2.cout_par_sortie_positive is None  # budget unknown


def test_by_axe_and_operator(programme):
    assert actions.by_group(programme, DEBUT, FIN, "axe") == [("Axe 1", 2, 2), ("Axe 2", 1, 2)]
    # The step's own operator first, else the action's.
    assert actions.by_group(programme, DEBUT, FIN, "operateur") == [
        ("PLIE", 2, 2), ("Asso Roule", 1, 1), ("Garage solidaire", 1, 1)]
    with pytest.raises(ValueError):
        actions.by_group(programme, DEBUT, FIN, "commune")


def test_experimental_comparison_says_it_is_no_impact_evaluation(programme):
    result = actions.experimental_comparison(programme, DEBUT, FIN)
    # Experimental: p2 (abandon) → 0 positive of 1 exit. Others: p3 (positive), p4 (in) → 1 of 1.
    assert (result.experimental.participants, result.experimental.sorties, result.experimental.positives) == (1, 1, 0)
    assert (result.others.participants, result.others.sorties, result.others.positives) == (2, 1, 1)
    assert result.others.rate == 1.0 and result.experimental.rate == 0.0
    assert not result.comparison.significant  # one exit each: nothing can be concluded
    assert result.themes == [("Santé", 1)]
    assert "pas une évaluation d'impact" in result.caveat


def test_filter_by_epci_keeps_related_rows(programme):
    only_b = Filter(epci="B").apply(programme)
    assert sorted(only_b.participants["participant"].to_list()) == ["p3", "p4"]
    assert set(only_b.etapes["participant"].to_list()) == {"p3", "p4"}
    women = Filter(profile="sexe", group="Femme").apply(programme)
    assert women.participants.height == 4
    assert Filter().apply(programme) is programme


# ------------------------------------------------------------------------------------ exits worth valuing


@pytest.fixture
def exits():
    people = [
        person("s1", D(2018, 1, 1), D(2019, 5, 1), "RETRAITE", age=63),  # solution
        person("s2", D(2018, 1, 1), D(2019, 5, 1), "ABANDON"),  # acquis during the parcours
        person("s3", D(2018, 1, 1), D(2019, 5, 1), "ABANDON", sexe="M"),  # barrier levé (assessed before entry)
        person("s4", D(2018, 1, 1), D(2019, 5, 1), "ABANDON", sexe="M"),  # acquis after exit; barrier not levé
        person("s5", D(2018, 1, 1), D(2019, 5, 1), "EMPLOI_CDI"),  # positive: out of the grid
        person("s6", D(2018, 1, 1), D(2019, 5, 1), "DEMENAGEMENT"),  # neutral: out of the grid
        person("s7", D(2018, 1, 1), D(2019, 5, 1), "FIN_DE_PARCOURS", sexe="M"),  # acquis on exit day
    ]
    acquis = [
        {"participant": "s2", "date": D(2018, 6, 1), "type_acquis": "PERMIS_CONDUIRE"},
        {"participant": "s4", "date": D(2019, 5, 2), "type_acquis": "PERMIS_CONDUIRE"},  # day after exit
        {"participant": "s7", "date": D(2019, 5, 1), "type_acquis": "SOINS_ENGAGES"},
    ]
    freins = [
        {"participant": "s3", "date": D(2017, 12, 1), "frein": "MOBILITE", "niveau": 3},
        {"participant": "s3", "date": D(2019, 4, 1), "frein": "MOBILITE", "niveau": 1},
        {"participant": "s4", "date": D(2018, 1, 1), "frein": "SANTE", "niveau": 2},
        {"participant": "s4", "date": D(2019, 5, 2), "frein": "SANTE", "niveau": 0},  # after exit: ignored
        {"participant": "s4", "date": D(2018, 1, 1), "frein": "LOGEMENT", "niveau": 2},
        {"participant": "s4", "date": D(2019, 1, 1), "frein": "LOGEMENT", "niveau": 2},  # equal: not levé
    ]
    return Dataset(participants=pl.DataFrame(people), acquis=pl.DataFrame(acquis), suivi_freins=pl.DataFrame(freins))


def test_valued_exits_grid(exits):
    (row,) = valorisation.by_profile(exits, DEBUT, FIN)
    assert row.total == 5  # 7 exits − 1 positive − 1 neutral
    assert row.counts == {"solution": 1, "acquis": 2, "frein_leve": 1, "non_valorisee": 1}
    assert row.valorisees == 4


def test_valued_exits_by_sex(exits):
    rows = {r.groupe: r for r in valorisation.by_profile(exits, DEBUT, FIN, "sexe")}
    assert rows["Femme"].counts == {"solution": 1, "acquis": 1, "frein_leve": 0, "non_valorisee": 0}
    assert rows["Homme"].counts == {"solution": 0, "acquis": 1, "frein_leve": 1, "non_valorisee": 1}


def test_acquis_and_barriers_by_type(exits):
    acquis = dict(valorisation.acquis_by_type(exits, DEBUT, FIN))
    assert acquis["Permis de conduire obtenu"] == 1 and acquis["Soins engagés"] == 1
    leves = dict(valorisation.freins_leves_by_type(exits, DEBUT, FIN))
    assert leves["Mobilité"] == 1 and leves["Santé"] == 0 and leves["Logement"] == 0


def test_valued_exits_empty_period(exits):
    (row,) = valorisation.by_profile(exits, D(2030, 1, 1), D(2030, 12, 31))
    assert row.total == 0 and row.valorisees == 0


# ------------------------------------------------------------------------------------ determinants


def test_no_model_below_the_sample_size(exits):
    model = determinants.fit(exits, DEBUT, FIN)
    assert not model.fitted and model.ratios == []
    assert "Pas de modèle" in model.message and "7 sorties" in model.message and "200" in model.message


def test_no_model_without_enough_events():
    people = [person(f"n{i}", D(2018, 1, 1), D(2019, 3, 1), "ABANDON") for i in range(30)]
    model = determinants.fit(Dataset(participants=pl.DataFrame(people)), DEBUT, FIN, min_sample=10, min_events=5)
    assert not model.fitted and "0 sortie positive" in model.message


def test_logistic_regression_recovers_a_known_odds_ratio():
    # Women: 60 positive of 100 (odds 1.5); men: 40 of 100 (odds 2/3): odds ratio 2.25 exactly,
    # the only varying variable (the others are constant and reported as dropped).
    people = []
    for sexe, positives in (("F", 60), ("M", 40)):
        for i in range(100):
            motif = "EMPLOI_CDI" if i < positives else "ABANDON"
            people.append(person(f"{sexe}{i}", D(2018, 1, 1), D(2019, 3, 1), motif, sexe=sexe))
    model = determinants.fit(Dataset(participants=pl.DataFrame(people)), DEBUT, FIN, min_sample=100)
    assert model.fitted and model.n == 200 and model.events == 100
    (ratio,) = model.ratios
    assert ratio.key == "femme"
    assert ratio.odds_ratio == pytest.approx(2.25, rel=1e-6)
    # Wald interval on the log scale: se = sqrt(1/60 + 1/40 + 1/40 + 1/60).
    se = np.sqrt(1 / 60 + 1 / 40 + 1 / 40 + 1 / 60)
    assert ratio.low == pytest.approx(2.25 * np.exp(-1.959963984540054 * se), rel=1e-4)
    assert ratio.significant
    assert "multipliées par 2,25" in ratio.reading() and "plus de sorties positives" in ratio.reading()
    assert "Moins de 26 ans" in model.dropped
