"""Imported PLIE sheets, their values, and this PLIE's organisation (entered once)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class SheetImport(models.Model):
    """One imported file: who, when, which file, and what it did."""

    created_at = models.DateTimeField("importée le", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="par")
    user_email = models.CharField("compte", max_length=254, blank=True)
    file_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    summary = models.JSONField("résumé", default=dict, blank=True)
    fictitious = models.BooleanField("fiche fictive (démonstration)", default=False)

    class Meta:
        verbose_name = "fiche PLIE importée"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name

    @property
    def who(self) -> str:
        return self.user_email or "ligne de commande"


class SheetValue(models.Model):
    """One value of a sheet, with its source (``docs/fiche-plie.md``)."""

    sheet_import = models.ForeignKey(SheetImport, on_delete=models.CASCADE, related_name="values",
                                     verbose_name="import")
    line = models.PositiveIntegerField("ligne du fichier")
    plie = models.CharField("PLIE", max_length=200)
    annee = models.PositiveSmallIntegerField("année")
    indicateur = models.CharField("indicateur", max_length=60)
    nombre = models.FloatField("valeur numérique", null=True, blank=True)
    texte = models.TextField("valeur texte", blank=True)
    secret = models.BooleanField("masquée par son producteur (secret statistique)", default=False)
    source = models.CharField("source", max_length=500)
    date_source = models.CharField("date de la source", max_length=10)
    definition = models.TextField("définition du producteur", blank=True)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "valeur d'une fiche PLIE"
        ordering = ["plie", "annee", "indicateur", "id"]
        indexes = [models.Index(fields=["indicateur", "annee"]), models.Index(fields=["plie", "annee"])]

    def __str__(self):
        return f"{self.plie} {self.annee} {self.indicateur}"


class Organisation(models.Model):
    """This PLIE's organisation, entered once by the team; it goes into the exported sheet. One row."""

    structure_porteuse = models.CharField("structure porteuse", max_length=200, blank=True,
                                          help_text="Par exemple « Maison de l’emploi », « association », "
                                                    "« EPCI ».")
    gouvernance = models.TextField("gouvernance", blank=True,
                                   help_text="Les instances du PLIE et qui les préside.")
    referents_etp = models.FloatField("référents de parcours (ETP)", null=True, blank=True,
                                      validators=[MinValueValidator(0)])
    budget_total_euros = models.FloatField("budget annuel (€)", null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    part_fse_pourcent = models.FloatField("part du FSE+ dans le budget (%)", null=True, blank=True,
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    pratiques = models.TextField("pratiques remarquables", blank=True,
                                 help_text="Une pratique par ligne.")
    source = models.CharField("source de ces valeurs", max_length=300, blank=True,
                              help_text="Par exemple « Rapport d’activité 2019 du PLIE ».")
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    class Meta:
        verbose_name = "organisation du PLIE"

    def __str__(self):
        return self.structure_porteuse or "organisation du PLIE"

    @classmethod
    def get(cls) -> "Organisation":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def practices(self) -> list[str]:
        return [line.strip() for line in self.pratiques.splitlines() if line.strip()]
