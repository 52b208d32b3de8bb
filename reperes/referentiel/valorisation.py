"""The grid Repères proposes for valuing exits other than positive: one line per ``solution`` and ``neutre``
exit motif (codes of :data:`reperes.referentiel.codes.MOTIF_SORTIE`), what it is worth and what proves it.

Pure Python. The PLIE adopts its own grid (``protocole.grille_valorisation`` of docs/evaluation.md); until
then the final report and the draft protocol show this one as a proposal.
"""

from __future__ import annotations

# motif → (valorisation, justificatif)
GRILLE_PROPOSEE: dict[str, tuple[str, str]] = {
    "EMPLOI_TRANSITION": ("Sortie valorisée : étape d'emploi vers l'emploi durable (contrat aidé, SIAE, emploi "
                          "de moins de 6 mois).", "Contrat de travail ou attestation de l'employeur."),
    "FORMATION_PREQUALIFIANTE": ("Sortie valorisée : entrée en formation pré-qualifiante.",
                                 "Attestation d'entrée en formation."),
    "ORIENTATION_ADAPTEE": ("Sortie valorisée : relais vers un accompagnement plus adapté (mission locale, "
                            "accompagnement global, structure spécialisée).",
                            "Fiche de liaison signée par la structure qui prend le relais."),
    "MILIEU_PROTEGE": ("Sortie valorisée : orientation en milieu protégé ou adapté (ESAT, entreprise adaptée), "
                       "avec la reconnaissance de la qualité de travailleur handicapé (RQTH).",
                       "Notification de la CDAPH (RQTH, orientation ESAT) ou contrat d'entreprise adaptée."),
    "SANTE": ("Sortie valorisée : soins engagés, condition d'un retour à l'emploi.",
              "Attestation d'un professionnel de santé ou d'une structure de soins (sans diagnostic)."),
    "RETRAITE": ("Sortie valorisée : départ à la retraite, droits ouverts.", "Notification de la caisse de retraite."),
    "DEMENAGEMENT": ("Sortie neutre : hors du calcul des taux.", "Justificatif de domicile hors du territoire."),
    "DECES": ("Sortie neutre : hors du calcul des taux.", "Information de la famille ou du prescripteur."),
}
