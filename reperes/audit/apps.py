from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reperes.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
