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

The generator is split along its seams: :mod:`reperes.demo.calibration` (the
calendar, the sizes and every distribution), :mod:`reperes.demo.population`
(the draws, block by block, as CSV lines) and :mod:`reperes.demo.vectors`
(vectorised helpers: dates, weighted draws, working days); this module writes
the files and keeps the public names.

Pure Python and NumPy: nothing here imports Django.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reperes.referentiel.tables import ACQUIS, ETAPES, PARTICIPANTS, SUIVI_FREINS, Table
from reperes.referentiel.tables import ACTIONS as ACTIONS_TABLE

from .actions import ACTIONS, DemoAction

# The calibration and the helpers keep their public names here (reperes.demo.generator is the entry point).
from .calibration import (  # noqa: F401
    ACQUIS_BASE,
    ACQUIS_BY_FREIN,
    ACQUIS_FACTOR_BY_CATEGORY,
    ACQUIS_RETRAITE,
    ACQUIS_RETRAITE_AGE,
    ACTION_LINK_PROBABILITY,
    AGE_WEIGHTS,
    BLOCK_SIZE,
    COMMENTAIRE_SHARE,
    COMMENTAIRES,
    DAYS_PER_LATER_ASSESSMENT,
    DAYS_PER_MONTH,
    DEFAULT_CHUNK_SIZE,
    DURATION_BY_MOTIF,
    DUREE_EMPLOI_BY_MOTIF,
    ENTRY_FIRST,
    ENTRY_LAST,
    EXPERIMENT_ENTRY_BEFORE_DAYS,
    EXPERIMENT_MOBILISATION_SHARE,
    EXPERIMENT_SANTE_SHARE,
    EXTRACTION,
    FINAL_STEP_BY_MOTIF,
    FREE_STEP_WEIGHTS,
    FREE_STEPS_BASE,
    FREE_STEPS_MAX,
    FREE_STEPS_PER_MONTH,
    FREIN_WEIGHTS,
    INITIAL_LEVEL_WEIGHTS,
    INITIAL_STEP_SHARE,
    INITIAL_STEP_WEIGHTS,
    LATER_ASSESSMENTS_WEIGHTS,
    LEVEL_DROP_BY_CATEGORY,
    LEVEL_RISE,
    LOCKDOWN_2020,
    MAX_DURATION_MONTHS,
    MIN_BLOCK_SIZE,
    MONTH_WEIGHTS,
    NIVEAU_WEIGHTS,
    NO_DATE,
    NOMBRE_FREINS_WEIGHTS,
    OPERATEUR_HORS_ACTION,
    OTHER_WEIGHTS,
    POSITIVE_LOGIT,
    POSITIVE_LOGIT_BASE,
    POSITIVE_WEIGHTS,
    PRE_ENTRY_ASSESSMENT_MAX_DAYS,
    PRE_ENTRY_ASSESSMENT_SHARE,
    PRESCRIPTEUR_WEIGHTS,
    QPV_SHARE_BY_COMMUNE,
    REENTRY_LAST,
    REENTRY_MAX_AGE,
    REENTRY_MOTIFS,
    REENTRY_PROBABILITY,
    REENTRY_QUEUE_MAX,
    REFERENT_VOLANT,
    REFERENTS_BY_EPCI,
    RURAL_MOBILITY_FACTOR,
    SHARE_BIRTH_YEAR_ONLY,
    SITUATION_6_MOIS_BEFORE,
    SITUATION_WEIGHTS,
    SIX_MONTHS_SHARE,
    SIX_MONTHS_WEIGHTS,
    STEP_ABANDON_PROBABILITY,
    STEP_ABANDON_WHEN_ABANDON_EXIT,
    STEP_DAYS_BY_FAMILY,
    STEP_DAYS_BY_TYPE,
    STEP_WEIGHTS_BY_FREIN,
    TRANSITION_STEP_WEIGHTS,
    YEAR_WEIGHTS,
)
from .communes import TERRES_DE_LORRAINE_EPCI, CommuneInfo, load_communes
from .population import Population
from .vectors import completed_years  # noqa: F401

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

    population = Population(seed, participants, communes, ACTIONS)
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
