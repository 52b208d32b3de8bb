"""A small evaluation for the final report and the draft protocol: decisions of every kind, counted by hand.

The draft protocol's tests ask for 400 parcours, so that the base year's figures are above the disclosure
threshold.

R1 (objectifs, target 55 % of positive exits by 2025) is amended by CS1 to « Porter le taux à 52 %. », then
adopted by CP1 : it enters the protocol with the amended text. R2 (axes) is postponed, R3 (publics) rejected:
neither enters the protocol; both appear in the final report with their reason. R4 (gouvernance) is adopted;
R5 (evaluation) is only proposed.
"""

from __future__ import annotations

import datetime as dt

EVALUATION = {
    "format": "reperes-evaluation/1",
    "questions": [{"id": "Q1", "critere": "efficacite", "texte": "Le PLIE atteint-il ses objectifs de sorties ?"},
                  {"id": "Q2", "critere": "pertinence", "texte": "Le PLIE accompagne-t-il les bons publics ?"}],
    "constats": [
        {"id": "C1", "questions": ["Q1"], "texte": "Une sortie sur deux environ est positive.",
         "preuves": [{"type": "indicateur", "indicateur": "taux_sorties_positives", "debut": "2019-01-01",
                      "fin": "2019-12-31"},
                     {"type": "verbatim", "theme": "sorties", "texte": "J'ai trouvé un CDI grâce au PLIE."}]},
        {"id": "C2", "questions": ["Q2"], "texte": "Les jeunes sont peu nombreux.",
         "preuves": [{"type": "document", "titre": "Protocole 2015-2020", "source": "archives du PLIE"}]},
    ],
    "preconisations": [
        {"id": "R1", "numero": 1, "titre": "Viser plus de sorties positives", "texte": "Porter le taux à 55 %.",
         "constats": ["C1"], "priorite": "haute", "horizon": "2021-2025", "pilote": "PLIE", "article": "objectifs",
         "cible": {"indicateur": "taux_sorties_positives", "valeur": 0.52, "echeance": "2025-12-31"}},
        {"id": "R2", "numero": 2, "titre": "Créer une plateforme mobilité", "texte": "Créer une plateforme mobilité.",
         "constats": ["C1"], "priorite": "moyenne", "horizon": "2022", "pilote": "Département", "article": "axes"},
        {"id": "R3", "numero": 3, "titre": "Ouvrir aux moins de 26 ans", "texte": "Accueillir les moins de 26 ans.",
         "constats": ["C2"], "priorite": "basse", "horizon": "2021", "pilote": "PLIE", "article": "publics"},
        {"id": "R4", "numero": 4, "titre": "Un comité technique trimestriel",
         "texte": "Réunir un comité technique chaque trimestre.", "constats": ["C1"], "priorite": "moyenne",
         "horizon": "2021", "pilote": "PLIE", "article": "gouvernance"},
        {"id": "R5", "numero": 5, "titre": "Suivre les indicateurs", "texte": "Publier les indicateurs chaque année.",
         "constats": ["C1"], "priorite": "basse", "horizon": "2021", "pilote": "PLIE", "article": "evaluation"},
    ],
    "comites": [
        {"id": "CS1", "type": "comite_suivi", "date": "2020-06-30", "intitule": "Comité de suivi",
         "membres": [{"institution": "Département", "present": True}, {"institution": "État", "present": False}],
         "decisions": [{"preconisation": "R1", "decision": "amendee", "texte_amende": "Porter le taux à 52 %."},
                       {"preconisation": "R2", "decision": "ajournee", "motif": "Financement à trouver."},
                       {"preconisation": "R3", "decision": "rejetee", "motif": "Relève de la mission locale."}]},
        {"id": "CP1", "type": "copil", "date": "2020-10-15", "intitule": "COPIL Emploi et Insertion",
         "membres": [{"institution": "Département", "present": True}, {"institution": "État", "present": True}],
         "decisions": [{"preconisation": "R1", "decision": "adoptee"},
                       {"preconisation": "R4", "decision": "adoptee"}]},
    ],
    "actions": [{"id": "A1", "preconisation": "R1", "action": "Inscrire l'objectif au protocole",
                 "responsable": "PLIE", "echeance": "2021-03-31", "statut": "en_cours"}],
    "protocole": {"titre": "Protocole d'accord du PLIE de Test 2021-2025", "debut": 2021, "fin": 2025,
                  "signataires": ["État", "Département"],
                  "precedent": [{"indicateur": "taux_sorties_positives", "cible": 0.5, "debut": "2019-01-01",
                                 "fin": "2019-12-31"}]},
}


def load_evaluation(data=None) -> None:
    from reperes.evaluation.exchange import import_file

    import_file(data or EVALUATION)  # raises InvalidFile on any problem


def demo_data(tmp_path, participants: int = 150):
    """A small generated PLIE imported through the import core (as the intermediate report's tests do)."""
    from reperes.collection.importer import run_import
    from reperes.configuration.models import Installation
    from reperes.demo import generate

    generate(tmp_path / "demo", seed=7, participants=participants)
    run_import(tmp_path / "demo", source_name="démo de test")
    installation = Installation.get()
    installation.plie_name = "PLIE de Test"
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.save()
    return installation
