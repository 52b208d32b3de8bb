"""Files of data·inclusion's former schema (v0, before 1.0), recognised and converted to v1.

A v0 file is told by columns that only v0 has (``presentation_detail``, ``profils``, ``types``,
``zone_diffusion_code``, ``labels_nationaux``…). Each v0 field with a v1 equivalent is carried over; a v0 value
that has no v1 code is left out and counted, so that the report names it; a v0 column with no v1 field is listed
among the ignored columns. The value correspondences below are Repères' reading of both schemas' published code
lists (a v0 code kept as is when it is also a v1 code); nothing is guessed beyond them.
"""

from __future__ import annotations

from collections import Counter

from data_inclusion.schema import v1 as di

LABEL = "ancien schéma v0"

ONLY_V0 = {
    "structures": {"typologie", "presentation_resume", "presentation_detail", "labels_nationaux", "labels_autres",
                   "horaires_ouverture", "accessibilite", "antenne", "rna", "thematiques"},
    "services": {"presentation_resume", "presentation_detail", "types", "profils", "profils_precisions", "pre_requis",
                 "justificatifs", "zone_diffusion_type", "zone_diffusion_code", "zone_diffusion_nom",
                 "modes_orientation_accompagnateur", "modes_orientation_accompagnateur_autres",
                 "modes_orientation_beneficiaire", "modes_orientation_beneficiaire_autres", "frais_autres",
                 "prise_rdv", "formulaire_en_ligne", "recurrence", "page_web", "cumulable", "contact_public",
                 "date_creation", "date_suspension"},
}
LIST_FIELDS = {
    "structures": ("labels_nationaux", "labels_autres", "thematiques", "reseaux_porteurs"),
    "services": ("types", "thematiques", "profils", "frais", "pre_requis", "justificatifs", "modes_accueil",
                 "modes_orientation_accompagnateur", "modes_orientation_beneficiaire", "publics"),
}
# v0 columns carried over (the others, if not v1 fields, are ignored columns).
USED = {
    "structures": {"presentation_resume", "presentation_detail", "horaires_ouverture", "accessibilite",
                   "labels_nationaux", "typologie"},
    "services": {"presentation_resume", "presentation_detail", "types", "profils", "profils_precisions",
                 "pre_requis", "justificatifs", "zone_diffusion_type", "zone_diffusion_code",
                 "modes_orientation_accompagnateur", "modes_orientation_accompagnateur_autres",
                 "modes_orientation_beneficiaire", "modes_orientation_beneficiaire_autres", "frais_autres",
                 "prise_rdv", "formulaire_en_ligne", "recurrence", "page_web"},
}
CONVERSIONS = {
    "structures": "presentation_detail (ou presentation_resume) → description, horaires_ouverture → "
                  "horaires_accueil, accessibilite → accessibilite_lieu, labels_nationaux et typologie → "
                  "reseaux_porteurs",
    "services": "presentation_detail (ou presentation_resume) → description, types → type, profils → publics, "
                "profils_precisions → publics_precisions, frais_autres → frais_precisions, pre_requis et "
                "justificatifs → conditions_acces, zone_diffusion_code → zone_eligibilite, modes_orientation_* → "
                "modes_mobilisation et mobilisable_par, formulaire_en_ligne ou prise_rdv → lien_mobilisation, "
                "page_web → lien_source, recurrence → horaires_accueil",
}

# v0 profils → v1 publics: the correspondences data·inclusion applies itself (gip-inclusion/data-inclusion,
# pipeline/dbt/models/intermediate/004_finals/_map_publics.sql), where the v1 code exists in the pinned schema; a
# profil may give several publics. Four v0 profils it does not list are mapped by their meaning (asylum, protection,
# legal situation, QPV).
PROFILS: dict[str, str | tuple[str, ...]] = {
    "alternants": ("etudiants", "actifs"), "salaries": "actifs", "locataires": "actifs", "proprietaires": "actifs",
    "beneficiaires-rsa": "beneficiaires-des-minimas-sociaux", "demandeurs-demploi": "demandeurs-emploi",
    "deficience-visuelle": "personnes-en-situation-de-handicap", "surdite": "personnes-en-situation-de-handicap",
    "handicaps-mentaux": "personnes-en-situation-de-handicap",
    "handicaps-psychiques": "personnes-en-situation-de-handicap",
    "personnes-handicapees": "personnes-en-situation-de-handicap", "familles-enfants": "familles",
    "jeunes-16-26": "jeunes", "personnes-de-nationalite-etrangere": "personnes-exilees",
    "public-langues-etrangeres": "personnes-exilees",
    "beneficiaire-protection-internationale": "personnes-exilees", "demandeurs-asile": "personnes-exilees",
    "retraites": "seniors", "seniors-65": "seniors", "sans-domicile-fixe": "personnes-en-situation-durgence",
    "sortants-de-detention": "personnes-en-situation-durgence",
    "personnes-en-situation-illettrisme": "personnes-en-situation-durgence",
    "victimes": "personnes-en-situation-durgence",
    "personnes-en-situation-juridique": "personnes-en-situation-juridique-specifique",
    "habitants-qpv": "residents-qpv-frr",
}
TYPES = {"financement": "aide-financiere"}
FRAIS_PAYANT = {"payant", "adhesion", "pass-numerique"}
MODES = {"telephoner": "telephoner", "envoyer-un-mail": "envoyer-un-courriel",
         "envoyer-un-mail-avec-une-fiche-de-prescription": "envoyer-un-courriel", "se-presenter": "se-presenter",
         "completer-le-formulaire-dadhesion": "utiliser-lien-mobilisation"}
LABELS = {"pole-emploi": "france-travail", "cap-emploi": "cap-emploi-reseau-cheops",
          "france-service": "france-service", "france-services": "france-service"}
TYPOLOGIES = {
    "ML": "mission-locale", "CCAS": "ccas-cias", "CIAS": "ccas-cias", "PE": "france-travail", "FT": "france-travail",
    "CAP_EMPLOI": "cap-emploi-reseau-cheops", "PLIE": "plie", "ACI": "aci", "EI": "ei", "ETTI": "etti", "EITI": "eiti",
    "AI": "ai", "EA": "ea", "ESAT": "esat", "CHRS": "chrs", "CHU": "chu", "CAF": "caf", "GEIQ": "geiq",
    "E2C": "ecoles-de-la-deuxieme-chance", "EPIDE": "epide", "MDE": "maisons-de-l-emploi", "DEPT": "departements",
    "MUNI": "communes", "REG": "regions", "CADA": "cada", "HUDA": "huda", "CPH": "cph", "SPIP": "spip",
    "PJJ": "pjj", "MDPH": "mdph", "CIDFF": "cidff", "PIJ_BIJ": "reseau-information-jeunesse", "MSA": "mutualite-sociale-agricole",
    "CPAM": "cpam", "AFPA": "afpa", "ADIE": "adie", "BGE": "reseau-bge", "FAIS": "federation-des-acteurs-de-la-solidarite",
    "MSAP": "msap", "RESSOURCERIE": "ressourceries", "SIAO": "siao", "UDAF": "unaf",
}
V1_CODES = {
    "publics": {m.value for m in di.Public}, "type": {m.value for m in di.TypeService},
    "thematiques": {m.value for m in di.Thematique}, "reseaux_porteurs": {m.value for m in di.ReseauPorteur},
    "modes_accueil": {m.value for m in di.ModeAccueil},
}


MANY_TYPES = "types multiples"


def is_v0(table: str, columns) -> bool:
    return bool(ONLY_V0[table] & {str(c).strip() for c in columns if c is not None})


def ignored_columns(table: str, columns, v1_fields) -> list[str]:
    """v0 columns that nothing carries over (no v1 field of that name, no conversion)."""
    return sorted(c for c in columns if c and c not in v1_fields and c not in USED[table] and c in ONLY_V0[table])


def _codes(values, field: str, mapping: dict, source: str, dropped: Counter) -> list[str]:
    out = []
    for value in values or []:
        found = value if value in V1_CODES[field] else mapping.get(value)
        if found is None:
            dropped[(source, value)] += 1
            continue
        for code in (found,) if isinstance(found, str) else found:
            if code not in out:
                out.append(code)
    return out


def _join(*parts) -> str | None:
    return "\n".join(p for p in parts if p) or None


def convert(table: str, row: dict, dropped: Counter) -> dict:
    """A cleaned v0 row (lists already split) as a v1 row; v0 values without v1 code counted in ``dropped``."""
    out = dict(row)
    for column in ONLY_V0[table]:
        out.pop(column, None)
    out["description"] = row.get("presentation_detail") or row.get("presentation_resume") or row.get("description")
    if table == "structures":
        out["horaires_accueil"] = row.get("horaires_ouverture") or row.get("horaires_accueil")
        out["accessibilite_lieu"] = row.get("accessibilite") or row.get("accessibilite_lieu")
        reseaux = _codes(row.get("labels_nationaux"), "reseaux_porteurs", LABELS, "labels_nationaux", dropped)
        typologie = row.get("typologie")
        if typologie:
            extra = _codes([str(typologie).strip().upper()], "reseaux_porteurs", TYPOLOGIES, "typologie", dropped)
            reseaux += [c for c in extra if c not in reseaux]
        out["reseaux_porteurs"] = reseaux or None
        return out
    types = _codes(row.get("types"), "type", TYPES, "types", dropped)
    order = [m.value for m in di.TypeService]
    types.sort(key=order.index)
    if len(types) > 1:
        dropped[(MANY_TYPES, f"{', '.join(types)} → {types[0]}")] += 1
    out["type"] = types[0] if types else None
    out["thematiques"] = _codes(row.get("thematiques"), "thematiques", {}, "thematiques", dropped) or None
    out["publics"] = _codes(row.get("profils"), "publics", PROFILS, "profils", dropped) or None
    out["publics_precisions"] = row.get("profils_precisions")
    out["modes_accueil"] = _codes(row.get("modes_accueil"), "modes_accueil", {}, "modes_accueil", dropped) or None
    frais = set(row.get("frais") or [])
    out["frais"] = "payant" if frais & FRAIS_PAYANT else "gratuit" if frais & {"gratuit", "gratuit-sous-conditions"} \
        else None
    conditions = "gratuit sous conditions" if "gratuit-sous-conditions" in frais else None
    out["frais_precisions"] = _join(conditions, row.get("frais_autres"))
    out["conditions_acces"] = _join(
        "Prérequis : " + " ; ".join(row["pre_requis"]) + "." if row.get("pre_requis") else None,
        "Justificatifs : " + " ; ".join(row["justificatifs"]) + "." if row.get("justificatifs") else None)
    kind, code = str(row.get("zone_diffusion_type") or "").lower(), row.get("zone_diffusion_code")
    if kind == "pays":
        out["zone_eligibilite"] = ["france"]
    elif code and kind in ("commune", "epci", "departement", ""):
        out["zone_eligibilite"] = [str(code)]
    else:
        out["zone_eligibilite"] = None
        if code:
            dropped[("zone_diffusion_code", f"{code} ({kind})")] += 1
    pros, users = row.get("modes_orientation_accompagnateur") or [], row.get("modes_orientation_beneficiaire") or []
    modes = []
    for value in [*pros, *users]:
        mode = MODES.get(value)
        if mode is None:
            dropped[("modes_orientation", value)] += 1
        elif mode not in modes:
            modes.append(mode)
    out["modes_mobilisation"] = modes or None
    out["mobilisable_par"] = [p for p, present in (("professionnels", pros), ("usagers", users)) if present] or None
    out["mobilisation_precisions"] = _join(
        "Professionnels : " + row["modes_orientation_accompagnateur_autres"]
        if row.get("modes_orientation_accompagnateur_autres") else None,
        "Usagers : " + row["modes_orientation_beneficiaire_autres"]
        if row.get("modes_orientation_beneficiaire_autres") else None)
    out["lien_mobilisation"] = row.get("formulaire_en_ligne") or row.get("prise_rdv") or row.get("lien_mobilisation")
    out["lien_source"] = row.get("lien_source") or row.get("page_web")
    out["horaires_accueil"] = row.get("recurrence") or row.get("horaires_accueil")
    return out


def notes(table: str, dropped: Counter) -> list[str]:
    out = [f"{table.capitalize()} : fichier de l’{LABEL} de data·inclusion, converti en v1 ({CONVERSIONS[table]})."]
    for (column, value), n in sorted(dropped.items()):
        lines = f"{n} ligne{'s' if n > 1 else ''}"
        if column == MANY_TYPES:
            out.append(f"{table.capitalize()}, {LABEL} : plusieurs types « {value} » ; la v1 n’en a qu’un, le "
                       f"premier dans l’ordre du schéma est retenu ({lines}).")
            continue
        out.append(f"{table.capitalize()}, {LABEL} : « {value} » ({column}) n’a pas d’équivalent en v1, "
                   f"valeur écartée ({lines}).")
    return out
