"""What every partner sees, computed once per data version: the same protected figures for everyone.

The « Territoire », « Matrice » and « Acteurs » pages (and the dashboard) are the
same for every partner: their context is computed once per data version
(``analyses.services.data_version``: participants, étapes, settings, territory),
offer generation (bumped by every change of a structure, a service or a
statistic) and query string, and kept in the shared cache (a folder of the data
directory, read by every server process). Staff pages (raw figures) are never
cached here.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache

GENERATION_KEY = "offre:generation"
TIMEOUT = 3600


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else 0


def bump(*args, **kwargs) -> None:
    """A structure, a service or a statistic changed: every cached partner page is stale (signal receiver)."""
    cache.set(GENERATION_KEY, generation() + 1, None)


def offer_state() -> list:
    """Rows and latest id of each offer table: with the generation (edits), what the offer pages show."""
    from django.db.models import Count, Max

    from .models import Figure, Service, StatImport, Structure

    return [sorted(m.objects.aggregate(n=Count("pk"), last=Max("pk")).items())
            for m in (Structure, Service, Figure, StatImport)]


def shared(name: str, request, build, *extra):
    """``build()`` for staff; for partners, the cached result of ``build()`` for this page and query."""
    if request.user.can("view_raw_aggregates"):
        return build()
    from reperes.analyses.services import data_version
    from reperes.configuration.models import Installation

    installation = Installation.get()  # its default period and threshold shape every page
    key = "partenaires:" + hashlib.sha256(json.dumps(
        [name, sorted(request.GET.lists()), data_version(), generation(), offer_state(),
         installation.default_period(), installation.seuil, installation.plie_name, *extra], default=str).encode()
    ).hexdigest()
    context = cache.get(key)
    if context is None:
        context = build()
        cache.set(key, context, TIMEOUT)
    return context
