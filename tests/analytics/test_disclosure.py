"""Disclosure control (docs/indicateurs.md, « Disclosure control »): the one gate of partner-facing figures.

The property tests check the result with an independent auditor (NumPy ranks,
not the module's integer elimination): no published non-zero count below the
threshold, no hidden count recomputable from the published ones, no small sum
of hidden cells in a line whose total is published.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes import formats
from reperes.analytics.disclosure import (
    DENOMINATORS,
    RATES,
    Cell,
    DisclosureError,
    display,
    indicator_cell,
    legend,
    protect_counts,
    protect_indicators,
    protect_rate,
    protect_table,
    rate_cell,
)
from reperes.referentiel.codes import MOTIF_SORTIE, category_of

# --------------------------------------------------------------------------- an independent auditor


def extended(counts):
    """The table with its margins: row totals in the last column, column totals in the last row."""
    grid = np.array(counts, dtype=int).reshape(len(counts), -1)
    with_rows = np.hstack([grid, grid.sum(axis=1, keepdims=True)])
    return np.vstack([with_rows, with_rows.sum(axis=0, keepdims=True)])


def published_positions(n_rows, n_columns, rows=True, columns=True, grand=True):
    positions = {(i, j) for i in range(n_rows) for j in range(n_columns)}
    positions |= {(i, n_columns) for i in range(n_rows)} if rows else set()
    positions |= {(n_rows, j) for j in range(n_columns)} if columns else set()
    positions |= {(n_rows, n_columns)} if grand else set()
    return positions


def lines(n_rows, n_columns):
    """Each row and column of the extended table: (its total, its parts)."""
    for i in range(n_rows + 1):
        yield (i, n_columns), [(i, j) for j in range(n_columns)]
    for j in range(n_columns + 1):
        yield (n_rows, j), [(i, j) for i in range(n_rows)]


def recomputable(values, unknown, n_rows, n_columns):
    """Unknown positions whose value follows from the known ones (e_x in the row space of the equations)."""
    unknown = sorted(unknown)
    if not unknown:
        return set()
    column = {p: k for k, p in enumerate(unknown)}
    matrix = []
    for total, parts in lines(n_rows, n_columns):
        row = np.zeros(len(unknown))
        if total in column:
            row[column[total]] -= 1
        for p in parts:
            if p in column:
                row[column[p]] += 1
        matrix.append(row)
    matrix = np.array(matrix)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for p, k in column.items():
        unit = np.zeros((1, len(unknown)))
        unit[0, k] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(p)
    return found


def audit(counts, table, seuil, rows=True, columns=True, grand=True):
    """Every promise of disclosure control on a protected table; returns the hidden positions."""
    n_rows, n_columns = len(counts), len(counts[0])
    values = extended(counts)
    shown = published_positions(n_rows, n_columns, rows, columns, grand)
    secret = set(table.secret)
    assert secret <= shown
    # What partners receive: the value, or None exactly where secret.
    received = {(i, j): table.cells[i][j] for i in range(n_rows) for j in range(n_columns)}
    if rows:
        received |= {(i, n_columns): table.row_totals[i] for i in range(n_rows)}
    if columns:
        received |= {(n_rows, j): table.column_totals[j] for j in range(n_columns)}
    if grand:
        received[n_rows, n_columns] = table.grand_total
    assert set(received) == shown
    for position, cell in received.items():
        assert cell.secret == (position in secret)
        assert cell.value == (None if cell.secret else values[position])
        # No published count about fewer than seuil people, other than zero.
        assert cell.secret or not 0 < values[position] < seuil
    unknown = secret | ({(i, j) for i in range(n_rows + 1) for j in range(n_columns + 1)} - shown)

    def sensitive(p):
        return (p in secret and values[p] != 0) or (p not in shown and 0 < values[p] < seuil)

    # No hidden count (nor small unpublished margin) can be recomputed from the published figures.
    assert not {p for p in recomputable(values, unknown, n_rows, n_columns) if sensitive(p)}
    for total, parts in lines(n_rows, n_columns):
        if total in unknown:
            continue
        hidden = [p for p in parts if p in unknown]
        # The brief's rule of thumb: a line with a published total has 0 or ≥ 2 unknowns (or a harmless one).
        assert len(hidden) != 1 or not sensitive(hidden[0])
        # Nor can the sum of its hidden cells be a count about fewer than seuil people.
        rest = sum(values[p] for p in hidden)
        assert not 0 < rest < seuil
    return secret


# --------------------------------------------------------------------------- two-way tables


def test_a_single_small_cell_needs_a_second_one_in_its_row_and_the_cascade_goes_on():
    counts = [[5, 20, 30],
              [40, 50, 60]]
    table = protect_table(counts, 11)
    # 5 is alone in row 0 → 20 (the smallest other cell); columns 0 and 1 then hold a lone hidden
    # cell each → 40 and 50, which also pair up in row 1.
    assert audit(counts, table, 11) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert table.values() == [[None, None, 30], [None, None, 60]]
    assert [c.value for c in table.row_totals] == [55, 150]
    assert [c.value for c in table.column_totals] == [45, 70, 90]
    assert table.grand_total.value == 205


def test_two_small_cells_in_a_row_are_enough_when_no_column_total_is_published():
    counts = [[4, 8, 30],
              [20, 30, 40]]
    table = protect_table(counts, 11, column_totals_published=False, grand_total_published=False)
    assert audit(counts, table, 11, columns=False, grand=False) == {(0, 0), (0, 1)}
    assert table.column_totals is None and table.grand_total is None


def test_two_small_cells_in_a_row_with_published_column_totals_need_their_columns_protected():
    counts = [[4, 8, 30],
              [20, 30, 40]]
    table = protect_table(counts, 11)
    assert audit(counts, table, 11) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_line_with_a_lone_hidden_cell_and_zeros_hides_its_total():
    counts = [[0, 0, 5],
              [30, 40, 50]]
    table = protect_table(counts, 11)
    secret = audit(counts, table, 11)
    assert (0, 2) in secret and (0, 3) in secret  # the cell, and its row total 5 (< 11 itself)
    assert table.cells[0][0].value == 0 and table.cells[0][1].value == 0  # zeros are shown


def test_zeros_everywhere_but_one_small_cell():
    counts = [[0, 0],
              [0, 5]]
    table = protect_table(counts, 11)
    # The cell, its row total, its column total and the grand total are all 5: all hidden, nothing else.
    assert audit(counts, table, 11) == {(1, 1), (1, 2), (2, 1), (2, 2)}
    assert table.values() == [[0, 0], [0, None]]
    assert [c.value for c in table.row_totals] == [0, None]


def test_a_published_total_below_the_threshold_is_hidden_and_protected():
    counts = [[3, 40],
              [4, 50]]
    table = protect_table(counts, 11)
    secret = audit(counts, table, 11)
    assert {(0, 0), (1, 0), (2, 0)} <= secret  # 3, 4 and their column total 7
    assert table.column_totals[0].secret


def test_two_hidden_blocks_joined_by_one_cell_are_not_enough():
    # Every line has 0 or ≥ 2 hidden cells, yet (0, 2) = (columns 2–3's hidden sum) − (rows 2–3's hidden sum).
    counts = [[50] * 5 for _ in range(5)]
    forced = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    assert (0, 2) in recomputable(extended(counts), forced, 5, 5)
    table = protect_table(counts, 11, keep_secret=forced)
    secret = audit(counts, table, 11)
    assert forced < secret


def test_unpublished_margins_still_protect_and_are_protected():
    counts = [[5, 0, 0],
              [30, 40, 50]]
    # The row total of row 0 (5) is not shown, but the grand total and the other row total would give it.
    table = protect_table(counts, 11, row_totals_published=False)
    audit(counts, table, 11, rows=False)
    assert table.row_totals is None


def test_the_threshold_is_configurable():
    counts = [[7, 30], [40, 50]]
    assert protect_table(counts, 5).secret == frozenset()
    assert audit(counts, protect_table(counts, 11), 11) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert protect_table(counts, 5).cells[0][0].text() == "7"
    assert protect_table(counts, 11).cells[0][0].text() == "s"


def test_protecting_again_with_the_result_changes_nothing():
    counts = [[5, 20, 30, 0], [40, 2, 60, 12], [0, 0, 3, 80]]
    first = protect_table(counts, 11)
    again = protect_table(counts, 11, keep_secret=first.secret)
    assert again == first
    assert protect_table(counts, 11) == first  # deterministic


def test_a_polars_frame_of_counts_by_group():
    frame = pl.DataFrame({"motif": ["EMPLOI_CDI", "DECES", "ABANDON"], "F": [40, 2, 30], "M": [35, 0, 25]})
    table = protect_table(frame, 11)
    audit([[40, 35], [2, 0], [30, 25]], table, 11)
    assert table.row_labels == ("EMPLOI_CDI", "DECES", "ABANDON")
    assert table.column_labels == ("F", "M")
    out = table.to_polars()
    assert out.columns == ["motif", "F", "M"]
    assert out["motif"].to_list() == ["EMPLOI_CDI", "DECES", "ABANDON"]
    assert out["F"].to_list() == [row[0] for row in table.values()]
    assert out["F"].to_list()[1] is None  # the 2 décès of women
    assert out["M"].to_list()[1] == 0
    assert out["M"].dtype == pl.Int64


def test_json_layout_of_a_table():
    table = protect_table([[5, 20], [40, 50]], 11, row_labels=["a", "b"], column_labels=["F", "M"])
    data = table.as_dict()
    assert data["a"]["F"] is None and data["total"]["total"] == 115
    paths = table.secret_paths("tableau")
    assert paths == sorted(paths) and "tableau.a.F" in paths
    for path in paths:
        row, column = path.split(".")[1:]
        assert data[row][column] is None
    json.dumps(data)


def test_hidden_values_are_not_kept():
    table = protect_table([[5, 20], [40, 50]], 11)
    assert table.cells[0][0] == Cell(None, 11, secret=True)
    assert all(cell.value is None for row in table.cells for cell in row if cell.secret)
    counts = protect_counts({"a": 5, "b": 20}, 11, total=25)
    assert counts.cells() == {"a": Cell(None, 11, True), "b": Cell(None, 11, True)}


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        protect_table([[1, -2]], 11)
    with pytest.raises(ValueError):
        protect_table([[1.5, 2]], 11)
    with pytest.raises(ValueError):
        protect_table([[1, 2], [3]], 11)
    with pytest.raises(ValueError):
        protect_table([[1, 2]], 0)
    with pytest.raises(ValueError):
        protect_table([[1, 2]], 11, keep_secret=[(5, 5)])


counts_strategy = st.integers(1, 5).flatmap(lambda n_rows: st.integers(1, 5).flatmap(
    lambda n_columns: st.lists(st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 60)),
                                        min_size=n_columns, max_size=n_columns),
                               min_size=n_rows, max_size=n_rows)))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, seuil=st.sampled_from([2, 5, 11]),
       rows=st.booleans(), columns=st.booleans(), grand=st.booleans())
def test_no_small_count_is_published_or_recomputable_in_any_table(counts, seuil, rows, columns, grand):
    table = protect_table(counts, seuil, row_totals_published=rows, column_totals_published=columns,
                          grand_total_published=grand)
    audit(counts, table, seuil, rows, columns, grand)
    assert protect_table(counts, seuil, row_totals_published=rows, column_totals_published=columns,
                         grand_total_published=grand, keep_secret=table.secret) == table


# --------------------------------------------------------------------------- one-way breakdowns


def test_a_lone_small_count_of_a_breakdown_takes_the_smallest_other_one():
    result = protect_counts({"a": 5, "b": 30, "c": 20, "d": 0}, 11, total=55)
    assert result.values == {"a": None, "b": 30, "c": None, "d": 0}
    assert result.secret == ("a", "c")
    assert result.total == 55 and not result.total_secret
    values, secret = result  # unpacks as (values, secret keys)
    assert values is result.values and secret == ("a", "c") and result[0]["b"] == 30
    assert protect_counts({"n": 7}, 11)[0]["n"] is None and protect_counts({"n": 0}, 11)[0]["n"] == 0


def test_two_small_counts_whose_sum_reaches_the_threshold_are_enough():
    result = protect_counts({"a": 4, "b": 8, "c": 30}, 11, total=42)
    assert result.secret == ("a", "b")


def test_two_small_counts_whose_sum_is_small_need_a_third():
    # 52 − 50 = 2 and zeros are shown: both would be 1.
    assert protect_counts({"a": 1, "b": 1, "c": 50}, 11, total=52).secret == ("a", "b", "c")
    assert protect_counts({"a": 3, "b": 4, "c": 50, "d": 60}, 11, total=117).secret == ("a", "b", "c")


def test_a_breakdown_whose_total_is_small():
    result = protect_counts({"a": 0, "b": 0, "c": 5}, 11, total=5)
    assert result.values == {"a": 0, "b": 0, "c": None}
    assert result.total is None and result.total_secret
    assert result.total_cell().text() == "s"


def test_without_a_published_total_only_small_counts_are_hidden():
    assert protect_counts({"a": 5, "b": 30}, 11).secret == ("a",)


def test_a_remainder_outside_the_keys_protects_and_is_protected():
    # 75 − 5 − 50 = 20 people in no key: the 5 cannot be recomputed.
    assert protect_counts({"a": 5, "b": 50}, 11, total=75).secret == ("a",)
    # 58 − 50 = 8 = 5 + a remainder of 3: a count about 8 people, so 50 goes too.
    assert protect_counts({"a": 5, "b": 50}, 11, total=58).secret == ("a", "b")
    with pytest.raises(ValueError):
        protect_counts({"a": 5, "b": 50}, 11, total=40)


def test_protecting_a_breakdown_again_changes_nothing():
    first = protect_counts({"a": 5, "b": 30, "c": 20}, 11, total=55)
    assert protect_counts({"a": 5, "b": 30, "c": 20}, 11, total=55, keep_secret=first.secret) == first


@settings(max_examples=200, deadline=None, database=None)
@given(values=st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 60)), min_size=1, max_size=8),
       remainder=st.one_of(st.just(0), st.integers(0, 30)), seuil=st.sampled_from([2, 5, 11]))
def test_no_small_count_is_published_or_recomputable_in_any_breakdown(values, remainder, seuil):
    mapping = {f"k{i}": n for i, n in enumerate(values)}
    total = sum(values) + remainder
    result = protect_counts(mapping, seuil, total=total)
    hidden = [mapping[k] for k in result.secret]
    for key, value in result.values.items():
        assert (value is None) == (key in result.secret)
        assert value is None or not 0 < value < seuil
    if result.total_secret:
        return
    assert not 0 < total < seuil
    unknowns = hidden + ([remainder] if remainder else [])
    assert len(unknowns) != 1 or (remainder and not 0 < remainder < seuil and not hidden)
    assert not 0 < sum(unknowns) < seuil


# --------------------------------------------------------------------------- rates and display


def test_rates():
    assert protect_rate(0, 20, 11) == 0.0  # nobody: shown
    assert protect_rate(30, 100, 11) == 0.3
    assert protect_rate(5, 100, 11) is None  # small numerator
    assert protect_rate(8, 8, 11) is None  # small denominator
    assert protect_rate(0, 8, 11) is None
    assert protect_rate(97, 100, 11) == 0.97  # the contract protects numerator and denominator, not the complement
    assert protect_rate(100, 100, 11) == 1.0
    assert protect_rate(7, 12, 5) == 7 / 12  # configurable threshold
    assert protect_rate(40, 12, 11, share=False) == 40 / 12  # a ratio (étapes per participant)
    assert protect_rate(0, 0, 11) is None
    assert rate_cell(0, 0, 11) == Cell(None, 11, secret=False)  # no rate, no secret
    assert rate_cell(0, 0, 11).text(percent=True) == "–"
    assert rate_cell(5, 100, 11).text(percent=True) == "s"
    assert rate_cell(453, 1000, 11).text(percent=True) == "45,3\u202f%"
    with pytest.raises(ValueError):
        protect_rate(12, 11, 11)


def test_display():
    assert display(None, 11) == formats.suppressed(11) == "s"
    assert display(None, 5) == "s"  # one mark, whatever the threshold
    assert display(None, 11, secret=False) == "–"
    assert display(1234, 11) == "1\u202f234"
    assert display(0, 11) == "0"
    assert display(0.453, 11, percent=True) == "45,3\u202f%"
    assert str(Cell(None, 11, secret=True)) == "s"
    assert legend(11) == "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre"


# --------------------------------------------------------------------------- the indicators' payload


MOTIFS = {"EMPLOI_CDI": 40, "EMPLOI_CDD_6M": 35, "EMPLOI_INTERIM_6M": 12, "ALTERNANCE": 4,
          "CREATION_ACTIVITE": 6, "FORMATION_QUALIFIANTE": 25, "EMPLOI_TRANSITION": 30,
          "FORMATION_PREQUALIFIANTE": 14, "ORIENTATION_ADAPTEE": 9, "MILIEU_PROTEGE": 0, "SANTE": 13,
          "RETRAITE": 3, "DEMENAGEMENT": 18, "DECES": 2, "ABANDON": 40, "FIN_DE_PARCOURS": 22, "AUTRE": 7}
EPCI = {"200070563": 600, "245400171": 400, "200035772": 220, "245400510": 8, "hors_territoire": 6}
POPULATION = {"200070563": 40000, "245400171": 20000, "200035772": 15000, "245400510": 9000}


def make_payload(motifs=MOTIFS, accompagnes=1234, epci=EPCI, valorisees_sans_solution=None, **parts):
    categories = {c: 0 for c in ("positive", "solution", "neutre", "sans_solution")}
    for motif, n in motifs.items():
        categories[category_of(motif)] += n
    sorties = sum(motifs.values())
    if valorisees_sans_solution is None:
        valorisees_sans_solution = min(30, categories["sans_solution"])
    valorisees = categories["solution"] + valorisees_sans_solution
    shares = {"part_femmes": 600, "part_moins_26_ans": 200, "part_50_ans_et_plus": 5, "part_rsa": 1230,
              "part_deld": 0, "part_th": 90, "part_qpv": 300, "part_infra_bac": 700,
              "part_accompagnes_avec_etape_emploi": 345} | parts
    non_positive = categories["solution"] + categories["sans_solution"]
    indicators = {
        "participants_accompagnes": accompagnes, "entrees": 420, "sorties": sorties,
        "sorties_positives": categories["positive"], "sorties_neutres": categories["neutre"],
        "taux_sorties_positives": categories["positive"] / sorties if sorties else None,
        "taux_sorties_positives_hors_neutres": (categories["positive"] / (sorties - categories["neutre"])
                                                if sorties - categories["neutre"] else None),
        "sorties_par_motif": dict(motifs), "sorties_par_categorie": categories,
        "sorties_non_positives_valorisees": valorisees,
        "taux_valorisation_sorties_non_positives": valorisees / non_positive if non_positive else None,
        "duree_moyenne_parcours_mois": 14.2 if sorties else None,
        "duree_mediane_parcours_mois": 12.0 if sorties else None,
        **{name: n / accompagnes if accompagnes else None for name, n in shares.items()},
        "etapes_par_participant": 3456 / accompagnes if accompagnes else None,
        "accompagnes_par_epci": dict(epci),
        "accompagnes_pour_1000_habitants_par_epci": {k: 1000 * epci[k] / p for k, p in POPULATION.items()},
    }
    return {"periode": {"debut": "2019-01-01", "fin": "2019-12-31"}, "indicateurs": indicators,
            "diffusion": False, "secret": []}


def value_at(payload, path):
    node = payload
    for key in path.split("."):
        node = node[key]
    return node


def test_the_diffusion_payload():
    payload = make_payload()
    original = copy.deepcopy(payload)
    out = protect_indicators(payload, 11)
    assert payload == original  # not modified in place
    assert out["diffusion"] is True and out["periode"] == payload["periode"]
    assert set(out) == {"periode", "indicateurs", "diffusion", "secret"}
    assert out["secret"] == sorted(out["secret"])
    for path in out["secret"]:
        assert value_at(out, path) is None
        assert value_at(payload, path) is not None
    secret = set(out["secret"])
    motif = "indicateurs.sorties_par_motif."
    # Décès (2) alone among the neutral exits, whose total is published: déménagement goes too.
    assert {motif + "DECES", motif + "DEMENAGEMENT"} <= secret
    # Alternance 4 + création 6 = 10 < 11 among the positive exits: intérim (12) goes too.
    assert {motif + "ALTERNANCE", motif + "CREATION_ACTIVITE", motif + "EMPLOI_INTERIM_6M"} <= secret
    # Orientation 9 + retraite 3 = 12: enough among the « solution » exits.
    assert {motif + "ORIENTATION_ADAPTEE", motif + "RETRAITE"} <= secret
    assert out["indicateurs"]["sorties_par_motif"]["SANTE"] == 13
    assert out["indicateurs"]["sorties_par_motif"]["MILIEU_PROTEGE"] == 0  # zeros shown
    # Small numerator hidden; a large numerator (1230 of 1234) shown as the contract says; zero numerator shown.
    assert "indicateurs.part_50_ans_et_plus" in secret and "indicateurs.part_rsa" not in secret
    assert out["indicateurs"]["part_deld"] == 0.0
    # An EPCI with 8 accompagnés, and hors territoire (6): both hidden, with the rate per 1000 inhabitants.
    assert {"indicateurs.accompagnes_par_epci.245400510", "indicateurs.accompagnes_par_epci.hors_territoire",
            "indicateurs.accompagnes_pour_1000_habitants_par_epci.245400510"} <= secret
    # Headline figures survive.
    for name in ("participants_accompagnes", "entrees", "sorties", "sorties_positives", "taux_sorties_positives",
                 "duree_moyenne_parcours_mois", "etapes_par_participant"):
        assert out["indicateurs"][name] == payload["indicateurs"][name]
    json.dumps(out)


def test_protecting_the_payload_twice_changes_nothing():
    once = protect_indicators(make_payload(), 11)
    assert protect_indicators(once, 11) == once


def test_a_hidden_count_cannot_be_read_back_from_a_rate():
    # 3 neutral exits: hidden; taux hors neutres = positives / (sorties − neutres) would give them back.
    motifs = dict(MOTIFS, DEMENAGEMENT=1, DECES=2)
    out = protect_indicators(make_payload(motifs=motifs), 11)
    secret = set(out["secret"])
    assert {"indicateurs.sorties_neutres", "indicateurs.sorties_par_categorie.neutre",
            "indicateurs.taux_sorties_positives_hors_neutres"} <= secret
    # ... and the sorties minus the positive ones minus the neutral ones, denominator of the valued rate.
    assert "indicateurs.taux_valorisation_sorties_non_positives" in secret
    assert "indicateurs.taux_sorties_positives" not in secret


def test_valued_exits_cannot_reveal_a_few_sans_solution_exits():
    # valorisées − solution = 4 « sans solution » exits with an achievement: a count about 4 people.
    out = protect_indicators(make_payload(valorisees_sans_solution=4), 11)
    assert ("indicateurs.sorties_non_positives_valorisees" in out["secret"]
            or "indicateurs.sorties_par_categorie.solution" in out["secret"])


def test_few_sorties_hide_the_rates_and_durations_over_them():
    motifs = {code: 0 for code in MOTIF_SORTIE.codes()} | {"EMPLOI_CDI": 4, "ABANDON": 3}
    out = protect_indicators(make_payload(motifs=motifs), 11)
    secret = set(out["secret"])
    for name in ("sorties", "sorties_positives", "taux_sorties_positives", "duree_moyenne_parcours_mois",
                 "duree_mediane_parcours_mois", "taux_valorisation_sorties_non_positives"):
        assert f"indicateurs.{name}" in secret
    assert out["indicateurs"]["sorties_neutres"] == 0
    assert out["indicateurs"]["sorties_par_motif"]["DECES"] == 0


def test_no_sortie_gives_nulls_that_are_no_secret():
    motifs = {code: 0 for code in MOTIF_SORTIE.codes()}
    out = protect_indicators(make_payload(motifs=motifs), 11)
    assert out["indicateurs"]["taux_sorties_positives"] is None
    assert "indicateurs.taux_sorties_positives" not in out["secret"]
    assert "indicateurs.duree_moyenne_parcours_mois" not in out["secret"]
    assert indicator_cell(out, "indicateurs.taux_sorties_positives", 11).text(percent=True) == "–"


def test_numerators_may_be_given():
    payload = make_payload()
    out = protect_indicators(payload, 11, numerators={"part_femmes": 600, "part_50_ans_et_plus": 5})
    assert out == protect_indicators(payload, 11)
    with pytest.raises(DisclosureError):
        protect_indicators(payload, 11, numerators={"part_femmes": 601})
    with pytest.raises(DisclosureError):
        protect_indicators(payload, 11, numerators={"sorties": 3})


def test_a_small_number_of_accompagnes_hides_every_share():
    epci = {"200070563": 5, "245400171": 3, "200035772": 0, "245400510": 0, "hors_territoire": 0}
    payload = make_payload(accompagnes=8, epci=epci, part_femmes=4, part_moins_26_ans=0, part_50_ans_et_plus=0,
                           part_rsa=8, part_th=0, part_qpv=0, part_infra_bac=0, part_accompagnes_avec_etape_emploi=0)
    out = protect_indicators(payload, 11)
    for name in RATES:
        if DENOMINATORS[name] == "participants_accompagnes":
            assert f"indicateurs.{name}" in out["secret"], name
    assert "indicateurs.participants_accompagnes" in out["secret"]


def test_the_threshold_of_the_payload_is_configurable():
    payload = make_payload()
    secret_5 = set(protect_indicators(payload, 5)["secret"])
    secret_11 = set(protect_indicators(payload, 11)["secret"])
    assert secret_5 < secret_11
    assert "indicateurs.sorties_par_motif.AUTRE" in secret_11 - secret_5  # 7
    assert "indicateurs.accompagnes_par_epci.245400510" in secret_11 - secret_5  # 8
    assert "indicateurs.sorties_par_motif.DECES" in secret_5  # 2


def test_an_indicator_without_a_rule_is_refused():
    payload = make_payload()
    payload["indicateurs"]["part_inconnue"] = 0.5
    with pytest.raises(DisclosureError, match="part_inconnue"):
        protect_indicators(payload, 11)


def test_an_inconsistent_payload_is_refused():
    payload = make_payload()
    payload["indicateurs"]["sorties_positives"] += 1
    with pytest.raises(DisclosureError):
        protect_indicators(payload, 11)


def test_indicator_cell():
    out = protect_indicators(make_payload(), 11)
    assert indicator_cell(out, "indicateurs.sorties_par_motif.DECES", 11).text() == "s"
    assert indicator_cell(out, "indicateurs.sorties", 11).text() == "280"
    assert indicator_cell(out, "indicateurs.part_femmes", 11).text(percent=True) == "48,6\u202f%"


def test_every_rate_of_the_contract_has_a_rule():
    assert set(DENOMINATORS) == set(RATES)
    for name in ("taux_sorties_positives", "taux_sorties_positives_hors_neutres",
                 "taux_valorisation_sorties_non_positives", "part_femmes", "part_moins_26_ans",
                 "part_50_ans_et_plus", "part_rsa", "part_deld", "part_th", "part_qpv", "part_infra_bac",
                 "part_accompagnes_avec_etape_emploi", "etapes_par_participant"):
        assert name in RATES
    assert DENOMINATORS["taux_sorties_positives_hors_neutres"] == "sorties - sorties_neutres"


small_or_not = st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 60))


@settings(max_examples=150, deadline=None, database=None)
@given(motifs=st.fixed_dictionaries({code: small_or_not for code in MOTIF_SORTIE.codes()}),
       epci=st.fixed_dictionaries({key: small_or_not for key in EPCI}),
       seuil=st.sampled_from([5, 11]))
def test_no_small_count_is_published_or_recomputable_in_any_payload(motifs, epci, seuil):
    accompagnes = sum(epci.values())
    shares = {name: accompagnes // 3 for name in RATES if name.startswith("part_")}
    shares |= {"part_femmes": accompagnes // 2, "part_rsa": max(accompagnes - 3, 0), "part_th": min(accompagnes, 4)}
    payload = make_payload(motifs=motifs, accompagnes=accompagnes, epci=epci, **shares)
    out = protect_indicators(payload, seuil)
    indicators, raw = out["indicateurs"], payload["indicateurs"]
    secret = set(out["secret"])
    for path in secret:
        assert value_at(out, path) is None and value_at(payload, path) is not None

    def shown(path):
        return path not in secret

    # No published count below the threshold, other than zero.
    counts = [f"indicateurs.{name}" for name in ("participants_accompagnes", "sorties", "sorties_positives",
                                                  "sorties_neutres", "sorties_non_positives_valorisees")]
    counts += [f"indicateurs.sorties_par_motif.{code}" for code in motifs]
    counts += [f"indicateurs.sorties_par_categorie.{c}" for c in raw["sorties_par_categorie"]]
    counts += [f"indicateurs.accompagnes_par_epci.{key}" for key in epci]
    for path in counts:
        assert not (shown(path) and 0 < value_at(payload, path) < seuil), path
    # Within each published total, hidden parts are 0 or ≥ 2 and add up to 0 or ≥ seuil.
    groups = [("indicateurs.sorties", [f"indicateurs.sorties_par_categorie.{c}" for c in raw["sorties_par_categorie"]]),
              ("indicateurs.participants_accompagnes", [f"indicateurs.accompagnes_par_epci.{k}" for k in epci])]
    for category in raw["sorties_par_categorie"]:
        groups.append((f"indicateurs.sorties_par_categorie.{category}",
                       [f"indicateurs.sorties_par_motif.{m}" for m in motifs if category_of(m) == category]))
    for total, parts in groups:
        if not shown(total):
            continue
        hidden = [value_at(payload, p) for p in parts if not shown(p)]
        assert len(hidden) != 1 and not 0 < sum(hidden) < seuil, (total, hidden)
    # A shown rate never rests on a small numerator or denominator.
    for name, numerator in shares.items():
        if indicators[name] is not None:
            assert protect_rate(numerator, accompagnes, seuil) == indicators[name]
        elif accompagnes:
            assert f"indicateurs.{name}" in secret
    # A per-inhabitant rate is shown exactly when its count is.
    for key in POPULATION:
        assert (indicators["accompagnes_pour_1000_habitants_par_epci"][key] is None) == (
            indicators["accompagnes_par_epci"][key] is None)
