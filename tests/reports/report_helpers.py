"""A small hand-made PLIE (pure frames, no database) for the report's tests."""

from __future__ import annotations

import datetime as dt

import polars as pl

from reperes.analytics.frames import Dataset
from reperes.reports.builder import ReportInputs, build_intermediate_report

DEBUT, FIN, DATE = dt.date(2019, 1, 1), dt.date(2019, 12, 31), dt.date(2020, 3, 12)
EPCI = {"200070563": ("CC Terres Touloises", 44401), "245400171": ("CC Moselle et Madon", 28136),
        "200035772": ("CC du Pays du Saintois", 14237)}


def small_dataset() -> Dataset:
    """120 parcours: 70 in Terres Touloises, 45 in Moselle et Madon, 5 in the Saintois (a small count)."""
    participants = []
    motifs = ["EMPLOI_CDI"] * 20 + ["EMPLOI_CDD_6M"] * 15 + ["ABANDON"] * 14 + ["RETRAITE"] * 3 + ["DECES"] * 2
    epcis = ["200070563"] * 70 + ["245400171"] * 45 + ["200035772"] * 5
    for i in range(120):
        exits = i < len(motifs)
        participants.append({
            "participant": f"p{i:03d}", "sexe": "F" if i % 2 else "M", "annee_naissance": 1970 + i % 40,
            "age_entree": 20 + i % 40, "commune": epcis[i], "epci": epcis[i], "qpv": i % 7 == 0,
            "niveau_formation": "NIV_3", "situation_entree": "DE", "criteres": ["RSA"] if i % 3 == 0 else [],
            "freins_entree": [], "prescripteur": "FRANCE_TRAVAIL", "referent": "R1",
            "date_entree": dt.date(2018, 1 + i % 12, 1),
            "date_sortie": dt.date(2019, 1 + i % 12, 15) if exits else None,
            "motif_sortie": motifs[i] if exits else None,
        })
    etapes = [{"participant": f"p{i:03d}", "type_etape": ("EMPLOI_CDD", "MOBILITE", "FORMATION_QUALIFIANTE")[i % 3],
               "date_debut": dt.date(2019, 2, 1), "id_action": "A1" if i % 2 else "A2", "resultat": "REALISEE"}
              for i in range(120)]
    actions = [{"id_action": "A1", "intitule": "Chantier d'insertion", "famille": "EMPLOI", "operateur": "ACI",
                "experimentale": False},
               {"id_action": "A2", "intitule": "Déterminants de la mobilisation", "famille": "LEVEE_FREINS",
                "operateur": "PLIE", "experimentale": True}]
    # One « commune » per EPCI, coded like it: the participants live there (indicateurs.md: EPCI membership
    # comes from the communes' reference).
    communes = [{"commune": code, "nom": name, "epci": code, "epci_nom": name, "population": pop}
                for code, (name, pop) in EPCI.items()]
    return Dataset(participants=pl.DataFrame(participants, infer_schema_length=None),
                   etapes=pl.DataFrame(etapes), actions=pl.DataFrame(actions), communes=pl.DataFrame(communes))


def small_inputs(**changes) -> ReportInputs:
    values = {"plie_name": "PLIE du Pays Terres de Lorraine", "seuil": 11, "is_demo": True,
              "dataset": small_dataset(), "snapshot": {"imports": [1, 2], "hash": "ab" * 32},
              "sources": ["Import n° 1 : « participants.csv », du 1er mars 2020"], "version": "0.1.0",
              "comments": {"sorties": "Les abandons baissent depuis 2018."},
              "providers": False}  # the other domains' chapters need the database
    values.update(changes)
    return ReportInputs(**values)


def build(diffusion: bool = True, **changes):
    return build_intermediate_report(debut=DEBUT, fin=FIN, date=DATE, diffusion=diffusion,
                                     inputs=small_inputs(**changes))
