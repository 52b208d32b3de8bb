"""Sending e-mail (survey invitations and reminders, account invitations) through Django's e-mail settings.

The SMTP server comes from the environment (``EMAIL_HOST``… in ``reperes.settings``). When none is given,
nothing is sent and the page says so in French (:data:`NOT_CONFIGURED`): the links stay on the page, to be
copied by hand. Tests use Django's in-memory backend (``locmem``); the demo writes messages as files.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

NOT_CONFIGURED = (
    "Aucun serveur de courriel n’est configuré\u202f: rien n’a été envoyé. L’administrateur de Repères indique "
    "le serveur d’envoi (variables d’environnement EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD "
    "et DEFAULT_FROM_EMAIL) puis redémarre l’application. En attendant, copiez les liens affichés sur cette page.")


class MailError(Exception):
    """Sending failed (``str(exc)`` is the French message); ``sent`` messages went out before the failure."""

    def __init__(self, message: str, sent: int = 0):
        super().__init__(message)
        self.sent = sent


def configured() -> bool:
    """True when messages can leave: an SMTP server is given, or another backend (files, memory) is chosen."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(settings.EMAIL_HOST)


def message(to: str, subject: str, body: str) -> EmailMessage:
    return EmailMessage(subject=subject, body=body, to=[to])


def send_each(messages: Iterable[tuple[object, EmailMessage]]):
    """Send messages one by one over one connection; yield the key of each one sent.

    Raises :class:`MailError` when no server is configured or when the server refuses (the messages already
    yielded did go out: the caller records them as they come).
    """
    if not configured():
        raise MailError(NOT_CONFIGURED)
    sent = 0
    try:
        with get_connection(fail_silently=False) as connection:
            for key, email in messages:
                connection.send_messages([email])
                sent += 1
                yield key
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("E-mail not sent: %s", exc)
        raise MailError(
            f"Le serveur de courriel a refusé l’envoi après {sent} message(s)\u202f: {exc.__class__.__name__}. "
            "Vérifiez les réglages d’envoi (EMAIL_HOST, EMAIL_PORT, identifiant et mot de passe) ou réessayez "
            "plus tard\u202f: les messages déjà partis ne seront pas renvoyés.", sent) from exc
