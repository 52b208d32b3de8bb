"""The rules of each table: one test per way a row can be rejected, and the ways it must not be."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes.collection.importer import run_import
from reperes.collection.models import Acquis, Etape, Participant, SuiviFrein
from reperes.privacy import MASKED, pseudonymise

pytestmark = pytest.mark.django_db


def import_participants(tmp_path, data, *rows, name="participants.csv"):
    path = tmp_path / name
    path.write_bytes(data.csv_bytes(list(rows)))
    return run_import(path)


def only_error(result):
    assert len(result.report["errors"]) == 1, result.report["errors"]
    return result.report["errors"][0]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("text,reason", [
    ("15/06/85", "l'année doit s'écrire avec quatre chiffres"),
    ("31/02/1980", "jour inexistant"),
    ("15/13/1985", "mois inexistant"),
    ("1985/06/15", "format non reconnu"),
    ("15 juin 1985", "format non reconnu"),
])
def test_invalid_dates_are_errors_never_guesses(tmp_path, data, text, reason):
    result = import_participants(tmp_path, data, data.participant(date_naissance=text))
    error = only_error(result)
    assert (error["line"], error["column"], error["value"]) == (2, "date_naissance", text)
    assert error["message"] == f"Date invalide « {text} » : {reason}. Écrivez la date au format JJ/MM/AAAA."
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("text", ["01/03/2024", "1/3/2024", "2024-03-01", "01-03-2024", "01.03.2024",
                                  "2024-03-01T10:30:00", "2024-03-01 00:00:00", "2024-03-01T08:00:00+01:00"])
def test_accepted_date_formats(tmp_path, data, text):
    result = import_participants(tmp_path, data, data.participant(date_entree=text))
    assert result.exit_status == 0, result.report["errors"]
    assert Participant.objects.get().date_entree == dt.date(2024, 3, 1)


# --------------------------------------------------------------------------- age and birth


@pytest.mark.parametrize("birth,age", [("01/03/1990", 34), ("02/03/1990", 33), ("29/02/2000", 24)])
def test_age_at_entry_counts_the_birthday_as_reached(tmp_path, data, birth, age):
    result = import_participants(tmp_path, data, data.participant(date_naissance=birth, date_entree="01/03/2024"))
    assert result.exit_status == 0, result.report["errors"]
    stored = Participant.objects.get()
    assert stored.age_entree == age
    assert stored.annee_naissance == int(birth[-4:])


def test_a_hand_made_file_gets_the_ages_of_the_format(tmp_path, data, pseudonym_key):
    """Birthdays just before, on and after the entry date, in one file (the report of issue 11)."""
    cases = [  # birth, entry, completed years counted by hand
        ("03/10/1990", "29/06/2021", 30), ("30/05/1985", "28/12/2016", 31),
        ("28/06/1990", "29/06/2021", 31), ("29/06/1990", "29/06/2021", 31), ("30/06/1990", "29/06/2021", 30),
        ("31/12/1995", "30/12/2019", 23), ("31/12/1995", "31/12/2019", 24), ("01/01/1996", "31/12/2019", 23),
        ("29/02/1996", "28/02/2019", 22), ("29/02/1996", "01/03/2019", 23), ("15/11/1960", "14/11/2019", 58),
    ]
    rows = [data.participant(id_participant=f"P{i}", id_personne=f"PERS{i}", date_naissance=birth,
                             date_entree=entry) for i, (birth, entry, _) in enumerate(cases)]
    result = import_participants(tmp_path, data, *rows)
    assert result.exit_status == 0, result.report["errors"]
    assert Participant.objects.count() == len(cases)
    for i, (birth, entry, age) in enumerate(cases):
        person = Participant.objects.get(id_hash=pseudonymise(f"P{i}", pseudonym_key))
        assert (person.age_entree, person.annee_naissance) == (age, int(birth[-4:])), (birth, entry)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(births=st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2010, 12, 31)), min_size=1, max_size=8),
       entry=st.dates(dt.date(2014, 1, 1), dt.date(2026, 12, 2)))
def test_stored_ages_equal_python_date_arithmetic(tmp_path_factory, data, pseudonym_key, births, entry):
    """Property test through the import and the database (run on SQLite and PostgreSQL)."""
    Participant.objects.all().delete()
    rows = [data.participant(id_participant=f"H{i}", id_personne=f"HP{i}", date_naissance=b.strftime("%d/%m/%Y"),
                             date_entree=entry.strftime("%d/%m/%Y")) for i, b in enumerate(births)]
    result = import_participants(tmp_path_factory.mktemp("ages"), data, *rows)
    assert result.exit_status == 0, result.report["errors"]
    for i, birth in enumerate(births):
        expected = entry.year - birth.year - ((entry.month, entry.day) < (birth.month, birth.day))
        assert Participant.objects.get(id_hash=pseudonymise(f"H{i}", pseudonym_key)).age_entree == expected


def test_birth_year_only(tmp_path, data):
    row = data.participant(date_naissance="", annee_naissance="1990", date_entree="01/03/2024")
    result = import_participants(tmp_path, data, row)
    assert result.exit_status == 0, result.report["errors"]
    assert (Participant.objects.get().age_entree, Participant.objects.get().annee_naissance) == (34, 1990)


def test_full_birth_date_is_never_stored(tmp_path, data):
    import_participants(tmp_path, data, data.participant(date_naissance="15/06/1985"))
    stored = repr(list(Participant.objects.values_list()))
    assert "1985, 6, 15" not in stored and "1985-06-15" not in stored


def test_no_birth_at_all_is_an_error(tmp_path, data):
    row = data.participant(date_naissance="", annee_naissance="")
    error = only_error(import_participants(tmp_path, data, row))
    assert error["column"] == "date_naissance" and "Naissance manquante" in error["message"]


def test_birth_year_out_of_bounds(tmp_path, data):
    row = data.participant(date_naissance="", annee_naissance=str(dt.date.today().year + 1))
    error = only_error(import_participants(tmp_path, data, row))
    assert error["column"] == "annee_naissance" and "entre 1900 et" in error["message"]


def test_birth_year_and_date_must_agree(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(annee_naissance="1986")))
    assert error["column"] == "annee_naissance" and "ne correspond pas" in error["message"]


def test_birth_after_entry_is_an_error(tmp_path, data):
    row = data.participant(date_naissance="01/01/2025", date_entree="01/03/2024")
    error = only_error(import_participants(tmp_path, data, row))
    assert "postérieure à la date d'entrée" in error["message"]


# --------------------------------------------------------------------------- identifiers


def test_duplicate_participant_id_rejects_the_second_row(tmp_path, data, pseudonym_key):
    result = import_participants(tmp_path, data, data.participant(sexe="F"), data.participant(sexe="M"))
    error = only_error(result)
    assert (error["line"], error["column"], error["value"]) == (3, "id_participant", MASKED)
    assert "déjà utilisé à la ligne 2" in error["message"]
    assert Participant.objects.get().sexe == "F"


def test_too_long_identifier(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(id_participant="X" * 65)))
    assert error["column"] == "id_participant" and error["value"] == MASKED and "64" in error["message"]


def test_identifiers_are_stripped(tmp_path, data, pseudonym_key):
    import_participants(tmp_path, data, data.participant(id_participant="  P001 "))
    assert Participant.objects.get().id_hash == pseudonymise("P001", pseudonym_key)


# --------------------------------------------------------------------------- codes, communes, numbers


def test_unknown_code_is_rejected_with_the_list(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(niveau_formation="BAC")))
    assert (error["column"], error["value"]) == ("niveau_formation", "BAC")
    assert "Valeur inconnue « BAC »" in error["message"]
    assert "INFRA_3" in error["message"] and "NIV_6_PLUS" in error["message"]


def test_labels_and_aliases_are_accepted_in_place_of_codes(tmp_path, data):
    row = data.participant(sexe="homme", niveau_formation="niveau 3 (cap, bep)", situation_entree="Demandeur d’emploi"
                           .replace("’", "'"), prescripteur="FRANCE TRAVAIL", criteres="Bénéficiaire du RSA")
    result = import_participants(tmp_path, data, row)
    assert result.exit_status == 0, result.report["errors"]
    stored = Participant.objects.get()
    assert (stored.sexe, stored.niveau_formation, stored.situation_entree, stored.prescripteur, stored.criteres) == \
        ("M", "NIV_3", "DE", "FRANCE_TRAVAIL", ["RSA"])
    import_participants(tmp_path, data, data.participant(sexe="H"))
    assert Participant.objects.get().sexe == "M"


def test_unknown_value_in_a_multi_valued_cell(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(criteres="RSA|CHOMEUR")))
    assert error["column"] == "criteres" and "« CHOMEUR »" in error["message"]


def test_commune_lost_leading_zero_and_corsica(tmp_path, data):
    result = import_participants(tmp_path, data, data.participant(commune_residence="1001"),
                                 data.participant(id_participant="P002", commune_residence="2a004"))
    assert result.exit_status == 0, result.report["errors"]
    assert sorted(Participant.objects.values_list("commune_residence", "epci_siren")) == [
        ("01001", "200069193"), ("2A004", "242010056")]


def test_unknown_commune_is_rejected(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(commune_residence="99999")))
    assert (error["column"], error["value"]) == ("commune_residence", "99999")
    assert "Commune inconnue" in error["message"]


def test_postal_code_instead_of_commune_code_gets_a_hint(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(commune_residence="54000")))
    assert "code postal" in error["message"] and "54395" in error["message"]


@pytest.mark.parametrize("text,value", [("14", 14), ("14,0", 14), ("1 014", 1014), ("1\u00a0014", 1014),
                                        ("1\u202f014", 1014)])
def test_integers(tmp_path, data, text, value):
    result = import_participants(tmp_path, data, data.participant(anciennete_chomage_mois=text))
    assert result.exit_status == 0, result.report["errors"]
    assert Participant.objects.get().anciennete_chomage_mois == value


@pytest.mark.parametrize("text", ["-1", "14,5", "douze", "1.014,5"])
def test_invalid_integers(tmp_path, data, text):
    error = only_error(import_participants(tmp_path, data, data.participant(anciennete_chomage_mois=text)))
    assert error["column"] == "anciennete_chomage_mois" and error["value"] == text


@pytest.mark.parametrize("text,value", [("6,5", 6.5), ("6.5", 6.5), ("12", 12.0)])
def test_decimals(tmp_path, data, text, value):
    row = data.participant(date_sortie="01/06/2024", motif_sortie="EMPLOI_CDI", duree_emploi_mois=text)
    result = import_participants(tmp_path, data, row)
    assert result.exit_status == 0, result.report["errors"]
    assert Participant.objects.get().duree_emploi_mois == value


@pytest.mark.parametrize("text,value", [("oui", True), ("O", True), ("1", True), ("Vrai", True), ("true", True),
                                        ("x", True), ("non", False), ("n", False), ("0", False), ("FAUX", False),
                                        ("false", False), ("", None)])
def test_booleans(tmp_path, data, text, value):
    result = import_participants(tmp_path, data, data.participant(qpv=text))
    assert result.exit_status == 0, result.report["errors"]
    assert Participant.objects.get().qpv is value


def test_invalid_boolean(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(qpv="peut-être")))
    assert error["column"] == "qpv" and "oui ou non" in error["message"]


def test_missing_required_value(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(sexe="")))
    assert (error["column"], error["value"]) == ("sexe", None)
    assert error["message"] == "Valeur obligatoire manquante : renseignez sexe."


# --------------------------------------------------------------------------- exits


def test_motif_without_date(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(motif_sortie="ABANDON")))
    assert error["column"] == "motif_sortie" and "sans date de sortie" in error["message"]


def test_date_without_motif(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(date_sortie="01/06/2024")))
    assert error["column"] == "motif_sortie" and "sans motif" in error["message"]


def test_exit_before_entry(tmp_path, data):
    row = data.participant(date_sortie="01/02/2024", motif_sortie="ABANDON")
    error = only_error(import_participants(tmp_path, data, row))
    assert error["column"] == "date_sortie"
    assert "(01/02/2024) est antérieure à la date d'entrée (01/03/2024)" in error["message"]


def test_exit_on_the_entry_day_is_fine(tmp_path, data):
    row = data.participant(date_sortie="01/03/2024", motif_sortie="Décès")
    assert import_participants(tmp_path, data, row).exit_status == 0


# --------------------------------------------------------------------------- privacy


@pytest.mark.parametrize("nir", ["1 85 06 54 395 123 45", "185065439512345", "2850654395123 45"])
def test_nir_in_free_text_rejects_the_row_with_its_value_masked(tmp_path, data, nir):
    result = import_participants(tmp_path, data, data.participant(referent=f"voir {nir}"),
                                 data.participant(id_participant="P002"))
    error = only_error(result)
    assert (error["line"], error["column"], error["value"]) == (2, "referent", MASKED)
    assert "sécurité sociale" in error["message"]
    assert Participant.objects.count() == 1
    assert nir not in repr(result.report)


def test_nir_in_acquis_comment_rejects_the_row(tmp_path, data):
    tables = data.sample()
    tables["acquis"][0]["commentaire"] = "NIR 2 85 06 54 395 123 45"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    error = only_error(result)
    assert (error["table"], error["column"], error["value"]) == ("acquis", "commentaire", MASKED)
    assert Acquis.objects.count() == 0


def test_nir_in_a_code_column_is_masked_too(tmp_path, data):
    error = only_error(import_participants(tmp_path, data, data.participant(commune_residence="185065439512345")))
    assert error["value"] == MASKED


# --------------------------------------------------------------------------- étapes


def test_etape_whose_participant_is_missing(tmp_path, data):
    tables = data.sample()
    tables["etapes"][0]["id_participant"] = "P404"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    error = only_error(result)
    assert (error["table"], error["line"], error["column"], error["value"]) == ("etapes", 2, "id_participant",
                                                                                 MASKED)
    assert "Participant inconnu" in error["message"]
    assert Etape.objects.count() == 3


def test_rows_of_a_rejected_participant_are_rejected_with_it(tmp_path, data):
    tables = data.sample()
    tables["participants"][0]["sexe"] = "?"  # P001, line 2: its 2 étapes, 2 suivi_freins, 1 acquis follow
    result = run_import(data.write_folder(tmp_path / "recueil", tables))

    counts = result.report["tables"]
    assert counts["participants"]["rejected"] == 1
    assert counts["etapes"] == {"read": 4, "accepted": 2, "rejected": 2, "skipped": 0}
    assert counts["suivi_freins"]["rejected"] == 2 and counts["acquis"]["rejected"] == 1
    dragged = [e for e in result.report["errors"] if e["table"] != "participants"]
    assert len(dragged) == 5
    assert all("le participant de la ligne 2 a été rejeté" in e["message"] for e in dragged)
    assert Etape.objects.count() == 2 and SuiviFrein.objects.count() == 0


def test_etape_of_a_participant_stored_by_an_earlier_run(tmp_path, data):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "v1", {"participants": tables["participants"]}))
    etape = {"id_participant": "P001", "type_etape": "SANTE", "date_debut": "29/01/2024"}  # entry − 32 days
    result = run_import(data.write_folder(tmp_path / "v2", {"etapes": [etape]}))
    error = only_error(result)
    assert error["column"] == "date_debut"
    assert "plus de 31 jours avant l'entrée du participant dans le PLIE (01/03/2024)" in error["message"]
    etape["date_debut"] = "30/01/2024"  # entry − 31 days
    assert run_import(data.write_folder(tmp_path / "v3", {"etapes": [etape]})).exit_status == 0


def test_etape_end_before_start(tmp_path, data):
    tables = data.sample()
    tables["etapes"][0]["date_fin"] = "01/03/2024"
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert error["column"] == "date_fin" and "antérieure à la date de début" in error["message"]


def test_etape_with_an_unknown_action(tmp_path, data):
    tables = data.sample()
    tables["etapes"][1]["id_action"] = "A99"
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert (error["column"], error["value"]) == ("id_action", "A99")
    assert "Action inconnue « A99 »" in error["message"]


def test_etape_of_a_rejected_action(tmp_path, data):
    tables = data.sample()
    tables["actions"][0]["famille"] = "INCONNUE"
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    etape_error = next(e for e in result.report["errors"] if e["table"] == "etapes")
    assert etape_error["column"] == "id_action" and "L'action de la ligne 2" in etape_error["message"]


def test_duplicate_etape_ids(tmp_path, data):
    tables = data.sample()
    tables["etapes"][1]["id_etape"] = "E1"
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert (error["line"], error["column"], error["value"]) == (3, "id_etape", MASKED)
    assert "déjà utilisé à la ligne 2" in error["message"]


def test_duplicate_etapes_without_id(tmp_path, data):
    tables = data.sample()
    tables["etapes"].append(dict(tables["etapes"][2]))
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert error["line"] == 6 and "Étape en double" in error["message"] and "ligne 4" in error["message"]


def test_etape_key_of_an_id_and_of_a_derived_identity_never_collide(tmp_path, data):
    tables = data.sample()
    run_import(data.write_folder(tmp_path / "recueil", tables))
    keys = list(Etape.objects.values_list("etape_key", flat=True))
    assert len(set(keys)) == 4 and all(len(k) == 64 for k in keys)


# --------------------------------------------------------------------------- suivi_freins, acquis


def test_suivi_freins_conflicting_levels_in_one_run(tmp_path, data):
    tables = data.sample()
    tables["suivi_freins"].append({"id_participant": "P001", "date": "01/03/2024", "frein": "Mobilité",
                                   "niveau": "2"})
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert (error["table"], error["line"], error["column"], error["value"]) == ("suivi_freins", 4, "niveau", "2")
    assert "ligne 2" in error["message"] and "(3)" in error["message"]
    assert SuiviFrein.objects.get(date=dt.date(2024, 3, 1)).niveau == 3


def test_suivi_freins_identical_rows_are_stored_once(tmp_path, data):
    tables = data.sample()
    tables["suivi_freins"].append(dict(tables["suivi_freins"][0]))
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    assert result.exit_status == 0
    assert result.report["tables"]["suivi_freins"]["accepted"] == 3
    assert SuiviFrein.objects.count() == 2


def test_suivi_freins_level_label_and_unknown_level(tmp_path, data):
    tables = data.sample()
    tables["suivi_freins"][0]["niveau"] = "Difficulté bloquante"
    tables["suivi_freins"][1]["niveau"] = "5"
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert (error["line"], error["column"]) == (3, "niveau")
    assert SuiviFrein.objects.get().niveau == 3


def test_acquis_conflicting_comments_in_one_run(tmp_path, data):
    tables = data.sample()
    tables["acquis"].append(dict(tables["acquis"][0], commentaire="Autre"))
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert (error["table"], error["line"], error["column"]) == ("acquis", 3, "commentaire")


def test_acquis_comment_too_long(tmp_path, data):
    tables = data.sample()
    tables["acquis"][0]["commentaire"] = "x" * 501
    error = only_error(run_import(data.write_folder(tmp_path / "recueil", tables)))
    assert "trop long (501 caractères)" in error["message"]


# --------------------------------------------------------------------------- actions


def test_action_rules(tmp_path, data):
    tables = data.sample()
    bad = dict(tables["actions"][0], id_action="A2", date_debut="01/01/2024", date_fin="01/01/2023",
               territoire="245400676|99999", budget_total="-5", experimentale="bof", intitule="")
    tables["actions"].append(bad)
    tables["actions"].append(dict(tables["actions"][0]))  # duplicate A1
    result = run_import(data.write_folder(tmp_path / "recueil", tables))
    errors = {(e["line"], e["column"]) for e in result.report["errors"]}
    assert errors == {(3, "intitule"), (3, "territoire"), (3, "date_fin"), (3, "budget_total"), (3, "experimentale"),
                      (4, "id_action")}
