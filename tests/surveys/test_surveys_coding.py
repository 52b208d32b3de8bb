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
