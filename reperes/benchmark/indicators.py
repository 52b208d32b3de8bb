"""The indicators of the PLIE sheet (``docs/fiche-plie.md``): id, kind, French label. Pure Python.

Indicators that ``docs/indicateurs.md`` defines take their label and definition
from :data:`reperes.analytics.indicators.REGISTRY` (one definition, shown
wherever the figure appears); the others are defined here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from reperes.analytics.indicators import REGISTRY

COUNT, SHARE, MONTHS, NUMBER, EUROS, TEXT = "count", "share", "months", "number", "euros", "text"
NUMERIC_KINDS = (COUNT, SHARE, MONTHS, NUMBER, EUROS)

NATIONAL_PLIE = "Ensemble des PLIE (France)"
SUPPRESSED_MARK = "s"
MULTIPLE = frozenset({"pratique_remarquable"})  # several rows per PLIE and year


@dataclass(frozen=True)
class SheetIndicator:
    id: str
    kind: str
    label: str
    definition: str
    organisation: bool = False  # entered by the team (settings), not computed from the data


def _core(id_: str, kind: str) -> SheetIndicator:
    entry = REGISTRY[id_]
    return SheetIndicator(id_, kind, entry.label, entry.definition)


INDICATORS: tuple[SheetIndicator, ...] = (
    _core("participants_accompagnes", COUNT),
    _core("entrees", COUNT),
    _core("sorties", COUNT),
    _core("sorties_positives", COUNT),
    _core("taux_sorties_positives", SHARE),
    _core("duree_moyenne_parcours_mois", MONTHS),
    _core("part_femmes", SHARE),
    _core("part_moins_26_ans", SHARE),
    _core("part_50_ans_et_plus", SHARE),
    _core("part_rsa", SHARE),
    _core("part_deld", SHARE),
    _core("part_th", SHARE),
    _core("part_qpv", SHARE),
    _core("part_infra_bac", SHARE),
    SheetIndicator("population_territoire", NUMBER, "Population du territoire",
                   "Habitants du territoire du PLIE (population municipale INSEE) ; pas soumis au secret "
                   "statistique."),
    SheetIndicator("nombre_epci", NUMBER, "Intercommunalités couvertes",
                   "Nombre d’EPCI couverts par le PLIE (pas un effectif de personnes)."),
    SheetIndicator("referents_etp", NUMBER, "Référents de parcours (ETP)",
                   "Référents de parcours en équivalent temps plein.", organisation=True),
    SheetIndicator("participants_par_referent", NUMBER, "Participants par référent",
                   "Participants accompagnés divisés par les référents de parcours (ETP)."),
    SheetIndicator("budget_total_euros", EUROS, "Budget annuel (€)", "Budget annuel du PLIE, en euros.",
                   organisation=True),
    SheetIndicator("part_fse", SHARE, "Part du FSE+ dans le budget", "Part du Fonds social européen plus "
                   "(FSE+) dans le budget annuel du PLIE.", organisation=True),
    SheetIndicator("cout_par_participant_euros", EUROS, "Coût par participant (€)",
                   "Budget annuel divisé par les participants accompagnés."),
    SheetIndicator("structure_porteuse", TEXT, "Structure porteuse",
                   "Structure qui porte le PLIE : Maison de l’emploi, association, EPCI…", organisation=True),
    SheetIndicator("gouvernance", TEXT, "Gouvernance", "Les instances du PLIE et qui les préside.",
                   organisation=True),
    SheetIndicator("pratique_remarquable", TEXT, "Pratique remarquable",
                   "Une pratique qui mérite d’être connue (une ligne par pratique).", organisation=True),
)

BY_ID: dict[str, SheetIndicator] = {i.id: i for i in INDICATORS}
IDS: tuple[str, ...] = tuple(BY_ID)
COMPARABLE_IDS: tuple[str, ...] = tuple(i.id for i in INDICATORS if i.kind != TEXT)
ORGANISATION_IDS = ("structure_porteuse", "gouvernance", "referents_etp", "participants_par_referent",
                    "budget_total_euros", "cout_par_participant_euros", "part_fse")
COLUMNS = ("plie", "annee", "indicateur", "valeur", "source", "date_source", "definition", "note")
REQUIRED_COLUMNS = COLUMNS[:6]
