"""What the partner space shows besides the shared deliverables: one registry, filled by the other domains.

The partner space (``reperes/partners``) lists the partner versions of the deliverables the team shared. Other
domains add their own part by registering a *section provider* here, from their ``AppConfig.ready()``::

    from reperes.partners.sections import Section, register

    @register
    def consultations(request):
        open_ones = Consultation.objects.open_to(request.user.organisation)
        if not open_ones:
            return None                      # nothing to show: the section is left out
        return Section("Consultations", "committees/_partner_consultations.html", {"consultations": open_ones})

The consultations open to the partner’s institution are such a section (:mod:`reperes.partners.consultations`). A
provider only ever receives a partner-facing request: it shows aggregated, disclosure-protected data only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    title: str  # the section's heading (h2)
    template: str  # included in the page; it reads its data as ``section.context``
    context: dict = field(default_factory=dict)


_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provider ``(request) -> Section | None`` (idempotent: registering twice keeps one)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def sections_for(request) -> list[Section]:
    return [section for provider in _PROVIDERS if (section := provider(request)) is not None]
