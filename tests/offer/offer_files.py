"""Offer files built the way data·inclusion builds them.

Records are validated with ``data-inclusion-schema`` (v1 models), then written as its publish pipeline does
(``pipeline/dags/…/publish_opendata/helpers.py``): pandas ``to_csv(index=False)``, ``to_json(orient="records",
force_ascii=False)`` and ``to_excel`` (with its index column), on a frame whose dates are ``datetime.date`` and whose
lists are Python lists, as read from PostgreSQL. Every field of the schema is filled, so that a test can check that
every one of them is stored.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from data_inclusion.schema import v1

DAY = dt.date(2026, 11, 28)


def structure_record(**kw) -> dict:
    base = dict(
        source="dora", id="dora--s1", nom="Mission locale de Lille", date_maj=DAY,
        description="Accueil et accompagnement des jeunes de 16 à 25 ans.",
        lien_source="https://dora.inclusion.beta.gouv.fr/structures/ml-lille", siret="13002526500013",
        commune="Lille", code_postal="59000", code_insee="59350", adresse="12 rue de Paris",
        complement_adresse="Bâtiment B", longitude=3.0573, latitude=50.6292, telephone="03 20 00 00 00",
        courriel="contact@ml-lille.fr", site_web="https://www.ml-lille.fr/",
        horaires_accueil="Mo-Fr 09:00-12:00,14:00-17:00", accessibilite_lieu="https://acceslibre.beta.gouv.fr/x/",
        reseaux_porteurs={v1.ReseauPorteur.MISSION_LOCALE})
    return _frameable(v1.Structure(**{**base, **kw}))


def service_record(**kw) -> dict:
    base = dict(
        source="dora", structure_id="dora--s1", id="dora--v1", nom="Location de scooters",
        description="Location solidaire de scooters pour se rendre au travail ou en formation.",
        lien_source="https://dora.inclusion.beta.gouv.fr/services/scooters", date_maj=DAY,
        type=v1.TypeService.AIDE_MATERIELLE, thematiques={v1.Thematique.MOBILITE__ACCEDER_A_UN_VEHICULE},
        frais=v1.Frais.PAYANT, frais_precisions="2 € par jour", publics={v1.Public.JEUNES},
        publics_precisions="Jeunes suivis par la mission locale", conditions_acces="Avoir un permis AM.",
        commune="Lille", code_postal="59000", code_insee="59350", adresse="12 rue de Paris",
        complement_adresse="Garage", longitude=3.0573, latitude=50.6292, telephone="03 20 00 00 01",
        courriel="scooters@ml-lille.fr", modes_accueil={v1.ModeAccueil.EN_PRESENTIEL, v1.ModeAccueil.A_DISTANCE},
        zone_eligibilite=["200093201", "59"], contact_nom_prenom="Camille Martin",
        lien_mobilisation="https://www.ml-lille.fr/scooters",
        modes_mobilisation={v1.ModeMobilisation.TELEPHONER, v1.ModeMobilisation.ENVOYER_UN_COURRIEL},
        mobilisable_par={v1.PersonneMobilisatrice.PROFESSIONNELS},
        mobilisation_precisions="Fiche de prescription à joindre.", volume_horaire_hebdomadaire=3.5,
        nombre_semaines=12, horaires_accueil="Mo-Fr 09:00-12:00")
    return _frameable(v1.Service(**{**base, **kw}))


def _frameable(model) -> dict:
    """What PostgreSQL gives pandas: dates as ``date``, arrays as sorted lists, URLs as text."""
    record = model.model_dump(mode="json")
    record["date_maj"] = dt.date.fromisoformat(record["date_maj"])
    return {k: sorted(v) if isinstance(v, list) and k != "zone_eligibilite" else v for k, v in record.items()}


def write_opendata(folder, resource: str, records: list[dict], fmt: str, date: str = "2026-11-30"):
    """``{resource}-inclusion-{date}.{fmt}`` as the publish pipeline uploads it."""
    frame = pd.DataFrame(records)
    path = folder / f"{resource}-inclusion-{date}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "json":
        with open(path, "wb") as handle:
            frame.to_json(handle, orient="records", force_ascii=False)
    elif fmt == "xlsx":
        frame.to_excel(path, engine="openpyxl")
    else:
        raise ValueError(fmt)
    return path
