"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    # An unknown link: the page says it is not valid (200), for anyone.
    return {"accounts:invitation": {"uidb64": "MA", "token": "lien-inconnu"}}
