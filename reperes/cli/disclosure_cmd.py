"""``reperes disclosure audit``: play the attacker on the partner publications of a period."""

from __future__ import annotations

import sys

from .base import UserError, add_parser, err, out_json
from .indicators_cmd import period_of

DESCRIPTION = """\
Vérifier le secret statistique de ce que reçoivent les partenaires.

« audit » rejoue l'attaquant sur la publication pour les partenaires de la
période (rapport intermédiaire dans tous ses formats, phrases comprises, et
« reperes indicators --json --diffusion », qui en partagent la décision), sur
les tableaux par intercommunalité et par commune des pages et la carte (protégés
ensemble, avec les chiffres de la publication), sur les autres tableaux des pages
d’analyse (profils, prescripteurs, parcours, actions, grille de valorisation
par profil, acquis et freins levés : protégés avec la publication), et sur
chaque année civile qu'elle recoupe : à partir des cases publiées,
des identités connues de tous (motifs → catégories → sorties, F + M = total,
EPCI → accompagnés, taux et leurs numérateurs, sorties valorisées et leurs
parties) et de ce qu'implique la marque « s » (au moins 1), un programme
linéaire en nombres entiers (HiGHS) donne l'intervalle possible de chaque case
masquée. La période est aussi comparée aux années civiles qu'elle recoupe
(différenciation entre deux réponses emboîtées).

Code de sortie 1 quand une case de 1 à 10 personnes est retrouvée exactement,
ou quand deux réponses emboîtées diffèrent de 1 à 10 personnes ; 0 sinon."""



def register(sub) -> None:
    parser = add_parser(sub, "disclosure", "Secret statistique : auditer ce que reçoivent les partenaires",
                        lambda args: _usage(), description=DESCRIPTION)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", title="actions")
    audit = add_parser(actions, "audit", "Rejouer l'attaquant sur les publications d'une période", run,
                       description=DESCRIPTION)
    audit.add_argument("--from", dest="debut", metavar="AAAA-MM-JJ", help="premier jour de la période (inclus)")
    audit.add_argument("--to", dest="fin", metavar="AAAA-MM-JJ", help="dernier jour de la période (inclus)")
    audit.add_argument("--json", action="store_true", help="écrire le résultat en JSON sur la sortie standard")


def _usage() -> int:
    raise UserError("Précisez l'action : reperes disclosure audit [--from AAAA-MM-JJ --to AAAA-MM-JJ] [--json].")


def run(args) -> int:
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics import partner_tables, territory_cells
    from reperes.analytics import period_publication as publication
    from reperes.configuration.models import Installation

    debut, fin = period_of(args)
    seuil = Installation.get().seuil
    err(f"Audit du secret statistique, du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}…")
    dataset = load_dataset()
    results, failures = [], []
    built = {}
    for start, end in [(debut, fin), *publication.calendar_years(debut, fin)]:
        if (start, end) in built:
            continue
        period = built[start, end] = publication.build(dataset, start, end, seuil)
        # The publication, its territory layer (EPCI and commune tables of the pages, the map), then its tables
        # layer (profiles, prescripteurs, parcours and actions tables of the pages).
        for layer, result in (("publication", period.audit()),
                              ("territoire", territory_cells.protect(dataset, period).audit),
                              ("tableaux", partner_tables.protect(dataset, period).audit)):
            results.append({"periode": {"debut": start.isoformat(), "fin": end.isoformat()}, "couche": layer,
                            **result.as_dict()})
            failures += [f"{start:%d/%m/%Y}–{end:%d/%m/%Y} ({layer}) : {message}" for message in result.failures]
    failures += publication.nested_failures(dataset, built[debut, fin], built)
    if args.json:
        out_json({"ok": not failures, "seuil": seuil, "echecs": failures, "publications": results})
    else:
        for entry in results:
            periode = entry["periode"]
            what = {"publication": "Publication pour les partenaires",
                    "territoire": "Intercommunalités et communes des pages et de la carte",
                    "tableaux": "Profils, prescripteurs, parcours, actions et sorties des pages d’analyse"}[entry["couche"]]
            print(f"{what}, du {periode['debut']} au {periode['fin']} : "
                  f"{len(entry['cases'])} cases masquées ou recalculables examinées", file=sys.stdout)
            for case in entry["cases"]:
                high = "∞" if case["max"] is None else case["max"]
                mark = "  ← ÉPINGLÉE" if case["epinglee"] else ""
                print(f"  {case['libelle'][:70]:70} entre {case['min']} et {high}{mark}", file=sys.stdout)
        if failures:
            print("", file=sys.stdout)
            for message in failures:
                print(f"ÉCHEC : {message}", file=sys.stdout)
        else:
            print("\nAucune case de moins de " f"{seuil} personnes ne se recalcule : les publications peuvent être "
                  "diffusées.", file=sys.stdout)
    return 1 if failures else 0
