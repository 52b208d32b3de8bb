"""Django side of the report: gather the inputs (data frames, snapshot, texts, commentary).

The data snapshot recorded in every document: the ids of the imports whose
rows are stored, and a SHA-256 of the frames the report is computed from
(canonical CSV of each frame, rows sorted), so that two documents with the
same snapshot and parameters are comparable byte for byte.
"""

from __future__ import annotations

import hashlib
import logging

import polars as pl

import reperes
from reperes import formats

from .builder import ReportInputs

logger = logging.getLogger(__name__)


def load_dataset():
    """The analyses' loader when it exists, else a minimal loader of our own (same frames)."""
    try:
        from reperes.analyses.loaders import load_dataset as analyses_loader
    except ImportError:
        return _fallback_dataset()
    return analyses_loader()


def _fallback_dataset():
    from reperes.analytics.frames import Dataset
    from reperes.collection.models import Acquis, Action, Etape, Participant, SuiviFrein
    from reperes.configuration.models import Installation

    participants = pl.DataFrame(list(Participant.objects.values(
        "id_hash", "personne_hash", "sexe", "annee_naissance", "age_entree", "commune_residence", "epci_siren",
        "qpv", "niveau_formation", "situation_entree", "anciennete_chomage_mois", "criteres", "freins_entree",
        "prescripteur", "referent", "date_entree", "date_sortie", "motif_sortie", "duree_emploi_mois",
        "situation_6_mois", "date_situation_6_mois")), infer_schema_length=None)
    if participants.height:
        participants = participants.rename({"id_hash": "participant", "personne_hash": "personne",
                                            "commune_residence": "commune", "epci_siren": "epci"})
        participants = participants.with_columns(
            [pl.col(c).replace("", None) for c in ("motif_sortie", "situation_6_mois", "prescripteur", "personne")])
    etapes = pl.DataFrame(list(Etape.objects.values("participant__id_hash", "type_etape", "date_debut", "date_fin",
                                                    "action__id_action", "operateur", "resultat")),
                          infer_schema_length=None)
    if etapes.height:
        etapes = etapes.rename({"participant__id_hash": "participant", "action__id_action": "id_action"})
    actions = pl.DataFrame([{**a, "budget_total": _float(a["budget_total"]),
                             "financement_fse": _float(a["financement_fse"]),
                             "autres_financements": _float(a["autres_financements"])}
                            for a in Action.objects.values()], infer_schema_length=None)
    suivi = pl.DataFrame(list(SuiviFrein.objects.values("participant__id_hash", "date", "frein", "niveau")),
                         infer_schema_length=None)
    if suivi.height:
        suivi = suivi.rename({"participant__id_hash": "participant"})
    acquis = pl.DataFrame(list(Acquis.objects.values("participant__id_hash", "date", "type_acquis")),
                          infer_schema_length=None)
    if acquis.height:
        acquis = acquis.rename({"participant__id_hash": "participant"})
    territory = Installation.get().territory
    communes = pl.DataFrame()
    if territory is not None:
        communes = pl.DataFrame(list(territory.communes.values("code", "nom", "epci_siren", "epci_nom",
                                                               "population")), infer_schema_length=None)
        if communes.height:
            communes = communes.rename({"code": "commune", "epci_siren": "epci"})
    return Dataset(participants=participants, etapes=etapes, actions=actions, suivi_freins=suivi,
                   acquis=acquis, communes=communes)


def _float(value):
    return None if value is None else float(value)


def data_hash(dataset) -> str:
    """SHA-256 of the frames, canonical: columns in schema order, list cells joined, rows sorted."""
    digest = hashlib.sha256()
    for name in ("participants", "etapes", "actions", "suivi_freins", "acquis", "communes"):
        frame = getattr(dataset, name)
        frame = frame.with_columns([pl.col(c).list.join("|") for c, dtype in frame.schema.items()
                                    if isinstance(dtype, pl.List)])
        frame = frame.with_columns(pl.all().cast(pl.String))
        if frame.height:
            frame = frame.sort(frame.columns, nulls_last=True)
        digest.update(name.encode())
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def stored_imports():
    from reperes.collection.models import ImportRun

    return list(ImportRun.objects.filter(stored=True).exclude(status=ImportRun.Status.UNDONE).order_by("id"))


def gather_inputs() -> ReportInputs:
    from reperes.configuration.models import Installation

    from .models import ReportSettings, SectionComment

    installation = Installation.get()
    settings = ReportSettings.get()
    try:
        dataset = load_dataset()
    except Exception:  # the report still says which part has no data
        logger.exception("Loading the data of the report failed")
        dataset = None
    runs = stored_imports()
    sources = []
    for run in runs:
        when = formats.date(run.created_at.date()) if run.created_at else "date inconnue"
        sources.append(f"Import n° {run.pk} : « {run.source_name} », du {when}")
    return ReportInputs(
        plie_name=installation.plie_name,
        seuil=installation.seuil,
        is_demo=installation.is_demo,
        dataset=dataset,
        snapshot={"imports": [run.pk for run in runs], "hash": data_hash(dataset) if dataset is not None else ""},
        introduction=settings.introduction,
        methode=settings.methode,
        comments=dict(SectionComment.objects.values_list("slug", "text")),
        sources=sources,
        version=reperes.__version__,
    )
