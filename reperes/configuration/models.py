"""The installation's settings (« Paramètres »): one row."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DEFAULT_SEUIL = 11  # the rule French health-data channels apply (indicateurs.md)


class Installation(models.Model):
    plie_name = models.CharField("nom du PLIE", max_length=200, default="Mon PLIE")
    logo = models.FileField("logo", upload_to="logo/", blank=True)
    territory = models.ForeignKey("territory.Territory", null=True, blank=True, on_delete=models.SET_NULL,
                                  verbose_name="territoire")
    seuil = models.PositiveSmallIntegerField(
        "seuil de secret statistique", default=DEFAULT_SEUIL,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="Aucun effectif inférieur à ce seuil (hors zéro) n'est montré aux partenaires.")
    periode_debut = models.DateField("début de la période d'analyse par défaut", null=True, blank=True)
    periode_fin = models.DateField("fin de la période d'analyse par défaut", null=True, blank=True)
    duree_conservation_mois = models.PositiveSmallIntegerField(
        "durée de conservation des parcours (mois après la sortie)", default=60)
    is_demo = models.BooleanField("instance de démonstration", default=False)
    # Set by migration configuration 0002 when participants were imported before the age fix of
    # 2 December 2026 (ages from a full birth date could be one year off); cleared by a replacing import.
    ages_to_check = models.BooleanField("âges à l'entrée à recalculer", default=False)

    class Meta:
        verbose_name = "paramètres de l'installation"

    def __str__(self):
        return self.plie_name

    @classmethod
    def get(cls) -> "Installation":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def default_period(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """The settings' period, else the calendar year before today (indicateurs.md)."""
        if self.periode_debut and self.periode_fin:
            return self.periode_debut, self.periode_fin
        year = (today or dt.date.today()).year - 1
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
