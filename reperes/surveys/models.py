"""Questionnaires (XLSForm, versioned), campaigns, respondents, answers, interviews and coding."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from reperes.referentiel.enquetes import AUDIENCES, SOURCES

AUDIENCE_CHOICES = list(AUDIENCES.items())
SOURCE_CHOICES = list(SOURCES.items())


class Form(models.Model):
    form_id = models.CharField("identifiant", max_length=120, unique=True)
    title = models.CharField("titre", max_length=300)
    builtin = models.BooleanField("fourni avec Repères", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "questionnaire"
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> FormVersion | None:
        return self.versions.order_by("-number").first()


class FormVersion(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    version_label = models.CharField("version déclarée", max_length=100, blank=True)
    title = models.CharField("titre", max_length=300)
    definition = models.JSONField("définition", default=dict)
    source_file = models.BinaryField("fichier XLSForm")
    source_name = models.CharField("nom du fichier", max_length=255, blank=True)
    question_count = models.PositiveIntegerField("questions", default=0)
    checksum = models.CharField(max_length=64)
    created_at = models.DateTimeField("importée le", auto_now_add=True)

    class Meta:
        verbose_name = "version de questionnaire"
        constraints = [models.UniqueConstraint(fields=("form", "number"), name="surveys_form_version_unique")]
        ordering = ("form", "-number")

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def questions(self):
        from .xlsform import questions_from_definition

        return questions_from_definition(self.definition)


class Campaign(models.Model):
    name = models.CharField("nom", max_length=200)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="campaigns",
                                     verbose_name="questionnaire")
    anonymous = models.BooleanField(
        "réponses anonymes", default=False,
        help_text="Le lien de réponse n'est pas conservé avec les réponses : on sait qui a répondu, pas ce qu'il a "
                  "répondu.")
    closes_on = models.DateField("date de clôture", null=True, blank=True)
    collector = models.CharField("qui recueille les réponses", max_length=300,
                                 default="L'équipe du PLIE, responsable de l'étude")
    purpose = models.TextField("pourquoi", default="Évaluer le PLIE et préparer son prochain protocole.")
    retention = models.CharField("durée de conservation", max_length=200,
                                 default="jusqu'à la fin de l'étude, au plus 12 mois")
    contact = models.CharField("contact pour exercer vos droits", max_length=200, blank=True,
                               default="l’équipe du PLIE qui vous a transmis ce lien")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "campagne"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closes_on is not None and timezone.localdate() > self.closes_on


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Respondent(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="respondents")
    audience = models.CharField("public", max_length=20, choices=AUDIENCE_CHOICES)
    name = models.CharField("nom", max_length=200, blank=True)  # partners only
    email = models.EmailField("courriel", blank=True)  # partners only
    pseudonym = models.CharField("pseudonyme", max_length=40, blank=True)  # participants: « P-0001 »
    token = models.CharField(max_length=40, unique=True, default=new_token)
    draft = models.JSONField("réponses en cours", default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField("invité par courriel le", null=True, blank=True)
    answered_at = models.DateTimeField("a répondu le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancé le", null=True, blank=True)

    class Meta:
        verbose_name = "répondant"
        ordering = ("campaign", "audience", "pk")

    def __str__(self) -> str:
        return self.name or self.pseudonym or f"répondant {self.pk}"

    @property
    def display_name(self) -> str:
        return self.name or self.pseudonym


class Response(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "envoyee", "Envoyée"

    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="responses")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    # empty when the campaign is anonymous: nobody can tell who gave these answers
    respondent = models.OneToOneField(Respondent, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="response")
    audience = models.CharField("public", max_length=20, choices=AUDIENCE_CHOICES, blank=True)
    source = models.CharField("origine", max_length=20, choices=SOURCE_CHOICES, default="web")
    submission_id = models.CharField("identifiant de soumission", max_length=200, blank=True)
    answers = models.JSONField("réponses", default=dict)
    submitted_at = models.DateTimeField("envoyée le", default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "réponse"
        ordering = ("-submitted_at",)
        constraints = [models.UniqueConstraint(fields=("form_version", "submission_id"),
                                               condition=~models.Q(submission_id=""),
                                               name="surveys_response_submission_unique")]

    def __str__(self) -> str:
        return f"réponse {self.pk} ({self.form_version})"


class Interview(models.Model):
    title = models.CharField("titre", max_length=200)
    audience = models.CharField("public", max_length=20, choices=AUDIENCE_CHOICES)
    held_on = models.DateField("date de l'entretien")
    text = models.TextField("texte masqué")
    source_name = models.CharField("fichier", max_length=255, blank=True)
    reviewed = models.BooleanField("masquage vérifié", default=False)
    masked_counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "entretien"
        ordering = ("-held_on", "-pk")

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("thème", max_length=200)
    description = models.TextField(blank=True)
    keywords = models.JSONField("mots-clés", default=list, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name="thème parent")

    class Meta:
        verbose_name = "thème"
        ordering = ("parent_id", "pk")

    def __str__(self) -> str:
        return self.label


class Excerpt(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="excerpts")
    interview = models.ForeignKey(Interview, null=True, blank=True, on_delete=models.CASCADE, related_name="excerpts")
    response = models.ForeignKey(Response, null=True, blank=True, on_delete=models.CASCADE, related_name="excerpts")
    question = models.CharField(max_length=120, blank=True)
    audience = models.CharField("public", max_length=20, choices=AUDIENCE_CHOICES)
    text = models.TextField("extrait (masqué)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "extrait codé"
        ordering = ("theme", "pk")

    def __str__(self) -> str:
        return f"{self.theme}: {self.text[:40]}"
