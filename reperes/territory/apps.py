from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "reperes.territory"
    label = "territory"
    verbose_name = "Territoire"
