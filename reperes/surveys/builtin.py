"""The questionnaires that come with Repères, written as XLSForm files and imported like any other.

- ``partenaires``: one questionnaire for partners, with variants per audience
  (élu·e, institution, acteur de l'insertion et de l'emploi) through ``relevant``;
- ``participants_falc``: for participants, in easy-to-read French (FALC: short
  sentences, one idea per question);
- ``guide_entretien_<public>``: an interview guide for each audience.
"""

from __future__ import annotations

from .xlsform import write_xlsform

VERSION = "2024-1"

# What each built-in questionnaire is for, shown before it is installed.
BUILTIN_DESCRIPTIONS = (
    ("Questionnaire partenaires", "Pour les élus, les institutions et les acteurs de l’insertion et de "
                                  "l’emploi : besoins, offre, articulations, valeur ajoutée du PLIE. "
                                  "Environ 15 minutes."),
    ("Votre avis sur votre parcours", "Pour les participants, en français facile à lire et à comprendre (FALC) : "
                                      "phrases courtes, une idée par question. Se remplit sur un téléphone."),
    ("Guides d’entretien", "Un guide par public (élu·e, institution, acteur), pour noter des entretiens."),
)

_CHOICES = [
    ("public", "elu", "Élu·e"), ("public", "institution", "Institution (État, Région, Département, France Travail…)"),
    ("public", "acteur", "Acteur de l'insertion et de l'emploi"),
    ("accord", "1", "Pas du tout d'accord"), ("accord", "2", "Plutôt pas d'accord"), ("accord", "3", "Plutôt d'accord"),
    ("accord", "4", "Tout à fait d'accord"),
    ("besoins", "mobilite", "Mobilité"), ("besoins", "sante", "Santé"), ("besoins", "logement", "Logement"),
    ("besoins", "garde", "Garde d'enfants"), ("besoins", "numerique", "Numérique"),
    ("besoins", "formation", "Formation et qualification"), ("besoins", "langue", "Maîtrise du français"),
    ("besoins", "emploi", "Accès à des offres d'emploi"),
    ("oui_non", "oui", "Oui"), ("oui_non", "non", "Non"),
    ("falc_aide", "referent", "Mon référent"), ("falc_aide", "formation", "Une formation"),
    ("falc_aide", "stage", "Un stage en entreprise"), ("falc_aide", "permis", "Le permis ou un transport"),
    ("falc_aide", "sante", "Des soins"), ("falc_aide", "autre", "Autre chose"),
    ("falc_frein", "transport", "Le transport"), ("falc_frein", "sante", "Ma santé"),
    ("falc_frein", "enfants", "La garde de mes enfants"), ("falc_frein", "argent", "L'argent"),
    ("falc_frein", "lire", "Lire ou écrire"), ("falc_frein", "rien", "Rien ne m'a bloqué"),
    ("falc_note", "1", "Pas content"), ("falc_note", "2", "Moyen"), ("falc_note", "3", "Content"),
    ("falc_note", "4", "Très content"),
]


def _choices(*lists: str) -> list[dict[str, str]]:
    return [{"list_name": ln, "name": n, "label": label} for ln, n, label in _CHOICES if ln in lists]


def partner_form() -> bytes:
    survey = [
        {"type": "note", "name": "intro", "label": "Ce questionnaire aide le PLIE à préparer son prochain protocole. "
                                                  "Il prend environ 15 minutes."},
        {"type": "select_one public", "name": "public", "label": "Vous répondez en tant que :", "required": "yes"},
        {"type": "text", "name": "structure", "label": "Votre structure ou votre collectivité"},
        {"type": "begin_group", "name": "besoins_g", "label": "Les besoins du territoire"},
        {"type": "select_multiple besoins", "name": "besoins", "label": "Quels sont les besoins les plus forts des "
                                                                        "personnes éloignées de l'emploi ?",
         "hint": "Plusieurs réponses possibles.", "constraint": "count-selected(.) <= 3",
         "constraint_message": "Choisissez trois besoins au plus."},
        {"type": "text", "name": "besoins_evolution", "label": "Comment ces besoins ont-ils évolué ces dernières "
                                                               "années ?"},
        {"type": "end_group", "name": ""},
        {"type": "begin_group", "name": "offre_g", "label": "L'offre d'insertion"},
        {"type": "select_one accord", "name": "offre_lisible", "label": "L'offre d'insertion du territoire est "
                                                                        "lisible."},
        {"type": "text", "name": "offre_manques", "label": "Quels manques ou quels doublons voyez-vous dans l'offre ?"},
        {"type": "end_group", "name": ""},
        {"type": "begin_group", "name": "articulations_g", "label": "Les articulations entre acteurs"},
        {"type": "select_one accord", "name": "articulation", "label": "Les acteurs de l'insertion travaillent bien "
                                                                       "ensemble."},
        {"type": "text", "name": "articulation_exemples", "label": "Donnez un exemple de coopération réussie ou "
                                                                   "difficile."},
        {"type": "end_group", "name": ""},
        {"type": "begin_group", "name": "plie_g", "label": "La valeur ajoutée du PLIE"},
        {"type": "select_one accord", "name": "plie_valeur", "label": "Le PLIE apporte une valeur ajoutée sur le "
                                                                     "territoire."},
        {"type": "text", "name": "plie_apport", "label": "Selon vous, qu'apporte le PLIE que les autres ne font pas ?"},
        {"type": "text", "name": "elu_priorites", "label": "Quelles priorités votre collectivité souhaite-t-elle "
                                                           "voir dans le prochain protocole ?",
         "relevant": "${public} = 'elu'"},
        {"type": "text", "name": "institution_cofinancement", "label": "Comment le PLIE s'articule-t-il avec les "
                                                                       "dispositifs que vous financez ?",
         "relevant": "${public} = 'institution'"},
        {"type": "integer", "name": "acteur_orientations", "label": "Combien de personnes avez-vous orientées vers "
                                                                    "le PLIE l'an dernier (environ) ?",
         "relevant": "${public} = 'acteur'", "constraint": ". >= 0 and . < 10000",
         "constraint_message": "Donnez un nombre entre 0 et 9 999."},
        {"type": "text", "name": "acteur_orientation_freins", "label": "Qu'est-ce qui freine l'orientation vers le "
                                                                       "PLIE ?",
         "relevant": "${public} = 'acteur'"},
        {"type": "end_group", "name": ""},
        {"type": "text", "name": "attentes", "label": "Vos attentes pour le prochain protocole"},
    ]
    return write_xlsform("partenaires", "Questionnaire partenaires", VERSION, survey,
                         _choices("public", "accord", "besoins"))


def participant_form() -> bytes:
    survey = [
        {"type": "note", "name": "intro", "label": "Bonjour. Ces questions parlent de votre parcours au PLIE. "
                                                  "Vos réponses nous aident à faire mieux."},
        {"type": "note", "name": "intro2", "label": "Vous pouvez ne pas répondre à une question."},
        {"type": "select_one falc_note", "name": "content", "label": "Êtes-vous content de votre parcours ?"},
        {"type": "select_multiple falc_aide", "name": "aide", "label": "Qu'est-ce qui vous a aidé ?",
         "hint": "Vous pouvez cocher plusieurs réponses."},
        {"type": "text", "name": "aide_autre", "label": "Quelle autre chose vous a aidé ?",
         "relevant": "selected(${aide}, 'autre')"},
        {"type": "select_multiple falc_frein", "name": "frein", "label": "Qu'est-ce qui vous a bloqué ?",
         "hint": "Vous pouvez cocher plusieurs réponses."},
        {"type": "select_one oui_non", "name": "referent_ecoute", "label": "Votre référent vous écoute-t-il ?"},
        {"type": "select_one oui_non", "name": "travail", "label": "Avez-vous un travail aujourd'hui ?"},
        {"type": "select_one oui_non", "name": "formation", "label": "Suivez-vous une formation aujourd'hui ?"},
        {"type": "text", "name": "change", "label": "Qu'est-ce qui a changé pour vous ?",
         "hint": "Écrivez avec vos mots. Une phrase suffit."},
        {"type": "text", "name": "idee", "label": "Avez-vous une idée pour améliorer le PLIE ?"},
    ]
    return write_xlsform("participants_falc", "Votre avis sur votre parcours", VERSION, survey,
                         _choices("falc_note", "falc_aide", "falc_frein", "oui_non"))


_GUIDES = {
    "elu": ("Guide d'entretien – élu·e", [
        ("besoins", "Quels besoins voyez-vous chez les habitants éloignés de l'emploi de votre commune ?"),
        ("offre", "Quelles actions d'insertion connaissez-vous sur le territoire ?"),
        ("articulations", "Comment votre collectivité travaille-t-elle avec le PLIE et ses partenaires ?"),
        ("manques", "Qu'est-ce qui manque aujourd'hui ?"),
        ("experimentations", "Quelles expériences locales faudrait-il prolonger ?"),
        ("attentes", "Qu'attendez-vous du prochain protocole ?")]),
    "institution": ("Guide d'entretien – institution", [
        ("besoins", "Quels publics et quels besoins sont prioritaires pour votre institution ?"),
        ("offre", "Quels dispositifs financez-vous ou pilotez-vous ?"),
        ("complementarite", "Où le PLIE complète-t-il vos dispositifs, où les recoupe-t-il ?"),
        ("articulations", "Comment se passent l'orientation et le suivi des personnes entre vos services et le PLIE ?"),
        ("sorties", "Comment valoriser les sorties autres que l'emploi (retraite, RQTH, santé) ?"),
        ("attentes", "Qu'attendez-vous du prochain protocole ?")]),
    "acteur": ("Guide d'entretien – acteur de l'insertion et de l'emploi", [
        ("besoins", "Quels besoins rencontrez-vous chez les personnes que vous accompagnez ?"),
        ("offre", "Que proposez-vous, à qui, avec quelles places ?"),
        ("articulations", "Comment orientez-vous vers le PLIE, et comment le PLIE vous oriente-t-il ?"),
        ("manques", "Quels trous dans l'offre voyez-vous ? Quels délais d'attente ?"),
        ("experimentations", "Quelles expérimentations avez-vous menées (mobilisation, santé…) et qu'en retenez-vous ?"),
        ("sorties", "Que deviennent les personnes après leur passage chez vous ?")]),
}


def guide_form(audience: str) -> bytes:
    title, questions = _GUIDES[audience]
    survey = [{"type": "note", "name": "consigne", "label": "Notez les réponses en reformulant ; n'écrivez aucun nom "
                                                            "de personne."}]
    survey += [{"type": "text", "name": code, "label": label} for code, label in questions]
    return write_xlsform(f"guide_entretien_{audience}", title, VERSION, survey, [])


def builtin_files() -> dict[str, bytes]:
    files = {"partenaires.xlsx": partner_form(), "participants_falc.xlsx": participant_form()}
    for audience in _GUIDES:
        files[f"guide_entretien_{audience}.xlsx"] = guide_form(audience)
    return files


def ensure_builtin_forms() -> list:
    """Import the built-in questionnaires (idempotent: same file, same version)."""
    from .services import import_form

    return [import_form(data, name, builtin=True) for name, data in builtin_files().items()]
