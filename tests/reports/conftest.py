"""Fixtures of the report's tests (helpers in report_helpers.py)."""

from __future__ import annotations

import pytest
from report_helpers import build


@pytest.fixture(scope="session")
def partner_document():
    return build(diffusion=True)


@pytest.fixture(scope="session")
def staff_document():
    return build(diffusion=False)
