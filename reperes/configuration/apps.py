from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "reperes.configuration"
    label = "configuration"
    verbose_name = "Paramètres"
