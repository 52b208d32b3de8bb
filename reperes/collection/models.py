"""Participant, pathway, action and exit data, as the exchange format defines them.

Identifiers of participants are stored only as keyed hashes (``reperes.privacy``).
Code fields hold référentiel codes; their labels come from ``reperes.referentiel``.
"""

from django.conf import settings
from django.db import models

from reperes import referentiel as ref


class ImportRunQuerySet(models.QuerySet):
    def history(self):
        """The imports: every run but validation-only ones (``--dry-run``), which are kept apart."""
        return self.exclude(mode=DRY_RUN)

    def validations(self):
        """Validation-only runs: nothing stored, listed apart from the history."""
        return self.filter(mode=DRY_RUN)


DRY_RUN = "dry_run"  # ImportRun.mode of a validation-only run (importer.mode_of)


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "en_cours", "En cours"
        OK = "ok", "Toutes les lignes acceptées"
        PARTIAL = "partial", "Lignes rejetées"
        REFUSED = "refused", "Fichier refusé"
        UNDONE = "annule", "Annulé"
        INTERRUPTED = "interrompu", "Interrompu"

    created_at = models.DateTimeField("date", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             verbose_name="importé par")
    source_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    mode = models.CharField("mode", max_length=20, default="normal")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.RUNNING)
    stored = models.BooleanField("enregistré", default=False)
    report = models.JSONField("rapport", default=dict, blank=True)
    # The process running the import (``host:pid:start``, see reperes.background).
    process = models.CharField("processus", max_length=120, blank=True, editable=False)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import {self.pk} — {self.source_name}"

    MODE_LABELS = {
        "normal": "Import (lignes valides enregistrées)",
        "dry_run": "Validation seule (rien n'est enregistré)",
        "strict": "Import strict (rien n'est enregistré si une ligne est rejetée)",
        "replace": "Remplacement de toutes les données",
        "replace+strict": "Remplacement de toutes les données, strict",
    }

    @property
    def mode_label(self) -> str:
        return self.MODE_LABELS.get(self.mode, self.mode)

    @property
    def is_validation(self) -> bool:
        return self.mode == "dry_run"

    @property
    def status_label(self) -> str:
        """The status in words; a validation-only run is not a failed import."""
        if self.is_validation and self.status in (self.Status.OK, self.Status.PARTIAL):
            return ("Validation seule : toutes les lignes sont valides" if self.status == self.Status.OK
                    else "Validation seule : des lignes sont à corriger")
        return self.get_status_display()

    def table_counts(self) -> dict:
        return self.report.get("tables", {})

    @property
    def accepted_total(self) -> int:
        return sum(t.get("accepted", 0) for t in self.table_counts().values())

    @property
    def rejected_total(self) -> int:
        return sum(t.get("rejected", 0) for t in self.table_counts().values())


class Action(models.Model):
    id_action = models.CharField("identifiant", max_length=64, unique=True)
    intitule = models.CharField("intitulé", max_length=300)
    axe = models.CharField("axe", max_length=200, blank=True)
    famille = models.CharField("famille", max_length=20, choices=ref.FAMILLE_ETAPE.choices(), blank=True)
    operateur = models.CharField("opérateur", max_length=200, blank=True)
    territoire = models.JSONField("territoire", default=list, blank=True)
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)
    budget_total = models.DecimalField("budget total", max_digits=14, decimal_places=2, null=True, blank=True)
    financement_fse = models.DecimalField("financement FSE", max_digits=14, decimal_places=2, null=True, blank=True)
    autres_financements = models.DecimalField("autres financements", max_digits=14, decimal_places=2, null=True,
                                              blank=True)
    places_prevues = models.PositiveIntegerField("places prévues", null=True, blank=True)
    experimentale = models.BooleanField("expérimentale", null=True, blank=True)
    theme_experimentation = models.CharField("thème de l'expérimentation", max_length=200, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "action"
        ordering = ["id_action"]

    def __str__(self):
        return self.intitule


class ParticipantQuerySet(models.QuerySet):
    def accompagnes(self, debut, fin):
        """indicateurs.md « accompagnés »: entered by the end, not left before the start (bounds included)."""
        return self.filter(models.Q(date_entree__lte=fin)
                           & (models.Q(date_sortie__isnull=True) | models.Q(date_sortie__gte=debut)))


class Participant(models.Model):
    """One parcours (a person may have several: ``personne_hash``)."""

    # Unique by a constraint, indexed by Meta.indexes: on PostgreSQL, ``unique``/``db_index`` on a
    # CharField add a second (``_like``) index that no query uses and every insert maintains.
    id_hash = models.CharField("identifiant pseudonymisé", max_length=64)
    personne_hash = models.CharField("personne (pseudonymisée)", max_length=64, blank=True)
    sexe = models.CharField("sexe", max_length=1, choices=ref.SEXE.choices())
    annee_naissance = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    age_entree = models.PositiveSmallIntegerField("âge à l'entrée", null=True, blank=True)
    commune_residence = models.CharField("commune de résidence", max_length=5)
    epci_siren = models.CharField("EPCI de résidence", max_length=9, blank=True)
    qpv = models.BooleanField("QPV", null=True, blank=True)
    niveau_formation = models.CharField("niveau de formation", max_length=20,
                                        choices=ref.NIVEAU_FORMATION.choices())
    situation_entree = models.CharField("situation à l'entrée", max_length=20,
                                        choices=ref.SITUATION_ENTREE.choices())
    anciennete_chomage_mois = models.PositiveIntegerField("ancienneté de chômage (mois)", null=True, blank=True)
    criteres = models.JSONField("critères", default=list, blank=True)
    freins_entree = models.JSONField("freins à l'entrée", default=list, blank=True)
    prescripteur = models.CharField("prescripteur", max_length=30, choices=ref.PRESCRIPTEUR.choices(), blank=True)
    referent = models.CharField("référent", max_length=64, blank=True)
    date_entree = models.DateField("date d'entrée", db_index=True)
    date_sortie = models.DateField("date de sortie", null=True, blank=True, db_index=True)
    motif_sortie = models.CharField("motif de sortie", max_length=30, choices=ref.MOTIF_SORTIE.choices(),
                                    blank=True)
    duree_emploi_mois = models.FloatField("durée dans l'emploi (mois)", null=True, blank=True)
    situation_6_mois = models.CharField("situation à 6 mois", max_length=20,
                                        choices=ref.SITUATION_6_MOIS.choices(), blank=True)
    date_situation_6_mois = models.DateField("date de la situation à 6 mois", null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "participant"
        ordering = ["date_entree", "id"]
        # On an expression (the column itself): a unique *index* on SQLite too, which a first large import drops
        # and rebuilds in one sorted pass (``importer.store.bulk_load``); a ``fields`` constraint is part of
        # SQLite's table, and its B-tree is then filled one random digest at a time.
        constraints = [models.UniqueConstraint(models.F("id_hash"), name="participant_identity")]
        indexes = [models.Index(fields=["personne_hash"], name="participant_personne")]

    def __str__(self):
        return f"Parcours {self.id_hash[:10]}"

    @property
    def categorie_sortie(self) -> str | None:
        return ref.category_of(self.motif_sortie)


class Etape(models.Model):
    etape_key = models.CharField("identifiant pseudonymisé de l'étape", max_length=64)  # unique: Meta
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="etapes")
    type_etape = models.CharField("type d'étape", max_length=40, choices=ref.TYPE_ETAPE.choices())
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="etapes")
    operateur = models.CharField("opérateur", max_length=200, blank=True)
    resultat = models.CharField("résultat", max_length=20, choices=ref.RESULTAT_ETAPE.choices(), blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "étape"
        ordering = ["date_debut", "id"]
        constraints = [models.UniqueConstraint(models.F("etape_key"), name="etape_identity")]  # see Participant

    def __str__(self):
        return f"{ref.TYPE_ETAPE.label(self.type_etape)} ({self.date_debut:%d/%m/%Y})"

    @property
    def famille(self) -> str | None:
        return ref.family_of(self.type_etape)


class SuiviFrein(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="suivi_freins")
    date = models.DateField("date")
    frein = models.CharField("frein", max_length=30, choices=ref.FREINS.choices())
    niveau = models.PositiveSmallIntegerField("niveau", choices=[(int(c), lbl) for c, lbl in
                                                                   ref.NIVEAU_FREIN.choices()])
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "suivi de frein"
        constraints = [models.UniqueConstraint(fields=["participant", "frein", "date"], name="suivi_frein_identity")]

    def __str__(self):
        return f"{ref.FREINS.label(self.frein)} : niveau {self.niveau} ({self.date:%d/%m/%Y})"


class Acquis(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="acquis")
    date = models.DateField("date")
    type_acquis = models.CharField("type d'acquis", max_length=30, choices=ref.TYPE_ACQUIS.choices())
    commentaire = models.CharField("commentaire", max_length=500, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "acquis"
        verbose_name_plural = "acquis"
        constraints = [models.UniqueConstraint(fields=["participant", "type_acquis", "date"],
                                               name="acquis_identity")]

    def __str__(self):
        return f"{ref.TYPE_ACQUIS.label(self.type_acquis)} ({self.date:%d/%m/%Y})"


class MappingProfile(models.Model):
    """How to read another software's export: source header → exchange column, source value → code.

    Applied by ``run_import(mapping=…)`` right after reading (``reperes.collection.mapping``, which reads
    it with ``as_profile``: the model knows nothing of the mapping module, which looks it up by name).
    """

    name = models.CharField("nom", max_length=100, unique=True)
    columns = models.JSONField("colonnes (en-tête source → colonne du format)", default=dict, blank=True)
    values = models.JSONField("valeurs (colonne du format → valeur source → code)", default=dict, blank=True)
    # Per table: defaults, filters, grouping… (``tables`` of a version 2 profile, docs/profils-de-correspondance.md).
    rules = models.JSONField("règles par table (valeurs par défaut, filtres…)", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="créé par")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "profil de correspondance"
        verbose_name_plural = "profils de correspondance"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportSnapshot(models.Model):
    """The previous state of the rows an import run touched, kept so that the run can be undone.

    Filled set-wise by ``collection.importer.store`` before the upserts; only the
    last few stored runs keep one (``collection.importer.undo.UNDO_DEPTH``).
    """

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="snapshot")
    created_at = models.DateTimeField(auto_now_add=True)
    replace = models.BooleanField(default=False)

    class Meta:
        verbose_name = "état avant import"

    def __str__(self):
        return f"État avant l'import {self.run_id}"


class ImportSnapshotRow(models.Model):
    """One row as it was before a run changed it (``data``: its column values)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=30)
    row_id = models.BigIntegerField()
    participant_pk = models.BigIntegerField(null=True, db_index=True)  # to forget a participant (GDPR)
    data = models.JSONField()

    class Meta:
        verbose_name = "ligne avant import"
        indexes = [models.Index(fields=["run", "model"], name="snapshot_run_model")]

    def __str__(self):
        return f"{self.model} {self.row_id} avant l'import {self.run_id}"
