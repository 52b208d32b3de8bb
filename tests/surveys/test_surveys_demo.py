"""The demo's qualitative material (issue 17): the chapter shows what it does — answers, two masked
interviews, coded passages, verbatims per theme, each said once."""

import pytest

from reperes.surveys import coding
from reperes.surveys.demo import INTERVIEWS, load_demo, load_qualitative
from reperes.surveys.models import Excerpt, Interview, Response
from reperes.surveys.synthesis import qualitative_section

pytestmark = pytest.mark.django_db


def test_the_demo_ships_answers_two_masked_interviews_and_coded_passages():
    load_demo()
    interviews = list(Interview.objects.order_by("held_on"))
    assert len(interviews) == 2 and {i.audience for i in interviews} == {"institution", "participant"}
    text = " ".join(i.text for i in interviews)
    for identifying in ("Martine Durand", "06 12 34 56 78", "karim.exemple@exemple.fr", "Sophie Martin", "Karim"):
        assert identifying not in text, identifying
    assert "[PERSONNE]" in text and "[TÉLÉPHONE]" in text and "[COURRIEL]" in text
    assert all(i.reviewed and i.masked_counts for i in interviews)
    # every passage written in the demo is coded, under its theme, from its interview
    expected = sum(len(spec["excerpts"]) for spec in INTERVIEWS)
    assert Excerpt.objects.filter(interview__isnull=False).count() == expected
    assert Excerpt.objects.filter(interview__isnull=False, theme__code="manques").count() == 2
    assert Excerpt.objects.filter(response__isnull=False).exists()  # open answers coded too
    partners = Response.objects.filter(form_version__form__form_id="partenaires").count()
    assert partners == 5  # enough for their closed answers to be shown as « autres partenaires »
    # run again: nothing twice
    before = Excerpt.objects.count()
    load_demo()
    assert load_qualitative() == 0 and Excerpt.objects.count() == before and Interview.objects.count() == 2


def test_the_demo_chapter_is_not_empty_and_quotes_each_words_once():
    load_demo()
    section = qualitative_section(seuil=11)
    titles = [s.title for s in section.subsections]
    findings = next(s for s in section.subsections if s.title == "Constats par thème")
    assert not findings.is_empty and len(findings.subsections) >= 5, titles
    assert "Questions fermées par public" in titles
    for theme in findings.subsections:
        quotes = [item for block in theme.blocks if hasattr(block, "items") for item in block.items]
        assert len(quotes) == len(set(quotes)), theme.title  # « Plus d'aide pour le transport. » was quoted thrice
    method = section.subsections[0]
    listed = next(b for b in method.blocks if hasattr(b, "items")).items
    assert listed[1].startswith("2 entretiens")


def test_synthesis_quotes_the_same_words_once():
    themes = {t.code: t for t in coding.seed_codebook()}
    for _ in range(3):
        coding.tag(themes["manques"], "Plus d'aide pour le transport.", audience="participant")
    coding.tag(themes["manques"], "Il manque une offre de garde.", audience="institution")
    item = next(i for i in coding.synthesis() if i["theme"].code == "manques")
    assert item["total"] == 4
    assert sorted(v.text for v in item["verbatims"]) == ["Il manque une offre de garde.",
                                                         "Plus d'aide pour le transport."]
