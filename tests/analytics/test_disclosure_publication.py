"""One protected publication and its audit (reperes.analytics.disclosure.publication / .audit).

The audit's intervals are checked against hand computations; its leaks against publications
built by hand to leak.
"""

from __future__ import annotations

import pytest

from reperes.analytics.disclosure import (
    DisclosureError,
    Publication,
    audit,
    compare_nested,
    protect,
    whole_year,
)
from reperes.analytics.disclosure.engine import _Solution


def one_way(total: int, cells: dict[str, int]) -> Publication:
    publication = Publication(11)
    publication.count("total", total, rank=2)
    for name, value in cells.items():
        publication.count(name, value)
    publication.identity("total", list(cells))
    return publication


def test_two_small_cells_of_a_row_are_hidden_and_the_attacker_gets_their_hand_interval():
    # 100 = 3 + 8 + 89: hiding 3 and 8 leaves x + y = 11 with x, y ≥ 1 (zeros are shown), so each lies in
    # [1, 10] — by hand, not by the code.
    protected = protect(one_way(100, {"a": 3, "b": 8, "c": 89}))
    assert protected.secret == {"a", "b"}
    assert protected.value("c") == 89 and protected.value("a") is None
    result = audit(protected)
    assert result.ok
    intervals = {i.name: (i.low, i.high) for i in result.intervals}
    assert intervals == {"a": (1, 10), "b": (1, 10)}


def test_a_lone_small_cell_takes_a_second_one_and_the_smallest_is_chosen():
    # 60 = 5 + 12 + 43: 5 alone would be 60 − 12 − 43; the cheaper second cell is 12, not 43.
    protected = protect(one_way(60, {"a": 5, "b": 12, "c": 43}))
    assert protected.secret == {"a", "b"}
    assert audit(protected).ok


def test_the_grand_total_is_kept_when_a_category_will_do():
    protected = protect(one_way(40, {"a": 4, "b": 36}))
    # Two cells only: hiding 4 forces hiding 36 (the category), never the total 40.
    assert protected.secret == {"a", "b"} and protected.value("total") == 40


def test_the_audit_names_a_pinned_cell_of_a_publication_that_leaks():
    publication = one_way(60, {"a": 5, "b": 55})
    a = publication.var("a")
    # Primary suppression only (what the old rules did to a sentence): 5 = 60 − 55.
    leaky = protect(publication)
    leaky = type(leaky)(publication, _Solution(frozenset({a}), frozenset({a}), frozenset({a})), frozenset({"a"}))
    result = audit(leaky)
    assert not result.ok
    assert "« a »" in result.failures[0] and "exactement" in result.failures[0]
    assert [(i.low, i.high) for i in result.intervals] == [(5, 5)]


def test_two_hidden_ones_adding_up_to_two_are_pinned_by_the_mark():
    # 52 = 1 + 1 + 50: with both 1s hidden the attacker knows x + y = 2 and x, y ≥ 1: both are 1.
    publication = one_way(52, {"a": 1, "b": 1, "c": 50})
    a, b = publication.var("a"), publication.var("b")
    leaky = type(protect(publication))(publication, _Solution(frozenset({a, b}), frozenset({a, b}), frozenset()),
                                       frozenset({"a", "b"}))
    assert not audit(leaky).ok
    assert audit(protect(publication)).ok  # the engine hides 50 too (or the total): nothing pinned


def test_linked_tables_share_one_decision():
    # A motif hidden in one table is hidden wherever the same figure is shown (same()).
    publication = one_way(100, {"motif.DECES": 2, "motif.CDI": 98})
    publication.same("tableau2.deces", "motif.DECES")
    protected = protect(publication)
    assert protected.is_secret("tableau2.deces") and protected.is_secret("motif.DECES")


def test_a_rate_whose_numerator_is_hidden_is_hidden():
    publication = one_way(100, {"a": 4, "b": 7, "c": 89})
    publication.rate("part_a", "a", "total")
    publication.rate("part_c", "c", "total")
    protected = protect(publication)
    assert protected.is_secret("part_a") and not protected.is_secret("part_c")
    assert protected.value("part_c") == pytest.approx(0.89)


def test_unknown_figures_are_refused():
    with pytest.raises(DisclosureError):
        one_way(10, {"a": 4}).identity("total", ["nope"])
    with pytest.raises(DisclosureError):
        one_way(10, {"a": 12})  # parts larger than their total


def test_nested_answers_one_day_apart_are_a_leak():
    year, shorter = one_way(214, {"a": 200, "b": 14}), one_way(213, {"a": 199, "b": 14})
    failures = compare_nested(protect(year), protect(shorter), ["total"], what="2019 et 2019 moins un jour")
    assert failures and "2019 et 2019 moins un jour" in failures[0]
    assert compare_nested(protect(year), protect(year), ["total"]) == []


def test_partners_get_whole_calendar_years():
    import datetime as dt

    assert whole_year(dt.date(2019, 1, 1), dt.date(2019, 12, 31)) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31),
                                                                      None)
    debut, fin, message = whole_year(dt.date(2019, 1, 1), dt.date(2019, 12, 30))
    assert (debut, fin) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31)) and "année civile entière" in message
