from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reperes.reports"
    label = "reports"
    verbose_name = "Livrables"
