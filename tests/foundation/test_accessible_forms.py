"""Accessibility beyond axe: every help and error text is linked to its field, radio groups are fieldsets.

Each page of the application is parsed (as an administrator, who reaches them all, and with forms sent back
with errors): every id named by an ``aria-describedby`` exists; every help text (``.rp-help``) and error list
(``.rp-errorlist``) of a field is named by the ``aria-describedby`` of that field; every radio button, and every
group of checkboxes sharing a name, sits in a fieldset with a non-empty legend; one menu item at most is current.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import html
from test_authorisation import EXPECTED, objects, url_for  # noqa: F401 (objects is a fixture)

pytestmark = pytest.mark.django_db

SKIPPED = {"accounts:logout", "configuration:logo"}


def problems(content: str) -> list[str]:
    tree = html.fromstring(content)
    found = []
    ids = set(tree.xpath("//@id"))
    described: dict[str, object] = {}
    for element in tree.xpath("//*[@aria-describedby]"):
        for ref in element.get("aria-describedby").split():
            if ref not in ids:
                found.append(f"aria-describedby → « {ref} » absent ({element.tag} {element.get('name')})")
            described[ref] = element
    for text in tree.xpath("//*[contains(concat(' ', @class, ' '), ' rp-field ')]//*[contains(concat(' ', @class, "
                           "' '), ' rp-help ') or contains(concat(' ', @class, ' '), ' rp-errorlist ')]"):
        if text.xpath("ancestor::label or ancestor::legend"):
            continue  # part of the label itself (« (obligatoire) »), read with it
        if text.get("id") not in described:
            found.append(f"texte non relié à son champ : « {text.text_content().strip()[:60]} »")
    for radio in tree.xpath("//input[@type='radio']"):
        legends = radio.xpath("ancestor::fieldset[1]/legend")
        if not legends or not legends[0].text_content().strip():
            found.append(f"bouton radio « {radio.get('name')} » hors d'un fieldset avec légende")
    names = [box.get("name") for box in tree.xpath("//input[@type='checkbox']")]
    for name in {n for n in names if names.count(n) > 1}:
        for box in tree.xpath(f"//input[@type='checkbox'][@name='{name}']"):
            if not box.xpath("ancestor::fieldset[1]/legend"):
                found.append(f"groupe de cases « {name} » hors d'un fieldset avec légende")
                break
    current = tree.xpath("//nav[@aria-label='Navigation principale']//*[@aria-current='page']")
    if len(current) > 1:
        found.append(f"{len(current)} entrées du menu marquées courantes")
    return found


def test_the_checker_sees_the_defects_it_is_for():
    page = """<nav aria-label="Navigation principale"><a aria-current="page">A</a><a aria-current="page">B</a></nav>
      <div class="rp-field"><label for="x">X</label><p class="rp-help" id="x_aide">aide</p>
      <input id="x" aria-describedby="x_helptext"></div>
      <input type="radio" name="mode" value="1"><input type="radio" name="mode" value="2">"""
    found = problems(page)
    assert any("x_helptext" in p for p in found)
    assert any("non relié" in p for p in found)
    assert any("radio « mode »" in p for p in found)
    assert any("2 entrées du menu" in p for p in found)
    good = """<nav><a aria-current="page">A</a><a>B</a></nav>
      <div class="rp-field"><label for="x">X</label><p class="rp-help" id="x_helptext">aide</p>
      <input id="x" aria-describedby="x_helptext"></div>
      <fieldset><legend>Mode</legend><input type="radio" name="mode"></fieldset>"""
    assert problems(good) == []


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n not in SKIPPED))
def test_every_page_links_its_texts_to_its_fields(client_admin, objects, name):  # noqa: F811
    response = client_admin.get(url_for(name, objects), follow=True)
    if "text/html" not in response.get("Content-Type", ""):
        return
    assert problems(response.content.decode()) == [], name


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("case", ["import", "account", "deliverables", "questionnaire_answers", "campaign",
                                  "partner", "survey_answer", "theme", "invitation"])
def test_forms_sent_back_with_errors_link_their_errors(client_admin, client, case):
    """The forms of the issue (import, deliverables, questionnaire import, account creation…) with errors."""
    if case == "import":
        response = client_admin.post(reverse("collection:import_upload"), {"mode": "normal"})
    elif case == "account":
        response = client_admin.post(reverse("accounts:user_create"), {"email": "pas-une-adresse", "role": "x"})
    elif case == "deliverables":
        response = client_admin.post(reverse("reports:home"), {"action": "generate", "gen-debut": "2019-12-31",
                                                               "gen-fin": "2019-01-01", "gen-date": "n'importe"})
    elif case == "questionnaire_answers":
        response = client_admin.post(reverse("surveys:answers_import"), {"audience": "x"})
    elif case == "campaign":
        response = client_admin.post(reverse("surveys:campaign_create"), {})
        response = client_admin.get(reverse("surveys:campaign_create"))
    elif case in ("partner", "survey_answer"):
        from reperes.surveys.builtin import partner_form
        from reperes.surveys.models import Campaign
        from reperes.surveys.services import add_partner, import_form

        version = import_form(partner_form(), "partenaires.xlsx").version
        campaign = Campaign.objects.create(name="C", form_version=version)
        if case == "partner":
            response = client_admin.post(reverse("surveys:campaign_detail", args=[campaign.pk]),
                                         {"action": "partner", "name": "", "email": "faux"})
        else:
            token = add_partner(campaign, name="Mairie", email="m@t.test", audience="elu").token
            response = client.post(reverse("surveys:answer", args=[token]),
                                   {"action": "submit", "acteur_orientations": "beaucoup"})
    elif case == "theme":
        response = client_admin.post(reverse("surveys:codebook"), {"label": ""})
    else:
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        from reperes.accounts.models import User

        user = User.objects.create_user("nouveau@test.fr", None, role="partenaire")
        path = reverse("accounts:invitation", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                    default_token_generator.make_token(user)])
        set_url = client.get(path, follow=True).redirect_chain[-1][0]
        response = client.post(set_url, {"new_password1": "123", "new_password2": "456"})
    page = response.content.decode()
    assert response.status_code in (200, 400), case
    assert "rp-errorlist" in page or "rp-alert--error" in page, case
    assert problems(page) == [], case


def test_the_import_mode_is_a_fieldset_with_its_legend(client_admin):
    tree = html.fromstring(client_admin.get(reverse("collection:import_upload")).content.decode())
    legend = tree.xpath("//input[@name='mode'][1]/ancestor::fieldset[1]/legend")[0]
    assert legend.text_content().split()[0] == "Mode"


@pytest.mark.parametrize("name", ["offer:territory", "offer:home", "surveys:codebook", "reports:home",
                                  "partners:home", "dashboard:home"])
def test_one_current_menu_item_and_it_is_the_page(client_admin, name):
    tree = html.fromstring(client_admin.get(reverse(name)).content.decode())
    current = tree.xpath("//nav[@aria-label='Navigation principale']//a[@aria-current='page']")
    expected = {"offer:territory": "Territoire", "offer:home": "Offre", "surveys:codebook": "Enquêtes",
                "reports:home": "Livrables", "partners:home": "Espace partenaires",
                "dashboard:home": "Tableau de bord"}[name]
    assert [a.text_content().strip() for a in current] == [expected]
