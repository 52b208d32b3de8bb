from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "reperes.configuration"
    label = "configuration"
    verbose_name = "Paramètres"

    def ready(self):
        from . import checks  # noqa: F401
