"""The demo's surveys: the built-in questionnaires installed, and campaigns with fictitious answers.

Idempotent: a demo built again (or an older demo reused) gets what it lacks, never twice the same campaign.
"""

from __future__ import annotations

import random

from django.db import transaction

from .builtin import ensure_builtin_forms
from .models import Campaign, Form
from .services import add_participants, add_partner, clean_answers, submit

PARTICIPANT_CAMPAIGN = "Avis des participants 2019 (démonstration)"
PARTNER_CAMPAIGN = "Regards des partenaires 2019 (démonstration)"

_CHANGES = ("J'ai repris confiance en moi.", "J'ai trouvé un travail près de chez moi.", "J'ai passé mon permis.",
            "Je sais mieux ce que je veux faire.", "J'ai des horaires réguliers maintenant.",
            "Je parle plus facilement avec les employeurs.", "")
_IDEAS = ("Plus d'aide pour le transport.", "Des rendez-vous plus souvent.", "Un atelier sur l'ordinateur.", "", "")
_PARTNERS = (("Mairie de Toul (fictive)", "elu"), ("Conseil départemental (fictif)", "institution"),
             ("France Travail – agence fictive", "institution"), ("Mission locale (fictive)", "acteur"),
             ("Chantier d'insertion (fictif)", "acteur"), ("Communauté de communes (fictive)", "elu"))


def _participant_answers(rng: random.Random) -> dict:
    aide = rng.sample(["referent", "formation", "stage", "permis", "sante"], k=rng.randint(1, 3))
    return {"content": rng.choices(["1", "2", "3", "4"], weights=[1, 2, 5, 4])[0], "aide": aide,
            "frein": rng.sample(["transport", "sante", "enfants", "argent", "lire"], k=rng.randint(0, 2)) or ["rien"],
            "referent_ecoute": rng.choices(["oui", "non"], weights=[5, 1])[0],
            "travail": rng.choice(["oui", "non"]), "formation": rng.choices(["oui", "non"], weights=[1, 3])[0],
            "change": rng.choice(_CHANGES), "idee": rng.choice(_IDEAS)}


def _partner_answers(rng: random.Random, audience: str) -> dict:
    return {"public": audience, "besoins": rng.sample(["mobilite", "sante", "logement", "garde", "numerique"], k=3),
            "offre_lisible": rng.choice(["2", "3"]), "articulation": rng.choice(["2", "3", "4"]),
            "plie_valeur": rng.choice(["3", "4"]),
            "plie_apport": "Un accompagnement renforcé et suivi dans la durée."}


@transaction.atomic
def load_demo(*, seed: int = 2019) -> list[Campaign]:
    """Install the built-in questionnaires; a participants' campaign (40 links, 26 answers) and a partners' one."""
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
            if index % 2 == 0:
                answers, _ = clean_answers(questions, _partner_answers(rng, audience))
                submit(respondent, answers)
        campaigns.append(campaign)
    return campaigns
