"""Fixtures of the chart tests (pure Python: run with ``-p no:django``)."""

from __future__ import annotations

import pytest
from chart_helpers import load_communes


@pytest.fixture(scope="session")
def territory():
    """The 153 communes of Terres de Lorraine."""
    return load_communes()


@pytest.fixture(scope="session")
def six_communes(territory):
    """Six real communes (the first codes), to keep map tests fast."""
    features, names = territory
    codes = sorted(features)[:6]
    return {c: features[c] for c in codes}, {c: names[c] for c in codes}
