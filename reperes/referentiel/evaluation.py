"""Vocabulary of the evaluation register (docs/evaluation.md, contract ``reperes-evaluation/1``).

Pure Python. Codes are stable (stored in the database and in the evaluation
file); labels are what users read.
"""

from __future__ import annotations

FORMAT = "reperes-evaluation/1"

# the six OECD evaluation criteria (DAC), in their usual order
CRITERES: dict[str, str] = {
    "pertinence": "Pertinence",
    "coherence": "Cohérence",
    "efficacite": "Efficacité",
    "efficience": "Efficience",
    "impact": "Impact",
    "durabilite": "Durabilité",
}
CRITERES_AIDE: dict[str, str] = {
    "pertinence": "Le PLIE répond-il aux besoins du territoire et de ses publics ?",
    "coherence": "S’articule-t-il avec les autres interventions du territoire ?",
    "efficacite": "Atteint-il ses objectifs ?",
    "efficience": "Ses moyens sont-ils bien employés ?",
    "impact": "Quelle différence fait-il pour les personnes et le territoire ?",
    "durabilite": "Ses effets et son organisation durent-ils ?",
}

# the questions of the call for tenders, seeded on a new instance: id → (criterion, text)
QUESTIONS_APPEL: tuple[tuple[str, str, str], ...] = (
    ("Q1", "pertinence", "Quelles orientations donner au PLIE pour son prochain protocole ?"),
    ("Q2", "coherence", "L’offre du PLIE complète-t-elle celle du territoire ?"),
    ("Q3", "pertinence", "Quelles carences l’offre présente-t-elle au regard des besoins du territoire ?"),
    ("Q4", "pertinence", "Le PLIE accompagne-t-il les publics qui en ont le plus besoin ?"),
    ("Q5", "efficacite", "Que produisent les expérimentations du PLIE (mobilisation, santé) ?"),
    ("Q6", "impact", "Que deviennent les participants dont la sortie n’est pas positive, et comment la valoriser ?"),
    ("Q7", "durabilite", "La gouvernance du PLIE permet-elle de piloter et de faire durer son action ?"),
)

# evidence types
PREUVE_TYPES: dict[str, str] = {
    "indicateur": "Indicateur",
    "matrice": "Case de la matrice besoins × offre",
    "verbatim": "Verbatim",
    "benchmark": "Comparaison avec d’autres PLIE",
    "document": "Document",
}

PRIORITES: dict[str, str] = {"haute": "Haute", "moyenne": "Moyenne", "basse": "Basse"}

# the articles of the protocol, in their order (key → title)
ARTICLES: dict[str, str] = {
    "objet": "Objet",
    "perimetre": "Périmètre",
    "publics": "Publics",
    "duree": "Durée",
    "objectifs": "Objectifs",
    "axes": "Axes d’intervention",
    "financement": "Financement",
    "gouvernance": "Gouvernance",
    "evaluation": "Évaluation",
    "communication": "Communication",
}

COMITE_TYPES: dict[str, str] = {
    "comite_suivi": "Comité de suivi",
    "copil": "Comité de pilotage Emploi et Insertion",
    "comite_technique": "Comité technique",
}

# members proposed for a new committee (the call: the comité de suivi is organised by the Maison de l'emploi
# with the Département, the Pays Terres de Lorraine, Pôle emploi, the Mission locale, the État and the Région;
# the COPIL Emploi et Insertion gathers the same institutions)
MEMBRES_PROPOSES: tuple[str, ...] = (
    "Maison de l’emploi",
    "Département de Meurthe-et-Moselle",
    "Pays Terres de Lorraine",
    "Pôle emploi",
    "Mission locale",
    "État",
    "Région Grand Est",
)
COMITE_MEMBRES_PROPOSES: dict[str, tuple[str, ...]] = {
    "comite_suivi": MEMBRES_PROPOSES,
    "copil": MEMBRES_PROPOSES,
    "comite_technique": ("Maison de l’emploi", "Pôle emploi", "Mission locale"),
}

# decisions of a committee on a recommendation; PROPOSEE: before any decision
PROPOSEE = "proposee"
DECISIONS: dict[str, str] = {
    "adoptee": "Adoptée",
    "amendee": "Amendée",
    "ajournee": "Ajournée",
    "rejetee": "Rejetée",
}
DECISIONS_WITH_MOTIF = ("ajournee", "rejetee")
DECISION_AMENDEE = "amendee"
STANDING_LABELS: dict[str, str] = {PROPOSEE: "Proposée", **DECISIONS}

# follow-up scale of the French financial courts
ACTION_STATUTS: dict[str, str] = {
    "non_engagee": "Non engagée",
    "en_cours": "En cours",
    "mise_en_oeuvre": "Mise en œuvre",
    "partiellement_mise_en_oeuvre": "Partiellement mise en œuvre",
    "sans_objet": "Sans objet",
}

AVIS: dict[str, str] = {"accord": "Accord", "reserve": "Réserve", "desaccord": "Désaccord"}
# what a partner answers in a consultation
AVIS_REPONSES: dict[str, str] = {"accord": "D’accord", "reserve": "D’accord avec réserves",
                                 "desaccord": "Pas d’accord"}

JALON_STATUTS: dict[str, str] = {"prevu": "Prévu", "fait": "Fait", "reporte": "Reporté"}


def choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())
