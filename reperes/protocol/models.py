"""The adoption of the protocol by a COPIL (the articles and their versions live in ``evaluation``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Adoption(models.Model):
    """The COPIL that adopted the protocol: while none exists, the draft is marked « Projet »."""

    comite = models.ForeignKey("evaluation.Comite", on_delete=models.CASCADE, related_name="+",
                               verbose_name="comité de pilotage")
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="enregistrée par")

    class Meta:
        verbose_name = "adoption du protocole"
        ordering = ("-recorded_at", "-pk")

    def __str__(self) -> str:
        return f"Adopté par {self.comite}"

    @classmethod
    def current(cls) -> Adoption | None:
        return cls.objects.select_related("comite").first()
