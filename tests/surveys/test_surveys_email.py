"""Surveys from the web: built-in questionnaires in one click, invitations and reminders by e-mail, answer rates."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from reperes.audit.models import AuditEvent
from reperes.surveys.models import Campaign, Form, Respondent, Response
from reperes.surveys.services import add_participants, add_partner, submit

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/enquetes/repondre/([\w-]+)/")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def campaign(partner_version):
    campaign = Campaign.objects.create(name="Partenaires 2024", form_version=partner_version)
    add_partner(campaign, name="Mairie de Toul", email="mairie@toul.test", audience="elu")
    add_partner(campaign, name="Mission locale", email="ml@terres.test", audience="acteur")
    return campaign


def test_builtin_questionnaires_install_in_one_click(client_charge):
    home = client_charge.get(reverse("surveys:home")).content.decode()
    assert "reperes survey builtin" not in home
    assert "Installer les questionnaires fournis" in home
    response = client_charge.post(reverse("surveys:builtin_install"))
    assert response.status_code == 302
    assert set(Form.objects.values_list("form_id", flat=True)) == {
        "partenaires", "participants_falc", "guide_entretien_elu", "guide_entretien_institution",
        "guide_entretien_acteur"}
    assert Form.objects.get(form_id="participants_falc").title == "Votre avis sur votre parcours"
    # a second click changes nothing: same files, same versions
    client_charge.post(reverse("surveys:builtin_install"))
    assert all(form.versions.count() == 1 for form in Form.objects.all())
    assert "Mettre à jour les questionnaires fournis" in client_charge.get(reverse("surveys:home")).content.decode()


def test_partner_cannot_install_questionnaires(client_partner):
    assert client_partner.post(reverse("surveys:builtin_install")).status_code == 403
    assert not Form.objects.exists()


def test_invitations_one_message_per_recipient_with_its_own_working_link(client_charge, client, campaign):
    add_participants(campaign, 2)  # pseudonymous participants have no address: no message
    response = client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "invite"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["mairie@toul.test", "ml@terres.test"]
    tokens = {}
    for message in mail.outbox:
        assert len(message.to) == 1
        assert "courrier" not in message.body
        found = LINK.findall(message.body)
        assert len(found) == 1
        tokens[message.to[0]] = found[0]
    for email, token in tokens.items():
        assert Respondent.objects.get(email=email).token == token
        page = client.get(f"/enquetes/repondre/{token}/")
        assert page.status_code == 200 and "Questionnaire partenaires" in page.content.decode()
    assert tokens["mairie@toul.test"] != tokens["ml@terres.test"]
    assert "Bonjour Mairie de Toul" in next(m.body for m in mail.outbox if m.to == ["mairie@toul.test"])
    assert Respondent.objects.filter(invited_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="export", target=f"campagne {campaign.pk}").exists()
    # sending again writes to nobody twice
    client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "invite"})
    assert len(mail.outbox) == 2


def test_reminders_go_only_to_those_invited_who_have_not_answered(client_charge, campaign):
    client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "invite"})
    submit(Respondent.objects.get(email="mairie@toul.test"), {"public": "elu"})
    mail.outbox.clear()
    client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "remind"})
    assert [m.to for m in mail.outbox] == [["ml@terres.test"]]
    assert mail.outbox[0].subject.startswith("Rappel")
    assert Respondent.objects.get(email="ml@terres.test").reminded_at is not None
    assert Respondent.objects.get(email="mairie@toul.test").reminded_at is None


def test_no_mail_server_says_so_in_french_and_sends_nothing(client_charge, campaign, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    page = client_charge.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Aucun serveur de courriel n’est configuré" in page
    response = client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "invite"},
                                  follow=True)
    assert "rien n’a été envoyé" in response.content.decode()
    assert mail.outbox == [] and not Respondent.objects.filter(invited_at__isnull=False).exists()


def test_a_refusing_server_keeps_those_sent_and_says_what_to_check(client_charge, campaign, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse_second(self, messages):
        if len(mail.outbox) >= 1:
            raise smtplib.SMTPServerDisconnected("bye")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_second)
    response = client_charge.post(reverse("surveys:campaign_detail", args=[campaign.pk]), {"action": "invite"},
                                  follow=True)
    page = response.content.decode()
    assert "1 invitation envoyée" in page and "refusé l’envoi après 1 message" in page
    assert Respondent.objects.filter(invited_at__isnull=False).count() == 1


def test_answer_rate_per_campaign_on_the_surveys_page(client_charge, campaign, participant_version):
    # 2 partners + 2 participants, 1 answer → 25 %; a second campaign 1 of 1 → 100 %
    participants = add_participants(campaign, 2)
    submit(participants[0], {})
    other = Campaign.objects.create(name="Avis participants", form_version=participant_version)
    submit(add_participants(other, 1)[0], {})
    Campaign.objects.create(name="Vide", form_version=participant_version)
    page = client_charge.get(reverse("surveys:home")).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'campagnes/\d+/">([^<]+)</a>.*?<td class="rp-num">\s*([^<]+?)\s*</td>\s*</tr>', page, re.S)}
    assert rows["Partenaires 2024"].replace("\u202f", " ").replace("\xa0", " ") == "25,0 %"
    assert rows["Avis participants"].replace("\u202f", " ").replace("\xa0", " ") == "100,0 %"
    assert rows["Vide"] == "–"
    assert Response.objects.count() == 2


def test_answer_page_fits_an_emailed_link_and_a_phone(client, campaign):
    respondent = Respondent.objects.get(email="ml@terres.test")
    page = client.get(f"/enquetes/repondre/{respondent.token}/").content.decode()
    assert "courrier" not in page
    assert "l’équipe du PLIE qui vous a transmis ce lien" in page
    textareas = re.findall(r"<textarea[^>]*>", page)
    assert textareas and all('rows="6"' in t for t in textareas)
