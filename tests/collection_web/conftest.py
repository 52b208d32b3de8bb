"""Fixtures of the collection pages: a pseudonymisation key, demo files, synchronous imports."""

from __future__ import annotations

from pathlib import Path

import pytest

PSEUDONYM_KEY = "cle-de-test-collection-web"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("REPERES_PSEUDONYM_KEY", PSEUDONYM_KEY)
    return PSEUDONYM_KEY.encode("utf-8")


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    """The demo generator's five CSV files for 40 participants (read-only: copy before changing)."""
    from reperes.demo import generate

    out = tmp_path_factory.mktemp("demo")
    summary = generate(out, seed=7, participants=40)
    return {"dir": out, "counts": summary.counts, **summary.files}


@pytest.fixture
def sync_imports(settings):
    """Imports of the upload page run at once (the thread is tested on its own)."""
    settings.REPERES_IMPORTS_SYNC = True
    return settings
