"""The public answering page: no account, notice, progress, single use, escaping, rate limit; staff entry."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from reperes.surveys.models import Campaign, Respondent, Response
from reperes.surveys.services import add_participants

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def campaign(participant_version):
    return Campaign.objects.create(name="Avis 2024", form_version=participant_version)


def url(respondent):
    return reverse("surveys:answer", kwargs={"token": respondent.token})


def test_anonymous_visitor_sees_form_and_notice(client, campaign):
    respondent = add_participants(campaign, 1)[0]
    page = client.get(url(respondent)).content.decode()
    assert "Vos réponses et vos droits" in page and "Combien de temps" in page
    assert '<legend>' in page and 'for="q-change"' in page


def test_submit_once_then_refused(client, campaign):
    respondent = add_participants(campaign, 1)[0]
    response = client.post(url(respondent), {"content": "3", "aide": ["referent", "stage"], "change": "Tout",
                                             "action": "submit"})
    assert response.status_code == 200 and "Merci" in response.content.decode()
    stored = Response.objects.get()
    assert stored.answers["aide"] == ["referent", "stage"] and stored.respondent == respondent
    again = client.post(url(respondent), {"content": "1", "action": "submit"})
    assert again.status_code == 410 and "Réponse déjà envoyée" in again.content.decode()
    assert Response.objects.count() == 1


def test_guessed_token_gets_clear_page_and_no_data(client, campaign):
    add_participants(campaign, 1)
    response = client.get(reverse("surveys:answer", kwargs={"token": "devine-devine-devine"}))
    page = response.content.decode()
    assert response.status_code == 404 and "Lien inconnu" in page
    assert "Avis 2024" not in page and "<form" not in page.split("</header>")[1]


def test_expired_campaign_refused(client, campaign):
    import datetime as dt

    campaign.closes_on = dt.date(2020, 1, 1)
    campaign.save()
    respondent = add_participants(campaign, 1)[0]
    response = client.get(url(respondent))
    assert response.status_code == 410 and "close" in response.content.decode()


def test_progress_is_saved(client, campaign):
    respondent = add_participants(campaign, 1)[0]
    client.post(url(respondent), {"change": "Début de réponse", "action": "save"})
    respondent.refresh_from_db()
    assert respondent.draft == {"change": "Début de réponse"} and respondent.answered_at is None
    assert "Début de réponse" in client.get(url(respondent)).content.decode()


def test_anonymous_campaign_does_not_link_answers(client, participant_version):
    campaign = Campaign.objects.create(name="Anonyme", form_version=participant_version, anonymous=True)
    respondent = add_participants(campaign, 1)[0]
    client.post(url(respondent), {"change": "Rien", "action": "submit"})
    stored = Response.objects.get()
    assert stored.respondent is None and stored.audience == "participant"
    respondent.refresh_from_db()
    assert respondent.answered_at is not None and respondent.draft == {}


def test_html_and_long_answers_are_stored_and_escaped(client_admin, client, campaign):
    respondent = add_participants(campaign, 1)[0]
    attack = "<script>alert('x')</script>" + "é" * 6000
    client.post(url(respondent), {"change": attack, "action": "save"})
    page = client.get(url(respondent)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    client.post(url(respondent), {"change": attack, "action": "submit"})
    assert Response.objects.get().answers["change"] == attack


def test_errors_are_linked_to_their_question(client, partner_version):
    campaign = Campaign.objects.create(name="Partenaires", form_version=partner_version)
    respondent = Respondent.objects.create(campaign=campaign, audience="acteur", name="A", email="a@b.fr")
    response = client.post(url(respondent), {"public": "acteur", "acteur_orientations": "-5", "action": "submit"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="q-acteur_orientations-condition q-acteur_orientations-erreur"' in page and "entre 0 et 9" in page
    missing = client.post(url(respondent), {"action": "submit"}).content.decode()
    assert "Cette question est obligatoire" in missing and 'id="q-public-erreur"' in missing


def test_irrelevant_answers_are_dropped(client, partner_version):
    campaign = Campaign.objects.create(name="Partenaires", form_version=partner_version)
    respondent = Respondent.objects.create(campaign=campaign, audience="elu", name="A", email="a@b.fr")
    client.post(url(respondent), {"public": "elu", "acteur_orientations": "12", "elu_priorites": "Mobilité",
                                  "action": "submit"})
    answers = Response.objects.get().answers
    assert answers["elu_priorites"] == "Mobilité" and "acteur_orientations" not in answers


def test_rate_limited(client, campaign):
    from reperes.surveys.views import RATE_LIMIT

    for _ in range(RATE_LIMIT):
        client.get(reverse("surveys:answer", kwargs={"token": "x" * 20}))
    assert client.get(reverse("surveys:answer", kwargs={"token": "x" * 20})).status_code == 429


def test_staff_enter_paper_answer(client_charge, campaign):
    respondent = add_participants(campaign, 1)[0]
    response = client_charge.post(reverse("surveys:enter", kwargs={"pk": campaign.pk}), {
        "source": "papier", "audience": "participant", "respondent": respondent.pk, "content": "4"})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.source == "papier" and stored.answers == {"content": "4"}
    respondent.refresh_from_db()
    assert respondent.answered_at is not None


def test_rates_and_reminders(client_charge, campaign):
    from reperes.surveys.services import add_partner, response_rates, to_remind

    people = add_participants(campaign, 4)
    partner = add_partner(campaign, name="Mairie de Toul", email="elu@toul.test", audience="elu")
    client_charge.post(reverse("surveys:enter", kwargs={"pk": campaign.pk}), {
        "source": "telephone", "audience": "participant", "respondent": people[0].pk})
    rates = {r["audience"]: r for r in response_rates(campaign)}
    assert rates["participant"]["answered"] == 1 and rates["participant"]["rate"] == 0.25
    assert partner in to_remind(campaign) and people[0] not in to_remind(campaign)
    page = client_charge.get(reverse("surveys:campaign_detail", kwargs={"pk": campaign.pk})).content.decode()
    assert "25,0" in page and "elu@toul.test" in page


def test_letters_have_qr_codes(client_charge, campaign):
    add_participants(campaign, 2)
    page = client_charge.get(reverse("surveys:letters", kwargs={"pk": campaign.pk})).content.decode()
    assert page.count("<svg") == 2 and "P-0002" in page


def test_partner_cannot_see_campaigns(client_partner, campaign):
    assert client_partner.get(reverse("surveys:campaign_detail", kwargs={"pk": campaign.pk})).status_code == 403
