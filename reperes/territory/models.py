"""The reference of French communes and EPCI, and the PLIE's territory.

The reference (every current commune with its population and EPCI) is bundled
in ``data/communes-france.csv`` and loaded by a migration, so it is there as
soon as the database exists. Contours are bundled for Meurthe-et-Moselle;
``reperes territory contours FILE`` loads others.
"""

from django.db import models


class CommuneQuerySet(models.QuerySet):
    def of_epci(self, sirens):
        return self.filter(epci_siren__in=list(sirens))


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    departement = models.CharField("département", max_length=3, db_index=True)
    region = models.CharField("région", max_length=3, blank=True)
    codes_postaux = models.CharField("codes postaux", max_length=200, blank=True)
    population = models.PositiveIntegerField("population municipale", default=0)
    epci_siren = models.CharField("EPCI (SIREN)", max_length=9, blank=True, db_index=True)
    epci_nom = models.CharField("EPCI", max_length=200, blank=True)
    epci_type = models.CharField("type d'EPCI", max_length=10, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"


class Contour(models.Model):
    """A commune's outline (GeoJSON geometry, WGS84)."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=200, blank=True)
    geometry = models.JSONField("géométrie")
    source = models.CharField("source", max_length=200, blank=True)

    class Meta:
        verbose_name = "contour de commune"
        ordering = ["code"]

    def __str__(self):
        return f"Contour {self.code}"


class Territory(models.Model):
    """The perimeter of a PLIE: whole EPCI and/or single communes."""

    name = models.CharField("nom", max_length=200)
    epci_sirens = models.JSONField("EPCI (SIREN)", default=list, blank=True)
    communes = models.ManyToManyField(Commune, related_name="territories", verbose_name="communes")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "territoire"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def epci_names(self) -> dict[str, str]:
        """SIREN → name of every EPCI the territory's communes belong to."""
        return dict(self.communes.values_list("epci_siren", "epci_nom").distinct())
