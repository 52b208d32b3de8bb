"""Every URL, for anonymous, partner, chargé d'étude and administrator users.

The table EXPECTED lists each named URL with the permission it needs; the
test fails when a URL is added without being listed here, so every new view
gets an authorisation test.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reperes.accounts.roles import PERMISSIONS, Role, allowed

APPS = ("accounts", "audit", "configuration", "collection", "dashboard", "territory", "analyses", "offer",
        "surveys", "reports", "evaluation", "benchmark", "partners", "protocol")


def expected_permissions() -> dict:
    """Each app's urls module declares URL_PERMISSIONS (url name → permission, None or "public")."""
    expected = {}
    for app in APPS:
        module = importlib.import_module(f"reperes.{app}.urls")
        for name, permission in getattr(module, "URL_PERMISSIONS", {}).items():
            expected[f"{module.app_name}:{name}"] = permission
    return expected


EXPECTED = expected_permissions()


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_url_is_listed():
    assert {name for name, _ in named_urls()} == set(EXPECTED)


def test_views_declare_the_expected_permission():
    for name, pattern in named_urls():
        expected = EXPECTED[name]
        declared = getattr(pattern.callback, "required_permission", None)
        if expected in PERMISSIONS:
            assert declared == expected, name


@pytest.fixture
def objects(db, admin_user_):
    """URL kwargs for parametrised URLs: each app may provide ``reperes.<app>.testing.sample_url_kwargs()``."""
    from reperes.collection.models import ImportRun

    run = ImportRun.objects.create(source_name="test.csv", status=ImportRun.Status.OK, report={"tables": {}})
    kwargs = {"accounts:user_edit": {"pk": admin_user_.pk}, "collection:import_detail": {"pk": run.pk}}
    for app in APPS:
        try:
            testing = importlib.import_module(f"reperes.{app}.testing")
        except ModuleNotFoundError:
            continue
        kwargs.update(testing.sample_url_kwargs())
    return kwargs


def url_for(name, objects):
    return reverse(name, kwargs=objects.get(name))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_is_sent_to_login(client, objects, name):
    url = url_for(name, objects)
    response = client.get(url)
    if EXPECTED[name] == "public":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n != "accounts:login"))
def test_each_role_gets_what_its_permissions_say(client, objects, role, name):
    from reperes.accounts.models import User

    user = User.objects.create_user(f"{role}@roles.test", "x" * 12, role=role)
    client.force_login(user)
    url = url_for(name, objects)
    if name == "accounts:logout":
        response = client.post(url)
        assert response.status_code == 302
        return
    response = client.get(url)
    permission = EXPECTED[name]
    if name == "configuration:logo":
        assert response.status_code == 404  # no logo uploaded: found by nobody, refused to nobody
    elif permission == "public":
        assert response.status_code in (200, 302), (role, name)
    elif permission is None or allowed(role, permission):
        assert response.status_code == 200, (role, name)
    else:
        assert response.status_code == 403, (role, name)
        assert "Accès refusé" in response.content.decode()


def test_partner_never_sees_row_level_data_or_raw_exports():
    for action in ("view_rows", "export_rows", "view_raw_aggregates", "manage_imports"):
        assert not allowed(Role.PARTENAIRE, action)
    assert allowed(Role.CHARGE_ETUDE, "view_rows")
    assert not allowed(Role.CHARGE_ETUDE, "manage_users")


def test_roles_doc_matches_permissions():
    """docs/roles.md is the role × action table of PERMISSIONS."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "roles.md").read_text(encoding="utf-8")
    for description, roles in PERMISSIONS.values():
        cells = " | ".join("oui" if r.value in roles else "non" for r in Role)
        assert f"| {description} | {cells} |" in doc, description
