"""Territorial statistics and the insertion offer (data·inclusion schema v1).

Statistics: one :class:`StatImport` per file imported (source, file, date, who,
report), one :class:`Figure` per cell (geographic code × indicator × vintage ×
source). A secret cell of the published file (``s``, ``nd``, ``*``…) is kept
with ``secret=True`` and no value; figures of the demo are ``fictif``.

Offer: :class:`Structure` and :class:`Service` follow data·inclusion schema v1
field for field; codes (thématiques, publics, types, modes d'accueil, réseaux
porteurs, frais) are the package's enumerations, never re-typed here.
"""

from __future__ import annotations

from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    ReseauPorteur,
    Thematique,
    TypeService,
)
from django.conf import settings
from django.db import models


class StatImport(models.Model):
    class Source(models.TextChoices):
        INSEE = "insee", "INSEE (comparateur de territoires, dossier complet)"
        DARES = "dares", "France Travail / DARES (demandeurs d'emploi)"
        CAF = "caf", "CAF (foyers allocataires du RSA)"
        QPV = "qpv", "Quartiers prioritaires de la politique de la ville (QPV)"
        GENERIC = "generic", "Format long générique"
        DEMO = "demo", "Démonstration (chiffres fictifs)"

    created_at = models.DateTimeField("importé le", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             verbose_name="importé par", related_name="+")
    source = models.CharField("source", max_length=10, choices=Source.choices)
    source_name = models.CharField("fichier", max_length=300)
    status = models.CharField("statut", max_length=10, default="ok")
    fictif = models.BooleanField("chiffres fictifs", default=False)
    report = models.JSONField("rapport", default=dict, blank=True)

    class Meta:
        verbose_name = "import de statistiques territoriales"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_source_display()} — {self.source_name}"


class Figure(models.Model):
    """One published figure about a commune, an EPCI or a département."""

    code_geo = models.CharField("code géographique", max_length=9, db_index=True)
    niveau = models.CharField("niveau", max_length=12)  # commune | epci | departement
    indicateur = models.CharField("indicateur", max_length=80, db_index=True)
    millesime = models.CharField("millésime", max_length=10)
    source = models.CharField("source", max_length=80)
    valeur = models.FloatField("valeur", null=True, blank=True)
    secret = models.BooleanField("secret (non publié par la source)", default=False)
    fictif = models.BooleanField("fictif", default=False)
    stat_import = models.ForeignKey(StatImport, on_delete=models.CASCADE, related_name="figures")

    class Meta:
        verbose_name = "statistique territoriale"
        constraints = [models.UniqueConstraint(fields=["code_geo", "indicateur", "millesime", "source"],
                                               name="figure_identity")]

    def __str__(self):
        return f"{self.indicateur} {self.code_geo} ({self.millesime})"


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


def _labels(enum, codes) -> str:
    """French labels of data·inclusion codes (an unknown code is shown as is)."""
    out = []
    for code in codes or []:
        try:
            out.append(enum(code).label)
        except ValueError:
            out.append(str(code))
    return ", ".join(out)


class Structure(models.Model):
    di_id = models.CharField("identifiant data·inclusion", max_length=200, db_index=True)
    source = models.CharField("source", max_length=100, default="reperes")
    nom = models.CharField("nom", max_length=300)
    description = models.TextField("description", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    commune = models.CharField("commune", max_length=200, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    code_insee = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    adresse = models.TextField("adresse", blank=True)
    telephone = models.CharField("téléphone", max_length=100, blank=True)
    courriel = models.CharField("courriel", max_length=254, blank=True)
    site_web = models.TextField("site web", blank=True)
    reseaux_porteurs = models.JSONField("réseaux porteurs", default=list, blank=True)
    date_maj = models.DateField("date de mise à jour", null=True, blank=True)
    lien_source = models.TextField("fiche chez le producteur", blank=True)
    complement_adresse = models.TextField("complément d'adresse", blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    horaires_accueil = models.TextField("horaires d'accueil", blank=True)
    accessibilite_lieu = models.TextField("accessibilité du lieu (Acceslibre)", blank=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["nom"]
        # data·inclusion identifies a record by its source and its id: two sources may use the same id.
        constraints = [models.UniqueConstraint(fields=["source", "di_id"], name="structure_source_id")]

    def __str__(self):
        return self.nom

    @property
    def reseaux_labels(self) -> str:
        return _labels(ReseauPorteur, self.reseaux_porteurs)


class Service(models.Model):
    di_id = models.CharField("identifiant data·inclusion", max_length=200, db_index=True)
    source = models.CharField("source", max_length=100, default="reperes")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="services",
                                  verbose_name="structure")
    nom = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    type = models.CharField("type", max_length=40, choices=_choices(TypeService), blank=True)
    thematiques = models.JSONField("thématiques", default=list, blank=True)
    publics = models.JSONField("publics", default=list, blank=True)
    zone_eligibilite = models.JSONField("zone d'éligibilité", default=list, blank=True)
    modes_accueil = models.JSONField("modes d'accueil", default=list, blank=True)
    frais = models.CharField("frais", max_length=20, choices=_choices(Frais), blank=True)
    code_insee = models.CharField("code INSEE du lieu", max_length=5, blank=True)
    places = models.PositiveIntegerField("places (capacité annuelle)", null=True, blank=True)
    financement = models.CharField("financement", max_length=300, blank=True)
    date_maj = models.DateField("date de mise à jour", null=True, blank=True)
    # How to reach the service (data·inclusion v1): kept so that the catalogue answers « comment y accéder ? ».
    lien_source = models.TextField("fiche chez le producteur", blank=True)
    frais_precisions = models.TextField("précisions sur les frais", blank=True)
    publics_precisions = models.TextField("précisions sur les publics", blank=True)
    conditions_acces = models.TextField("conditions d'accès", blank=True)
    commune = models.CharField("commune", max_length=200, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    adresse = models.TextField("adresse", blank=True)
    complement_adresse = models.TextField("complément d'adresse", blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    telephone = models.CharField("téléphone", max_length=100, blank=True)
    courriel = models.CharField("courriel", max_length=254, blank=True)
    contact_nom_prenom = models.CharField("contact", max_length=300, blank=True)
    lien_mobilisation = models.TextField("lien pour mobiliser le service", blank=True)
    modes_mobilisation = models.JSONField("modes de mobilisation", default=list, blank=True)
    mobilisable_par = models.JSONField("mobilisable par", default=list, blank=True)
    mobilisation_precisions = models.TextField("précisions sur la mobilisation", blank=True)
    volume_horaire_hebdomadaire = models.FloatField("volume horaire hebdomadaire (heures)", null=True, blank=True)
    nombre_semaines = models.PositiveIntegerField("nombre de semaines", null=True, blank=True)
    horaires_accueil = models.TextField("horaires d'accueil", blank=True)
    actions = models.ManyToManyField("collection.Action", blank=True, related_name="services_offre",
                                     verbose_name="actions du PLIE correspondantes")

    class Meta:
        verbose_name = "service"
        ordering = ["nom"]
        constraints = [models.UniqueConstraint(fields=["source", "di_id"], name="service_source_id")]

    def __str__(self):
        return self.nom

    @property
    def thematiques_labels(self) -> str:
        return _labels(Thematique, self.thematiques)

    @property
    def publics_labels(self) -> str:
        return _labels(Public, self.publics)

    @property
    def modes_accueil_labels(self) -> str:
        return _labels(ModeAccueil, self.modes_accueil)

    @property
    def modes_mobilisation_labels(self) -> str:
        return _labels(ModeMobilisation, self.modes_mobilisation)

    @property
    def mobilisable_par_labels(self) -> str:
        return _labels(PersonneMobilisatrice, self.mobilisable_par)

    @property
    def commune_code(self) -> str:
        return self.code_insee or self.structure.code_insee
