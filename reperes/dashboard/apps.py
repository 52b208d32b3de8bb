from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "reperes.dashboard"
    label = "dashboard"
    verbose_name = "Tableau de bord"
