"""Account invitations: an e-mail with a link to choose one's password, which expires (no initial password).

The link is Django's password-reset token (``default_token_generator``): it is valid for
``PASSWORD_RESET_TIMEOUT`` (three days) and only once, since setting the password changes what it signs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reperes import mail


@dataclass
class Invitation:
    link: str
    sent: bool
    error: str = ""


def validity_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def invitation_link(request, user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return request.build_absolute_uri(reverse("accounts:invitation", args=[uid, token]))


def invitation_text(user, link: str, plie_name: str) -> tuple[str, str]:
    greeting = f"Bonjour {user.first_name}," if user.first_name else "Bonjour,"
    body = (f"{greeting}\n\nUn compte Repères a été ouvert pour vous ({plie_name}), avec l’adresse {user.email}.\n\n"
            f"Pour choisir votre mot de passe, ouvrez ce lien dans les {validity_days()} jours\u202f:\n{link}\n\n"
            "Le lien ne sert qu’une fois. S’il a expiré, demandez-en un nouveau à l’administrateur de Repères.\n"
            "Si vous n’attendiez pas ce message, ignorez-le\u202f: aucun compte ne sera utilisable sans ce lien.\n")
    return f"Votre compte Repères – {plie_name}", body


def send_invitation(request, user, plie_name: str) -> Invitation:
    link = invitation_link(request, user)
    subject, body = invitation_text(user, link, plie_name)
    try:
        for _ in mail.send_each([(user, mail.message(user.email, subject, body))]):
            pass
    except mail.MailError as exc:
        return Invitation(link, False, str(exc))
    return Invitation(link, True)
