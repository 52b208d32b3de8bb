"""``reperes indicators``: every indicator of docs/indicateurs.md for a period."""

from __future__ import annotations

import datetime as dt
import sys

from .base import UserError, add_parser, err, out_json

DESCRIPTION = """\
Calculer les indicateurs de docs/indicateurs.md sur une période (bornes
incluses) : participants accompagnés, entrées, sorties, taux de sorties
positives, sorties à valoriser, durées, profils, étapes, EPCI, indicateurs FSE+.

Période par défaut : celle des paramètres de l'instance, sinon l'année civile
précédente. Avec --json, la sortie standard contient uniquement le JSON du
contrat (valeurs en pleine précision, jamais arrondies). Avec --diffusion, le
secret statistique est appliqué (seuil des paramètres) : les cases masquées
valent null et leurs chemins sont listés dans « secret »."""


def register(sub) -> None:
    parser = add_parser(sub, "indicators", "Calculer les indicateurs sur une période (tableau ou JSON)", run,
                        description=DESCRIPTION)
    parser.add_argument("--from", dest="debut", metavar="AAAA-MM-JJ", help="premier jour de la période (inclus)")
    parser.add_argument("--to", dest="fin", metavar="AAAA-MM-JJ", help="dernier jour de la période (inclus)")
    parser.add_argument("--json", action="store_true", help="écrire le JSON du contrat sur la sortie standard")
    parser.add_argument("--diffusion", action="store_true",
                        help="appliquer le secret statistique (version pour les partenaires)")


def parse_date(text: str, option: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r} : date invalide, attendu AAAA-MM-JJ (par exemple 2019-01-31).") from None


def period_of(args) -> tuple[dt.date, dt.date]:
    from reperes.configuration.models import Installation

    default_debut, default_fin = Installation.get().default_period()
    debut = parse_date(args.debut, "--from") if args.debut else default_debut
    fin = parse_date(args.fin, "--to") if args.fin else default_fin
    if fin < debut:
        raise UserError(f"La période est vide : --to ({fin.isoformat()}) précède --from ({debut.isoformat()}).")
    return debut, fin


def run(args) -> int:
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.indicators import evaluate
    from reperes.configuration.models import Installation

    debut, fin = period_of(args)
    installation = Installation.get()
    if args.diffusion:  # partners get whole calendar years only: no two nested answers to subtract
        from reperes.analytics.disclosure import whole_years

        first, last, message = whole_years(debut, fin)
        if message:
            raise UserError(f"La version diffusion n'est pas produite : {message[0].lower()}{message[1:-1]}, "
                            f"pas du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}. Demandez --from {first.isoformat()} "
                            f"--to {last.isoformat()}.")
    err(f"Indicateurs du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}…")
    dataset = load_dataset()
    if args.diffusion:
        # The partner publication of the period: the same decision as the partner report's (one per period).
        from reperes.analytics import period_publication as publication

        period = publication.build(dataset, debut, fin, installation.seuil)
        failures = list(period.audit().failures) + publication.nested_failures(dataset, period)
        if failures:  # released only when the audit finds nothing (reperes disclosure audit says more)
            raise UserError("La version diffusion n'est pas produite : " + failures[0]
                            + " Choisissez une année civile entière, ou voyez « reperes disclosure audit ».")
        payload = period.payload(True)
    else:
        payload = evaluate(dataset, debut, fin).payload
    if args.json:
        out_json(payload)
        return 0
    names = {epci: f"{nom} ({epci})" for epci, nom in
             dataset.communes.select("epci", "epci_nom").unique("epci").iter_rows() if epci and nom}
    for line in table_lines(payload, installation.seuil, names):
        print(line, file=sys.stdout)
    return 0


def table_lines(payload: dict, seuil: int, names: dict[str, str] | None = None) -> list[str]:
    """A readable French table of the payload (labels, French numbers, ``s`` for secret cells)."""
    from reperes import formats
    from reperes import referentiel as ref
    from reperes.analytics.indicators import REGISTRY, TAUX

    secret = set(payload.get("secret") or ())

    def show(value, path: str, unit: str) -> str:
        if path in secret:
            return formats.suppressed(seuil)
        if unit == TAUX:
            return formats.percent(value)
        if isinstance(value, float):
            return formats.number(value, 1)
        return formats.number(value)

    periode = payload["periode"]
    lines = [f"Indicateurs du {formats.date(dt.date.fromisoformat(periode['debut']))} au "
             f"{formats.date(dt.date.fromisoformat(periode['fin']))}"
             + (" — version diffusable (secret statistique)" if payload.get("diffusion") else ""), ""]
    labels = {**{c: ref.MOTIF_SORTIE.label(c) for c in ref.MOTIF_SORTIE.codes()},
              **{c: ref.CATEGORIE_SORTIE.label(c) for c in ref.CATEGORIE_SORTIE.codes()},
              "hors_territoire": "Hors territoire", "F": "Femmes", "M": "Hommes", "total": "Total",
              **(names or {})}
    width = 58
    for id_, value in payload["indicateurs"].items():
        entry = REGISTRY[id_]
        path = f"indicateurs.{id_}"
        title = f"{entry.id} — {entry.label}" if entry.section == "fse" else entry.label
        if entry.approximation:
            title += " (*)"
        if isinstance(value, dict):
            lines.append(title)
            unit = TAUX if entry.unit == TAUX else entry.unit
            for key, sub in value.items():
                lines.append(f"  {labels.get(key, key):<{width - 2}} {show(sub, f'{path}.{key}', unit):>14}")
        else:
            lines.append(f"{title:<{width}} {show(value, path, entry.unit):>14}")
    approximations = [REGISTRY[i] for i in payload["indicateurs"] if REGISTRY[i].approximation]
    if approximations:
        lines += ["", "(*) Indicateurs FSE+ (règlement (UE) 2021/1057, annexe I) approchés à partir du format "
                      "d'échange :"]
        lines += [f"  {entry.id} : {entry.approximation}" for entry in approximations]
    if payload.get("diffusion"):
        from reperes.analytics.disclosure import legend

        lines += ["", legend(seuil)]
    lines += ["", "Définitions : docs/indicateurs.md (et « Définition » à côté de chaque chiffre dans l'application)."]
    return lines
