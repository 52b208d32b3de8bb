"""XLSForm questionnaires: samples import, versions, French errors with rows, our expression checks."""

import io
import json
from pathlib import Path

import openpyxl
import pytest

from reperes.cli import survey_cmd
from reperes.surveys import expressions
from reperes.surveys.models import FormVersion, Response
from reperes.surveys.xlsform import XLSFormError, read_xlsform, translate_pyxform

# ../shared beside the checkout (as on CI and on a developer's machine).
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples" / "xlsform"


def workbook(rows, choices=None, settings=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in rows:
        ws.append(row)
    if choices:
        sheet = wb.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings:
        sheet = wb.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.skipif(not SAMPLES.exists(), reason="échantillons XLSForm absents")
@pytest.mark.parametrize("name,form_id,count", [
    ("UCL_Biomass_Plot_Form.xlsx", "UCL_Biomass_Plot_Form", 50), ("choice_filter_test.xlsx", "cascading_selects1", 3),
    ("group.xlsx", "group", 3), ("specify_other.xlsx", "specify_other", 2)])
def test_samples_import_with_json(name, form_id, count, capsys, cli):
    assert cli(survey_cmd, "survey", "import-form", str(SAMPLES / name), "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {"form": form_id, "version": 1, "questions": count}
    assert out.count("\n") == 1


def test_question_count_excludes_groups_and_notes():
    data = workbook([["type", "name", "label::Français (fr)"], ["note", "n", "Bonjour"],
                     ["begin_group", "g", "Groupe"], ["text", "a", "A ?"], ["integer", "b", "B ?"],
                     ["end_group", "", ""]], settings=[["form_id"], ["essai"]])
    parsed = read_xlsform(data, "x.xlsx")
    assert parsed.form_id == "essai" and parsed.question_count == 2
    assert parsed.questions[1].label == "A ?" and parsed.questions[1].group == "g"


def test_form_id_defaults_to_file_name():
    parsed = read_xlsform(workbook([["type", "name", "label"], ["text", "a", "A"]]), "mon_enquete.xlsx")
    assert parsed.form_id == "mon_enquete"


@pytest.mark.django_db
def test_changed_form_is_a_new_version_and_answers_keep_theirs(tmp_path, capsys, cli):
    first = tmp_path / "f.xlsx"
    first.write_bytes(workbook([["type", "name", "label"], ["text", "a", "A"]], settings=[["form_id"], ["f"]]))
    assert cli(survey_cmd, "survey", "import-form", str(first), "--json") == 0
    v1 = FormVersion.objects.get(form__form_id="f")
    Response.objects.create(form_version=v1, answers={"a": "x"})
    assert cli(survey_cmd, "survey", "import-form", str(first), "--json") == 0  # same file: same version
    first.write_bytes(workbook([["type", "name", "label"], ["text", "a", "A"], ["integer", "b", "B"]],
                               settings=[["form_id"], ["f"]]))
    assert cli(survey_cmd, "survey", "import-form", str(first), "--json") == 0
    outputs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["version"] for o in outputs] == [1, 1, 2] and outputs[2]["questions"] == 2
    assert Response.objects.get().form_version == v1


@pytest.mark.parametrize("rows,choices,expected", [
    ([["type", "name", "label"], ["texte_libre", "a", "A"]], None, "Ligne 2 : le type « texte_libre » est inconnu"),
    ([["type", "name", "label"], ["select_one nope", "a", "A"]], [["list_name", "name", "label"], ["x", "1", "un"]],
     "Ligne 2 : la liste de choix « nope » n'existe pas"),
    ([["type", "name", "label", "relevant"], ["text", "a", "A", ""], ["text", "b", "B", "${a} = 'x' and ("]], None,
     "Ligne 3 : condition d'affichage (relevant)"),
    ([["type", "name", "label", "relevant"], ["text", "b", "B", "${zz} = 1"]], None, "cite la question « zz »"),
    ([["type", "name", "label", "constraint"], ["integer", "b", "B", "frobnicate(.)"]], None,
     "fonction « frobnicate() » inconnue"),
])
def test_malformed_forms_get_french_messages_with_row(rows, choices, expected):
    with pytest.raises(XLSFormError) as info:
        read_xlsform(workbook(rows, choices), "x.xlsx")
    assert any(expected in m for m in info.value.messages), info.value.messages


@pytest.mark.django_db
def test_cli_refuses_broken_form_in_french(tmp_path, capsys, cli):
    path = tmp_path / "b.xlsx"
    path.write_bytes(workbook([["type", "name", "label"], ["begin_group", "g", "G"], ["text", "a", "A"]]))
    from reperes.cli.base import UserError

    with pytest.raises(UserError):
        cli(survey_cmd, "survey", "import-form", str(path), "--json")
    err = capsys.readouterr().err
    assert "Ligne 2" in err and "n'a pas de fin" in err


def test_pyxform_translation_keeps_row():
    assert translate_pyxform("[row : 7] List name not in choices sheet: oui_non") == \
        "Ligne 7 : la liste de choix « oui_non » n'existe pas dans la feuille « choices »."


@pytest.mark.parametrize("expr,answers,expected", [
    ("${a} = 'oui'", {"a": "oui"}, True), ("${a} = 'oui'", {}, False),
    ("selected(${m}, 'x') and not(${n} > 3)", {"m": ["x", "y"], "n": 2}, True),
    ("count-selected(${m}) <= 1", {"m": ["x", "y"]}, False),
    ("${age} >= 18 or ${age} = ''", {}, True), ("../sex = 'other'", {"sex": "other"}, True),
])
def test_expressions_evaluate(expr, answers, expected):
    assert expressions.is_true(expressions.parse(expr), answers) is expected


def test_builtin_forms_are_valid_and_french():
    from reperes.surveys.builtin import builtin_files

    files = builtin_files()
    assert {"partenaires.xlsx", "participants_falc.xlsx", "guide_entretien_elu.xlsx",
            "guide_entretien_institution.xlsx", "guide_entretien_acteur.xlsx"} <= set(files)
    partner = read_xlsform(files["partenaires.xlsx"], "partenaires.xlsx")
    audience = {q.name: q.relevant for q in partner.questions}
    assert "'elu'" in audience["elu_priorites"] and "'acteur'" in audience["acteur_orientations"]
    falc = read_xlsform(files["participants_falc.xlsx"], "p.xlsx")
    # FALC: short questions, one idea each
    assert all(len(q.label) <= 60 and q.label.count("?") <= 1 for q in falc.questions if q.asked)
