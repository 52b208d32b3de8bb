"""Pathways on a small hand-made dataset; every expected value is computed by hand in the comments."""

import datetime as dt

import polars as pl
import pytest

from reperes.analytics import parcours
from reperes.analytics.frames import Dataset

D = dt.date
DEBUT, FIN = D(2019, 1, 1), D(2019, 12, 31)


def person(pid, entree, sortie=None, motif=None, sexe="F", age=30, **extra):
    return {"participant": pid, "sexe": sexe, "age_entree": age, "date_entree": entree, "date_sortie": sortie,
            "motif_sortie": motif, "criteres": extra.pop("criteres", []), **extra}


def step(pid, type_etape, debut, id_action=None):
    return {"participant": pid, "type_etape": type_etape, "date_debut": debut, "id_action": id_action}


@pytest.fixture
def dataset():
    people = [
        # p1: 2018-01-01 → 2019-01-01 (365 days, bound of the period): positive.
        person("p1", D(2018, 1, 1), D(2019, 1, 1), "EMPLOI_CDI"),
        # p2: 2019-03-01 → 2019-12-31 (305 days, other bound): abandon.
        person("p2", D(2019, 3, 1), D(2019, 12, 31), "ABANDON", sexe="M"),
        # p3: entered 2019-06-01, still in the PLIE.
        person("p3", D(2019, 6, 1), sexe="M", age=55),
        # p4: left in 2020: not a sortie of 2019, but accompagné.
        person("p4", D(2017, 5, 1), D(2020, 2, 1), "RETRAITE", age=62),
        # p5: left in 2018: not accompagné in 2019.
        person("p5", D(2016, 1, 1), D(2018, 12, 31), "EMPLOI_CDI"),
    ]
    steps = [
        step("p1", "ORIENTATION_PROJET", D(2018, 1, 10)),
        step("p1", "TECHNIQUES_RECHERCHE_EMPLOI", D(2018, 2, 1)),  # same family: collapses
        step("p1", "FORMATION_QUALIFIANTE", D(2018, 6, 1)),
        step("p1", "EMPLOI_CDI", D(2018, 12, 1)),
        step("p2", "ORIENTATION_PROJET", D(2019, 2, 20)),  # 9 days before entry
        step("p2", "IMMERSION", D(2019, 4, 1)),  # EMPLOI family
        step("p3", "MOBILITE", D(2019, 7, 1)),  # 30 days after entry
        step("p4", "SANTE", D(2019, 5, 5)),
        step("p5", "EMPLOI_CDD", D(2019, 5, 5)),  # p5 is not accompagné in 2019
    ]
    return Dataset(participants=pl.DataFrame(people), etapes=pl.DataFrame(steps))


def test_durations_of_the_exits_of_the_period(dataset):
    result = parcours.durations(dataset, DEBUT, FIN)
    assert result.n == 2
    # (365 + 305) / 2 / 30.4375 = 11.006…; median of two = their mean.
    assert result.mean == pytest.approx(335 / 30.4375, rel=1e-9)
    assert result.median == pytest.approx(335 / 30.4375, rel=1e-9)
    bands = dict(result.bands)
    # 305 days = 10.02 months and 365 days = 11.99 months: both under 12 months.
    assert bands == {"Moins de 6 mois": 0, "6 à 12 mois": 2, "12 à 24 mois": 0, "24 à 36 mois": 0,
                     "36 mois et plus": 0}


def test_durations_empty_period(dataset):
    result = parcours.durations(dataset, D(2030, 1, 1), D(2030, 12, 31))
    assert (result.n, result.mean, result.median) == (0, None, None)
    assert sum(n for _, n in result.bands) == 0


def test_time_to_first_step(dataset):
    result = parcours.time_to_first_step(dataset, DEBUT, FIN)
    # entrées of 2019: p2 (first step 9 days before entry: −9) and p3 (+30).
    assert (result.entrees, result.with_step) == (2, 2)
    assert result.mean_days == pytest.approx(10.5)
    assert result.median_days == pytest.approx(10.5)
    assert result.within_30_days == 2


def test_steps_by_family(dataset):
    rows = {r.famille: r for r in parcours.steps_by_family(dataset, DEBUT, FIN)}
    # accompagnés 2019: p1, p2, p3, p4 (4). Steps started in 2019: p2 ×2, p3, p4 (p5 not accompagné).
    assert all(r.accompagnes == 4 for r in rows.values())
    assert (rows["EMPLOI"].etapes, rows["EMPLOI"].participants) == (1, 1)
    assert (rows["ACCOMPAGNEMENT"].etapes, rows["LEVEE_FREINS"].etapes, rows["FORMATION"].etapes) == (1, 2, 0)
    assert rows["LEVEE_FREINS"].per_participant == pytest.approx(0.5)


def test_top_sequences_collapse_repeats_and_count_no_step(dataset):
    extra = pl.DataFrame([person("p6", D(2019, 1, 5), D(2019, 6, 1), "ABANDON")])
    data = Dataset(participants=pl.concat([dataset.participants, Dataset(participants=extra).participants]),
                   etapes=dataset.etapes)
    sequences, total = parcours.top_sequences(data, DEBUT, FIN)
    assert total == 3
    assert dict(sequences) == {
        "Accompagnement → Formation → Emploi": 1,  # p1
        "Accompagnement → Emploi": 1,  # p2
        parcours.NO_STEP: 1,  # p6
    }


def test_top_sequences_keeps_the_n_most_frequent_with_a_stable_order():
    people = [person(f"q{i}", D(2018, 1, 1), D(2019, 6, 1), "ABANDON") for i in range(5)]
    steps = ([step("q0", "MOBILITE", D(2018, 2, 1))] + [step(f"q{i}", "EMPLOI_CDD", D(2018, 2, 1)) for i in (1, 2)]
             + [step(f"q{i}", "AUTRE", D(2018, 2, 1)) for i in (3, 4)])
    data = Dataset(participants=pl.DataFrame(people), etapes=pl.DataFrame(steps))
    sequences, total = parcours.top_sequences(data, DEBUT, FIN, n=2)
    assert total == 5
    assert sequences == [("Accompagnement", 2), ("Emploi", 2)]  # ties broken alphabetically


def test_kaplan_meier_by_hand():
    # Four entrées of 2019, observation date 2020-12-31 (latest date of the data).
    # Durations in months (days / 30.4375): a exits any way at ~3, b positive at ~6, c, d censored.
    people = [
        person("a", D(2019, 1, 1), D(2019, 4, 1), "ABANDON"),  # 90 days: 2.96 months
        person("b", D(2019, 1, 1), D(2019, 7, 1), "EMPLOI_CDI"),  # 181 days: 5.95 months
        person("c", D(2019, 1, 1)),
        person("d", D(2020, 12, 31) - dt.timedelta(days=0), sexe="M"),  # out of the cohort (entered in 2020)
        person("e", D(2019, 1, 1)),
    ]
    data = Dataset(participants=pl.DataFrame(people))
    any_exit = parcours.kaplan_meier(data, DEBUT, FIN, event="toute", horizon=12)
    (curve,) = any_exit.curves
    assert any_exit.observation == D(2020, 12, 31)
    assert curve.n == 4 and curve.events == 2
    at = dict(zip(any_exit.months, curve.survival, strict=True))
    # KM: 1 until 2.96; × 3/4 at 2.96; × 2/3 at 5.95 → 0.5.
    assert at[2] == pytest.approx(1.0)
    assert at[3] == pytest.approx(0.75)
    assert at[6] == pytest.approx(0.5)
    assert curve.median_months == pytest.approx(181 / 30.4375)
    assert all(lo <= s <= hi for lo, s, hi in zip(curve.low, curve.survival, curve.high, strict=True))
    positive = parcours.kaplan_meier(data, DEBUT, FIN, event="positive", horizon=12)
    at = dict(zip(positive.months, positive.curves[0].survival, strict=True))
    # The abandon is a censoring: × 2/3 at 5.95 only.
    assert at[3] == pytest.approx(1.0)
    assert at[6] == pytest.approx(2 / 3)


def test_kaplan_meier_by_profile_and_empty():
    people = [person("a", D(2019, 1, 1), D(2019, 4, 1), "ABANDON"), person("b", D(2019, 1, 1), sexe="M"),
              person("c", D(2019, 2, 1), sexe="M")]
    data = Dataset(participants=pl.DataFrame(people))
    result = parcours.kaplan_meier(data, DEBUT, FIN, by="sexe")
    assert [c.label for c in result.curves] == ["Femme", "Homme"]
    assert result.curves[0].survival[-1] == pytest.approx(0.0)
    assert result.curves[1].events == 0 and result.curves[1].median_months is None
    assert parcours.kaplan_meier(data, D(2030, 1, 1), D(2030, 12, 31)).curves == []
    with pytest.raises(ValueError):
        parcours.survival_frame(data, DEBUT, FIN, "autre")
