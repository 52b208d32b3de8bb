"""Domain logic of surveys: storing questionnaires, campaigns and their links, checking and saving answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from reperes.referentiel.enquetes import AUDIENCES, PARTNER_AUDIENCES

from . import expressions
from .models import Campaign, Form, FormVersion, Respondent, Response
from .xlsform import Question, read_xlsform

MAX_TEXT_LENGTH = 20_000


@dataclass
class ImportedForm:
    version: FormVersion
    created: bool  # False when the same file was already the latest version

    def as_json(self) -> dict[str, Any]:
        return {"form": self.version.form.form_id, "version": self.version.number,
                "questions": self.version.question_count}


@transaction.atomic
def import_form(data: bytes, filename: str, *, builtin: bool = False) -> ImportedForm:
    """Store an XLSForm; a changed file with the same form_id becomes a new version (XLSFormError if invalid)."""
    parsed = read_xlsform(data, filename)
    checksum = hashlib.sha256(data).hexdigest()
    form, _ = Form.objects.get_or_create(form_id=parsed.form_id, defaults={"title": parsed.title, "builtin": builtin})
    latest = form.versions.order_by("-number").first()
    definition = json.loads(json.dumps(parsed.definition()))
    # Same file, or the same questionnaire saved again (an XLSX carries its save date): no new version.
    if latest is not None and (latest.checksum == checksum or latest.definition == definition):
        return ImportedForm(latest, False)
    form.title = parsed.title
    form.save(update_fields=["title"])
    version = FormVersion.objects.create(
        form=form, number=(latest.number + 1) if latest else 1, version_label=parsed.version, title=parsed.title,
        definition=definition, source_file=data, source_name=filename[:255],
        question_count=parsed.question_count, checksum=checksum)
    return ImportedForm(version, True)


# --------------------------------------------------------------------------- answers


def _compile(text: str):
    if not text:
        return None
    try:
        return expressions.parse(text)
    except expressions.ExpressionError:
        return None  # checked at import; a stored form always parses


def is_relevant(question: Question, answers: Mapping[str, Any]) -> bool:
    return expressions.is_true(_compile(question.relevant), answers)


def clean_answers(questions: Iterable[Question], raw: Mapping[str, Any], *, enforce_required: bool = True
                  ) -> tuple[dict[str, Any], dict[str, str]]:
    """Check raw answers (strings, lists for choix multiple) → (answers, errors by question name, in French).

    Questions whose ``relevant`` is false are dropped; ``required`` applies only to relevant ones.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        if not q.asked:
            continue
        if not is_relevant(q, answers):
            continue
        value = raw.get(q.name)
        if q.type == "select_multiple":
            values = [str(v) for v in (value if isinstance(value, (list, tuple)) else
                                       ([] if value in (None, "") else str(value).split()))]
            allowed = {c[0] for c in q.choices}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                errors[q.name] = f"Choix inconnu : {', '.join(unknown)}."
                continue
            cleaned: Any = values or None
        else:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else ""
            text = "" if value is None else str(value).strip()
            cleaned = text or None
            if text and q.type == "integer":
                try:
                    cleaned = int(text.replace(" ", "").replace("\u00a0", ""))
                except ValueError:
                    errors[q.name] = "Écrivez un nombre entier, par exemple 12."
                    continue
            elif text and q.type == "decimal":
                try:
                    cleaned = float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
                except ValueError:
                    errors[q.name] = "Écrivez un nombre, par exemple 12,5."
                    continue
            elif text and q.type == "date":
                try:
                    cleaned = _parse_date(text).isoformat()
                except ValueError:
                    errors[q.name] = "Écrivez une date, par exemple 15/03/2024."
                    continue
            elif text and q.type in ("select_one", "rank"):
                if q.type == "select_one" and text not in {c[0] for c in q.choices}:
                    errors[q.name] = "Choisissez une des réponses proposées."
                    continue
            elif text and len(text) > MAX_TEXT_LENGTH:
                errors[q.name] = f"Votre réponse est trop longue : {MAX_TEXT_LENGTH} caractères au plus."
                continue
        if cleaned is None:
            if q.required and enforce_required:
                errors[q.name] = "Cette question est obligatoire."
            continue
        if q.constraint:
            tree = _compile(q.constraint)
            current = " ".join(cleaned) if isinstance(cleaned, list) else cleaned
            if tree is not None and not expressions.is_true(tree, {**answers, q.name: cleaned}, current):
                errors[q.name] = q.constraint_message or "Cette réponse n'est pas acceptée : vérifiez-la."
                continue
        answers[q.name] = cleaned
    return answers, errors


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text[:19] if "T" in text else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# ------------------------------------------------------------------------- campaigns


class TokenRefused(Exception):
    """A link that cannot be used: unknown, already used or expired (``reason`` is shown, in French)."""

    def __init__(self, reason: str, title: str):
        super().__init__(reason)
        self.reason = reason
        self.title = title


def respondent_for_token(token: str) -> Respondent:
    """The respondent a link belongs to, or TokenRefused (no data about anyone is disclosed)."""
    respondent = (Respondent.objects.select_related("campaign__form_version__form").filter(token=token).first()
                  if token and len(token) <= 40 else None)
    if respondent is None:
        raise TokenRefused("Ce lien de réponse n'existe pas. Vérifiez qu'il est recopié en entier, ou demandez un "
                           "nouveau lien à l'équipe du PLIE.", "Lien inconnu")
    if respondent.answered_at is not None:
        raise TokenRefused("Une réponse a déjà été envoyée avec ce lien : il ne peut servir qu'une fois. Merci "
                           "de votre participation.", "Réponse déjà envoyée")
    if respondent.campaign.is_closed:
        raise TokenRefused("L'enquête est close : il n'est plus possible d'y répondre. Merci de votre intérêt.",
                           "Enquête close")
    return respondent


def save_draft(respondent: Respondent, raw: Mapping[str, Any]) -> None:
    questions = respondent.campaign.form_version.questions()
    answers, _ = clean_answers(questions, raw, enforce_required=False)
    respondent.draft = answers
    respondent.started_at = respondent.started_at or timezone.now()
    respondent.save(update_fields=["draft", "started_at"])


@transaction.atomic
def submit(respondent: Respondent, answers: dict[str, Any]) -> Response:
    """Store the answers of a link, once. In an anonymous campaign the response is not linked to the link."""
    locked = Respondent.objects.select_for_update().get(pk=respondent.pk)
    if locked.answered_at is not None:
        raise TokenRefused("Une réponse a déjà été envoyée avec ce lien.", "Réponse déjà envoyée")
    campaign = locked.campaign
    response = Response.objects.create(
        form_version=campaign.form_version, campaign=campaign,
        respondent=None if campaign.anonymous else locked, audience=locked.audience, source="web", answers=answers,
        submitted_at=timezone.now() if not campaign.anonymous else timezone.now().replace(hour=0, minute=0, second=0,
                                                                                          microsecond=0))
    locked.answered_at = timezone.now()
    locked.draft = {}
    locked.save(update_fields=["answered_at", "draft"])
    return response


def enter_on_behalf(form_version: FormVersion, answers: dict[str, Any], *, audience: str, source: str, user,
                    campaign: Campaign | None = None, respondent: Respondent | None = None) -> Response:
    """A paper or phone answer typed in by staff through the same form."""
    with transaction.atomic():
        response = Response.objects.create(
            form_version=form_version, campaign=campaign,
            respondent=None if (campaign is None or campaign.anonymous) else respondent, audience=audience,
            source=source, answers=answers, entered_by=user)
        if respondent is not None:
            respondent.answered_at = timezone.now()
            respondent.draft = {}
            respondent.save(update_fields=["answered_at", "draft"])
    return response


def add_partner(campaign: Campaign, *, name: str, email: str, audience: str) -> Respondent:
    if audience not in PARTNER_AUDIENCES:
        raise ValueError("Un partenaire est un élu, une institution ou un acteur de l'insertion et de l'emploi.")
    return Respondent.objects.create(campaign=campaign, audience=audience, name=name.strip(), email=email.strip())


def add_participants(campaign: Campaign, count: int) -> list[Respondent]:
    """Pseudonymous participants: no name, no e-mail, only « P-0001 » and a link printed on a letter."""
    start = campaign.respondents.filter(audience="participant").count()
    created = []
    for index in range(start + 1, start + count + 1):
        created.append(Respondent.objects.create(campaign=campaign, audience="participant",
                                                 pseudonym=f"P-{index:04d}"))
    return created


def response_rates(campaign: Campaign) -> list[dict[str, Any]]:
    """Per audience: invited, answered, rate (0–1 or None)."""
    rows = []
    for code, label in AUDIENCES.items():
        invited = campaign.respondents.filter(audience=code).count()
        if not invited:
            continue
        answered = campaign.respondents.filter(audience=code, answered_at__isnull=False).count()
        rows.append({"audience": code, "label": label, "invited": invited, "answered": answered,
                     "rate": answered / invited})
    return rows


def to_remind(campaign: Campaign):
    return campaign.respondents.filter(answered_at__isnull=True).order_by("audience", "pk")


def campaign_rates(campaigns) -> dict[int, dict[str, Any]]:
    """Campaign id → invited, answered and rate (None without respondents), counted in the database."""
    from django.db.models import Count, Q

    counted = (Respondent.objects.filter(campaign__in=campaigns).values("campaign")
               .annotate(invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))))
    return {row["campaign"]: {"invited": row["invited"], "answered": row["answered"],
                              "rate": row["answered"] / row["invited"] if row["invited"] else None}
            for row in counted}


# --------------------------------------------------------------------------- e-mail


def to_invite(campaign: Campaign):
    """Respondents with an address who have not been sent their link yet."""
    return campaign.respondents.exclude(email="").filter(invited_at__isnull=True, answered_at__isnull=True)


def to_remind_by_email(campaign: Campaign):
    """Respondents invited by e-mail who have not answered yet."""
    return campaign.respondents.exclude(email="").filter(invited_at__isnull=False, answered_at__isnull=True)


def invitation_text(campaign: Campaign, respondent: Respondent, link: str, *, reminder: bool) -> tuple[str, str]:
    """Subject and body of an invitation or a reminder: the respondent's own link, what it is for, until when."""
    title = campaign.form_version.title
    subject = f"{'Rappel – ' if reminder else ''}Enquête du PLIE\u202f: {title}"
    greeting = f"Bonjour {respondent.name}," if respondent.name else "Bonjour,"
    opening = ("Nous n’avons pas encore reçu votre réponse à notre enquête. Il est encore temps de répondre."
               if reminder else "Le PLIE prépare son prochain protocole et souhaite connaître votre avis.")
    closes = (f"L’enquête est ouverte jusqu’au {campaign.closes_on:%d/%m/%Y}.\n" if campaign.closes_on else "")
    body = (f"{greeting}\n\n{opening}\n\n"
            f"Pour répondre au questionnaire « {title} », ouvrez ce lien (il vous est personnel\u202f: "
            f"ne le transmettez pas)\u202f:\n{link}\n\n"
            f"{closes}"
            "Vous pouvez enregistrer vos réponses et revenir plus tard avec le même lien.\n"
            f"Vos réponses sont recueillies par {campaign.collector}. Pourquoi\u202f: {campaign.purpose}\n"
            f"Pour toute question ou pour exercer vos droits, répondez à ce message ou contactez "
            f"{campaign.contact or 'l’équipe du PLIE'}.\n\nMerci de votre participation.\n")
    return subject, body


@dataclass
class Sending:
    sent: int
    error: str = ""


def send_invitations(campaign: Campaign, link_for, *, reminder: bool = False) -> Sending:
    """E-mail each respondent concerned their own link (``link_for(token) -> URL``); note who was sent what.

    Invitations go to those not invited yet, reminders to those invited who have not answered. A refusal of
    the server stops the sending; those already sent are recorded, so nobody gets the same message twice.
    """
    from reperes import mail

    recipients = list((to_remind_by_email if reminder else to_invite)(campaign))

    def messages():
        for respondent in recipients:
            subject, body = invitation_text(campaign, respondent, link_for(respondent.token), reminder=reminder)
            yield respondent, mail.message(respondent.email, subject, body)

    field = "reminded_at" if reminder else "invited_at"
    sent = 0
    try:
        for respondent in mail.send_each(messages()):
            Respondent.objects.filter(pk=respondent.pk).update(**{field: timezone.now()})
            sent += 1
    except mail.MailError as exc:
        return Sending(sent, str(exc))
    return Sending(sent)
