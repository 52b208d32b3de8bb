"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    return {"analyses:chart": {"key": "0" * 64}}
