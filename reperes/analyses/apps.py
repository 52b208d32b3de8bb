from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "reperes.analyses"
    label = "analyses"
    verbose_name = "Analyses"
