"""The « Livrables » settings (Word template, fixed texts), commentary per section, generated reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportSettings(models.Model):
    """One row: the PLIE's Word template and the fixed texts of its reports, edited in the app."""

    template = models.FileField("modèle Word du PLIE", upload_to="reports/modele/", blank=True)
    template_name = models.CharField("nom du modèle", max_length=300, blank=True)
    introduction = models.TextField("introduction", blank=True)
    methode = models.TextField("méthode", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "paramètres des livrables"

    def __str__(self):
        return "Paramètres des livrables"

    @classmethod
    def get(cls) -> ReportSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SectionComment(models.Model):
    """The PLIE's commentary on one section of the report (by its stable slug): survives regeneration."""

    slug = models.SlugField("section", max_length=100, unique=True)
    text = models.TextField("commentaire", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="modifié par")

    class Meta:
        verbose_name = "commentaire de section"
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class GeneratedReportQuerySet(models.QuerySet):
    def shared_with_partners(self):
        """Partner versions the team chose to share: what a partner finds in its space."""
        return self.filter(diffusion=True, shared_at__isnull=False).order_by("-shared_at", "-id")


class GeneratedReport(models.Model):
    """One generation of the intermediate report: its parameters, snapshot and files (in MEDIA_ROOT)."""

    KIND_INTERMEDIATE = "intermediaire"
    KIND_FINAL = "final"
    KIND_LABELS = {KIND_INTERMEDIATE: "Rapport intermédiaire", KIND_FINAL: "Rapport final"}

    # the audit trail's name of each kind (« livrable » of an export event)
    KIND_AUDIT = {KIND_INTERMEDIATE: "rapport_intermediaire", KIND_FINAL: "rapport_final"}

    kind = models.CharField("livrable", max_length=30, default=KIND_INTERMEDIATE)
    created_at = models.DateTimeField("généré le", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="généré par")
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    date = models.DateField("date du document")
    diffusion = models.BooleanField("version diffusable aux partenaires", default=False)
    snapshot = models.JSONField("instantané des données", default=dict, blank=True)
    files = models.JSONField("fichiers", default=dict, blank=True)  # format → file name under folder
    folder = models.CharField("dossier", max_length=200, blank=True)
    html = models.TextField("version HTML", blank=True)
    # The team chooses which partner versions partners find in their space (reperes/partners).
    shared_at = models.DateTimeField("partagé avec les partenaires le", null=True, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="partagé par")

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        verbose_name = "livrable généré"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} n° {self.pk}"

    @property
    def audit_name(self) -> str:
        return self.KIND_AUDIT.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        return self.KIND_LABELS.get(self.kind, "Rapport")

    @property
    def title(self) -> str:
        return f"{self.label} – {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"

    @property
    def shared(self) -> bool:
        return self.diffusion and self.shared_at is not None
