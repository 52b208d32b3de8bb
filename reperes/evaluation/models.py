"""What the evaluation register stores (docs/evaluation.md, contract ``reperes-evaluation/1``).

The chain: question → constat (finding, with its preuves) → préconisation
(recommendation) → décision of a comité → action and its follow-up → article
of the protocol. Every object of the file with an ``id`` keeps it in ``code``:
a re-import updates it, never duplicates it.

A recommendation's current text and standing decision are not stored: they
follow from the committees' decisions (``standing.py``), so they can never
disagree with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reperes.referentiel import evaluation as voc


class Question(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    critere = models.CharField("critère", max_length=20, choices=voc.choices(voc.CRITERES))
    texte = models.TextField("question")
    position = models.PositiveIntegerField("ordre", default=0)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "question évaluative"
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.code} – {self.texte}"


class Constat(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    texte = models.TextField("constat")
    questions = models.ManyToManyField(Question, related_name="constats", verbose_name="questions")
    position = models.PositiveIntegerField("ordre", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "constat"
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.code} – {self.texte[:60]}"


class Preuve(models.Model):
    """One piece of evidence of a finding. The fields used depend on ``type`` (docs/evaluation.md).

    ``valeur_initiale`` is the value when the evidence was retained (or given by
    the file): the resolution compares it with the value computed now and flags
    « à revoir », never replacing it.
    """

    constat = models.ForeignKey(Constat, on_delete=models.CASCADE, related_name="preuves")
    type = models.CharField("type", max_length=20, choices=voc.choices(voc.PREUVE_TYPES))
    position = models.PositiveIntegerField("ordre", default=0)
    # indicateur (and benchmark)
    indicateur = models.CharField("indicateur", max_length=120, blank=True)
    debut = models.DateField("début de la période", null=True, blank=True)
    fin = models.DateField("fin de la période", null=True, blank=True)
    filtres = models.JSONField("filtres", default=dict, blank=True)  # {"epci": …, "profil": "sexe:Femme"}
    valeur_initiale = models.JSONField("valeur retenue", null=True, blank=True)
    # matrice
    besoin = models.CharField("frein", max_length=40, blank=True)
    epci = models.CharField("EPCI (SIREN)", max_length=20, blank=True)
    # verbatim
    theme = models.CharField("thème", max_length=60, blank=True)
    texte = models.TextField("texte", blank=True)
    # benchmark
    plie = models.CharField("PLIE", max_length=200, blank=True)
    annee = models.PositiveIntegerField("année", null=True, blank=True)
    # document
    titre = models.CharField("titre", max_length=300, blank=True)
    source = models.CharField("source", max_length=1000, blank=True)
    # where and when it was retained in the application
    origine = models.CharField("retenue depuis", max_length=300, blank=True)
    retenue_le = models.DateTimeField("retenue le", null=True, blank=True)
    retenue_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="retenue par")

    class Meta:
        verbose_name = "preuve"
        ordering = ("constat", "position", "pk")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.identity()}"

    def identity(self) -> tuple:
        """What makes two evidence items the same (a re-import keeps the value recorded earlier)."""
        return (self.type, self.indicateur, self.debut, self.fin, self.besoin, self.epci, self.theme, self.texte,
                self.plie, self.annee, self.titre, self.source)


class Preconisation(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("titre", max_length=300)
    texte = models.TextField("texte proposé")
    constats = models.ManyToManyField(Constat, related_name="preconisations", verbose_name="constats")
    priorite = models.CharField("priorité", max_length=10, choices=voc.choices(voc.PRIORITES))
    horizon = models.CharField("horizon", max_length=20, help_text="Une année ou une période, par exemple 2021-2025.")
    pilote = models.CharField("pilote", max_length=300)
    article = models.CharField("article du protocole", max_length=20, choices=voc.choices(voc.ARTICLES))
    cible_indicateur = models.CharField("indicateur cible", max_length=120, blank=True)
    cible_valeur = models.FloatField("valeur cible", null=True, blank=True)
    cible_echeance = models.DateField("échéance", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "préconisation"
        ordering = ("numero", "pk")

    def __str__(self) -> str:
        return f"{self.numero}. {self.titre}"

    @property
    def has_cible(self) -> bool:
        return bool(self.cible_indicateur)


class Comite(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    type = models.CharField("type", max_length=20, choices=voc.choices(voc.COMITE_TYPES))
    date = models.DateField("date")
    intitule = models.CharField("intitulé", max_length=300)
    releve = models.TextField("relevé de décisions", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)  # order in the file: breaks ties between dates
    # what the convocation needs (fields of the application, beyond the file)
    heure_debut = models.TimeField("heure de début", null=True, blank=True)
    heure_fin = models.TimeField("heure de fin", null=True, blank=True)
    lieu = models.CharField("lieu", max_length=300, blank=True)
    ordre_du_jour = models.TextField("ordre du jour", blank=True, help_text="Un point par ligne.")

    class Meta:
        verbose_name = "comité"
        ordering = ("date", "position", "pk")

    def __str__(self) -> str:
        return self.intitule


class ComiteMembre(models.Model):
    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="membres")
    institution = models.CharField("institution", max_length=300)
    present = models.BooleanField("présente", default=False)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "membre du comité"
        ordering = ("comite", "position", "pk")

    def __str__(self) -> str:
        return self.institution


class ComiteDocument(models.Model):
    """A document presented to a committee, with the SHA-256 of the file presented."""

    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField("titre", max_length=300)
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    fichier = models.FileField("fichier", upload_to="evaluation/comites/", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "document présenté"
        ordering = ("comite", "position", "pk")

    def __str__(self) -> str:
        return self.titre


class Decision(models.Model):
    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="decisions")
    preconisation = models.ForeignKey(Preconisation, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField("décision", max_length=20, choices=voc.choices(voc.DECISIONS))
    motif = models.TextField("motif", blank=True)
    texte_amende = models.TextField("texte amendé", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "décision"
        ordering = ("comite__date", "comite__position", "comite__pk", "position", "pk")
        constraints = [models.UniqueConstraint(fields=["comite", "preconisation"], name="evaluation_one_decision")]

    def __str__(self) -> str:
        return f"{self.preconisation.code} : {self.get_decision_display()}"


class Action(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    preconisation = models.ForeignKey(Preconisation, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField("action")
    responsable = models.CharField("responsable", max_length=300)
    echeance = models.DateField("échéance")
    statut = models.CharField("statut", max_length=40, choices=voc.choices(voc.ACTION_STATUTS))

    class Meta:
        verbose_name = "action de suivi"
        ordering = ("preconisation__numero", "echeance", "pk")

    def __str__(self) -> str:
        return self.action[:80]


class ActionStatut(models.Model):
    """One change of an action's status (the history the export always carries)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="historique")
    statut = models.CharField("statut", max_length=40, choices=voc.choices(voc.ACTION_STATUTS))
    date = models.DateField("date")
    auteur = models.CharField("auteur", max_length=300, blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ("action", "date", "position", "pk")

    def __str__(self) -> str:
        return f"{self.date} {self.statut}"


class ConsultationCampagne(models.Model):
    """A consultation of the partners opened by the team, with its dates (before a committee, usually the COPIL)."""

    intitule = models.CharField("intitulé", max_length=300)
    ouverture = models.DateField("ouverture")
    cloture = models.DateField("clôture")
    comite = models.ForeignKey(Comite, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations",
                               verbose_name="comité préparé")
    created_at = models.DateTimeField("ouverte le", auto_now_add=True)

    class Meta:
        verbose_name = "consultation des partenaires"
        ordering = ("-ouverture", "-pk")

    def __str__(self) -> str:
        return self.intitule

    def is_open(self, today) -> bool:
        return self.ouverture <= today <= self.cloture


class Consultation(models.Model):
    """A partner's opinion on a recommendation before a committee (never in the --diffusion export)."""

    campagne = models.ForeignKey(ConsultationCampagne, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="avis", verbose_name="consultation")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="auteur")
    preconisation = models.ForeignKey(Preconisation, on_delete=models.CASCADE, related_name="consultations")
    institution = models.CharField("institution", max_length=300)
    avis = models.CharField("avis", max_length=20, choices=voc.choices(voc.AVIS))
    commentaire = models.TextField("commentaire", blank=True)
    date = models.DateField("date")

    class Meta:
        verbose_name = "consultation"
        ordering = ("preconisation__numero", "date", "pk")
        constraints = [models.UniqueConstraint(fields=["preconisation", "institution", "date"],
                                               name="evaluation_one_opinion")]

    def __str__(self) -> str:
        return f"{self.institution} : {self.get_avis_display()}"


class Jalon(models.Model):
    code = models.CharField("identifiant", max_length=40, unique=True)
    intitule = models.CharField("intitulé", max_length=300)
    date = models.DateField("date")
    statut = models.CharField("statut", max_length=20, choices=voc.choices(voc.JALON_STATUTS))

    class Meta:
        verbose_name = "jalon"
        ordering = ("date", "pk")

    def __str__(self) -> str:
        return self.intitule


class Protocole(models.Model):
    """One row: the protocol being rewritten (``protocole`` of the file)."""

    titre = models.CharField("titre", max_length=300, blank=True)
    debut = models.PositiveIntegerField("première année", null=True, blank=True)
    fin = models.PositiveIntegerField("dernière année", null=True, blank=True)
    signataires = models.JSONField("signataires", default=list, blank=True)
    preambule = models.TextField("préambule", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "protocole"

    def __str__(self) -> str:
        return self.titre or "Protocole"

    @classmethod
    def get(cls) -> Protocole:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class CiblePrecedente(models.Model):
    """A target of the previous protocol, compared in the draft with the value computed on its period."""

    indicateur = models.CharField("indicateur", max_length=120)
    cible = models.FloatField("cible")
    debut = models.DateField("début")
    fin = models.DateField("fin")
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "cible du protocole précédent"
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.indicateur


class Valorisation(models.Model):
    """A row of the grid for valuing exits other than positive."""

    motif = models.CharField("motif de sortie", max_length=40, unique=True)
    valorisation = models.TextField("valorisation")
    justificatif = models.TextField("justificatif", blank=True)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "valorisation d'une sortie"
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.motif


class Article(models.Model):
    """An article of the draft protocol: its text, generated then edited (each edit kept as a version)."""

    cle = models.CharField("article", max_length=20, unique=True, choices=voc.choices(voc.ARTICLES))
    texte = models.TextField("texte", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="modifié par")

    class Meta:
        verbose_name = "article du protocole"

    def __str__(self) -> str:
        return self.get_cle_display()


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    texte = models.TextField("texte")
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="auteur")

    class Meta:
        verbose_name = "version d'un article"
        ordering = ("article", "-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.article} ({self.created_at:%Y-%m-%d})"
