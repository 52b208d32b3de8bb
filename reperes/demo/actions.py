"""The demo PLIE's programme of actions (2014–2020), fictitious.

Operators are invented structure names; no person is named. Each action
serves the step types listed in ``types`` (all of the action's ``famille``),
on its ``territoire`` (EPCI SIREN or commune codes; empty = the whole PLIE)
and between its dates: the generator only links a step to an action that
matches all three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reperes.referentiel.codes import FAMILLE_ETAPE, family_of

AXE_ACCOMPAGNEMENT = "Axe 1 – Accueil et accompagnement"
AXE_FREINS = "Axe 2 – Lever les freins"
AXE_EMPLOI_FORMATION = "Axe 3 – Accès à l'emploi et à la formation"
AXE_ENTREPRISES = "Axe 4 – Relations entreprises et clauses sociales"

THEME_MOBILISATION = "Déterminants de la mobilisation"
THEME_SANTE = "Santé"

TOUL = "54528"
TERRES_TOULOISES = "200070563"
MOSELLE_ET_MADON = "245400171"
SAINTOIS = "200035772"
COLOMBEY_SUD_TOULOIS = "245400510"


@dataclass(frozen=True)
class DemoAction:
    id_action: str
    intitule: str
    axe: str
    famille: str
    operateur: str
    types: tuple[str, ...]  # step types (type_etape) the action serves
    territoire: tuple[str, ...]
    date_debut: dt.date
    date_fin: dt.date
    budget_total: int  # €
    financement_fse: int  # €
    places_prevues: int
    experimentale: bool = False
    theme_experimentation: str = ""

    @property
    def autres_financements(self) -> int:
        return self.budget_total - self.financement_fse


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


ACTIONS: tuple[DemoAction, ...] = (
    # Axe 1 – the référents' own work, one action per part of the territory.
    DemoAction("A01", "Accompagnement renforcé de parcours – Terres Touloises", AXE_ACCOMPAGNEMENT,
               "ACCOMPAGNEMENT", "Équipe des référents PLIE – antenne de Toul",
               ("ORIENTATION_PROJET", "AUTRE"), (TERRES_TOULOISES,), _d("2014-01-01"), _d("2020-12-31"),
               1_260_000, 630_000, 300),
    DemoAction("A02", "Accompagnement renforcé de parcours – Moselle et Madon", AXE_ACCOMPAGNEMENT,
               "ACCOMPAGNEMENT", "Équipe des référents PLIE – antenne de Neuves-Maisons",
               ("ORIENTATION_PROJET", "AUTRE"), (MOSELLE_ET_MADON,), _d("2014-01-01"), _d("2020-12-31"),
               840_000, 420_000, 200),
    DemoAction("A03", "Accompagnement renforcé de parcours – Saintois et Sud Toulois", AXE_ACCOMPAGNEMENT,
               "ACCOMPAGNEMENT", "Équipe des référents PLIE – permanences rurales",
               ("ORIENTATION_PROJET", "AUTRE"), (SAINTOIS, COLOMBEY_SUD_TOULOIS), _d("2014-01-01"),
               _d("2020-12-31"), 560_000, 280_000, 120),
    DemoAction("A04", "Ateliers collectifs « Construire son projet professionnel »", AXE_ACCOMPAGNEMENT,
               "ACCOMPAGNEMENT", "Association Horizons Emploi Sud Lorraine", ("ORIENTATION_PROJET",), (),
               _d("2014-03-01"), _d("2020-12-31"), 154_000, 77_000, 90),
    DemoAction("A05", "Ateliers techniques de recherche d'emploi", AXE_ACCOMPAGNEMENT, "ACCOMPAGNEMENT",
               "Cabinet Trajectoires Sud 54", ("TECHNIQUES_RECHERCHE_EMPLOI",), (), _d("2014-01-01"),
               _d("2020-12-31"), 126_000, 63_000, 120),
    DemoAction("A06", "Accueil de proximité au quartier de la Croix de Metz", AXE_ACCOMPAGNEMENT,
               "ACCOMPAGNEMENT", "Centre social Les Tilleuls", ("ORIENTATION_PROJET", "AUTRE"), (TOUL,),
               _d("2015-09-01"), _d("2020-12-31"), 98_000, 39_200, 40),
    # Axe 2 – lever les freins.
    DemoAction("A07", "Plateforme mobilité : diagnostic et conseil", AXE_FREINS, "LEVEE_FREINS",
               "Association Mobilité Solidaire Sud Lorraine", ("MOBILITE",), (), _d("2014-01-01"),
               _d("2020-12-31"), 196_000, 98_000, 110),
    DemoAction("A08", "Auto-école sociale", AXE_FREINS, "LEVEE_FREINS", "Auto-école associative Le Volant Solidaire",
               ("MOBILITE",), (), _d("2016-01-04"), _d("2020-12-31"), 142_500, 71_250, 45),
    DemoAction("A09", "Location solidaire de véhicules et de deux-roues", AXE_FREINS, "LEVEE_FREINS",
               "Garage solidaire Le Relais des Côtes", ("MOBILITE",), (SAINTOIS, COLOMBEY_SUD_TOULOIS),
               _d("2015-01-05"), _d("2020-12-31"), 88_000, 44_000, 35),
    DemoAction("A10", "Point santé insertion", AXE_FREINS, "LEVEE_FREINS", "Réseau Santé Précarité Sud 54",
               ("SANTE",), (), _d("2014-01-01"), _d("2020-12-31"), 105_000, 52_500, 60),
    DemoAction("A11", "Expérimentation santé : parcours de soins coordonné", AXE_FREINS, "LEVEE_FREINS",
               "Réseau Santé Précarité Sud 54", ("SANTE",), (), _d("2018-01-08"), _d("2020-12-18"),
               118_000, 70_800, 60, experimentale=True, theme_experimentation=THEME_SANTE),
    DemoAction("A12", "Expérimentation « Déterminants de la mobilisation »", AXE_FREINS, "LEVEE_FREINS",
               "Collectif Agir Ensemble Terres de Lorraine", ("REMOBILISATION",), (), _d("2017-03-01"),
               _d("2020-12-18"), 132_000, 79_200, 80, experimentale=True,
               theme_experimentation=THEME_MOBILISATION),
    DemoAction("A13", "Atelier de remobilisation et d'estime de soi", AXE_FREINS, "LEVEE_FREINS",
               "Compagnie Théâtre en Chemin", ("REMOBILISATION",), (), _d("2014-01-01"), _d("2020-12-31"),
               91_000, 45_500, 50),
    DemoAction("A14", "Accès au logement et accompagnement budgétaire", AXE_FREINS, "LEVEE_FREINS",
               "Association Toit et Avenir", ("LOGEMENT", "ACCOMPAGNEMENT_SOCIAL"), (), _d("2014-01-01"),
               _d("2020-12-31"), 112_000, 56_000, 55),
    DemoAction("A15", "Solutions de garde pour les parents en parcours", AXE_FREINS, "LEVEE_FREINS",
               "Crèche à vocation d'insertion Les Petits Pas", ("GARDE_ENFANTS",), (TERRES_TOULOISES, MOSELLE_ET_MADON),
               _d("2016-09-01"), _d("2020-12-31"), 76_000, 30_400, 20),
    DemoAction("A16", "Inclusion numérique : ateliers et prêt de matériel", AXE_FREINS, "LEVEE_FREINS",
               "Espace numérique Les Connectés", ("NUMERIQUE",), (), _d("2017-01-09"), _d("2020-12-31"),
               64_000, 32_000, 70),
    DemoAction("A17", "Accompagnement social renforcé des allocataires du RSA", AXE_FREINS, "LEVEE_FREINS",
               "Association Solidarité Toulois", ("ACCOMPAGNEMENT_SOCIAL",), (), _d("2014-01-01"),
               _d("2020-12-31"), 168_000, 84_000, 80),
    # Axe 3 – formation.
    DemoAction("A18", "Savoirs de base et français langue étrangère", AXE_EMPLOI_FORMATION, "FORMATION",
               "Organisme de formation Alpha Lorraine", ("SAVOIRS_DE_BASE",), (), _d("2014-01-01"),
               _d("2020-12-31"), 147_000, 73_500, 60),
    DemoAction("A19", "Préqualification aux métiers du bâtiment", AXE_EMPLOI_FORMATION, "FORMATION",
               "Centre de formation Bâtir Ensemble", ("FORMATION_PREQUALIFIANTE",), (), _d("2014-09-01"),
               _d("2020-07-03"), 186_000, 93_000, 36),
    DemoAction("A20", "Préparation aux métiers de l'aide à domicile", AXE_EMPLOI_FORMATION, "FORMATION",
               "Institut sud-lorrain des services à la personne",
               ("FORMATION_PREQUALIFIANTE", "FORMATION_QUALIFIANTE"), (), _d("2015-01-05"), _d("2020-12-31"),
               132_000, 66_000, 30),
    DemoAction("A21", "Parcours certifiant CléA", AXE_EMPLOI_FORMATION, "FORMATION", "Centre de formation Compétences Plus",
               ("FORMATION_QUALIFIANTE",), (), _d("2017-03-01"), _d("2020-12-31"), 84_000, 42_000, 40),
    # Axe 3 – emploi (insertion par l'activité économique, création).
    DemoAction("A22", "Chantier d'insertion Les Jardins du Saintois", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Chantier d'insertion Les Jardins du Saintois", ("SIAE_ACI",), (SAINTOIS, COLOMBEY_SUD_TOULOIS),
               _d("2014-01-01"), _d("2020-12-31"), 238_000, 95_200, 18),
    DemoAction("A23", "Chantier d'insertion Patrimoine et Rivières", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Association Patrimoine et Rivières de la Moselle", ("SIAE_ACI",), (MOSELLE_ET_MADON,),
               _d("2014-01-01"), _d("2020-12-31"), 252_000, 100_800, 20),
    DemoAction("A24", "Chantier d'insertion Bois et Espaces verts du Toulois", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Régie Bois et Espaces verts du Toulois", ("SIAE_ACI",), (TERRES_TOULOISES,), _d("2014-01-01"),
               _d("2020-12-31"), 266_000, 106_400, 22),
    DemoAction("A25", "Mises à disposition par l'association intermédiaire", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Association intermédiaire Coup de Main Services", ("SIAE_AI",), (), _d("2014-01-01"),
               _d("2020-12-31"), 73_000, 29_200, 60),
    DemoAction("A26", "Missions en entreprise de travail temporaire d'insertion", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Intérim Solidaire 54", ("SIAE_ETTI",), (), _d("2014-01-01"), _d("2020-12-31"), 69_000, 27_600, 50),
    DemoAction("A27", "Recyclerie du Pays : postes en entreprise d'insertion", AXE_EMPLOI_FORMATION, "EMPLOI",
               "Entreprise d'insertion La Recyclerie du Pays", ("SIAE_EI",), (), _d("2016-03-01"),
               _d("2020-12-31"), 94_000, 37_600, 15),
    DemoAction("A28", "Appui à la création d'activité", AXE_EMPLOI_FORMATION, "EMPLOI", "Couveuse d'activités Cap Créa Lorraine",
               ("CREATION_ACTIVITE",), (), _d("2014-01-01"), _d("2020-12-31"), 58_000, 29_000, 15),
    # Axe 4 – entreprises.
    DemoAction("A29", "Relations entreprises et immersions professionnelles", AXE_ENTREPRISES, "EMPLOI",
               "Service entreprises du PLIE", ("IMMERSION", "EMPLOI_CDD", "EMPLOI_INTERIM"), (), _d("2014-01-01"),
               _d("2020-12-31"), 210_000, 105_000, 150),
    DemoAction("A30", "Clauses sociales dans les marchés publics", AXE_ENTREPRISES, "EMPLOI",
               "Facilitateur des clauses sociales du Pays", ("CONTRAT_AIDE", "EMPLOI_CDD", "GEIQ", "ALTERNANCE"), (),
               _d("2015-01-05"), _d("2020-12-31"), 124_000, 62_000, 45),
)


def check_actions(actions: tuple[DemoAction, ...] = ACTIONS) -> None:
    """Raise ``ValueError`` when the catalogue disagrees with the référentiel."""
    ids = [a.id_action for a in actions]
    if len(set(ids)) != len(ids):
        raise ValueError("identifiants d'action en double")
    for action in actions:
        if action.famille not in FAMILLE_ETAPE:
            raise ValueError(f"{action.id_action} : famille inconnue {action.famille}")
        for type_etape in action.types:
            if family_of(type_etape) != action.famille:
                raise ValueError(f"{action.id_action} : le type {type_etape} n'est pas de la famille {action.famille}")
        if not 0 <= action.financement_fse <= action.budget_total:
            raise ValueError(f"{action.id_action} : financement FSE hors du budget")
        if action.date_fin < action.date_debut:
            raise ValueError(f"{action.id_action} : dates inversées")


check_actions()
