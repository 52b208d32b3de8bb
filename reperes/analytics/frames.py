"""The Polars frames every analysis works on, and their schema.

The analytics package never touches the database: ``reperes.analyses.loaders``
(Django side) builds these frames from the stored data, tests build them by
hand. Codes are référentiel codes; ``participant`` is the pseudonymised id of
the parcours (``Participant.id_hash``).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

PARTICIPANTS = {
    "participant": pl.String,  # pseudonymised id of the parcours
    "personne": pl.String,  # pseudonymised id of the person (re-entries), may be null
    "sexe": pl.String,
    "annee_naissance": pl.Int32,
    "age_entree": pl.Int32,
    "commune": pl.String,  # INSEE code of residence
    "epci": pl.String,  # SIREN of the commune's EPCI (bundled reference)
    "qpv": pl.Boolean,  # null = unknown
    "niveau_formation": pl.String,
    "situation_entree": pl.String,
    "anciennete_chomage_mois": pl.Int32,
    "criteres": pl.List(pl.String),
    "freins_entree": pl.List(pl.String),
    "prescripteur": pl.String,
    "referent": pl.String,
    "date_entree": pl.Date,
    "date_sortie": pl.Date,
    "motif_sortie": pl.String,
    "duree_emploi_mois": pl.Float64,
    "situation_6_mois": pl.String,
    "date_situation_6_mois": pl.Date,
}
ETAPES = {
    "participant": pl.String,
    "type_etape": pl.String,
    "date_debut": pl.Date,
    "date_fin": pl.Date,
    "id_action": pl.String,
    "operateur": pl.String,
    "resultat": pl.String,
}
ACTIONS = {
    "id_action": pl.String,
    "intitule": pl.String,
    "axe": pl.String,
    "famille": pl.String,
    "operateur": pl.String,
    "territoire": pl.List(pl.String),
    "date_debut": pl.Date,
    "date_fin": pl.Date,
    "budget_total": pl.Float64,
    "financement_fse": pl.Float64,
    "autres_financements": pl.Float64,
    "places_prevues": pl.Int32,
    "experimentale": pl.Boolean,
    "theme_experimentation": pl.String,
}
SUIVI_FREINS = {"participant": pl.String, "date": pl.Date, "frein": pl.String, "niveau": pl.Int32}
ACQUIS = {"participant": pl.String, "date": pl.Date, "type_acquis": pl.String}
# The PLIE's territory: one row per commune of the perimeter (bundled reference).
COMMUNES = {"commune": pl.String, "nom": pl.String, "epci": pl.String, "epci_nom": pl.String,
            "population": pl.Int64}

SCHEMAS = {"participants": PARTICIPANTS, "etapes": ETAPES, "actions": ACTIONS, "suivi_freins": SUIVI_FREINS,
           "acquis": ACQUIS, "communes": COMMUNES}


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


def conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Cast a frame to its schema (missing columns added as nulls, column order fixed)."""
    schema = SCHEMAS[name]
    columns = [
        (pl.col(col).cast(dtype) if col in frame.columns else pl.lit(None, dtype=dtype)).alias(col)
        for col, dtype in schema.items()
    ]
    return frame.select(columns)


@dataclass
class Dataset:
    """Everything an analysis needs, as frames."""

    participants: pl.DataFrame = field(default_factory=lambda: empty("participants"))
    etapes: pl.DataFrame = field(default_factory=lambda: empty("etapes"))
    actions: pl.DataFrame = field(default_factory=lambda: empty("actions"))
    suivi_freins: pl.DataFrame = field(default_factory=lambda: empty("suivi_freins"))
    acquis: pl.DataFrame = field(default_factory=lambda: empty("acquis"))
    communes: pl.DataFrame = field(default_factory=lambda: empty("communes"))
    # EPCI SIREN → population of all its communes in the bundled reference (indicateurs.md), when the territory
    # holds only some of them; empty: the communes frame is taken as the whole EPCIs.
    epci_populations: dict[str, int] = field(default_factory=dict)
    # The fingerprint of these frames when it is known already (computed by an earlier process), and what to do
    # with it once computed here (keep it for the next process).
    fingerprint_known: str | None = field(default=None, repr=False, compare=False)
    fingerprint_done: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        for name in SCHEMAS:
            setattr(self, name, conform(name, getattr(self, name)))
        if self.fingerprint_known is not None:
            self._fingerprint = Future()
            self._fingerprint.set_result(self.fingerprint_known)

    # The fingerprint, once computed or while it is (a future: see ``fingerprint_in_background``).
    _fingerprint: Future | None = field(default=None, init=False, repr=False, compare=False)
    _fingerprint_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False,
                                              compare=False)

    def fingerprint_in_background(self) -> None:
        """Start computing the fingerprint in a thread (Polars and SHA-256 leave Python's lock while they
        work), for a caller that needs it last: a report computes its parts meanwhile, then reads it."""
        with self._fingerprint_lock:
            if self._fingerprint is None:
                self._fingerprint = _background().submit(self._compute_fingerprint)

    @property
    def fingerprint(self) -> str:
        """See :func:`fingerprint`. Computed once: a second caller waits for the first."""
        with self._fingerprint_lock:
            future, mine = self._fingerprint, self._fingerprint is None
            if mine:
                future = self._fingerprint = Future()
        if mine:
            try:
                future.set_result(self._compute_fingerprint())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result()

    def _compute_fingerprint(self) -> str:
        import hashlib

        digest = hashlib.sha256()
        for name in FINGERPRINTED:
            frame = getattr(self, name)
            frame = frame.with_columns([pl.col(c).list.join("|") for c, dtype in frame.schema.items()
                                        if isinstance(dtype, pl.List)])
            frame = frame.with_columns(pl.all().cast(pl.String))
            if frame.height:
                frame = frame.sort(frame.columns, nulls_last=True)
            digest.update(name.encode())
            for start in range(0, max(frame.height, 1), _CSV_ROWS):  # header first, then a slice at a time
                buffer = io.BytesIO()
                frame.slice(start, _CSV_ROWS).write_csv(buffer, include_header=start == 0)
                digest.update(buffer.getvalue())
        value = digest.hexdigest()
        if self.fingerprint_done is not None:
            self.fingerprint_done(value)
        return value


FINGERPRINTED = ("participants", "etapes", "actions", "suivi_freins", "acquis", "communes")
# Rows written as CSV at a time: the whole table as one text (then encoded) cost a second and a half and twice
# its size in memory at a million parcours.
_CSV_ROWS = 200_000
_BACKGROUND: dict[int, ThreadPoolExecutor] = {}  # process id → its executor
_BACKGROUND_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """One thread per process for the fingerprints computed in the background, made when first needed. Keyed
    by process: a forked worker (gunicorn) inherits the executor but not its thread, and would wait forever."""
    with _BACKGROUND_LOCK:
        pid = os.getpid()
        if pid not in _BACKGROUND:
            _BACKGROUND.clear()
            _BACKGROUND[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
        return _BACKGROUND[pid]


def fingerprint(dataset: Dataset) -> str:
    """SHA-256 of the frames, canonical: every cell as text (list cells joined by ``|``), columns in schema
    order, rows sorted on that text, nulls last, written as CSV with a header, each table's name before it
    (the same data imported again gives the same fingerprint). Computed once per ``Dataset`` (seconds at a
    million parcours; the report and the evaluation export read the dataset the pages keep)."""
    return dataset.fingerprint
