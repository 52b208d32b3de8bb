"""The demo's peers: four fictitious PLIE sheets (clearly labelled so), imported like any received file.

The real national series needs no import: it is bundled (``data/ensemble-des-plie.csv``)
and always shown on the « Comparer » page.
"""

from __future__ import annotations

import csv
from pathlib import Path

SOURCE = "Données fictives de démonstration (Repères) — rapport d’activité inventé"
NOTE = "PLIE fictif : valeurs inventées pour la démonstration"
POSITIVE_ANY_JOB = ("Sortie positive : tout emploi occupé le jour de la sortie, quelle que soit sa durée "
                    "(pas d’exigence de 6 mois).")

# name → {year: {indicator: value}}; text and several practices in ORGANISATION.
PEERS: dict[str, dict[int, dict[str, object]]] = {
    "PLIE fictif du Val de Meuse": {
        2018: {"participants_accompagnes": 812, "entrees": 301, "sorties": 287, "sorties_positives": 129,
               "taux_sorties_positives": "44,9 %", "duree_moyenne_parcours_mois": "21,4"},
        2019: {"participants_accompagnes": 845, "entrees": 322, "sorties": 298, "sorties_positives": 140,
               "taux_sorties_positives": "47 %", "duree_moyenne_parcours_mois": "20,8", "part_femmes": "0,53",
               "part_moins_26_ans": "0,17", "part_50_ans_et_plus": "0,22", "part_rsa": "0,48", "part_qpv": "0,21",
               "population_territoire": "182 400", "nombre_epci": 3, "referents_etp": "9,5",
               "budget_total_euros": "1 480 000", "part_fse": "0,41"},
    },
    "PLIE fictif de la Vallée de l’Orne": {
        2019: {"participants_accompagnes": "1 236", "entrees": 455, "sorties": 431, "sorties_positives": 219,
               "taux_sorties_positives": "0,508", "duree_moyenne_parcours_mois": "18,2", "part_femmes": "49 %",
               "part_moins_26_ans": "12 %", "part_50_ans_et_plus": "26 %", "part_rsa": "55 %", "part_th": "s",
               "population_territoire": "241 000", "nombre_epci": 2, "referents_etp": 14,
               "budget_total_euros": "2 050 000", "part_fse": "38 %"},
    },
    "PLIE fictif des Trois Frontières": {
        2019: {"participants_accompagnes": 603, "entrees": 240, "sorties": 212, "sorties_positives": 131,
               "taux_sorties_positives": "61,8 %", "duree_moyenne_parcours_mois": "15,9", "part_femmes": "0,46",
               "population_territoire": "131 500", "nombre_epci": 4, "referents_etp": 6,
               "budget_total_euros": "905 000", "part_fse": "0,47"},
    },
    "PLIE fictif du Haut-Saintois": {
        2019: {"participants_accompagnes": 388, "entrees": 150, "sorties": 139, "sorties_positives": 64,
               "taux_sorties_positives": "46 %", "duree_moyenne_parcours_mois": "23,5",
               "population_territoire": "74 800", "nombre_epci": 2, "referents_etp": "4,5",
               "budget_total_euros": "560 000", "part_fse": "0,5"},
    },
}

NON_COMPARABLE = {("PLIE fictif des Trois Frontières", "taux_sorties_positives"): POSITIVE_ANY_JOB,
                  ("PLIE fictif des Trois Frontières", "sorties_positives"): POSITIVE_ANY_JOB}

ORGANISATION: dict[str, dict[str, object]] = {
    "PLIE fictif du Val de Meuse": {
        "structure_porteuse": "Maison de l’emploi",
        "gouvernance": "Comité de pilotage présidé par le président de la communauté de communes ; "
                       "comité technique trimestriel avec France Travail et le Département",
        "pratique_remarquable": ["Parrainage par des salariés retraités des entreprises du territoire",
                                 "Référent unique RSA–PLIE partagé avec le Département"],
    },
    "PLIE fictif de la Vallée de l’Orne": {
        "structure_porteuse": "Association",
        "gouvernance": "Assemblée générale et conseil d’administration ouverts aux entreprises ; "
                       "comité de suivi des parcours mensuel",
        "pratique_remarquable": ["Job dating mensuel dans les quartiers prioritaires avec les clauses sociales",
                                 "Garde d’enfants solidaire pendant les ateliers collectifs"],
    },
    "PLIE fictif des Trois Frontières": {
        "structure_porteuse": "EPCI",
        "gouvernance": "Comité de pilotage présidé par l’élu à l’emploi de l’agglomération",
        "pratique_remarquable": ["Mobilité transfrontalière : permis et transport vers le Luxembourg"],
    },
    "PLIE fictif du Haut-Saintois": {
        "structure_porteuse": "Maison de l’emploi",
        "gouvernance": "Comité de pilotage intercommunal ; présidence tournante entre les deux EPCI",
        "pratique_remarquable": ["Permanences itinérantes des référents dans les mairies rurales"],
    },
}

DEMO_ORGANISATION = {
    "structure_porteuse": "Maison de l’emploi",
    "gouvernance": "Comité de pilotage présidé par le président du Pays ; comité technique avec France Travail, "
                   "le Département et les quatre intercommunalités",
    "referents_etp": 8.0, "budget_total_euros": 1_250_000.0, "part_fse_pourcent": 45.0,
    "pratiques": "Ateliers de levée des freins de mobilité avec la plateforme mobilité du Pays\n"
                 "Comité de suivi des parcours partagé avec les structures d’insertion par l’activité économique",
    "source": "Démonstration : valeurs d’organisation fictives",
}


def sheet_rows(name: str) -> list[list[str]]:
    rows = []
    for year, values in PEERS[name].items():
        for indicateur, value in values.items():
            rows.append([name, str(year), indicateur, str(value), SOURCE, f"{year + 1}-03-31",
                         NON_COMPARABLE.get((name, indicateur), ""), NOTE])
        if year == max(PEERS[name]):
            for indicateur, value in ORGANISATION[name].items():
                for text in value if isinstance(value, list) else [value]:
                    rows.append([name, str(year), indicateur, text, SOURCE, f"{year + 1}-03-31", "", NOTE])
    return rows


def write_sheets(out_dir: Path) -> list[Path]:
    """One file per peer, as peers send them: semicolons in Windows-1252, or commas in UTF-8."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    header = ["plie", "annee", "indicateur", "valeur", "source", "date_source", "definition", "note"]
    for i, name in enumerate(PEERS):
        path = out_dir / f"fiche-fictive-{i + 1}.csv"
        windows = i % 2 == 0
        with path.open("w", encoding="cp1252" if windows else "utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";" if windows else ",")
            writer.writerow(header)
            writer.writerows(sheet_rows(name))
        paths.append(path)
    return paths


def load_demo(out_dir: Path, progress=lambda message: None) -> int:
    """Write and import the fictitious peers, and fill in the demo PLIE's organisation. Returns values stored."""
    from .models import Organisation
    from .services import import_sheet

    organisation = Organisation.get()
    for key, value in DEMO_ORGANISATION.items():
        setattr(organisation, key, value)
    organisation.save()
    total = 0
    for path in write_sheets(out_dir):
        outcome = import_sheet(path, name=f"{path.name} (démonstration, fictive)", fictitious=True)
        if outcome.exit_status != 0:
            raise RuntimeError(f"fiche de démonstration {path.name} : {outcome.report()}")
        total += outcome.importees
        progress(f"Fiche fictive importée : {path.name} ({outcome.importees} valeurs)")
    return total
