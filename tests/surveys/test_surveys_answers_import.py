"""Importing answers from KoboToolbox, ODK Central and LimeSurvey: mapping, idempotence, other forms refused."""

import io
import json
import zipfile

import pytest

from reperes.cli import survey_cmd
from reperes.surveys.models import Response

pytestmark = pytest.mark.django_db


def test_kobo_csv_labels_semicolon_and_01_columns(tmp_path, capsys, cli, participant_version):
    path = tmp_path / "kobo.csv"
    path.write_text(
        "start;Êtes-vous content de votre parcours ?;aide/referent;aide/stage;aide/autre;change;_id;_uuid\n"
        "2024-01-01;Content;1;0;0;Un travail;1;u-1\n"
        "2024-01-02;Très content;0;1;1;<b>Tout</b>;2;u-2\n", encoding="utf-8")
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(path), "--json",
               "--audience", "participant") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "ok" and report["tables"]["reponses"]["accepted"] == 2
    answers = sorted((r.answers for r in Response.objects.all()), key=lambda a: a["change"])
    assert answers[0] == {"content": "4", "aide": ["stage", "autre"], "change": "<b>Tout</b>"}
    # re-importing the same export adds nothing
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(path), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["tables"]["reponses"]["skipped"] == 2 and Response.objects.count() == 2


def test_kobo_xml_names_one_column_multiple_and_bad_value(tmp_path, capsys, cli, participant_version):
    path = tmp_path / "kobo.csv"
    path.write_text("content,aide,_uuid\n3,referent permis,a\n9,stage,b\n", encoding="utf-8")
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(path), "--json") == 3
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "partial" and report["errors"][0]["line"] == 3
    assert Response.objects.get().answers["aide"] == ["referent", "permis"]


def test_kobo_xlsx(tmp_path, capsys, cli, participant_version):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["content", "change", "_uuid"])
    wb.active.append([2, "Rien", "x1"])
    wb.save(tmp_path / "k.xlsx")
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(tmp_path / "k.xlsx"), "--json") == 0
    assert Response.objects.get().answers == {"content": "2", "change": "Rien"}


def test_odk_central_zip(tmp_path, capsys, cli, partner_version):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("partenaires.csv", "SubmissionDate,public,offre_g-offre_lisible,attentes,meta-instanceID,KEY\n"
                                            "2024-01-01,elu,3,Plus de mobilité,uuid:1,uuid:1\n")
        archive.writestr("partenaires-repeat.csv", "x,PARENT_KEY\n1,uuid:1\n")
    (tmp_path / "odk.zip").write_bytes(buffer.getvalue())
    assert cli(survey_cmd, "survey", "import-answers", "partenaires", str(tmp_path / "odk.zip"), "--json") == 0
    assert Response.objects.get().answers == {"public": "elu", "offre_lisible": "3", "attentes": "Plus de mobilité"}


def test_limesurvey_with_mapping_and_compact_codes(tmp_path, capsys, cli, participant_version):
    (tmp_path / "lime.csv").write_bytes(
        "\ufeffid;submitdate;lastpage;startlanguage;seed;Q1;Q2[SQ001];Q2[SQ002];referentecoute\n"
        "7;2024-02-01;3;fr;1;1;Y;;oui\n".encode("utf-8"))
    (tmp_path / "map.csv").write_text("colonne,question\nQ1,content\nQ2[SQ001],aide/referent\nQ2[SQ002],aide/stage\n",
                                      encoding="utf-8")
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(tmp_path / "lime.csv"),
               "--mapping", str(tmp_path / "map.csv"), "--json") == 0
    assert Response.objects.get().answers == {"content": "1", "aide": ["referent"], "referent_ecoute": "oui"}


def test_answers_of_another_form_are_refused(tmp_path, capsys, cli, participant_version):
    (tmp_path / "autre.csv").write_text("espece,diametre,hauteur,_uuid\nchene,30,12,a\n", encoding="utf-8")
    assert cli(survey_cmd, "survey", "import-answers", "participants_falc", str(tmp_path / "autre.csv"), "--json") == 2
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "refused" and not report["stored"]
    assert "« espece »" in report["errors"][0]["message"] and Response.objects.count() == 0


def test_app_proposes_matches_then_imports(client_charge, participant_version):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    content = "id;submitdate;lastpage;startlanguage;content;changements\n1;2024-01-01;2;fr;2;Plus confiant\n"
    url = reverse("surveys:answers_import")
    first = client_charge.post(url, {"form_version": participant_version.pk,
                                     "file": SimpleUploadedFile("lime.csv", content.encode())})
    page = first.content.decode()
    assert first.status_code == 200 and "changements" in page and "change" in page
    assert first.context["proposals"] == {"changements": "change"} and Response.objects.count() == 0
    second = client_charge.post(url, {"form_version": participant_version.pk, "store": "on",
                                      "mapping": "changements,change",
                                      "file": SimpleUploadedFile("lime.csv", content.encode())})
    assert second.context["stored"] is True
    assert Response.objects.get().answers == {"content": "2", "change": "Plus confiant"}


def test_open_answers_are_masked_and_tagged(client_charge, participant_version):
    from django.urls import reverse

    from reperes.surveys.models import Excerpt, Theme

    response = Response.objects.create(form_version=participant_version, audience="participant",
                                       answers={"change": "Grâce à Mme Durand j'ai un CDI <i>enfin</i>"})
    url = reverse("surveys:open_answers", kwargs={"pk": participant_version.pk})
    page = client_charge.get(url).content.decode()
    assert "Durand" not in page and "&lt;i&gt;enfin" in page
    theme = Theme.objects.get(code="sorties")
    client_charge.post(url, {"response": response.pk, "theme": theme.pk, "question": "change",
                             "excerpt": "Mme Durand : j'ai un CDI"})
    excerpt = Excerpt.objects.get()
    assert excerpt.response == response and "Durand" not in excerpt.text
