"""The partner tables of the analyses pages, protected together with the period's publication.

Checked against plain arithmetic (hand counts, sums), not against the engine: a
partner who reads the report and the pages side by side never recomputes a
count of 1 to 10 people.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes.analytics import disclosure, partner_tables
from reperes.analytics import period_publication as publication
from reperes.analytics.frames import ACTIONS, ETAPES, Dataset

DEBUT, FIN = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
SEUIL = 11
EPCI = "200070563"
PRESCRIPTEURS = ("FRANCE_TRAVAIL", "MISSION_LOCALE", None)


def dataset(people: list[dict]) -> Dataset:
    """``people``: one dict a participant (sexe, age, prescripteur, exit: None / "pos" / "neg", ``steps`` in 2019,
    ``action``: the action of those steps, A1 (axe 1) or A2 (axe 2, experimental), or none)."""
    participants, steps = [], []
    for n, person in enumerate(people):
        left = person.get("exit")
        participants.append({
            "participant": f"p{n:04d}", "sexe": person.get("sexe"), "annee_naissance": 1980,
            "age_entree": person.get("age", 38), "commune": "54528", "epci": EPCI, "qpv": False,
            "niveau_formation": "NIV_3", "situation_entree": "DE", "criteres": person.get("criteres", []),
            "freins_entree": [], "prescripteur": person.get("prescripteur", "FRANCE_TRAVAIL"), "referent": "R1",
            "date_entree": dt.date(2018, 6, 1), "date_sortie": dt.date(2019, 6, 15) if left else None,
            "motif_sortie": ("EMPLOI_CDI" if left == "pos" else "ABANDON") if left else None})
        for k in range(person.get("steps", 0)):
            steps.append({"participant": f"p{n:04d}", "type_etape": "AUTRE", "date_debut": dt.date(2019, 3, 1 + k),
                          "id_action": person.get("action"), "operateur": None, "resultat": None,
                          "date_fin": None})
    return Dataset(participants=pl.DataFrame(participants, infer_schema_length=None),
                   etapes=pl.DataFrame(steps, schema=ETAPES),
                   actions=pl.DataFrame([
                       {"id_action": "A1", "intitule": "Accompagnement renforcé", "axe": "Axe 1", "operateur": "PLIE",
                        "budget_total": 40000.0, "experimentale": False, "territoire": []},
                       {"id_action": "A2", "intitule": "Atelier santé", "axe": "Axe 2", "operateur": "Asso",
                        "budget_total": 8000.0, "experimentale": True, "theme_experimentation": "Santé",
                        "territoire": []}], schema=ACTIONS),
                   communes=pl.DataFrame([{"commune": "54528", "nom": "Toul", "epci": EPCI,
                                           "epci_nom": "Terres Touloises", "population": 16000}]))


def sexes(women: int, men: int, unknown: int) -> Dataset:
    return dataset([{"sexe": "F"}] * women + [{"sexe": "M"}] * men + [{"sexe": None}] * unknown)


def test_a_profile_cell_recoverable_with_the_report_before_is_hidden_with_its_complement_now():
    # 20 women, 25 men, 4 people whose sex is not known: all accompagnés in 2019 (49).
    data = sexes(20, 25, 4)
    period = publication.build(data, DEBUT, FIN, SEUIL)
    main = period.protected
    total = main.value("indicateurs.participants_accompagnes")
    assert total == 49
    # The report shows its own decision: women 20, men and « non renseigné » hidden.
    assert main.value("rapport.sexe.F") == 20 and main.value("rapport.sexe.M") is None
    # Before: the page's sex table protected on its own hid women and « non renseigné », showed men (25).
    alone = disclosure.protect_counts({"Femme": 20, "Homme": 25, "Non renseigné": 4}, SEUIL, total=49).values
    assert alone["Homme"] == 25 and alone["Femme"] is None
    # Report and page side by side: 49 − 20 − 25 = 4 people, a count of 1 to 10 recovered.
    assert total - main.value("rapport.sexe.F") - alone["Homme"] == 4

    cells = partner_tables.protect(data, period)
    shown = cells.column("profil-sexe", ["Femme", "Homme", "Non renseigné"], "accompagnes")
    assert shown == {"Femme": 20, "Homme": None, "Non renseigné": None}  # the report's decision, kept
    hidden = [g for g, v in shown.items() if v is None]
    assert total - sum(v for v in shown.values() if v is not None) == 25 + 4  # what the hidden cells add up to
    assert len(hidden) == 2
    assert cells.audit.ok


def test_entries_without_a_step_are_not_a_difference_any_more():
    # 30 entries in 2019, 25 with a step: 30 − 25 = 5 entries without a step, once recoverable on the page.
    people = [{"sexe": "F", "steps": 1}] * 25 + [{"sexe": "F"}] * 5
    data = dataset(people)
    data = Dataset(participants=data.participants.with_columns(pl.lit(dt.date(2019, 2, 1)).alias("date_entree")),
                   etapes=data.etapes, actions=data.actions, communes=data.communes)
    alone = disclosure.protect_counts({"entrees": 30, "with": 25, "rapide": 25}, SEUIL).values
    assert alone["entrees"] - alone["with"] == 5  # before: the difference of two shown cells
    cells = partner_tables.protect(data, publication.build(data, DEBUT, FIN, SEUIL))
    entrees, with_step = cells.cell("premiere-etape", "entrees", "n"), cells.cell("premiere-etape", "with", "n")
    assert entrees is None or with_step is None
    assert cells.audit.ok


def _hidden_rest(total: int | None, shown: list[int | None]) -> int | None:
    if total is None:
        return None
    return total - sum(v for v in shown if v is not None)


PERSON = st.fixed_dictionaries({
    "sexe": st.sampled_from(["F", "M", None]), "age": st.sampled_from([20, 30, 55, None]),
    "prescripteur": st.sampled_from(PRESCRIPTEURS), "exit": st.sampled_from([None, "pos", "neg"]),
    "criteres": st.sampled_from([[], ["RSA"], ["TH", "RSA"]]), "steps": st.integers(0, 2),
    "action": st.sampled_from([None, "A1", "A2"])})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PERSON, min_size=1, max_size=60))
def test_no_partner_table_cell_of_1_to_10_is_shown_nor_recomputable(people):
    data = dataset(people)
    period = publication.build(data, DEBUT, FIN, SEUIL)
    cells = partner_tables.protect(data, period)
    assert cells.audit.ok, cells.audit.failures
    # Shown cells: 0 or at least the threshold.
    for name, value in cells.values.items():
        assert value is None or value == 0 or value >= SEUIL, (name, value)
    main = period.protected
    acc = sum(1 for _ in people)  # everyone is accompagné in 2019 (entered in 2018, still in or left in 2019)
    out = sum(1 for p in people if p["exit"])
    pos = sum(1 for p in people if p["exit"] == "pos")
    totals = {"accompagnes": acc, "sorties": out, "positives": pos}
    for measure, value in totals.items():
        shown_total = main.value(partner_tables.TOTALS[measure])
        assert shown_total in (None, value)
        for table, groups in cells.groups.items():
            column = list(cells.column(table, groups, measure).values())
            # Plain sums: the hidden cells of a column add up to 0 or to at least the threshold.
            rest = _hidden_rest(shown_total, column)
            assert rest is None or rest == 0 or rest >= SEUIL, (table, measure, rest)
    # Shared figures: the page shows the report's figure, or hides it when the report does.
    women = sum(1 for p in people if p["sexe"] == "F")
    if "rapport.sexe.F" in main.publication and "Femme" in cells.groups["profil-sexe"]:
        assert cells.cell("profil-sexe", "Femme", "accompagnes") == main.value("rapport.sexe.F")
        assert main.value("rapport.sexe.F") in (None, women)
    # Actions: here each axe has one action, so an axe's étapes and participants are its action's (plain fact):
    # hidden in one table, hidden in the other.
    for action, axe in (("A1", "Axe 1"), ("A2", "Axe 2")):
        steps = sum(p["steps"] for p in people if p["action"] == action)
        for measure in ("etapes", "participants"):
            by_action = cells.cell("par-action", action, measure)
            assert by_action in (None, steps if measure == "etapes" else by_action)
            if steps and "pages.par-axe|" + axe + "|" + measure in cells.values:
                assert (by_action is None) == (cells.cell("par-axe", axe, measure) is None), (action, measure)
    # Sorties page: the exits neither positive nor neutral here are the « ABANDON » ones (no acquis, no frein
    # data: all « non valorisée »), a hand count; by every profile, the hidden rows add up to 0 or ≥ the threshold.
    abandons = sum(1 for p in people if p["exit"] == "neg")
    if abandons and "rapport.valorisation.total" in main.publication:
        grand = main.value("rapport.valorisation.total")
        assert grand in (None, abandons)
        for par in ("sexe", "tranche_age", "rsa"):
            table = f"valorisation-{par}"
            groups = {name.split("|")[1] for name in cells.tables[table]}
            rest = _hidden_rest(grand, [cells.cell(table, g, "total") for g in groups])
            assert rest is None or rest == 0 or rest >= SEUIL, (table, rest)


def test_the_valorisation_grid_by_profile_adds_up_to_the_reports_grid():
    # 23 abandons in 2019: 20 women, 3 men (and 20 men still in). The report shows the grid's total, 23.
    people = [{"sexe": "F", "exit": "neg"}] * 20 + [{"sexe": "M", "exit": "neg"}] * 3 + [{"sexe": "M"}] * 20
    data = dataset(people)
    period = publication.build(data, DEBUT, FIN, SEUIL)
    assert period.protected.value("rapport.valorisation.total") == 23
    cells = partner_tables.protect(data, period)
    women, men = (cells.cell("valorisation-sexe", g, "total") for g in ("Femme", "Homme"))
    assert men is None  # 3 people
    assert women is None  # else 23 − 20 = 3
    assert cells.cell("valorisation-sexe", "Femme", "solution") == 0  # zeros stay shown
    assert cells.audit.ok


def test_a_figure_the_report_shows_stays_shown_even_where_the_layer_would_hide_it():
    # One man aged 55: the report shows « Accompagnés : Femme » = 0 and hides the rest (1 person).
    data = dataset([{"sexe": "M", "age": 55}])
    period = publication.build(data, DEBUT, FIN, SEUIL)
    assert period.protected.value("rapport.sexe.F") == 0
    assert period.protected.value("indicateurs.participants_accompagnes") is None
    cells = partner_tables.protect(data, period)
    assert cells.column("profil-sexe", cells.groups["profil-sexe"], "accompagnes") == {"Homme": None}
    assert cells.column("profil-tranche_age", cells.groups["profil-tranche_age"], "accompagnes") == {
        "50 ans et plus": None}
    # No step in 2019: every family shows 0 (zeros reveal nobody), the tables are not hidden whole.
    assert set(cells.column("familles", ["Emploi", "Formation"], "etapes").values()) == {0}
    assert cells.audit.ok and not cells.whole


def test_the_accompagnes_without_an_action_are_not_recomputable_from_the_report():
    """40 accompagnés, 33 of them in action A1: a reader of the report knows A1's participants are among the
    accompagnés, so showing both would give the 7 others. One of the two is hidden."""
    people = [{"sexe": "F", "steps": 1, "action": "A1"}] * 33 + [{"sexe": "F"}] * 7
    period = publication.build(dataset(people), DEBUT, FIN, SEUIL)
    shown = {name: period.show(name, True) for name in ("indicateurs.participants_accompagnes",
                                                         "rapport.action.A1.participants")}
    raw = {name: period.show(name, False) for name in shown}
    assert raw == {"indicateurs.participants_accompagnes": 40, "rapport.action.A1.participants": 33}  # by hand
    both = [v for v in shown.values() if isinstance(v, int)]
    assert len(both) < 2, shown  # 40 − 33 = 7 must not be readable
    assert not period.audit().failures
