"""The demo's calibration: the calendar of the export, the sizes of the random streams and every distribution the
generator draws from (weights keyed by the référentiel's codes, checked at import).

The figures are anchored on the national figures of Alliance Villes Emploi (see :mod:`reperes.demo.generator`).
Pure Python and NumPy: nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from reperes.referentiel.codes import (
    FREINS,
    MOTIF_SORTIE,
    NIVEAU_FORMATION,
    NIVEAU_FREIN,
    PRESCRIPTEUR,
    SITUATION_6_MOIS,
    SITUATION_ENTREE,
    TYPE_ACQUIS,
    TYPE_ETAPE,
    CodeList,
)
from reperes.referentiel.institutions import institution_name

# ---------------------------------------------------------------------------
# Calendar

ENTRY_FIRST = dt.date(2014, 1, 1)
ENTRY_LAST = dt.date(2020, 12, 31)
EXTRACTION = dt.date(2020, 12, 31)  # the day of the export: later exits are unknown
SITUATION_6_MOIS_BEFORE = dt.date(2020, 1, 1)  # exits before it may carry the 6-month situation

_EPOCH = dt.date(1970, 1, 1)
_DATE_MIN = dt.date(1930, 1, 1)
_DATE_MAX = dt.date(2022, 12, 31)
NO_DATE = -(10**6)  # sentinel for an empty date cell
DAYS_PER_MONTH = 30.4375  # indicateurs.md: durations in months = days ÷ 30.4375


def _day(value: dt.date) -> int:
    return (value - _EPOCH).days


# Entries per year (AVE: 34,633 in 2014, about 34,000 in 2019, 28,403 in
# 2020) and per month (summer slowdown, the spring 2020 lockdown).
YEAR_WEIGHTS = {2014: 1.0, 2015: 1.02, 2016: 1.0, 2017: 0.99, 2018: 0.98, 2019: 0.98, 2020: 0.85}
MONTH_WEIGHTS = (1.05, 1.0, 1.1, 1.0, 0.95, 1.0, 0.8, 0.45, 1.2, 1.15, 1.05, 0.75)
LOCKDOWN_2020 = {3: 0.55, 4: 0.15, 5: 0.5}

# ---------------------------------------------------------------------------
# Sizes

BLOCK_SIZE = 1_000  # participants per random stream (at most)
MIN_BLOCK_SIZE = 50
DEFAULT_CHUNK_SIZE = 10_000  # participants buffered between two writes
REENTRY_QUEUE_MAX = 5_000  # bound on the planned re-entries kept in memory

# ---------------------------------------------------------------------------
# Distributions (weights keyed by the référentiel's codes; checked at import)


def _weights(codes: CodeList, mapping: dict[str, float]) -> np.ndarray:
    """Weights in the order of the code list; unknown codes are an error."""
    unknown = set(mapping) - set(codes.codes())
    if unknown:
        raise ValueError(f"codes inconnus de la liste {codes.name} : {sorted(unknown)}")
    return np.array([float(mapping.get(code, 0.0)) for code in codes.codes()])


def _index(codes: CodeList, code: str) -> int:
    return codes.codes().index(code)


# Age at entry (completed years), 18–64: about 20 % under 26 and 20 % aged 50 or more.
AGE_WEIGHTS = {age: (2.3 if age < 26 else 2.2 if age < 50 else 2.1 - 0.12 * (age - 50)) for age in range(18, 65)}
SHARE_BIRTH_YEAR_ONLY = 0.10

NIVEAU_WEIGHTS = _weights(NIVEAU_FORMATION, {"INFRA_3": 44, "NIV_3": 31, "NIV_4": 15, "NIV_5": 4.5,
                                             "NIV_6_PLUS": 2, "INCONNU": 3.5})
SITUATION_WEIGHTS = _weights(SITUATION_ENTREE, {"DE": 78, "INACTIF": 15, "EMPLOI": 7})

# Barriers at entry: 0 to 4 per participant, chosen in proportion to these
# prevalences (before the per-person multipliers of ``_freins``).
NOMBRE_FREINS_WEIGHTS = np.array([0.14, 0.25, 0.31, 0.20, 0.10])
FREIN_WEIGHTS = _weights(FREINS, {"MOBILITE": 26, "SANTE": 16, "LOGEMENT": 11, "GARDE_ENFANTS": 9, "NUMERIQUE": 17,
                                  "SAVOIRS_DE_BASE": 9, "LANGUE": 4, "FINANCES": 21, "ADMINISTRATIF": 14,
                                  "JUSTICE": 3, "CONFIANCE": 27})
RURAL_MOBILITY_FACTOR = 2.8

PRESCRIPTEUR_WEIGHTS = _weights(PRESCRIPTEUR, {"FRANCE_TRAVAIL": 42, "MISSION_LOCALE": 0, "CAP_EMPLOI": 0,
                                               "DEPARTEMENT": 7, "CCAS": 6, "SIAE": 6, "STRUCTURE_SOCIALE": 6,
                                               "SPONTANE": 7, "AUTRE": 3})

# Positive exits (AVE 2019: CDD of 6 months or more 47 %, CDI 38 %,
# qualifying training 15 %, with the other positive motifs taken from these).
POSITIVE_WEIGHTS = _weights(MOTIF_SORTIE, {"EMPLOI_CDI": 31, "EMPLOI_CDD_6M": 38, "EMPLOI_INTERIM_6M": 8,
                                           "ALTERNANCE": 4, "CREATION_ACTIVITE": 4, "FORMATION_QUALIFIANTE": 15})
# Other exits, before the per-person adjustments of ``_motifs``.
OTHER_WEIGHTS = _weights(MOTIF_SORTIE, {"EMPLOI_TRANSITION": 10, "FORMATION_PREQUALIFIANTE": 4,
                                        "ORIENTATION_ADAPTEE": 3.5, "MILIEU_PROTEGE": 0.5, "SANTE": 1.5,
                                        "RETRAITE": 0, "DEMENAGEMENT": 6, "DECES": 0.8, "ABANDON": 17,
                                        "FIN_DE_PARCOURS": 7, "AUTRE": 5})
# Log-odds of a positive exit: base, then effects.
POSITIVE_LOGIT_BASE = 0.52
POSITIVE_LOGIT = {
    "sante": -0.8,  # a health barrier at entry
    "par_frein": -0.12,
    "senior": -0.5,
    "jeune": 0.15,
    "infra_3": -0.2,
    "niveau_4_plus": 0.3,
    "rsa": -0.2,
    "th": -0.3,
    "deld_24": -0.3,
    "en_emploi": 0.25,
    "experimentation": 0.7,  # went through an experimental action
}

# Parcours duration per motif, in months: (mean, gamma shape, minimum, offset).
DURATION_BY_MOTIF = {
    "EMPLOI_CDI": (33, 3.0, 3, 0), "EMPLOI_CDD_6M": (33, 3.0, 3, 0), "EMPLOI_INTERIM_6M": (35, 3.0, 6, 0),
    "ALTERNANCE": (27, 3.0, 3, 0), "CREATION_ACTIVITE": (36, 3.0, 4, 0), "FORMATION_QUALIFIANTE": (29, 3.0, 3, 0),
    "EMPLOI_TRANSITION": (31, 3.0, 2, 0), "FORMATION_PREQUALIFIANTE": (26, 3.0, 2, 0),
    "ORIENTATION_ADAPTEE": (25, 2.5, 1, 0), "MILIEU_PROTEGE": (35, 3.0, 3, 0), "SANTE": (27, 2.5, 1, 0),
    "RETRAITE": (29, 3.0, 2, 0), "DEMENAGEMENT": (19, 2.0, 1, 0), "DECES": (23, 2.0, 1, 0),
    "ABANDON": (18, 1.8, 1, 0), "FIN_DE_PARCOURS": (12, 2.0, 0, 36), "AUTRE": (25, 2.0, 1, 0),
}
MAX_DURATION_MONTHS = 72

# Months in the job at validation, for employment exits: (low, high).
DUREE_EMPLOI_BY_MOTIF = {"EMPLOI_CDI": (1.0, 6.0), "EMPLOI_CDD_6M": (1.0, 6.0), "EMPLOI_INTERIM_6M": (6.0, 9.0),
                         "ALTERNANCE": (0.5, 3.0), "CREATION_ACTIVITE": (1.0, 6.0),
                         "EMPLOI_TRANSITION": (0.5, 5.0)}

# Situation six months after the exit, by exit category.
SIX_MONTHS_SHARE = 0.7
SIX_MONTHS_WEIGHTS = {
    "positive": _weights(SITUATION_6_MOIS, {"EMPLOI": 74, "FORMATION": 8, "RECHERCHE": 10, "INACTIF": 1, "INCONNU": 7}),
    "solution": _weights(SITUATION_6_MOIS, {"EMPLOI": 30, "FORMATION": 14, "RECHERCHE": 28, "INACTIF": 16,
                                            "INCONNU": 12}),
    "neutre": _weights(SITUATION_6_MOIS, {"EMPLOI": 10, "RECHERCHE": 10, "INACTIF": 10, "INCONNU": 70}),
    "sans_solution": _weights(SITUATION_6_MOIS, {"EMPLOI": 14, "FORMATION": 5, "RECHERCHE": 36, "INACTIF": 15,
                                                 "INCONNU": 30}),
}

# Re-entries: some people come back after an exit without a lasting solution.
REENTRY_MOTIFS = ("ABANDON", "FIN_DE_PARCOURS", "AUTRE", "EMPLOI_TRANSITION", "ORIENTATION_ADAPTEE")
REENTRY_PROBABILITY = 0.07
REENTRY_MAX_AGE = 56
REENTRY_LAST = dt.date(2020, 11, 30)

# QPV: the Croix de Metz, in Toul (share of the commune's participants living there).
QPV_SHARE_BY_COMMUNE = {"54528": 0.31}

# Référents de parcours (codes only) by EPCI; REF08 works everywhere.
REFERENTS_BY_EPCI = {"200070563": ("REF01", "REF02", "REF03"), "245400171": ("REF04", "REF05"),
                     "200035772": ("REF06",), "245400510": ("REF07",)}
REFERENT_VOLANT = "REF08"

# ---------------------------------------------------------------------------
# Steps

INITIAL_STEP_SHARE = 0.93
INITIAL_STEP_WEIGHTS = _weights(TYPE_ETAPE, {"ORIENTATION_PROJET": 72, "TECHNIQUES_RECHERCHE_EMPLOI": 16,
                                              "AUTRE": 12})
FREE_STEPS_BASE = 0.25  # mean number of other steps: base + per month of parcours
FREE_STEPS_PER_MONTH = 0.062
FREE_STEPS_MAX = 9
FREE_STEP_WEIGHTS = _weights(TYPE_ETAPE, {
    "EMPLOI_CDD": 9, "EMPLOI_INTERIM": 7, "CONTRAT_AIDE": 5, "ALTERNANCE": 1, "SIAE_ACI": 10, "SIAE_EI": 3,
    "SIAE_ETTI": 4, "SIAE_AI": 5, "GEIQ": 0.8, "CREATION_ACTIVITE": 0.6, "IMMERSION": 9,
    "FORMATION_QUALIFIANTE": 5, "FORMATION_PREQUALIFIANTE": 6, "SAVOIRS_DE_BASE": 1.5,
    "MOBILITE": 1, "SANTE": 0.5, "LOGEMENT": 0.5, "GARDE_ENFANTS": 0.2, "NUMERIQUE": 1,
    "REMOBILISATION": 1.5, "ACCOMPAGNEMENT_SOCIAL": 2, "ORIENTATION_PROJET": 4,
    "TECHNIQUES_RECHERCHE_EMPLOI": 6, "AUTRE": 1.5,
})
# A barrier at entry makes the matching steps likelier (added weight).
STEP_WEIGHTS_BY_FREIN = {
    "MOBILITE": {"MOBILITE": 9}, "SANTE": {"SANTE": 9}, "LOGEMENT": {"LOGEMENT": 9},
    "GARDE_ENFANTS": {"GARDE_ENFANTS": 9}, "NUMERIQUE": {"NUMERIQUE": 7},
    "SAVOIRS_DE_BASE": {"SAVOIRS_DE_BASE": 9}, "LANGUE": {"SAVOIRS_DE_BASE": 12},
    "FINANCES": {"ACCOMPAGNEMENT_SOCIAL": 6}, "ADMINISTRATIF": {"ACCOMPAGNEMENT_SOCIAL": 6},
    "JUSTICE": {"ACCOMPAGNEMENT_SOCIAL": 5}, "CONFIANCE": {"REMOBILISATION": 8},
}
# Duration of a step, in days: (low, high) by family, then by type where it differs.
STEP_DAYS_BY_FAMILY = {"EMPLOI": (30, 180), "FORMATION": (45, 270), "LEVEE_FREINS": (20, 180),
                       "ACCOMPAGNEMENT": (15, 120)}
STEP_DAYS_BY_TYPE = {"IMMERSION": (5, 30), "EMPLOI_INTERIM": (7, 90), "SIAE_ACI": (120, 720),
                     "SIAE_EI": (120, 540), "CONTRAT_AIDE": (180, 540), "EMPLOI_CDI": (60, 720),
                     "ALTERNANCE": (180, 720), "GEIQ": (180, 720), "CREATION_ACTIVITE": (90, 540)}
STEP_ABANDON_PROBABILITY = 0.11
STEP_ABANDON_WHEN_ABANDON_EXIT = 0.35
ACTION_LINK_PROBABILITY = 0.85

# The step that closes a parcours, by exit motif.
FINAL_STEP_BY_MOTIF = {"EMPLOI_CDI": "EMPLOI_CDI", "EMPLOI_CDD_6M": "EMPLOI_CDD", "EMPLOI_INTERIM_6M": "EMPLOI_INTERIM",
                       "ALTERNANCE": "ALTERNANCE", "CREATION_ACTIVITE": "CREATION_ACTIVITE",
                       "FORMATION_QUALIFIANTE": "FORMATION_QUALIFIANTE",
                       "FORMATION_PREQUALIFIANTE": "FORMATION_PREQUALIFIANTE", "SANTE": "SANTE"}
TRANSITION_STEP_WEIGHTS = _weights(TYPE_ETAPE, {"SIAE_ACI": 30, "CONTRAT_AIDE": 20, "EMPLOI_CDD": 25, "SIAE_AI": 10,
                                                "SIAE_ETTI": 8, "SIAE_EI": 7})

# Operator of a step outside the PLIE's actions (empty for ordinary jobs).
OPERATEUR_HORS_ACTION = {
    "FORMATION_QUALIFIANTE": "Organisme de formation (programme régional)",
    "FORMATION_PREQUALIFIANTE": "Organisme de formation (programme régional)",
    "SAVOIRS_DE_BASE": "Organisme de formation (programme régional)",
    "SIAE_ACI": "Atelier et chantier d'insertion hors PLIE",
    "ORIENTATION_PROJET": "Référent de parcours PLIE",
    "TECHNIQUES_RECHERCHE_EMPLOI": institution_name("france_travail", EXTRACTION),  # « Pôle emploi » in 2020
    "ACCOMPAGNEMENT_SOCIAL": "Service social départemental",
    "CONTRAT_AIDE": "Employeur du secteur non marchand",
}

# Experimental actions: who is offered them (share of the eligible).
EXPERIMENT_SANTE_SHARE = 0.55  # participants with a health barrier
EXPERIMENT_MOBILISATION_SHARE = 0.45  # participants with a confidence barrier or several barriers
EXPERIMENT_ENTRY_BEFORE_DAYS = 180  # may have entered up to this many days before the action starts

# ---------------------------------------------------------------------------
# Barrier follow-up and achievements

PRE_ENTRY_ASSESSMENT_SHARE = 0.3  # first assessment up to 20 days before entry
PRE_ENTRY_ASSESSMENT_MAX_DAYS = 20
LATER_ASSESSMENTS_WEIGHTS = np.array([0.40, 0.35, 0.25])  # 1, 2 or 3 later assessments
DAYS_PER_LATER_ASSESSMENT = 45  # fewer later assessments in a short parcours
INITIAL_LEVEL_WEIGHTS = _weights(NIVEAU_FREIN, {"1": 25, "2": 45, "3": 30})
# Probability that a barrier's level drops at an assessment, by exit category.
LEVEL_DROP_BY_CATEGORY = {"positive": 0.50, "solution": 0.42, "neutre": 0.25, "sans_solution": 0.22, "": 0.33}
LEVEL_RISE = 0.05

ACQUIS_BASE = _weights(TYPE_ACQUIS, {"CERTIFICATION": 0.03, "AUTRE": 0.02, "DROITS_SOCIAUX": 0.02})
ACQUIS_BY_FREIN = {
    "MOBILITE": {"PERMIS_CONDUIRE": 0.16, "VEHICULE": 0.10},
    "SANTE": {"SOINS_ENGAGES": 0.30, "COUVERTURE_SANTE": 0.12, "RQTH_OBTENUE": 0.12},
    "LOGEMENT": {"LOGEMENT_STABLE": 0.30},
    "GARDE_ENFANTS": {"MODE_GARDE": 0.35},
    "NUMERIQUE": {"AUTONOMIE_NUMERIQUE": 0.30},
    "SAVOIRS_DE_BASE": {"CERTIFICATION": 0.15},
    "LANGUE": {"NIVEAU_LANGUE": 0.35},
    "FINANCES": {"DROITS_SOCIAUX": 0.12},
    "ADMINISTRATIF": {"DROITS_SOCIAUX": 0.22},
    "JUSTICE": {"AUTRE": 0.10},
    "CONFIANCE": {"AUTRE": 0.05},
}
ACQUIS_RETRAITE_AGE = 55
ACQUIS_RETRAITE = 0.15
# Achievements are what a parcours without a lasting job leaves: likelier there.
ACQUIS_FACTOR_BY_CATEGORY = {"positive": 0.8, "solution": 1.5, "neutre": 1.0, "sans_solution": 1.6, "": 1.0}
COMMENTAIRE_SHARE = 0.08
# Comments say what was achieved, never who.
COMMENTAIRES = {
    "PERMIS_CONDUIRE": ("Permis B obtenu après l'auto-école sociale", "Code et conduite validés"),
    "VEHICULE": ("Véhicule acquis avec un microcrédit", "Location solidaire d'un scooter"),
    "LOGEMENT_STABLE": ("Bail signé dans le parc social",),
    "SOINS_ENGAGES": ("Suivi médical régulier engagé",),
    "COUVERTURE_SANTE": ("Complémentaire santé solidaire ouverte",),
    "RQTH_OBTENUE": ("Dossier MDPH accepté",),
    "MODE_GARDE": ("Place en crèche obtenue", "Assistante maternelle trouvée"),
    "AUTONOMIE_NUMERIQUE": ("Espace personnel en ligne utilisé seul",),
    "NIVEAU_LANGUE": ("Niveau A2 validé",),
    "CERTIFICATION": ("Certificat CléA obtenu", "Habilitation électrique obtenue"),
    "DROITS_SOCIAUX": ("Droits à la prime d'activité ouverts", "Dossier de surendettement déposé"),
    "DROITS_RETRAITE": ("Relevé de carrière régularisé",),
    "AUTRE": ("Sauveteur secouriste du travail", "Casier judiciaire réhabilité"),
}
