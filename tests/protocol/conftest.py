"""Fixtures of the draft protocol's tests: a small generated PLIE and an evaluation with every kind of decision."""

from __future__ import annotations

import pytest
from evaluation_helpers import demo_data, load_evaluation


@pytest.fixture
def evaluated(db, territory, tmp_path):
    from reperes.analyses import services

    services.clear_caches()
    installation = demo_data(tmp_path, participants=400)
    load_evaluation()
    yield installation
    services.clear_caches()
