"""The demo's surveys: the built-in questionnaires installed, and campaigns with fictitious answers.

Idempotent: a demo built again (or an older demo reused) gets what it lacks, never twice the same campaign.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from reperes.referentiel.institutions import institution_name

from .builtin import ensure_builtin_forms
from .coding import seed_codebook, tag
from .masking import mask
from .models import Campaign, Excerpt, Form, Interview, Response, Theme
from .services import add_participants, add_partner, clean_answers, submit

CAMPAIGN_DATE = dt.date(2019, 12, 1)  # the campaigns ask about 2019: institutions named as they were then
PARTICIPANT_CAMPAIGN = "Avis des participants 2019 (démonstration)"
PARTNER_CAMPAIGN = "Regards des partenaires 2019 (démonstration)"

_CHANGES = ("J'ai repris confiance en moi.", "J'ai trouvé un travail près de chez moi.", "J'ai passé mon permis.",
            "Je sais mieux ce que je veux faire.", "J'ai des horaires réguliers maintenant.",
            "Je parle plus facilement avec les employeurs.", "")
_IDEAS = ("Plus d'aide pour le transport.", "Des rendez-vous plus souvent.", "Un atelier sur l'ordinateur.", "", "")
_PARTNERS = (("Mairie de Toul (fictive)", "elu"), ("Conseil départemental (fictif)", "institution"),
             (f"{institution_name('france_travail', CAMPAIGN_DATE)} – agence fictive", "institution"), ("Mission locale (fictive)", "acteur"),
             ("Chantier d'insertion (fictif)", "acteur"), ("Communauté de communes (fictive)", "elu"))


def _participant_answers(rng: random.Random) -> dict:
    aide = rng.sample(["referent", "formation", "stage", "permis", "sante"], k=rng.randint(1, 3))
    return {"content": rng.choices(["1", "2", "3", "4"], weights=[1, 2, 5, 4])[0], "aide": aide,
            "frein": rng.sample(["transport", "sante", "enfants", "argent", "lire"], k=rng.randint(0, 2)) or ["rien"],
            "referent_ecoute": rng.choices(["oui", "non"], weights=[5, 1])[0],
            "travail": rng.choice(["oui", "non"]), "formation": rng.choices(["oui", "non"], weights=[1, 3])[0],
            "change": rng.choice(_CHANGES), "idee": rng.choice(_IDEAS)}


_APPORTS = ("Un accompagnement renforcé et suivi dans la durée.",
            "Un référent unique qui fait le lien avec les employeurs du territoire.",
            "Des étapes de parcours que personne d'autre ne propose, comme le chantier d'insertion.",
            f"Il complète l'offre de {institution_name('france_travail', CAMPAIGN_DATE)} pour les personnes les "
            "plus éloignées de l'emploi.",
            "Une coordination des acteurs, même si l'offre reste peu lisible pour les partenaires.")


def _partner_answers(rng: random.Random, audience: str, index: int) -> dict:
    return {"public": audience, "besoins": rng.sample(["mobilite", "sante", "logement", "garde", "numerique"], k=3),
            "offre_lisible": rng.choice(["2", "3"]), "articulation": rng.choice(["2", "3", "4"]),
            "plie_valeur": rng.choice(["3", "4"]), "plie_apport": _APPORTS[index % len(_APPORTS)]}


# Two fictitious interviews, written as a note-taker would (names, telephone and e-mail included on
# purpose: they are masked before anything is stored), and the passages coded under the call's themes.
INTERVIEWS = (
    {"title": "Entretien avec une chargée de mission emploi (démonstration)", "audience": "institution",
     "held_on": dt.date(2020, 2, 12),
     "text": "Entretien avec Mme Martine Durand, chargée de mission emploi, joignable au 06 12 34 56 78. "
             "Sur le territoire, le premier besoin reste la mobilité : sans permis ni voiture, beaucoup de "
             "personnes ne peuvent pas accepter un emploi à Toul ou à Nancy. "
             "Le PLIE est complémentaire de nos dispositifs : il prend les personnes que nous n'arrivons pas à "
             "suivre dans la durée, avec un référent unique. "
             "Il manque une offre de garde d'enfants aux horaires décalés, c'est un vrai point de blocage pour "
             "les femmes seules. "
             "Les réunions entre acteurs existent, mais l'orientation d'une structure à l'autre dépend encore "
             "trop des personnes.",
     "excerpts": (("besoins", "le premier besoin reste la mobilité : sans permis ni voiture, beaucoup de personnes "
                               "ne peuvent pas accepter un emploi à Toul ou à Nancy."),
                  ("complementarite", "Le PLIE est complémentaire de nos dispositifs : il prend les personnes que "
                                      "nous n'arrivons pas à suivre dans la durée, avec un référent unique."),
                  ("manques", "Il manque une offre de garde d'enfants aux horaires décalés, c'est un vrai point de "
                              "blocage pour les femmes seules."),
                  ("articulations", "Les réunions entre acteurs existent, mais l'orientation d'une structure à "
                                    "l'autre dépend encore trop des personnes."))},
    {"title": "Entretien avec un participant sorti en emploi (démonstration)", "audience": "participant",
     "held_on": dt.date(2020, 3, 4),
     "text": "Entretien avec Karim, 34 ans, sorti du PLIE en CDD de huit mois. Courriel : karim.exemple@exemple.fr. "
             "Ma référente, Sophie Martin, m'a aidé à passer le permis, après ça j'ai pu chercher plus loin. "
             "Le chantier d'insertion m'a redonné des horaires et l'envie de travailler. "
             "Ce qui a manqué, c'est l'attente : trois mois avant d'avoir une place en formation.",
     "excerpts": (("offre", "Le chantier d'insertion m'a redonné des horaires et l'envie de travailler."),
                  ("sorties", "m'a aidé à passer le permis, après ça j'ai pu chercher plus loin."),
                  ("manques", "Ce qui a manqué, c'est l'attente : trois mois avant d'avoir une place en "
                              "formation."))},
)

# open answers coded under a theme: (question, theme)
_OPEN_ANSWER_THEMES = {"change": "sorties", "idee": "manques", "plie_apport": "complementarite"}


def load_qualitative() -> int:
    """The codebook, the two masked interviews and their coded passages, and coded open answers of the
    campaigns; idempotent (nothing is added when demo interviews already exist). The number of excerpts added."""
    seed_codebook()
    if Interview.objects.filter(title__in=[i["title"] for i in INTERVIEWS]).exists():
        return 0
    themes = {t.code: t for t in Theme.objects.all()}
    added = 0
    for spec in INTERVIEWS:
        masked = mask(spec["text"])
        interview = Interview.objects.create(title=spec["title"], audience=spec["audience"],
                                             held_on=spec["held_on"], text=masked.text, reviewed=True,
                                             masked_counts=masked.counts(), source_name="démonstration")
        for code, passage in spec["excerpts"]:
            tag(themes[code], passage, audience=spec["audience"], interview=interview)
            added += 1
    if not Excerpt.objects.filter(response__isnull=False).exists():
        for response in Response.objects.filter(form_version__form__form_id__in=("participants_falc",
                                                                                 "partenaires")).order_by("pk"):
            for question, code in _OPEN_ANSWER_THEMES.items():
                text = (response.answers or {}).get(question)
                if isinstance(text, str) and text.strip():
                    tag(themes[code], text, audience=response.audience or "participant", response=response,
                        question=question)
                    added += 1
    return added


@transaction.atomic
def load_demo(*, seed: int = 2019) -> list[Campaign]:
    """Install the built-in questionnaires; a participants' campaign (40 links, 26 answers), a partners' one
    (6 invited, 5 answers), two masked interviews and the coded passages (:func:`load_qualitative`)."""
    ensure_builtin_forms()
    rng = random.Random(seed)
    campaigns = []
    if not Campaign.objects.filter(name=PARTICIPANT_CAMPAIGN).exists():
        version = Form.objects.get(form_id="participants_falc").latest
        campaign = Campaign.objects.create(name=PARTICIPANT_CAMPAIGN, form_version=version)
        questions = version.questions()
        for respondent in add_participants(campaign, 40)[:26]:
            answers, _ = clean_answers(questions, _participant_answers(rng))
            submit(respondent, answers)
        campaigns.append(campaign)
    if not Campaign.objects.filter(name=PARTNER_CAMPAIGN).exists():
        version = Form.objects.get(form_id="partenaires").latest
        campaign = Campaign.objects.create(name=PARTNER_CAMPAIGN, form_version=version)
        questions = version.questions()
        for index, (name, audience) in enumerate(_PARTNERS):
            respondent = add_partner(campaign, name=name, email=f"partenaire{index + 1}@exemple.example",
                                     audience=audience)
            if index < 5:  # five of six answer: enough to show their closed answers as « autres partenaires »
                answers, _ = clean_answers(questions, _partner_answers(rng, audience, index))
                submit(respondent, answers)
        campaigns.append(campaign)
    load_qualitative()
    return campaigns
