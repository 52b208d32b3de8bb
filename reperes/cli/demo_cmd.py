"""``reperes demo``: build (or reuse) the demo instance, then serve it; ``reperes demo generate``."""

from __future__ import annotations

from pathlib import Path

from .base import UserError, add_parser, err

DEMO_USERS = (
    # (email, role, name) — the demo login is the first one.
    ("admin@demo.reperes.fr", "administrateur", "Camille Administratrice"),
    ("etude@demo.reperes.fr", "charge_etude", "Dominique Chargé d'étude"),
    ("partenaire@demo.reperes.fr", "partenaire", "Alix Partenaire"),
)
DEMO_PASSWORD = "demo-reperes-2019"
DEMO_NAME = "PLIE du Pays Terres de Lorraine"


# the demo partner answers consultations for an institution of the demo committees
DEMO_PARTNER_INSTITUTION = "Mission locale Terres de Lorraine"


def register(sub) -> None:
    p = add_parser(sub, "demo", "Construire l'instance de démonstration (fictive) et la servir", build)
    p.add_argument("--no-serve", action="store_true", help="construire la démo puis quitter")
    p.add_argument("--seed", type=int, default=2019, help="graine du générateur (défaut : 2019)")
    p.add_argument("--participants", type=int, default=1500, help="nombre de parcours (défaut : 1500)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    ops = p.add_subparsers(dest="demo_command", metavar="ACTION", title="actions")
    g = add_parser(ops, "generate", "Écrire un PLIE fictif au format d'échange (fichiers CSV)", generate,
                   needs_database=False)
    g.add_argument("--out", required=True, type=Path, help="dossier de sortie")
    g.add_argument("--seed", type=int, default=2019, help="graine (même graine : mêmes fichiers)")
    g.add_argument("--participants", type=int, default=1500, help="nombre de parcours (jusqu'à 1 000 000)")


def generate(args) -> int:
    from reperes.demo import generate as do_generate

    if args.participants < 1:
        raise UserError("Le nombre de parcours doit être au moins 1.")
    summary = do_generate(args.out, seed=args.seed, participants=args.participants, progress=err)
    err(f"Fichiers écrits dans {args.out} : " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))
    return 0


def build(args) -> int:
    from django.conf import settings

    from reperes.collection.models import Participant
    from reperes.configuration.models import Installation

    installation = Installation.get()
    if installation.is_demo and Participant.objects.exists():
        err(f"[1/1] La démo existe déjà dans {settings.DATA_DIR} : elle est réutilisée.")
    else:
        _build(args, installation)
    _surveys_and_shared_report(installation)
    _print_access(args)
    if args.no_serve:
        return 0
    from .instance_cmd import serve

    return serve(args)


def _build(args, installation) -> None:
    import datetime as dt

    from django.conf import settings

    from reperes.accounts.models import User
    from reperes.collection.importer import run_import
    from reperes.demo import TERRES_DE_LORRAINE_EPCI
    from reperes.demo import generate as do_generate
    from reperes.territory.services import create_territory

    err("[1/4] Territoire : Pays Terres de Lorraine (4 intercommunalités)…")
    territory = create_territory(DEMO_NAME, epci=TERRES_DE_LORRAINE_EPCI)
    installation.refresh_from_db()
    installation.plie_name = DEMO_NAME
    installation.territory = territory
    installation.periode_debut, installation.periode_fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    installation.is_demo = True
    installation.save()

    err("[2/4] Comptes de démonstration…")
    for email, role, name in DEMO_USERS:
        if not User.objects.filter(email=email).exists():
            first, _, last = name.partition(" ")
            User.objects.create_user(email, DEMO_PASSWORD, role=role, first_name=first, last_name=last,
                                     organisation=DEMO_PARTNER_INSTITUTION if role == "partenaire"
                                     else "Démonstration")

    out = Path(settings.DATA_DIR) / "demo-files"
    err(f"[3/4] Génération de {args.participants} parcours fictifs dans {out}…")
    do_generate(out, seed=args.seed, participants=args.participants, progress=err)

    err("[4/4] Import des fichiers générés (validation, pseudonymisation, enregistrement)…")
    result = run_import(out, source_name="démo (fichiers générés)", progress=err)
    if result.exit_status != 0:
        raise UserError("L'import de la démo a rejeté des lignes : " + str(result.report.get("errors", [])[:3]), 1)
    tables = result.report["tables"]
    from reperes.offer.demo import load_demo

    err("Territoire et offre : statistiques et catalogue fictifs…")
    load_demo(territory, Path(settings.DATA_DIR) / "demo-offre", progress=err)
    from reperes.evaluation.demo import load_demo as load_demo_evaluation

    err("Évaluation : questions, constats et préconisations fictifs…")
    load_demo_evaluation(progress=err)
    from reperes.benchmark.demo import load_demo as load_benchmark_demo

    err("Comparer : fiches de PLIE fictifs (la série nationale est embarquée)…")
    load_benchmark_demo(Path(settings.DATA_DIR) / "demo-fiches-plie", progress=err)
    from reperes.analyses.services import warm_after_import

    err("Préparation des tableaux de bord (pages et graphiques)…")
    warm_after_import()
    err("Démo prête : " + ", ".join(f"{name} {t['accepted']}" for name, t in tables.items()))


def _surveys_and_shared_report(installation) -> None:
    """What the demo shows beyond the data (each step idempotent: an older demo gets what it lacks)."""
    from reperes.reports.demo import share_demo_report
    from reperes.surveys.demo import load_demo as load_surveys

    installation.refresh_from_db()
    if load_surveys():
        err("Enquêtes : questionnaires fournis installés, campagnes et réponses fictives…")
    from reperes.reports.models import GeneratedReport

    if not GeneratedReport.objects.shared_with_partners().exists():
        err("Livrables : rapport intermédiaire pour les partenaires (PDF), partagé dans l'Espace partenaires…")
    share_demo_report(*installation.default_period())


def _print_access(args) -> None:
    email = DEMO_USERS[0][0]
    print(f"""
  Repères – démonstration (données fictives)
  Adresse      : http://{args.host}:{args.port}/
  Identifiant  : {email}
  Mot de passe : {DEMO_PASSWORD}
  (autres comptes : {DEMO_USERS[1][0]} – chargé d'étude, {DEMO_USERS[2][0]} – partenaire, même mot de passe)
""", flush=True)
