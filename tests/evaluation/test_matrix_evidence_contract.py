"""The evaluation file speaks the contract: a matrix cell's ``statut`` is carence, couvert or doublon."""

from reperes.evaluation.evidence import changed, matrix_cell


def test_every_matrix_status_is_written_as_one_of_the_contracts_three():
    from reperes.offer import matrix as mx

    # docs/evaluation.md, evidence type `matrice`: status `carence`, `couvert`, `doublon`.
    assert set(mx.CONTRACT_STATUT) == set(mx.STATUTS)
    assert set(mx.CONTRACT_STATUT.values()) <= {"carence", "couvert", "doublon"}
    # A need nobody meets is a gap; the PLIE alone on a need meets it; two overlapping services are a doublon.
    assert mx.CONTRACT_STATUT[mx.statut(5, [])] == "carence"
    assert mx.CONTRACT_STATUT[mx.statut(5, [], actions_plie=2)] == "couvert"


def test_a_cell_retained_with_the_matrixs_own_status_is_not_flagged_for_review():
    before = {"demande": 15, "services": 0, "places": None, "couverture": "aucune", "statut": "plie_seul"}
    now = {"demande": 15, "services": 0, "places": None, "couverture": "aucune", "statut": "couvert",
           "statut_detail": "plie_seul"}
    assert matrix_cell(before) == now
    assert not changed(before, now)
    assert changed(before, {**now, "demande": 16})
