"""Codebook, suggestions, synthesis, closed questions by audience (merging, disclosure) and the report chapter."""

import datetime as dt

import pytest

from reperes.documents.model import Section
from reperes.surveys import coding
from reperes.surveys.models import Interview, Response
from reperes.surveys.synthesis import qualitative_section

pytestmark = pytest.mark.django_db


def test_codebook_suggestions_and_synthesis():
    themes = {t.code: t for t in coding.seed_codebook()}
    assert set(themes) == {"besoins", "offre", "articulations", "complementarite", "manques", "experimentations",
                           "sorties"}
    interview = Interview.objects.create(title="E1", audience="acteur", held_on=dt.date(2024, 3, 1),
                                         text="Il manque des places ; les délais d'attente bloquent les sorties.")
    suggested = [s["theme"].code for s in coding.suggest_themes(interview.text)]
    assert suggested[0] == "manques"
    coding.tag(themes["manques"], "Il manque des places, Mme Durand le dit.", audience="acteur", interview=interview)
    item = next(i for i in coding.synthesis() if i["theme"].code == "manques")
    assert item["total"] == 1 and item["by_audience"] == {"Acteur de l'insertion et de l'emploi": 1}
    assert "Durand" not in item["verbatims"][0].text


def test_small_partner_audiences_merged_and_participants_protected(partner_version, participant_version):
    for _ in range(6):
        Response.objects.create(form_version=partner_version, audience="acteur", answers={"offre_lisible": "3"})
    for audience in ("elu", "elu", "institution", "institution", "institution"):
        Response.objects.create(form_version=partner_version, audience=audience, answers={"offre_lisible": "4"})
    result = coding.tabulate_closed(partner_version, "offre_lisible")
    labels = [row["label"] for row in result["rows"]]
    assert labels == ["Acteur de l'insertion et de l'emploi", "autres partenaires"]
    assert result["rows"][1]["respondents"] == 5 and result["rows"][1]["counts"]["4"] == 5
    for i in range(14):
        Response.objects.create(form_version=participant_version, audience="participant",
                                answers={"content": "4" if i < 12 else "1"})
    table = coding.tabulate_closed(participant_version, "content", seuil=11)
    row = table["rows"][0]
    assert row["counts"]["1"] is None and "1" in row["secret"]  # 2 people: hidden
    assert row["counts"]["4"] is None  # secondary suppression: 14 − 12 would give the 2 back


def test_qualitative_section(partner_version):
    from reperes.documents.model import BulletList, Table

    empty = qualitative_section()
    assert isinstance(empty, Section) and empty.is_empty
    Response.objects.create(form_version=partner_version, audience="acteur", answers={"offre_lisible": "3"})
    themes = {t.code: t for t in coding.seed_codebook()}
    coding.tag(themes["offre"], "Les ateliers de Mme Durand sont pleins.", audience="elu")
    section = qualitative_section(seuil=11)
    titles = [s.title for s in section.subsections]
    assert titles[0] == "Méthode" and "Constats par thème" in titles
    findings = next(s for s in section.subsections if s.title == "Constats par thème")
    offer = next(s for s in findings.subsections if s.title == "Offre d'insertion")
    verbatims = [b for b in offer.blocks if isinstance(b, BulletList)][0].items
    assert verbatims == ("« Les ateliers de Mme [PERSONNE] sont pleins. » (élu·e)",)
    closed = next(s for s in section.subsections if s.title == "Questions fermées par public")
    # one partner: never shown alone, only said to be left out
    assert not [b for b in closed.blocks if isinstance(b, Table)]
    note = next(b.text for b in closed.blocks if "lisible" in b.text)
    assert "1 réponse(s) de partenaires ne sont pas détaillées" in note and "moins de 5" in note


# --------------------------------------------------------------------------- the codebook page


def test_the_codebook_page_adds_edits_and_deletes_themes(client_charge):
    from html import unescape

    from django.urls import reverse

    from reperes.surveys.models import Excerpt, Theme

    url = reverse("surveys:codebook")
    page = unescape(client_charge.get(url).content.decode())
    assert Theme.objects.count() == 7  # the call's themes, seeded
    assert all(theme.label in page for theme in Theme.objects.all())

    response = client_charge.post(url, {"label": "Mobilité", "description": "Se déplacer pour travailler",
                                        "parent": Theme.objects.get(code="manques").pk,
                                        "keywords_text": "permis, voiture , transport"})
    assert response.status_code == 302
    mobility = Theme.objects.get(label="Mobilité")
    assert mobility.code == "mobilite" and mobility.parent.code == "manques"
    assert mobility.keywords == ["permis", "voiture", "transport"]
    # Its keywords suggest it; an excerpt coded under it counts in its parent's synthesis.
    assert coding.suggest_themes("Sans permis ni voiture, pas de transport.")[0]["theme"] == mobility
    interview = Interview.objects.create(title="E1", audience="elu", held_on=dt.date(2024, 3, 1), text="…")
    coding.tag(mobility, "Sans permis, pas d'emploi.", audience="elu", interview=interview)
    assert next(i for i in coding.synthesis() if i["theme"].code == "manques")["total"] == 1

    listing = unescape(client_charge.get(url).content.decode())
    assert "Mobilité" in listing and "permis, voiture, transport" in listing

    # Bad input: an empty name, a name already taken — French messages, nothing changed.
    refused = client_charge.post(url, {"label": "  ", "keywords_text": ""})
    assert refused.status_code == 400 and "Donnez un nom au thème." in unescape(refused.content.decode())
    taken = client_charge.post(url, {"label": "mobilité"})
    assert taken.status_code == 400 and "Un thème porte déjà ce nom" in unescape(taken.content.decode())
    assert Theme.objects.count() == 8

    edit = reverse("surveys:theme_edit", args=[mobility.pk])
    assert client_charge.post(edit, {"label": "Mobilité et transports", "keywords_text": "permis",
                                     "parent": ""}).status_code == 302
    mobility.refresh_from_db()
    assert (mobility.label, mobility.keywords, mobility.parent) == ("Mobilité et transports", ["permis"], None)
    assert mobility.code == "mobilite"  # the code stays: it identifies the theme

    confirm = unescape(client_charge.get(edit).content.decode())
    assert "1 extrait codé" in confirm
    assert client_charge.post(edit, {"supprimer": "1"}).status_code == 302
    assert not Theme.objects.filter(pk=mobility.pk).exists() and not Excerpt.objects.exists()


def test_the_codebook_is_not_for_partners(client_partner):
    from django.urls import reverse

    assert client_partner.get(reverse("surveys:codebook")).status_code == 403
