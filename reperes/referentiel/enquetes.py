"""Vocabulary of the qualitative side (surveys, interviews, coding): audiences, sources, themes.

Pure Python. Codes are stable (stored in the database); labels are what users read.
"""

from __future__ import annotations

# audience code → French label
AUDIENCES: dict[str, str] = {
    "elu": "Élu·e",
    "institution": "Institution",
    "acteur": "Acteur de l'insertion et de l'emploi",
    "participant": "Participant·e",
}
PARTNER_AUDIENCES: tuple[str, ...] = ("elu", "institution", "acteur")
OTHER_PARTNERS_LABEL = "autres partenaires"
DEFAULT_MIN_PARTNER_GROUP = 5  # an audience with fewer respondents is merged into « autres partenaires »

# how an answer reached us
SOURCES: dict[str, str] = {
    "web": "En ligne",
    "papier": "Questionnaire papier (saisi par l'équipe)",
    "telephone": "Entretien téléphonique (saisi par l'équipe)",
    "import": "Import d'un autre outil",
}

# the themes of the call for tenders (codebook seed): code → (label, description, keywords)
THEMES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "besoins": ("Besoins du territoire", "Les besoins des publics et du territoire, et leur évolution",
                ("besoin", "public", "difficulté", "frein", "mobilité", "santé", "logement", "garde", "précarité",
                 "isolement", "numérique", "attente")),
    "offre": ("Offre d'insertion", "Les actions, dispositifs et structures mobilisables",
              ("offre", "action", "dispositif", "formation", "chantier", "atelier", "structure", "accompagnement",
               "prestation", "service")),
    "articulations": ("Articulations entre acteurs", "Comment les acteurs travaillent ensemble, orientent et "
                      "se coordonnent", ("partenariat", "orientation", "coordination", "réunion", "échange",
                                         "relais", "prescription", "lien", "travailler", "ensemble",
                                         "articulation")),
    "complementarite": ("Complémentarité et doublons", "Ce que chacun apporte, les recouvrements",
                        ("complémentarité", "complémentaire", "doublon", "recouvrement", "concurrence",
                         "redondant", "valeur", "ajouté", "apport", "spécificité")),
    "manques": ("Manques et points de blocage", "Ce qui manque, ce qui bloque",
                ("manque", "manquer", "absence", "bloquer", "blocage", "attente", "délai", "insuffisant",
                 "trou", "carence", "rupture")),
    "experimentations": ("Expérimentations", "Les expériences du territoire (mobilisation, santé, TZCLD…)",
                         ("expérimentation", "expérience", "innovation", "test", "pilote", "nouveau", "essayer",
                          "tzcld", "mobilisation")),
    "sorties": ("Sorties et suites de parcours", "Les sorties, positives ou non, et ce qui les valorise",
                ("sortie", "emploi", "cdi", "cdd", "contrat", "retraite", "rqth", "abandon", "suite",
                 "embauche", "travail")),
}
