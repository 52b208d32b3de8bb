"""``reperes offer import CHEMIN`` and ``reperes offer matrix``: the insertion offer (data·inclusion v1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .base import UserError, add_parser, err, out_json

IMPORT_DESCRIPTION = """\
Importer l'offre d'insertion au schéma data·inclusion v1, telle que
data·inclusion la publie : fichiers open data (structures-inclusion-AAAA-MM-JJ
et services-inclusion-AAAA-MM-JJ, en CSV, JSON ou XLSX), réponse JSON de l'API,
modèle XLSX du valideur data·inclusion, ou classeur XLSX/ODS de Repères
(feuilles « structures » et « services », listes séparées par des virgules ;
colonnes en plus : places, financement, actions = identifiants des actions du
PLIE). CHEMIN : un fichier, ou un dossier (le fichier le plus récent de chaque
table y est lu). Un fichier de l'ancien schéma v0 est reconnu et converti.

Chaque ligne est vérifiée avec les modèles du paquet data-inclusion-schema ;
les erreurs sont listées par ligne, en français. Réimporter met à jour.

Code de sortie : 0 toutes les lignes acceptées ; 3 des lignes rejetées ;
2 fichier inutilisable : rien n'est enregistré."""

MATRIX_DESCRIPTION = """\
La matrice besoins × offre : une ligne par EPCI du territoire et par
catégorie data·inclusion que les besoins ou l'offre du territoire touchent
(un frein déclaré par un accompagné, un service couvrant une de ses communes) : demande (accompagnés ayant ce frein à l'entrée), public potentiel,
services, actions du PLIE (étapes de la période sur un frein de la catégorie),
places, couverture (totale, partielle, aucune) et statut (carence, plie_seul,
partiel, doublon, plie_et_services, couvert, sans_besoin). --diffusion applique
le secret statistique."""


def register(sub) -> None:
    parser = add_parser(sub, "offer", "Offre d'insertion : import data·inclusion, matrice besoins × offre", _help)
    ops = parser.add_subparsers(dest="offer_command", metavar="ACTION", title="actions")
    p = add_parser(ops, "import", "Importer l'offre (fichiers data·inclusion ou classeur)", run_import,
                   description=IMPORT_DESCRIPTION)
    p.add_argument("path", metavar="CHEMIN", type=Path, help="fichier JSON, CSV, XLSX ou ODS, ou dossier")
    p.add_argument("--json", action="store_true", help="écrire le rapport en JSON sur la sortie standard")
    m = add_parser(ops, "matrix", "Afficher la matrice besoins × offre", run_matrix, description=MATRIX_DESCRIPTION)
    m.add_argument("--from", dest="debut", help="début de la période (AAAA-MM-JJ ; défaut : paramètres)")
    m.add_argument("--to", dest="fin", help="fin de la période (AAAA-MM-JJ)")
    m.add_argument("--diffusion", action="store_true", help="appliquer le secret statistique (version partenaires)")
    m.add_argument("--json", action="store_true", help="écrire la matrice en JSON sur la sortie standard")
    parser.set_defaults(offer_parser=parser)


def _help(args) -> int:
    args.offer_parser.print_help()
    return 0


def run_import(args) -> int:
    from reperes.offer.importer import run_offer_import

    err(f"Lecture de {args.path}…")
    result = run_offer_import(args.path)
    if args.json:
        out_json(result.report)
        return result.exit_status
    from .stats_cmd import summary

    for line in summary(result.report, str(args.path)):
        print(line.replace("hors du territoire (ignorées)", "ignorée(s)"))
    for note in result.report.get("notes", []):
        print(f"  À savoir : {note}")
    return result.exit_status


def _date(text: str | None, what: str):
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UserError(f"Date de {what} invalide « {text} » : format attendu AAAA-MM-JJ (par exemple 2019-01-01).") \
            from exc


def run_matrix(args) -> int:
    from reperes import formats
    from reperes.configuration.models import Installation
    from reperes.offer import matrix as mx
    from reperes.offer.services import matrix_payload, period

    installation = Installation.get()
    territory = installation.territory
    if territory is None:
        raise UserError("Aucun territoire n'est défini : créez-le avec reperes territory create --name … --epci ….")
    debut, fin = period(None, _date(args.debut, "début"), _date(args.fin, "fin"))
    if debut > fin:
        raise UserError("La période est vide : --from doit précéder --to.")
    payload = matrix_payload(territory, debut, fin, diffusion=args.diffusion, seuil=installation.seuil)
    if args.json:
        out_json(payload)
        return 0
    print(f"Matrice besoins × offre, {mx.period_text(debut, fin)}")
    for cell in payload["cells"]:
        demande = formats.suppressed(installation.seuil) if cell["demande"] is None else formats.number(
            cell["demande"])
        actions = (formats.suppressed(installation.seuil) if cell.get("actions_plie") is None
                   else formats.number(cell["actions_plie"]))
        print(f"  {cell['epci']}  {mx.category_label(cell['thematique']):45.45}  demande {demande:>6}  "
              f"services {cell['services']:>3}  actions PLIE {actions:>4}  {cell['couverture']:9}  {cell['statut']}")
    return 0
