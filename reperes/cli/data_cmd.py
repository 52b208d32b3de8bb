"""``reperes data``: the data lifecycle (RGPD): delete one participant, purge old parcours."""

from __future__ import annotations

from .base import UserError, add_parser, err, out_json

DESCRIPTION = """\
Cycle de vie des données (RGPD).

  reperes data delete-participant ID   supprimer les données d'une personne : ID est
                                       l'identifiant du logiciel du PLIE (id_participant
                                       ou id_personne), retrouvé par son empreinte chiffrée
  reperes data purge [--dry-run]       supprimer les parcours sortis depuis plus longtemps
                                       que la durée de conservation (Paramètres)

L'identifiant n'est jamais enregistré ni écrit dans le journal : seuls les
nombres de lignes supprimées le sont. Sans la clé de pseudonymisation utilisée
à l'import, aucun identifiant ne peut plus être retrouvé."""


def register(sub) -> None:
    parser = add_parser(sub, "data", "Cycle de vie des données : suppression d'un participant, purge", _help,
                        description=DESCRIPTION)
    commands = parser.add_subparsers(dest="data_command", metavar="COMMANDE", title="commandes")
    delete = add_parser(commands, "delete-participant", "Supprimer toutes les données d'un participant",
                        run_delete)
    delete.add_argument("identifier", metavar="ID", help="identifiant du participant dans le logiciel du PLIE")
    delete.add_argument("--dry-run", action="store_true", help="compter seulement : rien n'est supprimé")
    delete.add_argument("--json", action="store_true", help="résultat en JSON sur la sortie standard")
    purge = add_parser(commands, "purge", "Purger les parcours dont la sortie dépasse la durée de conservation",
                       run_purge)
    purge.add_argument("--dry-run", action="store_true", help="compter seulement : rien n'est supprimé")
    purge.add_argument("--json", action="store_true", help="résultat en JSON sur la sortie standard")
    parser.set_defaults(parser=parser)


def _help(args) -> int:
    args.parser.print_help()
    return 0


def _describe(counts: dict) -> str:
    from reperes.formats import number

    return (f"{number(counts['parcours'])} parcours, {number(counts['etapes'])} étape(s), "
            f"{number(counts['suivi_freins'])} suivi(s) de frein, {number(counts['acquis'])} acquis")


def run_delete(args) -> int:
    from reperes.collection.lifecycle import LifecycleError, delete_participant

    try:
        found = delete_participant(args.identifier, dry_run=args.dry_run)
    except LifecycleError as exc:
        raise UserError(str(exc), status=1) from exc
    result = {"dry_run": args.dry_run, **found.as_dict()}
    if args.json:
        out_json(result)
    else:
        verb = "seraient supprimés" if args.dry_run else "supprimés"
        err(f"{_describe(result)} {verb}.")
    return 0


def run_purge(args) -> int:
    import datetime as dt

    from reperes.collection.lifecycle import purge
    from reperes.formats import date

    result = purge(dry_run=args.dry_run)
    if args.json:
        out_json(result)
        return 0
    cutoff = date(dt.date.fromisoformat(result["cutoff"]))
    if not result["parcours"]:
        err(f"Aucun parcours sorti avant le {cutoff} (durée de conservation : {result['months']} mois).")
    elif args.dry_run:
        err(f"Seraient supprimés (sortie avant le {cutoff}) : {_describe(result)}. Relancez sans --dry-run "
            "pour supprimer.")
    else:
        err(f"Supprimés (sortie avant le {cutoff}, conservation {result['months']} mois) : {_describe(result)}.")
    return 0
