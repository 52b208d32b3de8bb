"""``reperes user create``: the first administrator of a real installation, and others."""

from __future__ import annotations

import getpass
import secrets
import sys

from .base import UserError, add_parser, err


def register(sub) -> None:
    p = add_parser(sub, "user", "Gérer les comptes", None)
    ops = p.add_subparsers(dest="user_command", metavar="ACTION", title="actions")
    c = add_parser(ops, "create", "Créer un compte (par exemple le premier administrateur)", create)
    c.add_argument("--email", required=True, help="adresse électronique (identifiant de connexion)")
    c.add_argument("--role", required=True, help="administrateur, charge_etude ou partenaire")
    c.add_argument("--password", help="mot de passe (sinon demandé, ou généré et affiché)")
    c.add_argument("--name", default="", help="prénom et nom")
    u = add_parser(ops, "unlock", "Débloquer les connexions d'un compte (ou d'une adresse) après trop d'échecs",
                   unlock)
    u.add_argument("email", nargs="?", metavar="EMAIL", help="adresse électronique du compte bloqué")
    u.add_argument("--ip", help="adresse IP bloquée (au lieu d'un compte)")
    u.add_argument("--list", action="store_true", help="lister les comptes et adresses bloqués")
    p.set_defaults(func=lambda args: p.print_help() or 0)


def unlock(args) -> int:
    from reperes.accounts import security
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    if args.list or not (args.email or args.ip):
        emails, addresses = sorted(security.locked_emails()), sorted(security.locked_addresses())
        for email in emails:
            print(f"compte\t{email}")
        for ip in addresses:
            print(f"adresse\t{ip}")
        if not emails and not addresses:
            err("Aucun compte ni aucune adresse bloqués.")
        return 0
    target = args.email.strip().lower() if args.email else args.ip.strip()
    locked = security.locked_emails() if args.email else security.locked_addresses()
    if target not in locked:
        raise UserError(f"Rien à débloquer : {target} n'est pas bloqué (reperes user unlock --list).")
    security.unlock(email=target if args.email else None, ip=None if args.email else target)
    record(Action.LOGIN_UNLOCKED, target=target, source="cli")
    err(f"Connexions de nouveau possibles pour {target}.")
    return 0


def resolve_role(value: str) -> str:
    from reperes.accounts.roles import Role
    from reperes.referentiel import fold

    wanted = fold(value).replace("'", " ").replace("_", " ")
    for role in Role:
        if wanted in (fold(role.value).replace("_", " "), fold(role.label).replace("'", " "),
                      fold(role.label.split(" (")[0]).replace("'", " ")):
            return role.value
    raise UserError(f"Rôle inconnu « {value} ». Rôles possibles : administrateur, charge_etude, partenaire.")


def create(args) -> int:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from reperes.accounts.models import User
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    email = args.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise UserError(f"Adresse électronique invalide : « {args.email} ».") from None
    role = resolve_role(args.role)
    if User.objects.filter(email__iexact=email).exists():
        raise UserError(f"Un compte existe déjà pour {email}.")
    password = args.password
    generated = False
    if password is None:
        if sys.stdin.isatty():
            password = getpass.getpass("Mot de passe : ")
            if getpass.getpass("Mot de passe (à nouveau) : ") != password:
                raise UserError("Les deux mots de passe diffèrent.")
        else:
            password, generated = secrets.token_urlsafe(12), True
    first, _, last = args.name.strip().partition(" ")
    candidate = User(email=email, first_name=first, last_name=last)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise UserError("Mot de passe refusé : " + " ".join(exc.messages)) from None
    user = User.objects.create_user(email, password, role=role, first_name=first, last_name=last,
                                    is_staff=(role == "administrateur"))
    record(Action.USER_CREATED, email="ligne de commande", target=user.email, role=role)
    err(f"Compte créé : {user.email} ({user.get_role_display()}).")
    if generated:
        err(f"Mot de passe généré (à transmettre puis à changer) : {password}")
    return 0
