from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "reperes.collection"
    label = "collection"
    verbose_name = "Recueil des données"
