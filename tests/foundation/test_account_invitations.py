"""Account invitations: an e-mailed link to choose one's password, which expires and serves once."""

import re
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from reperes.accounts.models import User
from reperes.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/comptes/invitation/[^/\s]+/[^/\s]+/)")


def create(client_admin, email="elu@mairie-toul.fr"):
    page = client_admin.get(reverse("accounts:user_create")).content.decode()
    assert "Mot de passe initial" not in page and 'type="password"' not in page
    return client_admin.post(reverse("accounts:user_create"), {
        "email": email, "first_name": "Claude", "last_name": "Martin", "organisation": "Ville",
        "role": "partenaire"}, follow=True)


def test_new_account_gets_an_invitation_and_chooses_its_password(client_admin, client):
    response = create(client_admin)
    assert "Invitation envoyée à elu@mairie-toul.fr" in response.content.decode()
    user = User.objects.get(email="elu@mairie-toul.fr")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["elu@mairie-toul.fr"]
    body = mail.outbox[0].body
    assert "Bonjour Claude" in body and "3 jours" in body
    path = LINK.search(body).group(1)

    form_page = client.get(path, follow=True)
    assert "Choisir votre mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert "trop court" in weak.content.decode()
    mismatch = client.post(set_url, {"new_password1": "une phrase de passe", "new_password2": "autre phrase !"})
    assert "ne sont pas identiques" in mismatch.content.decode()
    done = client.post(set_url, {"new_password1": "une phrase de passe", "new_password2": "une phrase de passe"})
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password("une phrase de passe")
    assert AuditEvent.objects.filter(action="utilisateur_modifie", target=user.email,
                                     details__champs=["mot de passe"]).exists()
    # the link served once: it is no longer valid
    again = client.get(path, follow=True).content.decode()
    assert "Ce lien n’est plus valable" in again
    login = client.post(reverse("accounts:login"), {"username": user.email, "password": "une phrase de passe"})
    assert login.status_code == 302


def test_the_link_expires_after_three_days(client_admin, client, settings):
    create(client_admin)
    path = LINK.search(mail.outbox[0].body).group(1)
    real_now = PasswordResetTokenGenerator._now
    with mock.patch.object(PasswordResetTokenGenerator, "_now",
                           lambda self: real_now(self) + __import__("datetime").timedelta(days=3, minutes=1)):
        page = client.get(path, follow=True).content.decode()
    assert "Ce lien n’est plus valable" in page
    with mock.patch.object(PasswordResetTokenGenerator, "_now",
                           lambda self: real_now(self) + __import__("datetime").timedelta(days=2, hours=23)):
        page = client.get(path, follow=True).content.decode()
    assert "Enregistrer mon mot de passe" in page


def test_without_mail_server_the_administrator_gets_the_link_to_pass_on(client_admin, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    page = create(client_admin).content.decode()
    assert "Aucun serveur de courriel n’est configuré" in page
    assert mail.outbox == []
    path = LINK.search(page).group(1)
    assert "Enregistrer mon mot de passe" in client.get(path, follow=True).content.decode()


def test_administrator_sends_a_new_invitation(client_admin):
    create(client_admin)
    user = User.objects.get(email="elu@mairie-toul.fr")
    mail.outbox.clear()
    client_admin.post(reverse("accounts:user_edit", args=[user.pk]), {"action": "invite"})
    assert [m.to for m in mail.outbox] == [["elu@mairie-toul.fr"]]
    user.refresh_from_db()
    assert user.role == "partenaire" and user.is_active  # the edit form was not submitted


def test_only_administrators_invite(client_charge, charge_user):
    assert client_charge.post(reverse("accounts:user_edit", args=[charge_user.pk]),
                              {"action": "invite"}).status_code == 403
    assert mail.outbox == []
