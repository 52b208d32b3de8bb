from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "reperes.partners"
    label = "partners"
    verbose_name = "Espace partenaires"
