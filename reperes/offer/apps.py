from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "reperes.offer"
    label = "offer"
    verbose_name = "Offre d'insertion"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import shared
        from .models import Figure, Service, StatImport, Structure

        for model in (Structure, Service, Figure, StatImport):
            post_save.connect(shared.bump, sender=model, dispatch_uid=f"offre-{model.__name__}-save")
            post_delete.connect(shared.bump, sender=model, dispatch_uid=f"offre-{model.__name__}-delete")
