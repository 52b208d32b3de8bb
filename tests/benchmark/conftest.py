"""A small PLIE whose sheet is counted by hand, and a CLI runner for ``reperes benchmark``."""

from __future__ import annotations

import pytest
from benchmark_helpers import make_plie


@pytest.fixture
def fresh_caches():
    from reperes.analyses import services
    from reperes.benchmark import services as bench

    services.clear_caches()
    bench._SHEETS.clear()
    yield
    services.clear_caches()
    bench._SHEETS.clear()


@pytest.fixture
def plie(territory):
    make_plie()
