"""Roles and what each may do: least privilege, one table.

The role × action table of ``docs/roles.md`` is generated from ``PERMISSIONS``
(a test checks they agree). Views ask ``user.can("…")``, never a role name.
"""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Administrateur"
    CHARGE_ETUDE = "charge_etude", "Chargé d'étude"
    PARTENAIRE = "partenaire", "Partenaire (comité)"


# action → (French description, roles allowed)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "view_aggregates": ("Consulter les tableaux de bord agrégés, soumis au secret statistique",
                        frozenset({Role.ADMINISTRATEUR, Role.CHARGE_ETUDE, Role.PARTENAIRE})),
    "view_raw_aggregates": ("Voir les effectifs bruts (sans secret statistique) et les ventilations par référent",
                            frozenset({Role.ADMINISTRATEUR, Role.CHARGE_ETUDE})),
    "view_rows": ("Consulter les données individuelles pseudonymisées (chaque consultation est tracée)",
                  frozenset({Role.ADMINISTRATEUR, Role.CHARGE_ETUDE})),
    "export_rows": ("Exporter des données individuelles pseudonymisées",
                    frozenset({Role.ADMINISTRATEUR, Role.CHARGE_ETUDE})),
    "run_analyses": ("Lancer des analyses et générer des livrables",
                     frozenset({Role.ADMINISTRATEUR, Role.CHARGE_ETUDE})),
    "give_opinion": ("Donner l'avis de son institution sur les préconisations lors d'une consultation",
                     frozenset({Role.PARTENAIRE})),
    "manage_imports": ("Importer des données et consulter l'historique des imports",
                       frozenset({Role.ADMINISTRATEUR})),
    "manage_users": ("Créer, modifier et désactiver des comptes ; changer les rôles",
                     frozenset({Role.ADMINISTRATEUR})),
    "manage_settings": ("Modifier les paramètres de l'installation (PLIE, territoire, seuil, période)",
                        frozenset({Role.ADMINISTRATEUR})),
    "view_audit": ("Consulter le journal d'audit", frozenset({Role.ADMINISTRATEUR})),
}


def allowed(role: str, action: str) -> bool:
    return role in PERMISSIONS[action][1]
