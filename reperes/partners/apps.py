from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "reperes.partners"
    label = "partners"
    verbose_name = "Espace partenaires"

    def ready(self) -> None:
        from .consultations import consultations
        from .sections import register

        register(consultations)
