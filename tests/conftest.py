"""Shared fixtures: users of each role, the demo territory, a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "client_admin", "client_charge",
               "client_partner", "admin_user_", "charge_user", "partner_user", "territory", "page"}
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    for item in items:
        uses_db = item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        if not uses_db and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.pure)


@pytest.fixture(autouse=True)
def _fresh_frames(request):
    """The process keeps the stored data as frames per data version (``reperes.analyses.snapshot``), and a
    version is made of counts and largest ids, which two tests' databases may share: each database test
    starts with none kept."""
    if DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        from reperes.analyses.snapshot import forget_dataset

        forget_dataset()
    yield


PASSWORD = "mot-de-passe-de-test-2019"


def make_user(role: str, email: str):
    from reperes.accounts.models import User

    return User.objects.create_user(email, PASSWORD, role=role)


@pytest.fixture
def admin_user_(db):
    return make_user("administrateur", "admin@test.fr")


@pytest.fixture
def charge_user(db):
    return make_user("charge_etude", "etude@test.fr")


@pytest.fixture
def partner_user(db):
    return make_user("partenaire", "partenaire@test.fr")


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_admin(admin_user_):
    return _client(admin_user_)


@pytest.fixture
def client_charge(charge_user):
    return _client(charge_user)


@pytest.fixture
def client_partner(partner_user):
    return _client(partner_user)


TERRES_DE_LORRAINE = ("200070563", "245400171", "200035772", "245400510")


@pytest.fixture
def territory(db):
    from reperes.territory.services import create_territory

    return create_territory("PLIE du Pays Terres de Lorraine", epci=TERRES_DE_LORRAINE)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tmp_data(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def dead_process() -> str:
    """The identity (``reperes.background``) of a process of this host that has ended."""
    import subprocess
    import sys

    from reperes.background import process_identity

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        identity = process_identity(child.pid)
    finally:
        child.kill()
        child.wait()
    return identity
