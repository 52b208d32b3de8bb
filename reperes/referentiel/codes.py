"""Every code list of the exchange format, defined once.

Source of truth: ``docs/format-echange.md`` (a copy of the contract). A test
parses that file's tables and checks these lists against it, code by code and
label by label. Import, analytics, forms, templates and reports all read the
lists from here; no other module spells a code's label.

This module imports nothing from Django: the analytics package uses it too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Lower-case, accent-free, trimmed form used to compare codes, labels and headers."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(no_accents.lower().split())


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    attrs: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        # Lets callers write ``MOTIF_SORTIE["ABANDON"].categorie``.
        attrs = object.__getattribute__(self, "attrs")
        if name in attrs:
            return attrs[name]
        raise AttributeError(name)


class CodeList:
    """An ordered list of codes with French labels and optional extra attributes."""

    def __init__(self, name: str, title: str, codes: list[Code], aliases: dict[str, str] | None = None,
                 attribute: str | None = None):
        self.name = name
        self.title = title
        self.attribute = attribute  # name of the extra attribute (categorie, famille, isced…)
        self._codes = {c.code: c for c in codes}
        self.aliases = dict(aliases or {})
        lookup: dict[str, str] = {}
        for c in codes:
            lookup[fold(c.code)] = c.code
            lookup[fold(c.label)] = c.code
        for alias, target in self.aliases.items():
            lookup[fold(alias)] = target
        self._lookup = lookup

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __getitem__(self, code: str) -> Code:
        return self._codes[code]

    def codes(self) -> list[str]:
        return list(self._codes)

    def label(self, code: str | None, default: str = "") -> str:
        entry = self._codes.get(code) if code is not None else None
        return entry.label if entry else default

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs, for Django model and form fields."""
        return [(c.code, c.label) for c in self]

    def resolve(self, value: object) -> str | None:
        """The code for a cell holding a code, a label or an alias (case- and accent-insensitive)."""
        if value is None:
            return None
        return self._lookup.get(fold(str(value)))

    def lookup_table(self) -> dict[str, str]:
        """Folded code/label/alias → code, for vectorised resolution in Polars."""
        return dict(self._lookup)

    def attr(self, code: str, default: str | None = None) -> str | None:
        entry = self._codes.get(code)
        if entry is None or self.attribute is None:
            return default
        return entry.attrs.get(self.attribute, default)

    def with_attr(self, value: str) -> list[str]:
        """Codes whose extra attribute equals ``value`` (e.g. every positive motif)."""
        return [c.code for c in self if self.attribute and c.attrs.get(self.attribute) == value]


def _list(name: str, title: str, rows: list[tuple], attribute: str | None = None,
          aliases: dict[str, str] | None = None) -> CodeList:
    codes = []
    for row in rows:
        code, label, *rest = row
        attrs = {attribute: rest[0]} if attribute and rest and rest[0] is not None else {}
        codes.append(Code(code, label, attrs))
    return CodeList(name, title, codes, aliases=aliases, attribute=attribute)


SEXE = _list("sexe", "Sexe", [("F", "Femme"), ("M", "Homme")], aliases={"H": "M"})

NIVEAU_FORMATION = _list("niveau_formation", "Niveau de formation", [
    ("INFRA_3", "Sans diplôme ou infra niveau 3", "0-2"),
    ("NIV_3", "Niveau 3 (CAP, BEP)", "3-4"),
    ("NIV_4", "Niveau 4 (baccalauréat)", "3-4"),
    ("NIV_5", "Niveau 5 (bac + 2)", "5-8"),
    ("NIV_6_PLUS", "Niveau 6 et plus (bac + 3 et au-delà)", "5-8"),
    ("INCONNU", "Non renseigné", None),
], attribute="isced")

SITUATION_ENTREE = _list("situation_entree", "Situation à l'entrée", [
    ("DE", "Demandeur d'emploi"),
    ("INACTIF", "Inactif"),
    ("EMPLOI", "En emploi (précaire ou temps partiel subi)"),
    ("INCONNU", "Inconnue (la source ne la donne pas)"),
])

CRITERES = _list("criteres", "Critères", [
    ("RSA", "Bénéficiaire du RSA"),
    ("ASS", "Bénéficiaire de l'ASS"),
    ("AAH", "Bénéficiaire de l'AAH"),
    ("TH", "Travailleur handicapé (RQTH)"),
    ("DELD", "Demandeur d'emploi de longue durée (12 mois et plus)"),
    ("DETLD", "Demandeur d'emploi de très longue durée (24 mois et plus)"),
    ("PARENT_ISOLE", "Parent isolé"),
    ("BPI", "Bénéficiaire d'une protection internationale"),
    ("SANS_DOMICILE", "Sans domicile ou exclusion du logement"),
    ("ASE", "Ancien bénéficiaire de l'aide sociale à l'enfance"),
])

# The categorie is a data·inclusion v1 ``Categorie`` value (checked by a test
# against the data-inclusion-schema package, never re-typed elsewhere).
FREINS = _list("freins", "Freins", [
    ("MOBILITE", "Mobilité", "mobilite"),
    ("SANTE", "Santé", "sante"),
    ("LOGEMENT", "Logement", "logement-hebergement"),
    ("GARDE_ENFANTS", "Garde d'enfants", "famille"),
    ("NUMERIQUE", "Numérique", "numerique"),
    ("SAVOIRS_DE_BASE", "Savoirs de base (lire, écrire, compter)", "lecture-ecriture-calcul"),
    ("LANGUE", "Maîtrise du français", "lecture-ecriture-calcul"),
    ("FINANCES", "Difficultés financières", "difficultes-financieres"),
    ("ADMINISTRATIF", "Démarches administratives", "difficultes-administratives-ou-juridiques"),
    ("JUSTICE", "Situation judiciaire", "difficultes-administratives-ou-juridiques"),
    ("CONFIANCE", "Confiance en soi, remobilisation", "remobilisation"),
], attribute="categorie")

PRESCRIPTEUR = _list("prescripteur", "Prescripteur", [
    ("FRANCE_TRAVAIL", "France Travail"),
    ("MISSION_LOCALE", "Mission locale"),
    ("CAP_EMPLOI", "Cap emploi"),
    ("DEPARTEMENT", "Département (service social, référent RSA)"),
    ("CCAS", "CCAS ou CIAS"),
    ("SIAE", "Structure d'insertion par l'activité économique"),
    ("STRUCTURE_SOCIALE", "Autre structure sociale"),
    ("SPONTANE", "Démarche spontanée"),
    ("AUTRE", "Autre"),
])

# The four categories of exit (``CATEGORIE_SORTIE`` below): spelled here once, read everywhere else
# through these names (``ref.SORTIE_POSITIVE``…), never as bare strings.
SORTIE_POSITIVE = "positive"
SORTIE_SOLUTION = "solution"
SORTIE_NEUTRE = "neutre"
SORTIE_SANS_SOLUTION = "sans_solution"

# Positive rule: AVE convention (« PLIE mode d'emploi », 2010), continuous
# employment of 6 months or more at least half-time, or a qualifying training.
MOTIF_SORTIE = _list("motif_sortie", "Motif de sortie", [
    ("EMPLOI_CDI", "Emploi durable – CDI", SORTIE_POSITIVE),
    ("EMPLOI_CDD_6M", "Emploi durable – CDD de 6 mois ou plus", SORTIE_POSITIVE),
    ("EMPLOI_INTERIM_6M", "Emploi durable – intérim cumulant 6 mois ou plus", SORTIE_POSITIVE),
    ("ALTERNANCE", "Contrat d'apprentissage ou de professionnalisation", SORTIE_POSITIVE),
    ("CREATION_ACTIVITE", "Création ou reprise d'activité", SORTIE_POSITIVE),
    ("FORMATION_QUALIFIANTE", "Formation qualifiante ou certifiante", SORTIE_POSITIVE),
    ("EMPLOI_TRANSITION", "Emploi de moins de 6 mois, contrat aidé ou SIAE", SORTIE_SOLUTION),
    ("FORMATION_PREQUALIFIANTE", "Formation pré-qualifiante", SORTIE_SOLUTION),
    ("ORIENTATION_ADAPTEE", "Orientation vers un accompagnement plus adapté", SORTIE_SOLUTION),
    ("MILIEU_PROTEGE", "Orientation en milieu protégé ou adapté (ESAT, EA)", SORTIE_SOLUTION),
    ("SANTE", "Sortie pour raison de santé, soins engagés", SORTIE_SOLUTION),
    ("RETRAITE", "Départ à la retraite", SORTIE_SOLUTION),
    ("DEMENAGEMENT", "Déménagement hors du territoire", SORTIE_NEUTRE),
    ("DECES", "Décès", SORTIE_NEUTRE),
    ("ABANDON", "Abandon ou perte de contact", SORTIE_SANS_SOLUTION),
    ("FIN_DE_PARCOURS", "Durée maximale atteinte sans solution", SORTIE_SANS_SOLUTION),
    ("AUTRE", "Autre motif", SORTIE_SANS_SOLUTION),
], attribute="categorie")

# The four categories of exit. ``solution`` is Repères' answer to the call's
# request to value exits other than positive ones (retraite, RQTH, santé…).
CATEGORIE_SORTIE = _list("categorie_sortie", "Catégorie de sortie", [
    (SORTIE_POSITIVE, "Sortie positive"),
    (SORTIE_SOLUTION, "Autre sortie à valoriser"),
    (SORTIE_NEUTRE, "Sortie neutre"),
    (SORTIE_SANS_SOLUTION, "Sortie sans solution"),
])

SITUATION_6_MOIS = _list("situation_6_mois", "Situation 6 mois après la sortie", [
    ("EMPLOI", "En emploi (y compris indépendant)"),
    ("FORMATION", "En formation"),
    ("RECHERCHE", "En recherche d'emploi"),
    ("INACTIF", "Inactif"),
    ("INCONNU", "Non connue"),
])

TYPE_ETAPE = _list("type_etape", "Type d'étape", [
    ("EMPLOI_CDI", "Emploi en CDI", "EMPLOI"),
    ("EMPLOI_CDD", "Emploi en CDD", "EMPLOI"),
    ("EMPLOI_INTERIM", "Mission d'intérim", "EMPLOI"),
    ("CONTRAT_AIDE", "Contrat aidé (PEC)", "EMPLOI"),
    ("ALTERNANCE", "Contrat en alternance", "EMPLOI"),
    ("SIAE_ACI", "Atelier et chantier d'insertion", "EMPLOI"),
    ("SIAE_EI", "Entreprise d'insertion", "EMPLOI"),
    ("SIAE_ETTI", "Entreprise de travail temporaire d'insertion", "EMPLOI"),
    ("SIAE_AI", "Association intermédiaire", "EMPLOI"),
    ("GEIQ", "Groupement d'employeurs pour l'insertion et la qualification", "EMPLOI"),
    ("CREATION_ACTIVITE", "Création d'activité", "EMPLOI"),
    ("IMMERSION", "Immersion en entreprise (PMSMP)", "EMPLOI"),
    ("FORMATION_QUALIFIANTE", "Formation qualifiante", "FORMATION"),
    ("FORMATION_PREQUALIFIANTE", "Formation pré-qualifiante", "FORMATION"),
    ("SAVOIRS_DE_BASE", "Savoirs de base, français langue étrangère", "FORMATION"),
    ("MOBILITE", "Action mobilité", "LEVEE_FREINS"),
    ("SANTE", "Action santé", "LEVEE_FREINS"),
    ("LOGEMENT", "Action logement", "LEVEE_FREINS"),
    ("GARDE_ENFANTS", "Solution de garde d'enfants", "LEVEE_FREINS"),
    ("NUMERIQUE", "Inclusion numérique", "LEVEE_FREINS"),
    ("REMOBILISATION", "Remobilisation, confiance en soi", "LEVEE_FREINS"),
    ("ACCOMPAGNEMENT_SOCIAL", "Accompagnement social", "LEVEE_FREINS"),
    ("ORIENTATION_PROJET", "Orientation, projet professionnel", "ACCOMPAGNEMENT"),
    ("TECHNIQUES_RECHERCHE_EMPLOI", "Techniques de recherche d'emploi", "ACCOMPAGNEMENT"),
    ("AUTRE", "Autre étape", "ACCOMPAGNEMENT"),
], attribute="famille")

FAMILLE_ETAPE = _list("famille_etape", "Famille d'étape", [
    ("EMPLOI", "Emploi"),
    ("FORMATION", "Formation"),
    ("LEVEE_FREINS", "Levée des freins"),
    ("ACCOMPAGNEMENT", "Accompagnement"),
])

RESULTAT_ETAPE = _list("resultat_etape", "Résultat de l'étape", [
    ("REALISEE", "Réalisée"),
    ("ABANDONNEE", "Abandonnée"),
    ("EN_COURS", "En cours"),
])

NIVEAU_FREIN = _list("niveau_frein", "Niveau du frein", [
    ("0", "Aucune difficulté"),
    ("1", "Difficulté légère"),
    ("2", "Difficulté importante"),
    ("3", "Difficulté bloquante"),
])

TYPE_ACQUIS = _list("type_acquis", "Type d'acquis", [
    ("RQTH_OBTENUE", "Reconnaissance de travailleur handicapé obtenue"),
    ("PERMIS_CONDUIRE", "Permis de conduire obtenu"),
    ("VEHICULE", "Accès à un véhicule"),
    ("LOGEMENT_STABLE", "Logement stable"),
    ("SOINS_ENGAGES", "Soins engagés"),
    ("COUVERTURE_SANTE", "Couverture santé ouverte"),
    ("DROITS_RETRAITE", "Droits à la retraite reconstitués"),
    ("DROITS_SOCIAUX", "Droits sociaux ouverts"),
    ("MODE_GARDE", "Mode de garde trouvé"),
    ("CERTIFICATION", "Certification obtenue (CléA ou autre)"),
    ("NIVEAU_LANGUE", "Niveau de français validé"),
    ("AUTONOMIE_NUMERIQUE", "Autonomie numérique acquise"),
    ("AUTRE", "Autre acquis"),
])

# Every list of the contract, by its name in format-echange.md.
CODE_LISTS: dict[str, CodeList] = {cl.name: cl for cl in (
    SEXE, NIVEAU_FORMATION, SITUATION_ENTREE, CRITERES, FREINS, PRESCRIPTEUR, MOTIF_SORTIE,
    SITUATION_6_MOIS, TYPE_ETAPE, FAMILLE_ETAPE, RESULTAT_ETAPE, NIVEAU_FREIN, TYPE_ACQUIS,
)}

# Age bands used by every breakdown (indicateurs.md: < 26, 26–49, ≥ 50).
TRANCHE_AGE = _list("tranche_age", "Tranche d'âge", [
    ("MOINS_26", "Moins de 26 ans"),
    ("26_49", "26 à 49 ans"),
    ("50_PLUS", "50 ans et plus"),
])

# Criteria that make a participant DELD for the indicators (plus seniority ≥ 12 months).
DELD_CRITERES = ("DELD", "DETLD")
DELD_ANCIENNETE_MOIS = 12
INFRA_BAC = ("INFRA_3", "NIV_3")


def category_of(motif: str | None) -> str | None:
    """Category (positive, solution, neutre, sans_solution) of an exit motif."""
    return MOTIF_SORTIE.attr(motif) if motif else None


def family_of(type_etape: str | None) -> str | None:
    """Family (EMPLOI, FORMATION, LEVEE_FREINS, ACCOMPAGNEMENT) of a step type."""
    return TYPE_ETAPE.attr(type_etape) if type_etape else None


def isced_of(niveau: str | None) -> str | None:
    """ISCED group (0-2, 3-4, 5-8) of an education level, for ESF+ indicators."""
    return NIVEAU_FORMATION.attr(niveau) if niveau else None


def datainclusion_category_of(frein: str | None) -> str | None:
    """data·inclusion v1 ``Categorie`` value that answers a barrier."""
    return FREINS.attr(frein) if frein else None


# Which barriers (``FREINS``) a step type (``TYPE_ETAPE``) works on: the PLIE's own actions placed beside the
# other actors' services in the needs × offer matrix. Stated once here:
# - MOBILITE (action mobilité) → MOBILITE; SANTE (action santé) → SANTE; LOGEMENT (action logement) → LOGEMENT;
# - GARDE_ENFANTS (solution de garde) → GARDE_ENFANTS; NUMERIQUE (inclusion numérique) → NUMERIQUE;
# - REMOBILISATION (remobilisation, confiance en soi) → CONFIANCE;
# - SAVOIRS_DE_BASE (savoirs de base, français langue étrangère) → SAVOIRS_DE_BASE and LANGUE;
# - ACCOMPAGNEMENT_SOCIAL (accompagnement social) → FINANCES, ADMINISTRATIF and JUSTICE (budget, droits,
#   démarches, suites judiciaires: the barriers a social follow-up works on).
# Not mapped: the EMPLOI types, the other FORMATION types and the ACCOMPAGNEMENT family (orientation, techniques
# de recherche d'emploi, autre): they work on employment, not on a barrier of the list.
ETAPE_FREINS: dict[str, tuple[str, ...]] = {
    "MOBILITE": ("MOBILITE",),
    "SANTE": ("SANTE",),
    "LOGEMENT": ("LOGEMENT",),
    "GARDE_ENFANTS": ("GARDE_ENFANTS",),
    "NUMERIQUE": ("NUMERIQUE",),
    "REMOBILISATION": ("CONFIANCE",),
    "SAVOIRS_DE_BASE": ("SAVOIRS_DE_BASE", "LANGUE"),
    "ACCOMPAGNEMENT_SOCIAL": ("FINANCES", "ADMINISTRATIF", "JUSTICE"),
}


def freins_addressed_by(type_etape: str | None) -> tuple[str, ...]:
    """The barriers (``FREINS`` codes) a step type works on (``ETAPE_FREINS``); empty for the others."""
    return ETAPE_FREINS.get(type_etape or "", ())


def datainclusion_categories_of_etape(type_etape: str | None) -> tuple[str, ...]:
    """The data·inclusion categories a step type answers, through the barriers it works on (no repeat)."""
    return tuple(dict.fromkeys(c for f in freins_addressed_by(type_etape) if (c := datainclusion_category_of(f))))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 26:
        return "MOINS_26"
    if age < 50:
        return "26_49"
    return "50_PLUS"
