"""The audit trail: who did or saw what, when. Append-only.

Events are never updated nor deleted through the application: ``save`` on an
existing event and every deletion raise. The actor's e-mail is copied so the
trail survives the deactivation or deletion of an account.
"""

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    LOGIN = "connexion", "Connexion"
    LOGIN_FAILED = "echec_connexion", "Échec de connexion"
    LOGIN_LOCKED = "connexion_bloquee", "Connexion bloquée (trop d'échecs)"
    LOGIN_UNLOCKED = "connexion_debloquee", "Connexion débloquée"
    LOGOUT = "deconnexion", "Déconnexion"
    IMPORT = "import", "Import de données"
    IMPORT_UNDO = "annulation_import", "Annulation d'un import"
    EXPORT = "export", "Export"
    REPORT = "livrable", "Génération d'un livrable"
    USER_CREATED = "utilisateur_cree", "Compte créé"
    USER_CHANGED = "utilisateur_modifie", "Compte modifié"
    ROLE_CHANGED = "role_modifie", "Rôle modifié"
    ROWS_VIEWED = "consultation_individuelle", "Consultation de données individuelles"
    SETTINGS_CHANGED = "parametres_modifies", "Paramètres modifiés"
    TERRITORY = "territoire", "Territoire modifié"
    BACKUP = "sauvegarde", "Sauvegarde"
    RESTORE = "restauration", "Restauration"
    DATA_DELETED = "suppression_donnees", "Suppression de données"
    EVALUATION = "evaluation", "Évaluation modifiée"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal d'audit ne peut pas être modifié.")

    def delete(self):
        raise PermissionError("Le journal d'audit ne peut pas être effacé.")


class AuditEvent(models.Model):
    timestamp = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="utilisateur")
    user_email = models.CharField("compte", max_length=254, blank=True)
    action = models.CharField("action", max_length=40, choices=Action.choices, db_index=True)
    target = models.CharField("objet", max_length=300, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'audit"
        ordering = ["-timestamp", "-id"]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.user_email} {self.get_action_display()} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Le journal d'audit ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal d'audit ne peut pas être effacé.")
