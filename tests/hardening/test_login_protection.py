"""Login protection: repeated failures lock an account and an address out; an administrator unlocks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reperes.cli import main

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test-2019"  # tests/conftest.py


def attempt(client, email, password, ip="203.0.113.7"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def events(action):
    from reperes.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_account_is_locked_after_repeated_failures_then_unlocked_by_an_administrator(client, charge_user,
                                                                                    client_admin, settings):
    from reperes.audit.models import Action

    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # the default of reperes/settings.py: the test suite does not relax it
    for _ in range(limit - 1):
        response = attempt(client, charge_user.email, "mauvais-mot-de-passe")
        assert response.status_code == 200 and "incorrect" in response.content.decode()
    response = attempt(client, charge_user.email, "mauvais-mot-de-passe")
    assert response.status_code == 429
    # Even the right password is refused now, from anywhere, whatever the case of the address.
    for ip, email in (("203.0.113.7", charge_user.email), ("198.51.100.9", charge_user.email.upper())):
        response = attempt(client, email, PASSWORD, ip=ip)
        text = response.content.decode()
        assert response.status_code == 429, ip
        assert "Connexion bloquée" in text and "15\u00a0minutes" in text.replace("&nbsp;", "\u00a0")
        assert "_auth_user_id" not in client.session
    # The trail has every failure and the lockout, with the account named.
    assert len(events(Action.LOGIN_FAILED)) >= limit
    locked = events(Action.LOGIN_LOCKED)
    assert locked and locked[0].user_email == charge_user.email and locked[0].ip == "203.0.113.7"

    page = client_admin.get(reverse("accounts:user_list")).content.decode()
    assert "connexion bloquée" in page and f"Débloquer {charge_user.email}" in page
    response = client_admin.post(reverse("accounts:user_list"), {"unlock_email": charge_user.email})
    assert response.status_code == 302
    assert events(Action.LOGIN_UNLOCKED)[0].target == charge_user.email
    response = attempt(client, charge_user.email, PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(charge_user.pk)


def test_an_address_is_locked_after_failures_on_many_accounts(client, charge_user, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"inconnu{i}@exemple.fr", "mauvais-mot-de-passe", ip="192.0.2.50")
    # A real account, the right password, from that address: refused; from another address: accepted.
    assert attempt(client, charge_user.email, PASSWORD, ip="192.0.2.50").status_code == 429
    assert attempt(client, charge_user.email, PASSWORD, ip="192.0.2.51").status_code == 302


def test_failures_below_the_limit_then_success_start_again_from_zero(client, charge_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, charge_user.email, "mauvais-mot-de-passe")
    assert attempt(client, charge_user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, charge_user.email, "mauvais-mot-de-passe").status_code == 200
    assert attempt(client, charge_user.email, PASSWORD).status_code == 302


def test_cli_lists_and_unlocks(client, charge_user, settings, capsys):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"inconnu{i}@exemple.fr", "mauvais-mot-de-passe", ip="192.0.2.60")
        attempt(client, charge_user.email, "mauvais-mot-de-passe", ip="192.0.2.61")
    assert main(["user", "unlock", "--list"]) == 0
    listed = capsys.readouterr().out
    assert f"compte\t{charge_user.email}" in listed and "adresse\t192.0.2.60" in listed
    assert main(["user", "unlock", charge_user.email.upper()]) == 0
    assert "de nouveau possibles" in capsys.readouterr().err
    assert attempt(client, charge_user.email, PASSWORD, ip="192.0.2.61").status_code == 302
    client.logout()
    assert attempt(client, charge_user.email, PASSWORD, ip="192.0.2.60").status_code == 429
    assert main(["user", "unlock", "--ip", "192.0.2.60"]) == 0
    assert attempt(client, charge_user.email, PASSWORD, ip="192.0.2.60").status_code == 302
    assert main(["user", "unlock", charge_user.email]) == 2  # nothing left to unlock: said, not silent
    assert "Rien à débloquer" in capsys.readouterr().err
