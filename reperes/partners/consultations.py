"""The partner space's part for the evaluation: the consultations open to the partner's institution.

Registered from :class:`reperes.partners.apps.PartnersConfig.ready` in the partner space's registry
(:mod:`reperes.partners.sections`; the partner space sits above the evaluation in the layers). A partner sees, for each open consultation, its closing date, how many
recommendations its institution has answered, and the link to answer; never another institution's opinions.
"""

from __future__ import annotations

import datetime as dt

from reperes.evaluation import models as m

from .sections import Section


def consultations(request) -> Section | None:
    user = request.user
    if not user.can("give_opinion"):
        return None
    today = dt.date.today()
    open_ones = [c for c in m.ConsultationCampagne.objects.all() if c.is_open(today)]
    if not open_ones:
        return None
    institution = (user.organisation or "").strip()
    total = m.Preconisation.objects.count()
    rows = []
    for campagne in open_ones:
        answered = campagne.avis.filter(institution=institution).count() if institution else 0
        rows.append({"campagne": campagne, "answered": answered, "total": total})
    return Section("Consultations en cours", "evaluation/_partner_consultations.html",
                   {"rows": rows, "institution": institution})
