"""The tables of the exchange format and their columns, defined once.

Read by the import core (what to parse and check), the collection template
(headers, drop-downs, dictionary) and the demo generator (what to write).
Checked by a test against the tables of ``docs/format-echange.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import (
    CRITERES,
    FAMILLE_ETAPE,
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
)

# Column kinds.
TEXT = "text"
ID = "id"  # identifier: stripped, "1234.0" read as "1234"
DATE = "date"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
CODE = "code"
COMMUNE = "commune"
TERRITORY = "territory"  # multi: EPCI SIREN or commune codes

KIND_LABELS = {
    TEXT: "texte",
    ID: "identifiant (texte)",
    DATE: "date (JJ/MM/AAAA)",
    INTEGER: "nombre entier",
    DECIMAL: "nombre décimal",
    BOOLEAN: "oui / non",
    CODE: "code",
    COMMUNE: "code commune INSEE",
    TERRITORY: "codes EPCI (SIREN) ou communes",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    description: str = ""
    codes: CodeList | None = None
    multi: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    # "one of the two" columns (date_naissance / annee_naissance) share a group name.
    one_of: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    # Columns whose values identify a row (for idempotent re-imports).
    identity: tuple[str, ...]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


PARTICIPANTS = Table("participants", "Participants (un par parcours)", (
    Column("id_participant", ID, True, "Identifiant du parcours dans le logiciel du PLIE (pseudonymisé à l'import)",
           max_length=64),
    Column("id_personne", ID, False, "Identifiant de la personne (ré-entrées), pseudonymisé", max_length=64),
    Column("sexe", CODE, True, "Sexe", SEXE),
    Column("date_naissance", DATE, False, "Date de naissance (sert à calculer l'âge puis réduite à l'année)",
           one_of="naissance"),
    Column("annee_naissance", INTEGER, False, "Année de naissance", minimum=1900, one_of="naissance"),
    Column("commune_residence", COMMUNE, True, "Commune de résidence (code INSEE)"),
    Column("qpv", BOOLEAN, False, "Réside dans un quartier prioritaire de la politique de la ville"),
    Column("niveau_formation", CODE, True, "Niveau de formation", NIVEAU_FORMATION),
    Column("situation_entree", CODE, True, "Situation sur le marché du travail à l'entrée", SITUATION_ENTREE),
    Column("anciennete_chomage_mois", INTEGER, False, "Ancienneté d'inscription comme demandeur d'emploi (mois)",
           minimum=0),
    Column("criteres", CODE, False, "Critères d'éligibilité (plusieurs valeurs séparées par |)", CRITERES, multi=True),
    Column("freins_entree", CODE, False, "Freins repérés à l'entrée (plusieurs valeurs séparées par |)", FREINS,
           multi=True),
    Column("prescripteur", CODE, False, "Qui a orienté la personne vers le PLIE", PRESCRIPTEUR),
    Column("referent", TEXT, False, "Code du référent de parcours", max_length=64),
    Column("date_entree", DATE, True, "Date d'entrée dans le PLIE"),
    Column("date_sortie", DATE, False, "Date de sortie (vide : toujours dans le PLIE)"),
    Column("motif_sortie", CODE, False, "Motif de sortie (obligatoire si date de sortie)", MOTIF_SORTIE),
    Column("duree_emploi_mois", DECIMAL, False, "Sorties en emploi : mois dans cet emploi à la validation", minimum=0),
    Column("situation_6_mois", CODE, False, "Situation 6 mois après la sortie", SITUATION_6_MOIS),
    Column("date_situation_6_mois", DATE, False, "Date d'observation de la situation à 6 mois"),
), identity=("id_participant",))

ETAPES = Table("etapes", "Étapes de parcours", (
    Column("id_etape", ID, False, "Identifiant de l'étape (facultatif)", max_length=64),
    Column("id_participant", ID, True, "Identifiant du parcours", max_length=64),
    Column("type_etape", CODE, True, "Type d'étape", TYPE_ETAPE),
    Column("date_debut", DATE, True, "Date de début"),
    Column("date_fin", DATE, False, "Date de fin"),
    Column("id_action", ID, False, "Action du PLIE concernée", max_length=64),
    Column("operateur", TEXT, False, "Opérateur", max_length=200),
    Column("resultat", CODE, False, "Résultat", RESULTAT_ETAPE),
), identity=("id_etape",))

ACTIONS = Table("actions", "Actions programmées par le PLIE", (
    Column("id_action", ID, True, "Identifiant de l'action", max_length=64),
    Column("intitule", TEXT, True, "Intitulé"),
    Column("axe", TEXT, False, "Axe du protocole"),
    Column("famille", CODE, False, "Famille d'étape", FAMILLE_ETAPE),
    Column("operateur", TEXT, False, "Opérateur"),
    Column("territoire", TERRITORY, False, "Territoire (codes EPCI ou communes ; vide : tout le PLIE)", multi=True),
    Column("date_debut", DATE, False, "Date de début"),
    Column("date_fin", DATE, False, "Date de fin"),
    Column("budget_total", DECIMAL, False, "Budget total (€)", minimum=0),
    Column("financement_fse", DECIMAL, False, "Financement FSE (€)", minimum=0),
    Column("autres_financements", DECIMAL, False, "Autres financements (€)", minimum=0),
    Column("places_prevues", INTEGER, False, "Places prévues", minimum=0),
    Column("experimentale", BOOLEAN, False, "Action expérimentale"),
    Column("theme_experimentation", TEXT, False, "Thème de l'expérimentation"),
), identity=("id_action",))

SUIVI_FREINS = Table("suivi_freins", "Suivi des freins", (
    Column("id_participant", ID, True, "Identifiant du parcours", max_length=64),
    Column("date", DATE, True, "Date de l'évaluation"),
    Column("frein", CODE, True, "Frein évalué", FREINS),
    Column("niveau", CODE, True, "Niveau", NIVEAU_FREIN),
), identity=("id_participant", "frein", "date"))

ACQUIS = Table("acquis", "Acquis pendant le parcours", (
    Column("id_participant", ID, True, "Identifiant du parcours", max_length=64),
    Column("date", DATE, True, "Date"),
    Column("type_acquis", CODE, True, "Type d'acquis", TYPE_ACQUIS),
    Column("commentaire", TEXT, False, "Commentaire (sans donnée personnelle)", max_length=500),
), identity=("id_participant", "type_acquis", "date"))

# In import order: references first.
TABLES: dict[str, Table] = {t.name: t for t in (PARTICIPANTS, ACTIONS, ETAPES, SUIVI_FREINS, ACQUIS)}

# Columns that look like direct identifiers: never stored, reported as ignored.
IDENTIFYING_COLUMNS = ("nom", "prenom", "nir", "numero_securite_sociale", "adresse", "telephone", "email",
                       "courriel")
