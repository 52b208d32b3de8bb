from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "reperes.offer"
    label = "offer"
    verbose_name = "Offre d'insertion"
