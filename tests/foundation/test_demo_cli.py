"""`reperes demo`: builds the demo through the import, then reuses it (fast, no duplicate)."""

import os
import subprocess
import sys


def reperes(args, data_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.update({"REPERES_ENV": "demo", "REPERES_DATA_DIR": str(data_dir)})
    return subprocess.run([sys.executable, "-m", "reperes", *args], capture_output=True, text=True, env=env,
                          timeout=600)


def count(data_dir, sql):
    import sqlite3

    with sqlite3.connect(data_dir / "reperes.sqlite3") as db:
        return db.execute(sql).fetchone()[0]


def test_demo_builds_then_reuses(tmp_path):
    first = reperes(["demo", "--no-serve", "--participants", "300"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin@demo.reperes.fr" in first.stdout and "demo-reperes-2019" in first.stdout
    assert "http://127.0.0.1:8000/" in first.stdout
    for step in ("[1/4]", "[2/4]", "[3/4]", "[4/4]"):
        assert step in first.stderr
    participants = count(tmp_path, "select count(*) from collection_participant")
    assert participants == 300
    assert count(tmp_path, "select count(*) from collection_importrun") == 1
    assert count(tmp_path, "select is_demo from configuration_installation") == 1
    # the committees of the demo evaluation, and a partner answering for an institution sitting on them
    assert count(tmp_path, "select count(*) from evaluation_comite") == 3
    assert count(tmp_path, "select count(*) from evaluation_consultationcampagne") == 2
    assert count(tmp_path, "select organisation from accounts_user where role = 'partenaire'") == \
        "Mission locale Terres de Lorraine"
    # No raw identifier of the generated files reaches the database.
    raw_id = (tmp_path / "demo-files" / "participants.csv").read_text(encoding="utf-8").splitlines()[1].split(";")[0]
    assert count(tmp_path, f"select count(*) from collection_participant where id_hash = '{raw_id}'") == 0

    # a questionnaire installed with answers; the partner version of the report shared in the partner space
    assert count(tmp_path, "select count(*) from surveys_form where form_id = 'participants_falc'") == 1
    assert count(tmp_path, "select count(*) from surveys_response r join surveys_campaign c on r.campaign_id = c.id "
                           "join surveys_formversion v on c.form_version_id = v.id "
                           "join surveys_form f on v.form_id = f.id where f.form_id = 'participants_falc'") == 26
    assert count(tmp_path, "select count(*) from reports_generatedreport where diffusion and shared_at is not null "
                           "and files like '%pdf%'") == 1
    shared_folder = count(tmp_path, "select folder from reports_generatedreport")
    assert any(p.suffix == ".pdf" for p in (tmp_path / "media" / shared_folder).iterdir())

    again = reperes(["demo", "--no-serve", "--participants", "300"], tmp_path)
    assert again.returncode == 0
    assert "réutilisée" in again.stderr
    assert count(tmp_path, "select count(*) from collection_participant") == participants
    assert count(tmp_path, "select count(*) from collection_importrun") == 1
    assert count(tmp_path, "select count(*) from surveys_campaign") == 2
    assert count(tmp_path, "select count(*) from reports_generatedreport") == 1


def test_demo_generate_writes_the_exchange_format(tmp_path):
    result = reperes(["demo", "generate", "--out", str(tmp_path / "out"), "--participants", "50", "--seed", "7"],
                     tmp_path / "data")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["acquis.csv", "actions.csv", "etapes.csv", "participants.csv", "suivi_freins.csv"]
    header = (tmp_path / "out" / "participants.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id_participant;id_personne;sexe")
    assert not (tmp_path / "data" / "reperes.sqlite3").exists()  # generating needs no database
