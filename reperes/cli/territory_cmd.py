"""``reperes territory create|contours|show``: any PLIE in France, not only the demo."""

from __future__ import annotations

from pathlib import Path

from .base import UserError, add_parser, err, out_json


def register(sub) -> None:
    p = add_parser(sub, "territory", "Définir le territoire du PLIE et ses contours", None)
    ops = p.add_subparsers(dest="territory_command", metavar="ACTION", title="actions")
    c = add_parser(ops, "create", "Créer le territoire à partir d'EPCI (SIREN) ou de communes (code INSEE)", create)
    c.add_argument("--name", required=True, help="nom, par exemple « PLIE du Pays Terres de Lorraine »")
    c.add_argument("--epci", default="", help="SIREN des EPCI, séparés par des virgules")
    c.add_argument("--communes", default="", help="codes INSEE des communes, séparés par des virgules")
    k = add_parser(ops, "contours", "Charger des contours de communes (GeoJSON, WGS84)", contours)
    k.add_argument("file", metavar="FICHIER.geojson", type=Path)
    s = add_parser(ops, "show", "Afficher le territoire courant", show)
    s.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=lambda args: p.print_help() or 0)


def create(args) -> int:
    from reperes.audit.models import Action
    from reperes.audit.trail import record
    from reperes.territory.services import TerritoryError, contours_for, create_territory, epci_summaries

    try:
        territory = create_territory(args.name, epci=args.epci, communes=args.communes)
    except TerritoryError as exc:
        raise UserError(str(exc)) from None
    record(Action.TERRITORY, email="ligne de commande", target=territory.name, epci=territory.epci_sirens)
    summaries = epci_summaries(territory)
    population = sum(s.population for s in summaries)
    err(f"Territoire « {territory.name} » : {territory.communes.count()} communes, "
        f"{population:,} habitants".replace(",", "\u202f") + ", défini comme territoire courant.")
    for s in summaries:
        err(f"  {s.nom} ({s.siren}) : {s.communes} communes, {s.population:,} habitants".replace(",", "\u202f"))
    _, _, missing = contours_for(territory)
    if missing:
        err(f"{len(missing)} commune(s) sans contour : la carte les listera. Chargez leurs contours avec "
            "« reperes territory contours FICHIER.geojson » (IGN Admin Express, par exemple).")
    return 0


def contours(args) -> int:
    from reperes.territory.services import TerritoryError, load_contours

    if not args.file.is_file():
        raise UserError(f"Fichier introuvable : {args.file}")
    try:
        loaded, skipped = load_contours(args.file, source=args.file.name)
    except (TerritoryError, ValueError) as exc:
        raise UserError(str(exc)) from None
    err(f"{loaded} contour(s) chargé(s)." + (f" {skipped} ignoré(s) : code commune inconnu du référentiel."
                                             if skipped else ""))
    return 0


def show(args) -> int:
    from reperes.territory.services import contours_for, current_territory, epci_summaries

    territory = current_territory()
    if territory is None:
        raise UserError("Aucun territoire défini. Créez-le avec « reperes territory create --name … --epci … ».", 1)
    summaries = epci_summaries(territory)
    _, _, missing = contours_for(territory)
    payload = {"name": territory.name, "communes": territory.communes.count(),
               "population": sum(s.population for s in summaries),
               "epci": [s.__dict__ for s in summaries], "contours_manquants": missing}
    if args.json:
        out_json(payload)
    else:
        print(f"{payload['name']} : {payload['communes']} communes, {payload['population']} habitants")
        for s in summaries:
            print(f"  {s.nom} ({s.siren}) : {s.communes} communes, {s.population} habitants")
        if missing:
            print(f"  Contours manquants : {', '.join(missing)}")
    return 0
