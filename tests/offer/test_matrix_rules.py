"""The matrix's decision rules, on plain objects: statut order, zone rules, empty type and publics."""

from __future__ import annotations

import polars as pl

from reperes.offer import matrix as mx

A, B = "200000001", "200000002"
GEO = mx.Geo(
    communes={"54001": (A, "54"), "54002": (A, "54"), "88001": (A, "88"), "54100": (B, "54")},
    epci_names={A: "CC A", B: "CC B"},
    epci_of={"54001": A, "54002": A, "88001": A, "54100": B, "57000": "200000009"},
)


def svc(id, *, type="atelier", cats=("mobilite",), publics=(), zone=(), commune="54001", places=None):
    return mx.OfferService(id=id, type=type, categories=frozenset(cats), publics=frozenset(publics),
                           zone=tuple(zone), commune=commune, places=places)


def test_zone_rules():
    assert mx.covered_communes(svc("s", zone=[A]), A, GEO) == {"54001", "54002", "88001"}
    assert mx.covered_communes(svc("s", zone=[A]), B, GEO) == set()
    assert mx.covered_communes(svc("s", zone=["54002"]), A, GEO) == {"54002"}
    assert mx.covered_communes(svc("s", zone=["88"]), A, GEO) == {"88001"}  # département of one of its communes
    assert mx.covered_communes(svc("s", zone=["54"]), A, GEO) == {"54001", "54002"}
    assert mx.covered_communes(svc("s", zone=["france"]), B, GEO) == {"54100"}
    assert mx.covered_communes(svc("s", zone=["99100"]), B, GEO) == {"54100"}


def test_empty_zone_means_the_epci_of_the_service_commune():
    assert mx.covered_communes(svc("s", commune="54100"), B, GEO) == {"54100"}
    assert mx.covered_communes(svc("s", commune="54100"), A, GEO) == set()
    assert mx.covered_communes(svc("s", commune="57000"), A, GEO) == set()  # outside the territory


def test_statut_first_rule_that_applies():
    one = svc("a")
    assert mx.statut(3, []) == "carence"
    assert mx.statut(0, []) == "sans_besoin"
    assert mx.statut(0, [one]) == "sans_besoin"  # an offer without demand is not « Couvert »
    assert mx.statut(3, [one], "partielle") == "partiel"  # never « Couvert » beside a partial coverage
    assert mx.statut(3, [one], "totale") == "couvert"
    assert mx.statut(5, [one, svc("b", type="formation")]) == "couvert"  # different types
    assert mx.statut(5, [one, svc("b")]) == "doublon"  # same type, both tous publics
    assert mx.statut(0, [one, svc("b")]) == "doublon"  # a doublon needs no demand


def test_empty_type_counts_as_one_type_non_precise():
    assert mx.statut(1, [svc("a", type=""), svc("b", type="")]) == "doublon"
    assert mx.statut(1, [svc("a", type=""), svc("b", type="atelier")]) == "couvert"


def test_publics_overlap_and_empty_means_tous_publics():
    jeunes, femmes = svc("a", publics=["jeunes"]), svc("b", publics=["femmes"])
    assert mx.statut(1, [jeunes, femmes]) == "couvert"  # disjoint publics
    assert mx.statut(1, [jeunes, svc("c", publics=["jeunes", "femmes"])]) == "doublon"
    assert mx.statut(1, [jeunes, svc("d")]) == "doublon"  # empty publics = tous-publics, overlaps any public
    assert mx.statut(1, [jeunes, svc("e", publics=["tous-publics"])]) == "doublon"


def participants(rows):
    return pl.DataFrame(rows, schema={"epci": pl.String, "freins_entree": pl.List(pl.String)}, orient="row")


def test_cells_rows_demande_coverage_places():
    people = participants([(A, ["MOBILITE", "SANTE"]), (A, ["SAVOIRS_DE_BASE", "LANGUE"]), (B, ["MOBILITE"]),
                           (A, [])])
    services = [svc("m1", zone=["54"], places=10), svc("m2", type="formation", zone=["88001"], places=5),
                svc("emploi", type="accompagnement", cats=("trouver-un-emploi",), zone=[B])]
    cells = mx.build_cells(geo=GEO, epcis=[A, B], services=services, participants=people,
                           long_term={A: 300.0})
    by = {(c["epci"], c["thematique"]): c for c in cells}
    # rows: every EPCI × the categories that a barrier of the accompagnés or a covering service touches
    categories = {"mobilite", "sante", "lecture-ecriture-calcul", "trouver-un-emploi"}
    assert {mx.category_of_thematique(c) for c in categories} == categories  # real data·inclusion categories
    assert set(by) == {(e, c) for e in (A, B) for c in categories}
    assert set(cells[0]) == {"epci", "thematique", "demande", "public_potentiel", "services", "actions_plie", "places",
                             "couverture", "statut"}
    mob = by[(A, "mobilite")]
    assert mob["demande"] == 1 and mob["services"] == 2 and mob["places"] == 15
    assert mob["couverture"] == "totale" and mob["statut"] == "couvert"
    assert mob["public_potentiel"] == round(300 * 1 / 3)  # long-term job seekers × share of the 3 accompagnés of A
    assert by[(A, "lecture-ecriture-calcul")]["demande"] == 1  # two barriers of one category: counted once
    assert by[(A, "sante")]["statut"] == "carence" and by[(A, "sante")]["couverture"] == "aucune"
    assert by[(B, "mobilite")]["couverture"] == "totale"  # département 54 covers its only commune
    assert by[(B, "mobilite")]["public_potentiel"] is None  # no DARES figure for B
    assert by[(A, "trouver-un-emploi")]["statut"] == "sans_besoin"
    assert by[(B, "trouver-un-emploi")]["statut"] == "sans_besoin"  # one service, no demand
    partial = mx.build_cells(geo=GEO, epcis=[A], services=[svc("p", zone=["54002"])], participants=people,
                             long_term={})
    mobility = next(c for c in partial if c["thematique"] == "mobilite")
    assert mobility["couverture"] == "partielle" and mobility["demande"] == 1 and mobility["statut"] == "partiel"
    for cell in partial + cells:  # the contradictions the page used to show
        assert not (cell["statut"] == "couvert" and (cell["couverture"] != "totale" or cell["demande"] == 0))


def test_places_null_unless_every_service_states_it():
    cells = mx.build_cells(geo=GEO, epcis=[A], services=[svc("a", zone=[A], places=4), svc("b", zone=[A])],
                           participants=participants([]), long_term={})
    assert next(c for c in cells if c["thematique"] == "mobilite")["places"] is None


def test_diffusion_hides_small_demands_and_what_derives_from_them():
    cells = [{"epci": A, "thematique": "mobilite", "demande": 4, "public_potentiel": 30, "services": 0,
              "places": None, "couverture": "aucune", "statut": "carence"},
             {"epci": A, "thematique": "sante", "demande": 40, "public_potentiel": 90, "services": 0,
              "places": None, "couverture": "aucune", "statut": "carence"},
             {"epci": A, "thematique": "famille", "demande": 0, "public_potentiel": 0, "services": 0,
              "places": None, "couverture": "aucune", "statut": "sans_besoin"}]
    out, secret = mx.protect(cells, 11)
    assert out[0]["demande"] is None and out[0]["public_potentiel"] is None
    assert secret == ["cells.0.demande", "cells.0.public_potentiel"]
    assert out[1]["demande"] == 40 and out[2]["demande"] == 0


def test_categories_no_need_nor_covering_service_touches_have_no_row():
    """One Lille service must not add a « famille » row to every EPCI of a territory in Lorraine."""
    lille = svc("lille", type="accompagnement", cats=("famille",), zone=["59350"], commune="59350")
    people = participants([(A, ["MOBILITE"]), (B, [])])
    cells = mx.build_cells(geo=GEO, epcis=[A, B], services=[lille, svc("m", zone=[A])], participants=people,
                           long_term={})
    assert {c["thematique"] for c in cells} == {"mobilite"}
    assert {(c["epci"], c["statut"]) for c in cells} == {(A, "couvert"), (B, "sans_besoin")}  # a grid: both EPCI
    nobody = mx.build_cells(geo=GEO, epcis=[A], services=[lille], participants=participants([]), long_term={})
    assert nobody == []


def etapes(rows):
    return pl.DataFrame(rows, schema={"epci": pl.String, "type_etape": pl.String}, orient="row")


def test_the_plie_own_actions_beside_the_other_services():
    """Hand-made case: santé in A has demand, no service, two PLIE étapes santé → « Assuré par le PLIE seul »;
    logement in A has demand and nothing → carence; mobilité in A has demand, a service and one PLIE
    étape → PLIE et autres services; savoirs de base covers two barriers of one category (counted once)."""
    people = participants([(A, ["SANTE", "LOGEMENT", "MOBILITE"]), (A, ["SANTE", "LANGUE"]), (B, ["SANTE"])])
    steps = etapes([(A, "SANTE"), (A, "SANTE"), (A, "MOBILITE"), (A, "SAVOIRS_DE_BASE"),
                    (A, "ACCOMPAGNEMENT_SOCIAL"), (A, "EMPLOI_CDI"), (B, "LOGEMENT")])
    cells = mx.build_cells(geo=GEO, epcis=[A, B], services=[svc("m", zone=[A])], participants=people,
                           long_term={}, etapes=steps)
    by = {(c["epci"], c["thematique"]): c for c in cells}
    sante, logement, mobilite = by[(A, "sante")], by[(A, "logement-hebergement")], by[(A, "mobilite")]
    assert (sante["demande"], sante["services"], sante["actions_plie"]) == (2, 0, 2)
    assert sante["statut"] == "plie_seul"
    assert mx.STATUT_LABELS["plie_seul"] == "Assuré par le PLIE seul"
    assert (logement["demande"], logement["services"], logement["actions_plie"]) == (1, 0, 0)
    assert logement["statut"] == "carence"
    assert (mobilite["demande"], mobilite["services"], mobilite["actions_plie"]) == (1, 1, 1)
    assert mobilite["statut"] == "plie_et_services"
    reading = by[(A, "lecture-ecriture-calcul")]
    assert reading["actions_plie"] == 1 and reading["statut"] == "plie_seul"  # one étape, once per category
    # B: santé demand and nothing there (A's étapes do not count for B) → carence; a PLIE logement action
    # without any declared demand keeps « sans besoin exprimé »
    assert by[(B, "sante")]["actions_plie"] == 0 and by[(B, "sante")]["statut"] == "carence"
    assert by[(B, "logement-hebergement")]["actions_plie"] == 1
    assert by[(B, "logement-hebergement")]["statut"] == "sans_besoin"
    # accompagnement social works on finances and démarches/justice (two categories); employment steps on none
    assert by[(A, "difficultes-financieres")]["actions_plie"] == 1
    assert by[(A, "difficultes-administratives-ou-juridiques")]["actions_plie"] == 1
    assert by[(A, "difficultes-financieres")]["statut"] == "sans_besoin"  # nobody declared it at entry
    assert sum(c["actions_plie"] for c in cells) == 7
    for cell in cells:
        assert not (cell["statut"] == "carence" and cell["actions_plie"] > 0)


def test_statut_with_plie_actions():
    one = svc("a")
    assert mx.statut(3, [], actions_plie=0) == "carence"
    assert mx.statut(3, [], actions_plie=2) == "plie_seul"
    assert mx.statut(3, [one], "totale", actions_plie=2) == "plie_et_services"
    assert mx.statut(3, [one, svc("b")], "totale", actions_plie=2) == "doublon"  # services overlap each other
    assert mx.statut(0, [], actions_plie=2) == "sans_besoin"
    assert set(mx.STATUTS) == set(mx.STATUT_LABELS)


def test_every_step_type_mapped_works_on_real_barriers():
    from reperes import referentiel as ref

    assert set(ref.ETAPE_FREINS) <= set(ref.TYPE_ETAPE.codes())
    assert {f for fs in ref.ETAPE_FREINS.values() for f in fs} <= set(ref.FREINS.codes())
    assert all(ref.family_of(t) in ("LEVEE_FREINS", "FORMATION") for t in ref.ETAPE_FREINS)
    assert ref.datainclusion_categories_of_etape("SANTE") == ("sante",)
    assert ref.datainclusion_categories_of_etape("ACCOMPAGNEMENT_SOCIAL") == (
        "difficultes-financieres", "difficultes-administratives-ou-juridiques")  # ADMINISTRATIF, JUSTICE: once
    assert ref.datainclusion_categories_of_etape("EMPLOI_CDI") == ()


def test_diffusion_hides_small_plie_action_counts():
    cells = [{"epci": A, "thematique": t, "demande": 40, "public_potentiel": None, "services": 0,
              "actions_plie": n, "places": None, "couverture": "aucune", "statut": "plie_seul"}
             for t, n in (("sante", 3), ("logement-hebergement", 30), ("mobilite", 25))]
    out, secret = mx.protect(cells, 11)
    assert out[0]["actions_plie"] is None and "cells.0.actions_plie" in secret
    assert out[1]["actions_plie"] == 30 and out[2]["actions_plie"] == 25
