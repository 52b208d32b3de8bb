"""The ``reperes`` command line: help, territory, users, checks on a fresh data directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reperes.cli import main

REPERES = [sys.executable, "-m", "reperes"]


def run(args, env_extra=None, data_dir=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update({"REPERES_ENV": "test"})
    if data_dir is not None:
        env["REPERES_DATA_DIR"] = str(data_dir)
    env.update(env_extra or {})
    return subprocess.run(REPERES + list(args), capture_output=True, text=True, env=env, timeout=300)


def test_help_lists_commands_in_french(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "import", "territory", "user", "backup", "restore", "serve", "check"):
        assert command in out
    assert "commandes" in out and "Dossier de données" in out


@pytest.mark.django_db
def test_territory_create_from_epci(capsys):
    from reperes.configuration.models import Installation

    status = main(["territory", "create", "--name", "PLIE du Pays Terres de Lorraine",
                   "--epci", "200070563,245400171,200035772,245400510"])
    assert status == 0
    territory = Installation.get().territory
    assert territory.communes.count() == 153
    assert sum(territory.communes.values_list("population", flat=True)) == 97992
    err = capsys.readouterr().err
    assert "153 communes" in err


@pytest.mark.django_db
def test_territory_create_elsewhere_says_contours_are_missing(capsys):
    # Métropole de Lyon's neighbour: CC de la Dombes (Ain) — no bundled contour outside Meurthe-et-Moselle.
    assert main(["territory", "create", "--name", "PLIE de la Dombes", "--epci", "200069193"]) == 0
    err = capsys.readouterr().err
    assert "sans contour" in err
    assert main(["territory", "show", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["name"] == "PLIE de la Dombes"
    assert len(payload["contours_manquants"]) == payload["communes"] > 0


@pytest.mark.django_db
def test_territory_from_communes_and_bad_codes(capsys):
    assert main(["territory", "create", "--name", "Deux communes", "--communes", "54528,54197"]) == 0
    assert main(["territory", "create", "--name", "X", "--epci", "999999999"]) == 2
    assert "EPCI inconnu" in capsys.readouterr().err
    assert main(["territory", "create", "--name", "X", "--communes", "54000"]) == 2
    assert "code INSEE" in capsys.readouterr().err
    assert main(["territory", "create", "--name", "X"]) == 2


@pytest.mark.django_db
def test_contours_loaded_from_a_geojson_file(tmp_path, capsys):
    from reperes.territory.models import Contour

    path = tmp_path / "ain.geojson"
    square = {"type": "Polygon", "coordinates": [[[5.0, 46.0], [5.1, 46.0], [5.1, 46.1], [5.0, 46.0]]]}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "01001", "nom": "L'Abergement-Clémenciat"}, "geometry": square},
        {"type": "Feature", "properties": {"code": "99999"}, "geometry": square},
    ]}), encoding="utf-8")
    assert main(["territory", "contours", str(path)]) == 0
    assert Contour.objects.filter(code="01001").exists()
    assert "1 ignoré" in capsys.readouterr().err
    bad = tmp_path / "bad.geojson"
    bad.write_text("pas du json", encoding="utf-8")
    assert main(["territory", "contours", str(bad)]) == 2
    assert "GeoJSON" in capsys.readouterr().err


@pytest.mark.django_db
def test_user_create_first_administrator(capsys):
    from reperes.accounts.models import User
    from reperes.audit.models import AuditEvent

    assert main(["user", "create", "--email", "Coordination@PLIE.fr", "--role", "administrateur",
                 "--password", "un-mot-de-passe-solide"]) == 0
    user = User.objects.get(email="coordination@plie.fr")
    assert user.role == "administrateur" and user.check_password("un-mot-de-passe-solide")
    assert AuditEvent.objects.filter(action="utilisateur_cree", target="coordination@plie.fr").exists()
    assert main(["user", "create", "--email", "x@plie.fr", "--role", "chargé d'étude",
                 "--password", "un-mot-de-passe-solide"]) == 0
    assert User.objects.get(email="x@plie.fr").role == "charge_etude"
    assert main(["user", "create", "--email", "y@plie.fr", "--role", "chef", "--password", "abc"]) == 2
    assert "Rôle inconnu" in capsys.readouterr().err
    assert main(["user", "create", "--email", "y@plie.fr", "--role", "partenaire", "--password", "123"]) == 2
    assert "Mot de passe refusé" in capsys.readouterr().err
    assert main(["user", "create", "--email", "coordination@plie.fr", "--role", "partenaire",
                 "--password", "un-mot-de-passe-solide"]) == 2


def test_fresh_data_directory_gets_a_database_with_the_reference(tmp_path):
    """Every command works on a fresh data directory: it creates and migrates the database itself."""
    result = run(["territory", "create", "--name", "Test", "--communes", "54528"], data_dir=tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh" / "reperes.sqlite3").exists()
    assert "Préparation de la base de données" in result.stderr
    key = tmp_path / "fresh" / "secret_key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600


def test_production_refuses_the_default_secret(tmp_path):
    result = run(["check"], env_extra={"REPERES_ENV": "production"}, data_dir=tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='reperes.settings'; django.setup();"
            "from django.db import connection; c=connection.cursor();"
            "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"REPERES_ENV": "test", "REPERES_DATA_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["wal", "20000"], result.stderr


def test_manage_reaches_django_commands(tmp_path):
    result = run(["manage", "showmigrations", "territory"], data_dir=tmp_path)
    assert result.returncode == 0
    assert "0002_load_reference" in result.stdout


def test_package_entry_point_exists():
    assert (Path(__file__).resolve().parents[2] / "reperes" / "__main__.py").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("argv", [["serve", "--port", "8123"], ["demo", "--port", "8123"]])
def test_serve_starts_gunicorn_on_the_requested_address(monkeypatch, argv, capsys):
    """`reperes serve` and `reperes demo` hand over to gunicorn (the exec is intercepted here)."""
    from reperes.cli import demo_cmd, instance_cmd

    calls = []
    monkeypatch.setattr(instance_cmd.os, "execv", lambda exe, args: calls.append(args))
    monkeypatch.setattr(demo_cmd, "_build", lambda args, installation: None)
    monkeypatch.setenv("REPERES_PRELOAD", "")  # restored after the test
    assert main(argv) == 0
    args = calls[0]
    assert args[1:4] == ["-m", "gunicorn", "reperes.wsgi:application"]
    assert args[args.index("--bind") + 1] == "127.0.0.1:8123"
    # The heavy analysis modules are imported once, before the workers fork.
    assert "--preload" in args and os.environ["REPERES_PRELOAD"] == "1"
    assert "http://127.0.0.1:8123" in capsys.readouterr().err


def test_the_wsgi_application_preloads_the_analysis_modules_for_the_server(tmp_path):
    code = ("import sys; import reperes.wsgi as w;"
            "print(callable(w.application), 'lifelines' in sys.modules, 'statsmodels.api' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"REPERES_ENV": "test", "REPERES_DATA_DIR": str(tmp_path)})
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert plain.stdout.split() == ["True", "False", "False"], plain.stderr
    preloaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env={**env, "REPERES_PRELOAD": "1"})
    assert preloaded.stdout.split() == ["True", "True", "True"], preloaded.stderr
