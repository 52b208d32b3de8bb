"""Every indicator of docs/indicateurs.md on small hand-built frames, boundary cases included."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import polars as pl
import pytest

from reperes import referentiel as ref
from reperes.analytics import disclosure
from reperes.analytics.frames import Dataset
from reperes.analytics.indicators import (
    CORE_IDS,
    DAYS_PER_MONTH,
    REGISTRY,
    compute,
    definition,
    diffuse,
    evaluate,
    indicator,
    participant_frame,
)

D = dt.date
DEBUT, FIN = D(2019, 1, 1), D(2019, 12, 31)
SPEC = Path(__file__).resolve().parents[2] / "docs" / "indicateurs.md"

BASE = {"sexe": "M", "age_entree": 40, "commune": "54528", "niveau_formation": "NIV_4", "situation_entree": "DE",
        "criteres": [], "date_entree": D(2019, 3, 1)}
COMMUNES = pl.DataFrame({"commune": ["54528", "54174", "54003"], "nom": ["Toul", "Écrouves", "Aboncourt"],
                         "epci": ["200070563", "200070563", "245400510"], "epci_nom": ["CC TT", "CC TT", "CC PC"],
                         "population": [15768, 4474, 91]})


def person(id_: str, **fields) -> dict:
    row = {"participant": id_, **BASE, **fields}
    return row


def dataset(people, etapes=(), suivi=(), acquis=(), communes=COMMUNES) -> Dataset:
    frame = pl.DataFrame(list(people), schema_overrides={"criteres": pl.List(pl.String)}, infer_schema_length=None)
    tables = {"etapes": etapes, "suivi_freins": suivi, "acquis": acquis}
    others = {name: pl.DataFrame(list(rows), infer_schema_length=None) for name, rows in tables.items() if rows}
    return Dataset(participants=frame, communes=communes, **others)


def _ds(people, **kw):
    return dataset(people, **kw)


def ind(people, debut=DEBUT, fin=FIN, **kw) -> dict:
    return compute(_ds(people, **kw), debut, fin)["indicateurs"]


# --------------------------------------------------------------------------- registry


def test_registry_has_every_contract_id_with_french_label_and_definition():
    ids_in_spec = set(re.findall(r"^\| `([a-z0-9_]+)` \|", SPEC.read_text(encoding="utf-8"), flags=re.M))
    assert ids_in_spec == set(CORE_IDS)
    for id_ in CORE_IDS:
        entry = indicator(id_)
        assert entry.label and entry.definition == definition(id_)
        assert entry.unit
    assert all(REGISTRY[i].approximation is not None or REGISTRY[i].section == "coeur" or i in
               ("EECO01", "EECO04", "EECR05_sorties", "EECR05_situation_connue", "EECR05_taux",
                "EECR05_part_situation_inconnue") for i in REGISTRY)


def test_disclosure_declares_every_indicator_of_the_payload():
    payload = compute(Dataset(), DEBUT, FIN)
    assert set(payload["indicateurs"]) <= disclosure.KNOWN_INDICATORS
    assert set(disclosure.COUNTS) | set(disclosure.RATES) <= set(CORE_IDS)


# --------------------------------------------------------------------------- populations and bounds


def test_populations_include_their_bounds():
    people = [
        person("entre_debut", date_entree=DEBUT),
        person("entre_fin", date_entree=FIN),
        person("entre_apres", date_entree=D(2020, 1, 1)),
        person("sorti_debut", date_entree=D(2018, 1, 1), date_sortie=DEBUT, motif_sortie="ABANDON"),
        person("sorti_fin", date_entree=D(2018, 1, 1), date_sortie=FIN, motif_sortie="EMPLOI_CDI"),
        person("sorti_veille", date_entree=D(2018, 1, 1), date_sortie=D(2018, 12, 31), motif_sortie="DECES"),
        person("en_cours", date_entree=D(2015, 1, 1)),
    ]
    values = ind(people)
    assert values["participants_accompagnes"] == 5  # all but entre_apres and sorti_veille
    assert values["entrees"] == 2
    assert values["sorties"] == 2
    assert values["sorties_par_motif"]["DECES"] == 0


def test_empty_period_gives_zeros_and_nulls_with_every_key():
    values = ind([person("a", date_entree=D(2021, 1, 1))])
    assert values["participants_accompagnes"] == values["entrees"] == values["sorties"] == 0
    for rate in ("taux_sorties_positives", "taux_sorties_positives_hors_neutres",
                 "taux_valorisation_sorties_non_positives", "duree_moyenne_parcours_mois",
                 "duree_mediane_parcours_mois", "part_femmes", "part_qpv", "etapes_par_participant"):
        assert values[rate] is None, rate
    assert values["sorties_par_motif"] == {code: 0 for code in ref.MOTIF_SORTIE.codes()}
    assert values["sorties_par_categorie"] == {"positive": 0, "solution": 0, "neutre": 0, "sans_solution": 0}
    assert values["accompagnes_par_epci"] == {"200070563": 0, "245400510": 0, "hors_territoire": 0}


def test_an_empty_dataset_computes():
    values = compute(Dataset(), DEBUT, FIN)["indicateurs"]
    assert values["participants_accompagnes"] == 0
    assert values["accompagnes_par_epci"] == {"hors_territoire": 0}
    assert values["accompagnes_pour_1000_habitants_par_epci"] == {}


# --------------------------------------------------------------------------- exits


def exits(*motifs):
    return [person(f"s{i}", date_entree=D(2019, 1, 1), date_sortie=D(2019, 6, 1), motif_sortie=m)
            for i, m in enumerate(motifs)]


def test_exit_counts_and_rates():
    values = ind(exits("EMPLOI_CDI", "FORMATION_QUALIFIANTE", "RETRAITE", "DEMENAGEMENT", "ABANDON", "AUTRE"))
    assert values["sorties"] == 6
    assert values["sorties_positives"] == 2 and values["sorties_neutres"] == 1
    assert values["taux_sorties_positives"] == pytest.approx(2 / 6, rel=1e-12)
    assert values["taux_sorties_positives_hors_neutres"] == pytest.approx(2 / 5, rel=1e-12)
    assert values["sorties_par_categorie"] == {"positive": 2, "solution": 1, "neutre": 1, "sans_solution": 2}
    assert values["sorties_par_motif"]["RETRAITE"] == 1 and values["sorties_par_motif"]["SANTE"] == 0
    assert list(values["sorties_par_motif"]) == ref.MOTIF_SORTIE.codes()


def test_rate_without_neutral_denominator_is_null():
    values = ind(exits("DECES", "DEMENAGEMENT"))
    assert values["taux_sorties_positives"] == 0
    assert values["taux_sorties_positives_hors_neutres"] is None
    assert values["taux_valorisation_sorties_non_positives"] is None


# --------------------------------------------------------------------------- durations


def test_durations_do_not_add_the_exit_day_and_median_of_even_count():
    people = [
        person("a", date_entree=D(2019, 1, 1), date_sortie=D(2019, 1, 31), motif_sortie="AUTRE"),  # 30 days
        person("b", date_entree=D(2018, 1, 1), date_sortie=D(2019, 1, 1), motif_sortie="AUTRE"),  # 365
        person("c", date_entree=D(2019, 5, 1), date_sortie=D(2019, 5, 1), motif_sortie="AUTRE"),  # 0
        person("d", date_entree=D(2019, 1, 1), date_sortie=D(2019, 3, 1), motif_sortie="AUTRE"),  # 59
    ]
    values = ind(people)
    assert values["duree_moyenne_parcours_mois"] == pytest.approx((30 + 365 + 0 + 59) / 4 / DAYS_PER_MONTH,
                                                                  rel=1e-12)
    assert values["duree_mediane_parcours_mois"] == pytest.approx((30 + 59) / 2 / DAYS_PER_MONTH, rel=1e-12)


def test_median_of_odd_count_is_the_middle_value():
    people = [person(str(i), date_entree=D(2019, 1, 1), date_sortie=D(2019, 1, 1) + dt.timedelta(days=d),
                     motif_sortie="AUTRE") for i, d in enumerate((10, 100, 40))]
    assert ind(people)["duree_mediane_parcours_mois"] == pytest.approx(40 / DAYS_PER_MONTH, rel=1e-12)


# --------------------------------------------------------------------------- shares


def test_age_rule_birthday_counts_and_birth_year_only():
    people = [
        person("anniv", age_entree=50),  # the importer computed 50: birthday on the entry day
        person("annee", age_entree=None, annee_naissance=1969, date_entree=D(2019, 1, 2)),  # 2019 − 1969 = 50
        person("jeune", age_entree=None, annee_naissance=1994, date_entree=D(2019, 12, 31)),  # 25
        person("26", age_entree=26),
    ]
    values = ind(people)
    assert values["part_50_ans_et_plus"] == pytest.approx(2 / 4)
    assert values["part_moins_26_ans"] == pytest.approx(1 / 4)


def test_age_in_participant_frame_prefers_the_exact_age():
    frame = participant_frame(_ds([person("a", age_entree=49, annee_naissance=1969, date_entree=D(2019, 1, 1))]),
                              DEBUT, FIN)
    assert frame["age"].to_list() == [49] and frame["tranche_age"].to_list() == ["26_49"]


def test_deld_rule():
    people = [
        person("deld", criteres=["DELD"]), person("detld", criteres=["DETLD", "RSA"]),
        person("anc12", anciennete_chomage_mois=12), person("anc11", anciennete_chomage_mois=11),
        person("inconnu", anciennete_chomage_mois=None),
    ]
    values = ind(people)
    assert values["part_deld"] == pytest.approx(3 / 5)
    assert values["part_rsa"] == pytest.approx(1 / 5)


def test_unknown_values_count_as_no_in_shares():
    people = [
        person("a", sexe="F", qpv=True, niveau_formation="INFRA_3", criteres=["TH"]),
        person("b", qpv=None, niveau_formation="INCONNU"),
        person("c", qpv=False, niveau_formation="NIV_3"),
        person("d", qpv=None, niveau_formation="NIV_6_PLUS", criteres=None),
    ]
    values = ind(people)
    assert values["part_qpv"] == pytest.approx(1 / 4)
    assert values["part_infra_bac"] == pytest.approx(2 / 4)
    assert values["part_femmes"] == pytest.approx(1 / 4)
    assert values["part_th"] == pytest.approx(1 / 4)


# --------------------------------------------------------------------------- étapes


def test_etapes_of_accompagnes_in_the_period():
    people = [person("a"), person("b", date_entree=D(2020, 1, 1)), person("c")]
    etapes = [
        {"participant": "a", "type_etape": "IMMERSION", "date_debut": DEBUT, "resultat": "ABANDONNEE"},
        {"participant": "a", "type_etape": "AUTRE", "date_debut": FIN},
        {"participant": "a", "type_etape": "EMPLOI_CDI", "date_debut": D(2018, 12, 31)},
        {"participant": "b", "type_etape": "EMPLOI_CDI", "date_debut": D(2019, 12, 15)},  # b not accompagné
        {"participant": "c", "type_etape": "FORMATION_QUALIFIANTE", "date_debut": D(2019, 6, 1)},
    ]
    values = ind(people, etapes=etapes)
    assert values["etapes_par_participant"] == pytest.approx(3 / 2)
    assert values["part_accompagnes_avec_etape_emploi"] == pytest.approx(1 / 2)  # IMMERSION is EMPLOI


# --------------------------------------------------------------------------- valued exits and barriers


def sans_solution(id_, **kw):
    return person(id_, date_entree=D(2019, 2, 1), date_sortie=D(2019, 9, 30), motif_sortie="ABANDON", **kw)


def test_valued_exits_acquis_within_bounds():
    people = [sans_solution("entree"), sans_solution("sortie"), sans_solution("avant"), sans_solution("apres"),
              person("sol", date_entree=D(2019, 1, 1), date_sortie=D(2019, 5, 1), motif_sortie="SANTE"),
              person("pos", date_entree=D(2019, 1, 1), date_sortie=D(2019, 5, 1), motif_sortie="EMPLOI_CDI")]
    acquis = [{"participant": "entree", "date": D(2019, 2, 1), "type_acquis": "AUTRE"},
              {"participant": "sortie", "date": D(2019, 9, 30), "type_acquis": "AUTRE"},
              {"participant": "avant", "date": D(2019, 1, 31), "type_acquis": "AUTRE"},
              {"participant": "apres", "date": D(2019, 10, 1), "type_acquis": "AUTRE"},
              {"participant": "pos", "date": D(2019, 2, 1), "type_acquis": "AUTRE"}]
    values = ind(people, acquis=acquis)
    assert values["sorties_non_positives_valorisees"] == 3  # sol + entree + sortie
    assert values["taux_valorisation_sorties_non_positives"] == pytest.approx(3 / 5)


@pytest.mark.parametrize("levels, leve", [
    ([(D(2019, 1, 15), 3), (D(2019, 5, 1), 2)], True),  # assessment before entry counts
    ([(D(2019, 3, 1), 2), (D(2019, 5, 1), 2)], False),  # not strictly lower
    ([(D(2019, 3, 1), 2)], False),  # one assessment only
    ([(D(2019, 3, 1), 3), (D(2019, 10, 1), 0)], False),  # the second is after the exit
    ([(D(2019, 3, 1), 3), (D(2019, 9, 30), 1)], True),  # on the exit day
    ([(D(2019, 3, 1), 1), (D(2019, 4, 1), 3), (D(2019, 5, 1), 0)], True),  # first vs last, not neighbours
    ([(D(2019, 3, 1), 3), (D(2019, 4, 1), 0), (D(2019, 5, 1), 3)], False),
])
def test_barrier_leve_rule(levels, leve):
    suivi = [{"participant": "x", "date": d, "frein": "SANTE", "niveau": n} for d, n in levels]
    values = ind([sans_solution("x", freins_entree=["MOBILITE"])], suivi=suivi)
    assert values["sorties_non_positives_valorisees"] == (1 if leve else 0)


def test_barriers_are_judged_one_by_one():
    suivi = [{"participant": "x", "date": D(2019, 3, 1), "frein": "SANTE", "niveau": 3},
             {"participant": "x", "date": D(2019, 4, 1), "frein": "LOGEMENT", "niveau": 1}]
    assert ind([sans_solution("x")], suivi=suivi)["sorties_non_positives_valorisees"] == 0


# --------------------------------------------------------------------------- territory


def test_epci_breakdown_with_zeros_hors_territoire_and_per_1000():
    people = [person("a"), person("b", commune="54174"), person("c", commune="54395"),
              person("d", commune="54528", date_entree=D(2020, 1, 1))]
    values = ind(people)
    assert values["accompagnes_par_epci"] == {"200070563": 2, "245400510": 0, "hors_territoire": 1}
    per_1000 = values["accompagnes_pour_1000_habitants_par_epci"]
    assert per_1000["200070563"] == pytest.approx(1000 * 2 / (15768 + 4474), rel=1e-12)
    assert per_1000["245400510"] == 0


# --------------------------------------------------------------------------- ESF+


def test_esf_by_sex_over_entrees_and_sorties():
    people = [
        person("f1", sexe="F", age_entree=17, niveau_formation="INFRA_3", criteres=["AAH"]),
        person("m1", age_entree=29, situation_entree="INACTIF", niveau_formation="NIV_5",
               criteres=["SANS_DOMICILE"]),
        person("f2", sexe="F", age_entree=55, situation_entree="EMPLOI", anciennete_chomage_mois=30,
               date_entree=D(2018, 1, 1), date_sortie=D(2019, 6, 1), motif_sortie="EMPLOI_TRANSITION",
               situation_6_mois="EMPLOI"),
        person("m2", date_entree=D(2018, 1, 1), date_sortie=D(2019, 6, 1), motif_sortie="FORMATION_PREQUALIFIANTE",
               situation_6_mois="INCONNU"),
    ]
    values = ind(people)
    assert values["EECO01"] == {"F": 1, "M": 1, "total": 2}
    assert values["EECO02"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECO03"] == {"F": 0, "M": 0, "total": 0}  # f2 is DELD but entered in 2018
    assert values["EECO04"] == {"F": 0, "M": 1, "total": 1}
    assert values["EECO06"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECO07"] == {"F": 0, "M": 1, "total": 1}
    assert values["EECO09"]["F"] == 1 and values["EECO11"]["M"] == 1
    assert values["EECO12"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECO16"] == {"F": 0, "M": 1, "total": 1}
    assert values["EECR04"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECR02"] == {"F": 0, "M": 1, "total": 1}
    assert values["EECR05"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECR05_situation_connue"] == {"F": 1, "M": 0, "total": 1}
    assert values["EECR05_taux"] == {"F": 1.0, "M": None, "total": 1.0}
    assert values["EECR05_part_situation_inconnue"] == {"F": 0.0, "M": 1.0, "total": 0.5}


def test_esf_indicators_say_which_are_approximations():
    esf = [i for i in REGISTRY.values() if i.section == "fse"]
    assert {"EECO02", "EECO03", "EECO12", "EECR04", "EECR05"} <= {i.id for i in esf if i.approximation}
    assert all(i.by_sex for i in esf)


# --------------------------------------------------------------------------- machine output and diffusion


def test_machine_output_shape_and_full_precision():
    payload = compute(_ds(exits("EMPLOI_CDI", "ABANDON", "AUTRE")), DEBUT, FIN)
    assert list(payload) == ["periode", "indicateurs", "diffusion", "secret"]
    assert payload["periode"] == {"debut": "2019-01-01", "fin": "2019-12-31"}
    assert payload["diffusion"] is False and payload["secret"] == []
    assert payload["indicateurs"]["taux_sorties_positives"] == 1 / 3
    assert list(payload["indicateurs"])[:len(CORE_IDS)] == list(CORE_IDS)


def test_diffusion_uses_the_numerators_and_protects_esf():
    people = [person(str(i), sexe="F" if i < 15 else "M") for i in range(40)]
    result = evaluate(_ds(people), DEBUT, FIN)
    assert result.numerators["part_femmes"] == 15
    protected = diffuse(result, 11)
    assert protected["indicateurs"]["part_femmes"] == pytest.approx(15 / 40)
    assert protected["indicateurs"]["participants_accompagnes"] == 40
    assert protected["indicateurs"]["EECO01"] == {"F": 15, "M": 25, "total": 40}
    few = diffuse(evaluate(_ds(people[:13] + people[15:40]), DEBUT, FIN), 11)  # 13 F, 25 M
    assert few["indicateurs"]["EECO01"]["F"] == 13
    tiny = diffuse(evaluate(_ds(people[:3] + people[15:40]), DEBUT, FIN), 11)  # 3 F
    assert tiny["indicateurs"]["EECO01"]["F"] is None
    assert "indicateurs.EECO01.F" in tiny["secret"]
    # F hidden → M or the total hidden too, else F = total − M.
    assert tiny["indicateurs"]["EECO01"]["M"] is None or tiny["indicateurs"]["EECO01"]["total"] is None
    assert tiny["indicateurs"]["part_femmes"] is None


def test_rates_are_fractions_not_percentages():
    values = ind(exits("EMPLOI_CDI"))
    assert values["taux_sorties_positives"] == 1.0
    assert all(v is None or 0 <= v <= 1 for k, v in values.items() if k.startswith(("taux_", "part_")))
    assert not any(isinstance(v, float) and math.isnan(v) for v in values.values() if not isinstance(v, dict))
