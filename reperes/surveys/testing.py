"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations

import datetime as dt


def sample_url_kwargs() -> dict[str, dict]:
    from .builtin import participant_form
    from .models import Campaign, Interview, Respondent, Theme
    from .services import import_form

    version = import_form(participant_form(), "participants_falc.xlsx").version
    campaign = Campaign.objects.create(name="Campagne test", form_version=version)
    respondent = Respondent.objects.create(campaign=campaign, audience="participant", pseudonym="P-0001")
    interview = Interview.objects.create(title="Entretien test", audience="elu", held_on=dt.date(2024, 3, 1),
                                         text="Texte [PERSONNE].")
    return {"surveys:form_detail": {"pk": version.pk}, "surveys:form_export": {"pk": version.pk},
            "surveys:open_answers": {"pk": version.pk},
            "surveys:campaign_detail": {"pk": campaign.pk}, "surveys:letters": {"pk": campaign.pk},
            "surveys:enter": {"pk": campaign.pk}, "surveys:answer": {"token": respondent.token},
            "surveys:interview_detail": {"pk": interview.pk},
            "surveys:theme_edit": {"pk": Theme.objects.create(code="exemple", label="Thème d'exemple").pk}}
