"""Fictitious PLIE data in the exchange format, for the demo and the benchmarks.

``generate`` writes ``participants.csv``, ``actions.csv``, ``etapes.csv``,
``suivi_freins.csv`` and ``acquis.csv`` (UTF-8, ``;``, dates ``JJ/MM/AAAA``,
decimal comma, multi-valued cells joined by ``|``): about 1,500 parcours
entered between 2014 and 2020 in the Terres de Lorraine communes, exported on
31/12/2020 (later parcours are still open).

The distributions are anchored on the national figures of Alliance Villes
Emploi (2019–2020: 45 % positive exits, 18 % abandons, 44 % of entrants on
the RSA, parcours of about two years) and carry the correlations an analysis
should find: more mobility barriers in the rural EPCI, fewer positive exits
when a health barrier is noted at entry, a modest gain for the participants
of the two experimental actions. Nobody in these files exists.

Determinism and scale: the participants are produced in the order of their
entry dates, in blocks (``block_size``: 1/200 of the participants, between 50
and 1,000), each with its own random stream derived from the seed and the
block's number. The files are therefore byte-identical for the same seed and
number of participants, whatever ``chunk_size`` (how many participants are
buffered between two writes), and memory does not grow with the number of
participants: the only state kept from block to block is a bounded queue of
planned re-entries (a re-entry takes the first free place of a later block).

Pure Python and NumPy: nothing here imports Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reperes.referentiel.codes import (
    CRITERES,
    FREINS,
    MOTIF_SORTIE,
    NIVEAU_FORMATION,
    NIVEAU_FREIN,
    PRESCRIPTEUR,
    RESULTAT_ETAPE,
    SEXE,
    SITUATION_6_MOIS,
    SITUATION_ENTREE,
    TYPE_ACQUIS,
    TYPE_ETAPE,
    CodeList,
    category_of,
)
from reperes.referentiel.institutions import institution_name
from reperes.referentiel.tables import ACQUIS, ETAPES, PARTICIPANTS, SUIVI_FREINS, Table
from reperes.referentiel.tables import ACTIONS as ACTIONS_TABLE

from .actions import ACTIONS, THEME_MOBILISATION, THEME_SANTE, DemoAction
from .communes import TERRES_DE_LORRAINE_EPCI, CommuneInfo, load_communes

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


# ---------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class GenerationSummary:
    """What ``generate`` wrote: rows per table and the path of each file."""

    out_dir: Path
    seed: int
    participants: int
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)


def generate(out_dir: Path, *, seed: int = 2019, participants: int = 1500, communes: list[CommuneInfo] | None = None,
             progress: Callable[[str], None] | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE) -> GenerationSummary:
    """Write the five tables of a fictitious PLIE in ``out_dir`` (created if needed).

    ``communes`` defaults to the Terres de Lorraine communes; participants are
    spread over them in proportion to their population. ``progress`` receives
    French messages (« Participants : 500 000 / 1 000 000 »). The same
    ``seed`` and ``participants`` always give the same bytes.
    """
    if participants < 1:
        raise ValueError("il faut au moins un participant")
    if chunk_size < 1:
        raise ValueError("chunk_size doit être positif")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    communes = list(communes) if communes is not None else load_communes(TERRES_DE_LORRAINE_EPCI)
    if not communes:
        raise ValueError("aucune commune pour la population de démonstration")
    report = progress or (lambda message: None)

    files = {name: out_dir / f"{name}.csv" for name in ("participants", "actions", "etapes", "suivi_freins", "acquis")}
    counts = {"actions": _write_actions(files["actions"], ACTIONS)}
    report(f"Actions : {_n(counts['actions'])}")

    population = _Population(seed, participants, communes, ACTIONS)
    tables: dict[str, Table] = {"participants": PARTICIPANTS, "etapes": ETAPES, "suivi_freins": SUIVI_FREINS,
                                "acquis": ACQUIS}
    handles = {name: files[name].open("w", encoding="utf-8", newline="") for name in tables}
    try:
        for name, table in tables.items():
            handles[name].write(";".join(table.column_names) + "\n")
            counts[name] = 0
        buffers: dict[str, list[str]] = {name: [] for name in tables}
        buffered = 0
        step = block_size(participants)
        for first in range(0, participants, step):
            size = min(step, participants - first)
            for name, lines in population.block(first // step, first, size).items():
                buffers[name].extend(lines)
                counts[name] += len(lines)
            buffered += size
            done = first + size
            if buffered >= chunk_size or done == participants:
                for name, lines in buffers.items():
                    if lines:
                        handles[name].write("\n".join(lines) + "\n")
                    lines.clear()
                buffered = 0
                report(f"Participants : {_n(done)} / {_n(participants)}")
    finally:
        for handle in handles.values():
            handle.close()
    report("Étapes : {} ; suivi des freins : {} ; acquis : {}".format(
        _n(counts["etapes"]), _n(counts["suivi_freins"]), _n(counts["acquis"])))
    ordered = {name: counts[name] for name in files}
    return GenerationSummary(out_dir=out_dir, seed=seed, participants=participants, counts=ordered, files=files)


def block_size(participants: int) -> int:
    """Participants per random stream: small blocks keep re-entries close to their ready day."""
    return int(min(BLOCK_SIZE, max(MIN_BLOCK_SIZE, participants // 200)))


def _n(value: int) -> str:
    """French thousands separator (narrow no-break space, as ``reperes.formats``)."""
    return f"{value:,}".replace(",", "\u202f")


def _write_actions(path: Path, actions: Sequence[DemoAction]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(ACTIONS_TABLE.column_names)
        for action in actions:
            row = {
                "id_action": action.id_action,
                "intitule": action.intitule,
                "axe": action.axe,
                "famille": action.famille,
                "operateur": action.operateur,
                "territoire": "|".join(action.territoire),
                "date_debut": action.date_debut.strftime("%d/%m/%Y"),
                "date_fin": action.date_fin.strftime("%d/%m/%Y"),
                "budget_total": str(action.budget_total),
                "financement_fse": str(action.financement_fse),
                "autres_financements": str(action.autres_financements),
                "places_prevues": str(action.places_prevues),
                "experimentale": "oui" if action.experimentale else "non",
                "theme_experimentation": action.theme_experimentation,
            }
            writer.writerow([row[name] for name in ACTIONS_TABLE.column_names])
    return len(actions)


# ---------------------------------------------------------------------------
# Vectorised helpers


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers (days since 1970-01-01)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def completed_years(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Age in completed years on a day (the birthday counts as reached)."""
    by, bm, bd = _ymd(birth)
    oy, om, od = _ymd(on)
    return oy - by - ((om * 100 + od) < (bm * 100 + bd)).astype(np.int64)


def _years_before(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The same day ``years`` earlier (29 February becomes the 28th)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    offset = (d - months.astype("datetime64[D]")).astype(np.int64)
    target = months - (12 * years).astype("timedelta64[M]")
    start = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return (start + np.minimum(offset, length - 1)).astype(np.int64)


def _pick_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of a (rows × choices) weight matrix."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative <= draw[:, None]).sum(axis=1), weights.shape[1] - 1)


def _pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn from one weight vector."""
    cumulative = np.cumsum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right"),
                      len(weights) - 1)


def _uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Integers in [low, high] (both included), element-wise."""
    span = np.maximum(np.asarray(high) - np.asarray(low) + 1, 1)
    return np.asarray(low) + np.floor(rng.random(np.shape(span)) * span).astype(np.int64)


def _easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _public_holidays(year: int) -> set[dt.date]:
    """Jours fériés (code du travail, art. L3133-1) outside Alsace-Moselle."""
    easter = _easter(year)
    fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    return {dt.date(year, m, d) for m, d in fixed} | {easter + dt.timedelta(days=n) for n in (1, 39, 50)}


class _WorkingDays:
    """Moves a day to the next (or previous) working day: no entry or exit on a Sunday or on 14 July."""

    def __init__(self, first: dt.date, last: dt.date):
        holidays = set().union(*(_public_holidays(y) for y in range(first.year, last.year + 1)))
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        working = np.array([d.weekday() < 5 and d not in holidays for d in days])
        index = np.arange(len(days))
        self.first = _day(first)
        # Next working day: the smallest working index ≥ i; previous: the largest ≤ i.
        following = np.where(working, index, len(days))
        self.next = np.minimum.accumulate(following[::-1])[::-1]
        self.previous = np.maximum.accumulate(np.where(working, index, -1))
        self.size = len(days)

    def forward(self, days: np.ndarray) -> np.ndarray:
        i = np.clip(days - self.first, 0, self.size - 1)
        return np.where((days - self.first >= 0) & (days - self.first < self.size) & (self.next[i] < self.size),
                        self.first + self.next[i], days)

    def backward(self, days: np.ndarray) -> np.ndarray:
        i = np.clip(days - self.first, 0, self.size - 1)
        return np.where((days - self.first >= 0) & (days - self.first < self.size) & (self.previous[i] >= 0),
                        self.first + self.previous[i], days)


@functools.cache
def _date_texts() -> np.ndarray:
    """``JJ/MM/AAAA`` for every day from ``_DATE_MIN`` to ``_DATE_MAX``, after an empty cell."""
    days = np.arange(_day(_DATE_MIN), _day(_DATE_MAX) + 1).astype("datetime64[D]")
    iso = np.datetime_as_string(days).tolist()
    return np.array([""] + [f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in iso], dtype=object)


def _multi_lut(codes: Sequence[str]) -> np.ndarray:
    """Cell text (codes joined by |) for every subset of ``codes``, indexed by bit mask."""
    return np.array(["|".join(code for bit, code in enumerate(codes) if mask >> bit & 1)
                     for mask in range(1 << len(codes))], dtype=object)


def _mask(matrix: np.ndarray) -> np.ndarray:
    return (matrix.astype(np.int64) << np.arange(matrix.shape[1])).sum(axis=1)


# ---------------------------------------------------------------------------
# The population, block by block


class _Population:
    """Draws the participants block by block, with everything that hangs on them.

    Static tables (calendar, communes, actions, cell texts) are built once;
    the state carried between blocks is small: per-year counters of
    identifiers, the next étape number and the queue of planned re-entries.
    """

    def __init__(self, seed: int, total: int, communes: list[CommuneInfo], actions: Sequence[DemoAction]):
        self.seed = seed
        self.total = total
        self._build_calendar()
        self._build_communes(communes)
        self._build_actions(actions)
        self._build_formats()
        # State carried from block to block (bounded).
        self.year_counters: dict[int, int] = {}
        self.next_etape = 1
        self.next_personne = 1
        self.reentries: list[tuple[int, int, tuple]] = []  # heap of (ready day, order, person)
        self.reentry_order = 0

    # -- static tables -----------------------------------------------------

    def _build_calendar(self) -> None:
        starts, lengths, weights = [], [], []
        for year, year_weight in YEAR_WEIGHTS.items():
            for month in range(1, 13):
                first = dt.date(year, month, 1)
                following = dt.date(year + (month == 12), month % 12 + 1, 1)
                starts.append(_day(first))
                lengths.append((following - first).days)
                factor = LOCKDOWN_2020.get(month, 1.0) if year == 2020 else 1.0
                weights.append(year_weight * MONTH_WEIGHTS[month - 1] * factor * lengths[-1] / 30.4)
        self.month_start = np.array(starts, dtype=np.int64)
        self.month_length = np.array(lengths, dtype=np.int64)
        cumulative = np.cumsum(weights)
        self.month_cdf = np.concatenate([[0.0], cumulative / cumulative[-1]])
        ages = np.array(sorted(AGE_WEIGHTS))
        self.ages = ages
        self.age_weights = np.array([AGE_WEIGHTS[a] for a in ages])
        self.extraction = _day(EXTRACTION)
        self.six_months_before = _day(SITUATION_6_MOIS_BEFORE)
        self.reentry_last = _day(REENTRY_LAST)
        self.working_days = _WorkingDays(ENTRY_FIRST, EXTRACTION)

    def _build_communes(self, communes: list[CommuneInfo]) -> None:
        self.commune_codes = np.array([c.code for c in communes], dtype=object)
        population = np.array([max(c.population, 1) for c in communes], dtype=float)
        self.commune_weights = population
        self.commune_rural = np.array([c.rural for c in communes])
        self.commune_qpv = np.array([QPV_SHARE_BY_COMMUNE.get(c.code, 0.0) for c in communes])
        epcis = sorted({c.epci_siren for c in communes})
        self.commune_epci = np.array([epcis.index(c.epci_siren) for c in communes])
        # Référents: each EPCI's own, plus the roving one.
        all_referents = sorted({r for refs in REFERENTS_BY_EPCI.values() for r in refs} | {REFERENT_VOLANT})
        self.referent_codes = np.array(all_referents, dtype=object)
        self.referent_choices = []
        for epci in epcis:
            own = REFERENTS_BY_EPCI.get(epci, tuple(all_referents))
            self.referent_choices.append(np.array([all_referents.index(r) for r in own]))
        self.referent_volant = all_referents.index(REFERENT_VOLANT)
        self.communes = communes

    def _build_actions(self, actions: Sequence[DemoAction]) -> None:
        types = TYPE_ETAPE.codes()
        self.actions = list(actions)
        self.action_ids = np.array([a.id_action for a in actions] + [""], dtype=object)
        self.action_operateurs = [a.operateur for a in actions]
        n_actions = len(actions)
        self.action_types = np.zeros((n_actions, len(types)), dtype=bool)
        self.action_places = np.array([max(a.places_prevues, 1) for a in actions], dtype=float)
        for i, action in enumerate(actions):
            for code in action.types:
                self.action_types[i, types.index(code)] = True
        # Territory: commune codes or EPCI SIREN; empty = the whole PLIE.
        self.action_communes = np.zeros((n_actions, len(self.communes)), dtype=bool)
        for i, action in enumerate(actions):
            for j, commune in enumerate(self.communes):
                self.action_communes[i, j] = (not action.territoire or commune.code in action.territoire
                                              or commune.epci_siren in action.territoire)
        self.action_start = np.array([_day(a.date_debut) for a in actions], dtype=np.int64)
        self.action_end = np.array([_day(a.date_fin) for a in actions], dtype=np.int64)
        self.action_generic = np.array([not a.experimentale for a in actions])

        def experiment(theme: str) -> int:
            found = [i for i, a in enumerate(actions) if a.experimentale and a.theme_experimentation == theme]
            if len(found) != 1:
                raise ValueError(f"il faut exactement une action expérimentale « {theme} »")
            return found[0]

        self.action_sante = experiment(THEME_SANTE)
        self.action_mobilisation = experiment(THEME_MOBILISATION)
        # Operators of steps: the action's, else a generic one by step type.
        self.step_operateurs = np.array(
            self.action_operateurs + [OPERATEUR_HORS_ACTION.get(t, "") for t in types], dtype=object)
        for text in self.step_operateurs:
            _check_cell(text)

    def _build_formats(self) -> None:
        self.date_first = _day(_DATE_MIN)
        self.date_lut = _date_texts()
        self.int_lut = np.array([""] + [str(i) for i in range(0, 2100)], dtype=object)
        self.tenths_lut = np.array([""] + [f"{i // 10},{i % 10}" if i % 10 else str(i // 10) for i in range(0, 2000)],
                                   dtype=object)
        self.criteres_lut = _multi_lut(CRITERES.codes())
        self.freins_lut = _multi_lut(FREINS.codes())
        self.sexe_codes = np.array(SEXE.codes(), dtype=object)
        self.niveau_codes = np.array(NIVEAU_FORMATION.codes(), dtype=object)
        self.situation_codes = np.array(SITUATION_ENTREE.codes(), dtype=object)
        self.prescripteur_codes = np.array(PRESCRIPTEUR.codes(), dtype=object)
        self.motif_codes = np.array(MOTIF_SORTIE.codes() + [""], dtype=object)
        self.six_codes = np.array(SITUATION_6_MOIS.codes() + [""], dtype=object)
        self.type_codes = np.array(TYPE_ETAPE.codes(), dtype=object)
        self.resultat_codes = np.array(RESULTAT_ETAPE.codes(), dtype=object)
        self.frein_codes = np.array(FREINS.codes(), dtype=object)
        self.niveau_frein_codes = np.array(NIVEAU_FREIN.codes(), dtype=object)
        self.acquis_codes = np.array(TYPE_ACQUIS.codes(), dtype=object)
        self.commentaires = {code: tuple(texts) for code, texts in COMMENTAIRES.items()}
        for code, texts in self.commentaires.items():
            if code not in TYPE_ACQUIS:
                raise ValueError(f"type d'acquis inconnu : {code}")
            for text in texts:
                _check_cell(text)

    def _dates(self, days: np.ndarray) -> list[str]:
        index = np.where(days == NO_DATE, 0, days - self.date_first + 1)
        if index.size and (index.min() < 0 or index.max() >= len(self.date_lut)):
            raise ValueError("date hors de la plage prévue")
        return self.date_lut[index].tolist()

    def _ints(self, values: np.ndarray) -> list[str]:
        """Non-negative integers; -1 = empty."""
        return self.int_lut[values + 1].tolist()

    # -- one block -----------------------------------------------------------

    def block(self, number: int, first: int, size: int) -> dict[str, list[str]]:
        stream = np.random.SeedSequence(self.seed, spawn_key=(number,))
        rng = np.random.Generator(np.random.PCG64(stream))
        p = self._participants(rng, first, size)
        etapes = self._etapes(rng, p)
        suivi = self._suivi_freins(rng, p)
        acquis = self._acquis(rng, p)
        return {"participants": self._participant_lines(p), "etapes": etapes, "suivi_freins": suivi,
                "acquis": acquis}

    def _participants(self, rng: np.random.Generator, first: int, m: int) -> dict[str, np.ndarray]:
        # Entry dates in chronological order over the whole file (stratified draws).
        u = (first + np.arange(m) + rng.random(m)) / self.total
        month = np.clip(np.searchsorted(self.month_cdf, u, side="right") - 1, 0, len(self.month_start) - 1)
        within = (u - self.month_cdf[month]) / (self.month_cdf[month + 1] - self.month_cdf[month])
        entree = self.month_start[month] + np.minimum((within * self.month_length[month]).astype(np.int64),
                                                      self.month_length[month] - 1)
        entree = self.working_days.forward(entree)
        entry_year, _, _ = _ymd(entree)

        # The person.
        female = rng.random(m) < 0.5
        target_age = self.ages[_pick(rng, self.age_weights, m)]
        year_only = rng.random(m) < SHARE_BIRTH_YEAR_ONLY
        high = _years_before(entree, target_age)
        low = _years_before(entree, target_age + 1) + 1
        birth = _uniform_int(rng, low, high)
        _, bm, bd = _ymd(birth)
        leap_day = (bm == 2) & (bd == 29)  # avoid 29 February: its birthday is ambiguous
        birth = np.where(leap_day, np.where(birth + 1 <= high, birth + 1, birth - 1), birth)
        birth_year = np.where(year_only, entry_year - target_age, _ymd(birth)[0])
        commune = _pick(rng, self.commune_weights, m)
        personne = np.full(m, -1, dtype=np.int64)
        reentry = np.zeros(m, dtype=bool)
        keep_commune = rng.random(m) < 0.85
        self._place_reentries(entree, female, birth, birth_year, year_only, commune, personne, reentry, keep_commune)
        age = np.where(year_only, entry_year - birth_year, completed_years(birth, entree))
        young, senior = age < 26, age >= 50

        epci = self.commune_epci[commune]
        rural = self.commune_rural[commune]
        qpv = rng.random(m) < self.commune_qpv[commune]
        niveau = _pick(rng, NIVEAU_WEIGHTS, m)
        situation = _pick(rng, SITUATION_WEIGHTS, m)
        de = situation == _index(SITUATION_ENTREE, "DE")
        inactif = situation == _index(SITUATION_ENTREE, "INACTIF")
        anciennete = np.where(de, np.minimum(rng.gamma(1.3, 15.0, m), 180).astype(np.int64), -1)

        criteres = self._criteres(rng, m, age, female, de, inactif, anciennete)
        has = {code: criteres[:, i] for i, code in enumerate(CRITERES.codes())}
        freins = self._freins(rng, m, age, female, rural, niveau, has)
        fr = {code: freins[:, i] for i, code in enumerate(FREINS.codes())}
        n_freins = freins.sum(axis=1)

        prescripteur_w = np.tile(PRESCRIPTEUR_WEIGHTS, (m, 1))
        prescripteur_w[:, _index(PRESCRIPTEUR, "MISSION_LOCALE")] = np.where(age < 26, 45.0, 0.0)
        prescripteur_w[:, _index(PRESCRIPTEUR, "CAP_EMPLOI")] = np.where(has["TH"], 30.0, 0.0)
        prescripteur_w[:, _index(PRESCRIPTEUR, "DEPARTEMENT")] += np.where(has["RSA"], 30.0, 0.0)
        prescripteur = _pick_rows(rng, prescripteur_w)

        referent = np.empty(m, dtype=np.int64)
        draw = rng.random(m)
        for e, choices in enumerate(self.referent_choices):
            here = epci == e
            referent[here] = choices[np.minimum((draw[here] * len(choices)).astype(np.int64), len(choices) - 1)]
        referent = np.where(rng.random(m) < 0.1, self.referent_volant, referent)

        # Experimental actions: offered to the eligible who enter around their dates.
        def eligible(action: int) -> np.ndarray:
            return ((entree >= self.action_start[action] - EXPERIMENT_ENTRY_BEFORE_DAYS)
                    & (entree <= self.action_end[action] - 60))

        exp_sante = fr["SANTE"] & eligible(self.action_sante) & (rng.random(m) < EXPERIMENT_SANTE_SHARE)
        exp_mobilisation = ((fr["CONFIANCE"] | (n_freins >= 2)) & eligible(self.action_mobilisation)
                            & (rng.random(m) < EXPERIMENT_MOBILISATION_SHARE))

        # Exit motif.
        effects = POSITIVE_LOGIT
        logit = (POSITIVE_LOGIT_BASE + effects["sante"] * fr["SANTE"] + effects["par_frein"] * n_freins
                 + effects["senior"] * senior + effects["jeune"] * young
                 + effects["infra_3"] * (niveau == _index(NIVEAU_FORMATION, "INFRA_3"))
                 + effects["niveau_4_plus"] * np.isin(niveau, [_index(NIVEAU_FORMATION, c)
                                                               for c in ("NIV_4", "NIV_5", "NIV_6_PLUS")])
                 + effects["rsa"] * has["RSA"] + effects["th"] * has["TH"] + effects["deld_24"] * (anciennete >= 24)
                 + effects["en_emploi"] * (situation == _index(SITUATION_ENTREE, "EMPLOI"))
                 + effects["experimentation"] * (exp_sante | exp_mobilisation))
        p_positive = 1.0 / (1.0 + np.exp(-logit))
        motif = self._motifs(rng, m, p_positive, age, has, fr)

        # Duration and exit (censored by the export date).
        mean, shape, minimum, offset = (np.array([DURATION_BY_MOTIF[c][k] for c in MOTIF_SORTIE.codes()], dtype=float)
                                        for k in range(4))
        months = offset[motif] + np.maximum(rng.gamma(shape[motif], mean[motif] / shape[motif]), minimum[motif])
        months = np.minimum(months, MAX_DURATION_MONTHS)
        sortie = self.working_days.backward(entree + np.round(months * DAYS_PER_MONTH).astype(np.int64))
        sortie = np.maximum(sortie, entree + 14)
        closed = sortie <= self.extraction
        sortie = np.where(closed, sortie, NO_DATE)
        end = np.where(closed, sortie, self.extraction)
        category_codes = [category_of(c) for c in MOTIF_SORTIE.codes()]
        category = np.array(category_codes, dtype=object)[motif]
        exit_category = np.where(closed, category, "")

        # Months in the job at validation, for employment exits.
        duree_emploi = np.full(m, -1, dtype=np.int64)  # tenths of a month; -1 = empty
        for code, (low_m, high_m) in DUREE_EMPLOI_BY_MOTIF.items():
            here = closed & (motif == _index(MOTIF_SORTIE, code))
            months_in_job = low_m + rng.random(m) * (high_m - low_m)
            room = (end - entree - 7) / DAYS_PER_MONTH
            tenths = np.floor(np.minimum(months_in_job, np.maximum(room, 0)) * 10).astype(np.int64)
            duree_emploi = np.where(here, tenths, duree_emploi)

        # Situation six months after the exit.
        six = np.full(m, len(SITUATION_6_MOIS), dtype=np.int64)
        six_date = np.full(m, NO_DATE, dtype=np.int64)
        observed = closed & (sortie < self.six_months_before) & (rng.random(m) < SIX_MONTHS_SHARE)
        for cat, weights in SIX_MONTHS_WEIGHTS.items():
            here = observed & (category == cat)
            six = np.where(here, _pick(rng, weights, m), six)
        six_date = np.where(observed, sortie + _uniform_int(rng, np.full(m, 175), np.full(m, 200)), six_date)

        # Re-entries planned after an exit without a lasting solution.
        reentry_motif = np.isin(motif, [_index(MOTIF_SORTIE, c) for c in REENTRY_MOTIFS])
        ready = sortie + _uniform_int(rng, np.full(m, 90), np.full(m, 540))
        plan = (closed & reentry_motif & ~reentry & (age <= REENTRY_MAX_AGE) & (ready <= self.reentry_last)
                & (rng.random(m) < REENTRY_PROBABILITY))
        for i in np.flatnonzero(plan):
            if len(self.reentries) >= REENTRY_QUEUE_MAX:
                break
            personne[i] = self.next_personne
            self.next_personne += 1
            person = (int(personne[i]), bool(female[i]), int(birth[i]), int(birth_year[i]), bool(year_only[i]),
                      int(commune[i]))
            heapq.heappush(self.reentries, (int(ready[i]), self.reentry_order, person))
            self.reentry_order += 1

        # Parcours identifiers: P<year of entry>-<rank in that year>.
        ids = np.empty(m, dtype=object)
        for year in np.unique(entry_year):
            here = np.flatnonzero(entry_year == year)
            start = self.year_counters.get(int(year), 0)
            ids[here] = [f"P{year}-{start + k + 1:05d}" for k in range(len(here))]
            self.year_counters[int(year)] = start + len(here)

        return {
            "m": np.int64(m), "ids": ids, "personne": personne, "female": female, "birth": birth,
            "birth_year": birth_year, "year_only": year_only, "age": age, "commune": commune, "epci": epci,
            "qpv": qpv, "niveau": niveau, "situation": situation, "anciennete": anciennete, "criteres": criteres,
            "freins": freins, "prescripteur": prescripteur, "referent": referent, "entree": entree,
            "sortie": sortie, "closed": closed, "end": end, "motif": np.where(closed, motif, len(MOTIF_SORTIE)),
            "latent_motif": motif, "category": exit_category, "duree_emploi": duree_emploi, "six": six,
            "six_date": six_date, "exp_sante": exp_sante, "exp_mobilisation": exp_mobilisation,
        }

    def _place_reentries(self, entree, female, birth, birth_year, year_only, commune, personne, reentry,
                         keep_commune) -> None:
        """Gives waiting re-entries the first free places of the block from their ready day on."""
        deferred = []
        last = entree[-1]
        while self.reentries and self.reentries[0][0] <= last:
            item = heapq.heappop(self.reentries)
            ready, _, (pid, is_female, birth_day, year_of_birth, only_year, home) = item
            j = int(np.searchsorted(entree, ready, side="left"))
            while j < len(entree) and reentry[j]:
                j += 1
            if j >= len(entree):
                deferred.append(item)
                continue
            reentry[j] = True
            personne[j] = pid
            female[j] = is_female
            birth[j] = birth_day
            birth_year[j] = year_of_birth
            year_only[j] = only_year
            if keep_commune[j]:
                commune[j] = home
        for item in deferred:
            heapq.heappush(self.reentries, item)

    def _criteres(self, rng, m, age, female, de, inactif, anciennete) -> np.ndarray:
        out = np.zeros((m, len(CRITERES)), dtype=bool)
        col = {code: i for i, code in enumerate(CRITERES.codes())}
        draw = lambda: rng.random(m)  # noqa: E731
        rsa_p = np.where(inactif, 0.66, np.where(de, 0.49, 0.27))
        rsa_p = np.where(age < 25, rsa_p * 0.3, rsa_p)  # the RSA starts at 25 (young parents aside)
        rsa = draw() < rsa_p
        out[:, col["RSA"]] = rsa
        out[:, col["ASS"]] = de & ~rsa & (age >= 30) & (anciennete >= 12) & (draw() < 0.35)
        aah = draw() < 0.04
        out[:, col["AAH"]] = aah
        out[:, col["TH"]] = np.where(aah, draw() < 0.9, draw() < 0.08)
        recorded = draw() < 0.85
        out[:, col["DETLD"]] = de & (anciennete >= 24) & recorded
        out[:, col["DELD"]] = de & (anciennete >= 12) & (anciennete < 24) & recorded
        out[:, col["PARENT_ISOLE"]] = (age >= 20) & (age <= 55) & (draw() < np.where(female, 0.2, 0.03))
        out[:, col["BPI"]] = draw() < 0.03
        out[:, col["SANS_DOMICILE"]] = draw() < 0.03
        out[:, col["ASE"]] = (age < 26) & (draw() < 0.1)
        return out

    def _freins(self, rng, m, age, female, rural, niveau, has) -> np.ndarray:
        col = {code: i for i, code in enumerate(FREINS.codes())}
        weights = np.tile(FREIN_WEIGHTS, (m, 1))
        weights[:, col["MOBILITE"]] *= np.where(rural, RURAL_MOBILITY_FACTOR, 1.0)
        weights[:, col["SANTE"]] *= np.where(age >= 45, 1.8, 1.0) * np.where(has["AAH"] | has["TH"], 3.0, 1.0)
        weights[:, col["GARDE_ENFANTS"]] *= np.where(has["PARENT_ISOLE"], 5.0, 1.0) * np.where(female, 1.0, 0.3)
        weights[:, col["LANGUE"]] *= np.where(has["BPI"], 12.0, 1.0)
        weights[:, col["SAVOIRS_DE_BASE"]] *= np.where(niveau == _index(NIVEAU_FORMATION, "INFRA_3"), 1.8, 0.6)
        weights[:, col["LOGEMENT"]] *= np.where(has["SANS_DOMICILE"], 8.0, 1.0)
        weights[:, col["FINANCES"]] *= np.where(has["RSA"], 1.5, 1.0)
        weights[:, col["NUMERIQUE"]] *= np.where(age >= 50, 1.8, 1.0)
        weights[:, col["JUSTICE"]] *= np.where(~female & (age < 35), 2.5, 0.6)
        count = _pick(rng, NOMBRE_FREINS_WEIGHTS, m)
        # Weighted draw without replacement (Gumbel top-k).
        keys = np.log(weights) - np.log(-np.log(rng.random(weights.shape)))
        order = np.argsort(-keys, axis=1)
        chosen = np.zeros_like(weights, dtype=bool)
        rank = np.arange(weights.shape[1])[None, :] < count[:, None]
        rows = np.repeat(np.arange(m), weights.shape[1]).reshape(m, -1)
        chosen[rows[rank], order[rank]] = True
        return chosen

    def _motifs(self, rng, m, p_positive, age, has, fr) -> np.ndarray:
        col = {code: i for i, code in enumerate(MOTIF_SORTIE.codes())}
        other = np.tile(OTHER_WEIGHTS, (m, 1))
        other[:, col["MILIEU_PROTEGE"]] += np.where(has["TH"] | has["AAH"], 6.0, 0.0)
        other[:, col["SANTE"]] += np.where(fr["SANTE"], 6.0, 0.0)
        other[:, col["RETRAITE"]] = np.where(age >= 58, 22.0, 0.0)
        other[:, col["DECES"]] *= np.where(age >= 50, 2.0, 1.0)
        positive = np.tile(POSITIVE_WEIGHTS, (m, 1))
        positive[:, col["ALTERNANCE"]] *= np.where(age < 26, 4.0, np.where(age < 30, 1.0, 0.3))
        weights = (positive / positive.sum(axis=1, keepdims=True) * p_positive[:, None]
                   + other / other.sum(axis=1, keepdims=True) * (1.0 - p_positive[:, None]))
        return _pick_rows(rng, weights)

    def _participant_lines(self, p: dict[str, np.ndarray]) -> list[str]:
        m = int(p["m"])
        personne = p["personne"]
        year_only = p["year_only"]
        columns = {
            "id_participant": p["ids"].tolist(),
            "id_personne": [f"PERS-{n:06d}" if n >= 0 else "" for n in personne.tolist()],
            "sexe": self.sexe_codes[np.where(p["female"], _index(SEXE, "F"), _index(SEXE, "M"))].tolist(),
            "date_naissance": self._dates(np.where(year_only, NO_DATE, p["birth"])),
            "annee_naissance": self._ints(np.where(year_only, p["birth_year"], -1)),
            "commune_residence": self.commune_codes[p["commune"]].tolist(),
            "qpv": np.where(p["qpv"], "oui", "non").tolist(),
            "niveau_formation": self.niveau_codes[p["niveau"]].tolist(),
            "situation_entree": self.situation_codes[p["situation"]].tolist(),
            "anciennete_chomage_mois": self._ints(p["anciennete"]),
            "criteres": self.criteres_lut[_mask(p["criteres"])].tolist(),
            "freins_entree": self.freins_lut[_mask(p["freins"])].tolist(),
            "prescripteur": self.prescripteur_codes[p["prescripteur"]].tolist(),
            "referent": self.referent_codes[p["referent"]].tolist(),
            "date_entree": self._dates(p["entree"]),
            "date_sortie": self._dates(p["sortie"]),
            "motif_sortie": self.motif_codes[p["motif"]].tolist(),
            "duree_emploi_mois": self.tenths_lut[p["duree_emploi"] + 1].tolist(),
            "situation_6_mois": self.six_codes[p["six"]].tolist(),
            "date_situation_6_mois": self._dates(p["six_date"]),
        }
        ordered = [columns[name] for name in PARTICIPANTS.column_names]
        lines = [";".join(row) for row in zip(*ordered, strict=True)]
        assert len(lines) == m
        return lines

    # -- steps ---------------------------------------------------------------

    def _etapes(self, rng: np.random.Generator, p: dict[str, np.ndarray]) -> list[str]:
        m = int(p["m"])
        entree, end, closed = p["entree"], p["end"], p["closed"]
        motif = p["latent_motif"]
        types = TYPE_ETAPE.codes()
        type_index = {code: i for i, code in enumerate(types)}
        motif_codes = MOTIF_SORTIE.codes()

        # The step that closes the parcours (the job, the training…).
        final_type = np.full(m, -1, dtype=np.int64)
        for motif_code, type_code in FINAL_STEP_BY_MOTIF.items():
            final_type = np.where(motif == motif_codes.index(motif_code), type_index[type_code], final_type)
        transition = motif == motif_codes.index("EMPLOI_TRANSITION")
        final_type = np.where(transition, _pick(rng, TRANSITION_STEP_WEIGHTS, m), final_type)
        sante_exit = motif == motif_codes.index("SANTE")
        final_type = np.where(sante_exit & (rng.random(m) < 0.5), -1, final_type)
        final_type = np.where(closed, final_type, -1)
        has_final = final_type >= 0
        job_days = np.round(np.maximum(p["duree_emploi"], 0) / 10 * DAYS_PER_MONTH).astype(np.int64)
        final_start = np.where(p["duree_emploi"] >= 0, end - job_days,
                               np.where(sante_exit, end - _uniform_int(rng, np.full(m, 30), np.full(m, 120)),
                                        end - _uniform_int(rng, np.zeros(m, np.int64), np.full(m, 10))))
        final_start = np.clip(final_start, entree, end)
        free_end = np.where(has_final, final_start, end)

        pieces: list[tuple[np.ndarray, ...]] = []  # (participant, type, start, planned end, fixed action)

        # Reception and diagnosis.
        has_initial = rng.random(m) < INITIAL_STEP_SHARE
        initial_type = _pick(rng, INITIAL_STEP_WEIGHTS, m)
        early = rng.random(m) < 0.04
        initial_start = np.where(early, entree - _uniform_int(rng, np.ones(m, np.int64), np.full(m, 25)),
                                 np.minimum(entree + _uniform_int(rng, np.zeros(m, np.int64), np.full(m, 21)),
                                            free_end))
        initial_days = _uniform_int(rng, np.full(m, 20), np.full(m, 120))
        rows = np.flatnonzero(has_initial)
        pieces.append((rows, initial_type[rows], initial_start[rows], initial_start[rows] + initial_days[rows],
                       np.full(len(rows), -1)))

        # Steps along the parcours, more in a longer one, led by the barriers.
        span_months = (free_end - entree) / DAYS_PER_MONTH
        n_free = np.minimum(rng.poisson(FREE_STEPS_BASE + FREE_STEPS_PER_MONTH * span_months), FREE_STEPS_MAX)
        rows = np.repeat(np.arange(m), n_free)
        frein_boost = np.zeros((len(FREINS), len(types)))
        for f, code in enumerate(FREINS.codes()):
            for type_code, w in STEP_WEIGHTS_BY_FREIN.get(code, {}).items():
                frein_boost[f, type_index[type_code]] = w
        weights = FREE_STEP_WEIGHTS[None, :] + p["freins"][rows].astype(float) @ frein_boost
        free_type = _pick_rows(rng, weights) if len(rows) else np.zeros(0, dtype=np.int64)
        span = np.maximum(free_end[rows] - entree[rows], 1)
        free_start = entree[rows] + np.minimum((rng.random(len(rows)) * span).astype(np.int64), span - 1)
        free_start = np.minimum(free_start, free_end[rows])
        low, high = self._step_days(free_type)
        pieces.append((rows, free_type, free_start, free_start + _uniform_int(rng, low, high),
                       np.full(len(rows), -1)))

        # The experimental actions, within both the parcours and the action's dates.
        for flag, action, type_code in ((p["exp_sante"], self.action_sante, "SANTE"),
                                        (p["exp_mobilisation"], self.action_mobilisation, "REMOBILISATION")):
            low_day = np.maximum(entree, self.action_start[action])
            high_day = np.minimum(free_end, self.action_end[action])
            possible = flag & (high_day >= low_day)
            flag &= possible  # without room for the step, the person did not take part
            rows = np.flatnonzero(possible)
            start = _uniform_int(rng, low_day[rows], high_day[rows])
            days = _uniform_int(rng, np.full(len(rows), 60), np.full(len(rows), 240))
            pieces.append((rows, np.full(len(rows), type_index[type_code]), start, start + days,
                           np.full(len(rows), action)))

        # The closing step.
        rows = np.flatnonzero(has_final)
        pieces.append((rows, final_type[rows], final_start[rows], end[rows], np.full(len(rows), -2)))

        who, kind, start, planned, fixed = (np.concatenate(parts) for parts in zip(*pieces, strict=True))
        who = who.astype(np.int64)
        kind = kind.astype(np.int64)
        fixed = fixed.astype(np.int64)
        n = len(who)

        # Actions: same step type, territory and dates.
        candidates = (self.action_types[:, kind].T & self.action_communes[:, p["commune"][who]].T
                      & (start[:, None] >= self.action_start[None, :]) & (start[:, None] <= self.action_end[None, :])
                      & self.action_generic[None, :])
        score = rng.random(candidates.shape) * self.action_places[None, :] * candidates
        linked = candidates.any(axis=1) & (rng.random(n) < ACTION_LINK_PROBABILITY) & (fixed < 0)
        action = np.where(linked, score.argmax(axis=1), -1)
        action = np.where(fixed >= 0, fixed, action)

        # End and result: ended by the exit at the latest; still running at the export date.
        final = fixed == -2
        parcours_end = end[who]
        is_closed = closed[who]
        planned = np.minimum(planned, parcours_end)
        abandon_exit = motif[who] == motif_codes.index("ABANDON")
        abandoned = ~final & (rng.random(n) < np.where(abandon_exit & is_closed, STEP_ABANDON_WHEN_ABANDON_EXIT,
                                                          STEP_ABANDON_PROBABILITY))
        cut = start + np.floor((planned - start) * (0.2 + 0.6 * rng.random(n))).astype(np.int64)
        # A step of an open parcours planned to last beyond the export is still running.
        still = ~is_closed & (planned >= self.extraction)
        fin = np.where(abandoned, cut, planned)
        resultat = np.where(abandoned, _index(RESULTAT_ETAPE, "ABANDONNEE"), _index(RESULTAT_ETAPE, "REALISEE"))
        fin = np.where(still & ~abandoned, NO_DATE, fin)
        resultat = np.where(still & ~abandoned, _index(RESULTAT_ETAPE, "EN_COURS"), resultat)

        order = np.lexsort((kind, start, who))
        who, kind, start, fin, action, resultat = (a[order] for a in (who, kind, start, fin, action, resultat))
        first_id = self.next_etape
        self.next_etape += n
        operateur_index = np.where(action >= 0, action, len(self.actions) + kind)
        columns = {
            "id_etape": [f"E{i:07d}" for i in range(first_id, first_id + n)],
            "id_participant": p["ids"][who].tolist(),
            "type_etape": self.type_codes[kind].tolist(),
            "date_debut": self._dates(start),
            "date_fin": self._dates(fin),
            "id_action": self.action_ids[action].tolist(),
            "operateur": self.step_operateurs[operateur_index].tolist(),
            "resultat": self.resultat_codes[resultat].tolist(),
        }
        return [";".join(row) for row in zip(*(columns[c] for c in ETAPES.column_names), strict=True)]

    def _step_days(self, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        types = TYPE_ETAPE.codes()
        low = np.array([STEP_DAYS_BY_TYPE.get(t, STEP_DAYS_BY_FAMILY[TYPE_ETAPE.attr(t)])[0] for t in types])
        high = np.array([STEP_DAYS_BY_TYPE.get(t, STEP_DAYS_BY_FAMILY[TYPE_ETAPE.attr(t)])[1] for t in types])
        return low[kind], high[kind]

    # -- barrier follow-up -----------------------------------------------------

    def _suivi_freins(self, rng: np.random.Generator, p: dict[str, np.ndarray]) -> list[str]:
        m = int(p["m"])
        entree, end = p["entree"], p["end"]
        # Assessment days per participant: at entry (or a little before), then 1 to 3 later ones.
        first = np.where(rng.random(m) < PRE_ENTRY_ASSESSMENT_SHARE,
                         entree - _uniform_int(rng, np.ones(m, np.int64), np.full(m, PRE_ENTRY_ASSESSMENT_MAX_DAYS)),
                         entree)
        span = end - entree
        later = np.minimum(_pick(rng, LATER_ASSESSMENTS_WEIGHTS, m) + 1, span // DAYS_PER_LATER_ASSESSMENT)
        count = later + 1
        slot = np.maximum(span, 1) / np.maximum(later, 1)
        days = np.full((m, 4), NO_DATE, dtype=np.int64)
        days[:, 0] = first
        for j in range(3):
            at = entree + np.floor(slot * (j + 0.2 + 0.7 * rng.random(m))).astype(np.int64)
            days[:, j + 1] = np.where(j < later, np.minimum(at, end), NO_DATE)

        # Levels: tend to drop, faster in parcours that end well.
        pairs_who, pairs_frein = np.nonzero(p["freins"])
        k = len(pairs_who)
        levels = np.zeros((k, 4), dtype=np.int64)
        levels[:, 0] = np.array([int(c) for c in NIVEAU_FREIN.codes()])[_pick(rng, INITIAL_LEVEL_WEIGHTS, k)]
        category = p["category"][pairs_who]
        drop = np.zeros(k)
        for cat, value in LEVEL_DROP_BY_CATEGORY.items():
            drop = np.where(category == cat, value, drop)
        drop = drop * np.where(pairs_frein == _index(FREINS, "SANTE"), 0.7, 1.0)
        drop = drop + np.where(p["exp_sante"][pairs_who] | p["exp_mobilisation"][pairs_who], 0.1, 0.0)
        for j in range(1, 4):
            draw = rng.random(k)
            step = np.where(draw < drop, -1, np.where(draw > 1 - LEVEL_RISE, 1, 0))
            step = np.where(draw < drop * 0.2, -2, step)
            levels[:, j] = np.clip(levels[:, j - 1] + step, 0, 3)

        n_rows = count[pairs_who]
        row_pair = np.repeat(np.arange(k), n_rows)
        row_j = np.arange(len(row_pair)) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
        row_who = pairs_who[row_pair]
        row_day = days[row_who, row_j]
        row_frein = pairs_frein[row_pair]
        order = np.lexsort((row_frein, row_day, row_who))
        row_who, row_day, row_frein = row_who[order], row_day[order], row_frein[order]
        row_level = levels[row_pair[order], row_j[order]]
        columns = {
            "id_participant": p["ids"][row_who].tolist(),
            "date": self._dates(row_day),
            "frein": self.frein_codes[row_frein].tolist(),
            "niveau": self.niveau_frein_codes[row_level].tolist(),
        }
        return [";".join(row) for row in zip(*(columns[c] for c in SUIVI_FREINS.column_names), strict=True)]

    # -- achievements ------------------------------------------------------------

    def _acquis(self, rng: np.random.Generator, p: dict[str, np.ndarray]) -> list[str]:
        m = int(p["m"])
        entree, end = p["entree"], p["end"]
        types = TYPE_ACQUIS.codes()
        by_frein = np.zeros((len(FREINS), len(types)))
        for f, code in enumerate(FREINS.codes()):
            for type_code, probability in ACQUIS_BY_FREIN.get(code, {}).items():
                by_frein[f, types.index(type_code)] = probability
        # Probability of each achievement: 1 − Π(1 − p) over the person's barriers, plus the base.
        miss = np.exp(p["freins"].astype(float) @ np.log1p(-by_frein)) * (1.0 - ACQUIS_BASE)[None, :]
        probability = 1.0 - miss
        retraite = types.index("DROITS_RETRAITE")
        probability[:, retraite] = np.where(p["age"] >= ACQUIS_RETRAITE_AGE, ACQUIS_RETRAITE, 0.0)
        factor = np.ones(m)
        for cat, value in ACQUIS_FACTOR_BY_CATEGORY.items():
            factor = np.where(p["category"] == cat, value, factor)
        got = rng.random(probability.shape) < np.minimum(probability * factor[:, None], 0.95)
        who, kind = np.nonzero(got)
        day = entree[who] + np.floor(rng.random(len(who)) * (end[who] - entree[who] + 1)).astype(np.int64)
        comment = np.full(len(who), "", dtype=object)
        with_comment = rng.random(len(who)) < COMMENTAIRE_SHARE
        pick = rng.random(len(who))
        for i in np.flatnonzero(with_comment):
            texts = self.commentaires.get(types[kind[i]], ())
            if texts:
                comment[i] = texts[min(int(pick[i] * len(texts)), len(texts) - 1)]
        order = np.lexsort((kind, day, who))
        who, kind, day, comment = who[order], kind[order], day[order], comment[order]
        columns = {
            "id_participant": p["ids"][who].tolist(),
            "date": self._dates(day),
            "type_acquis": self.acquis_codes[kind].tolist(),
            "commentaire": comment.tolist(),
        }
        return [";".join(row) for row in zip(*(columns[c] for c in ACQUIS.column_names), strict=True)]


def _check_cell(text: str) -> None:
    """Fixed texts written without quoting must not need any."""
    if any(ch in text for ch in ';"\n\r|'):
        raise ValueError(f"texte à citer dans un CSV : {text!r}")
