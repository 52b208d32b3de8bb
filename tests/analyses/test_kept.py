"""``analyses.snapshot.kept``: values computed from the stored data, kept per data version, bounded."""

from __future__ import annotations

from reperes.analyses import snapshot


def test_a_value_is_computed_once_per_version_and_what_and_the_store_is_bounded():
    snapshot.forget_dataset()
    calls = []

    def compute(n):
        def run():
            calls.append(n)
            return n * 10
        return run

    assert snapshot.kept("v1", ("a",), compute(1)) == 10
    assert snapshot.kept("v1", ("a",), compute(99)) == 10  # kept: not computed again
    assert calls == [1]
    assert snapshot.kept("v2", ("a",), compute(2)) == 20  # a new data version computes again
    assert snapshot.kept("v1", ("a",), compute(3)) == 30  # and dropped the other version's values
    for n in range(snapshot.KEPT_MAX + 5):
        snapshot.kept("v1", ("period", n), compute(n))
    assert len(snapshot._KEPT) == snapshot.KEPT_MAX
    before = len(calls)
    snapshot.kept("v1", ("period", snapshot.KEPT_MAX + 4), compute(0))  # the newest is still there
    snapshot.kept("v1", ("period", 0), compute(0))  # the oldest was dropped
    assert len(calls) == before + 1
    snapshot.forget_dataset()
