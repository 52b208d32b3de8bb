"""Committees, consultation of the partners, the séance, the relevé de décisions, follow-up, calendar, history."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse

from reperes.audit.models import AuditEvent
from reperes.evaluation import models as m

pytestmark = pytest.mark.django_db
D = dt.date


def partner(email: str, organisation: str) -> Client:
    from reperes.accounts.models import User

    client = Client()
    client.force_login(User.objects.create_user(email, "x" * 12, role="partenaire", organisation=organisation))
    return client


def make_recos(n: int = 3) -> list[m.Preconisation]:
    q = m.Question.objects.create(code="Q1", critere="pertinence", texte="Question ?")
    k = m.Constat.objects.create(code="C1", texte="Constat.")
    k.questions.add(q)
    recos = []
    for i in range(1, n + 1):
        r = m.Preconisation.objects.create(code=f"R{i}", numero=i, titre=f"Titre {i}", texte=f"Texte d’origine {i}.",
                                           priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
        r.constats.add(k)
        recos.append(r)
    return recos


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def make_comite(client) -> m.Comite:
    response = client.post(reverse("evaluation:comite_create"), {
        "type": "copil", "intitule": "COPIL Emploi et Insertion", "date": "2020-10-15", "heure_debut": "14:00",
        "heure_fin": "16:30", "lieu": "Maison de l’emploi, Toul", "ordre_du_jour": "Rapport final\nPréconisations",
        "membres": "Département de Meurthe-et-Moselle\nMission locale\nÉtat\nMission locale\n"})
    comite = m.Comite.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluation:comite_detail", args=[comite.pk])
    return comite


# ------------------------------------------------------------------------------------ consultation


def test_partners_answer_for_their_institution_and_see_only_their_own(client_charge):
    recos = make_recos(2)
    today = dt.date.today()
    client_charge.post(reverse("evaluation:consultations"), {
        "intitule": "Avant le COPIL", "ouverture": (today - dt.timedelta(days=1)).isoformat(),
        "cloture": (today + dt.timedelta(days=7)).isoformat(), "comite": ""})
    campagne = m.ConsultationCampagne.objects.get()
    ml, dep = partner("ml@test.fr", "Mission locale"), partner("cd@test.fr", "Département")
    url = reverse("evaluation:consultation_answer")

    # a reservation needs its comment: nothing is saved, the message says what to fix
    page = ml.post(url, {"consultation": campagne.pk, f"avis-{recos[0].pk}": "reserve"}).content.decode()
    assert "Préconisation 1 : expliquez vos réserves ou votre désaccord" in page
    assert not m.Consultation.objects.exists()

    ml.post(url, {"consultation": campagne.pk, f"avis-{recos[0].pk}": "reserve",
                  f"commentaire-{recos[0].pk}": "Sous réserve des moyens de la mission locale.",
                  f"avis-{recos[1].pk}": "accord"})
    dep.post(url, {"consultation": campagne.pk, f"avis-{recos[0].pk}": "desaccord",
                   f"commentaire-{recos[0].pk}": "Le Département finance déjà cette action."})
    assert m.Consultation.objects.filter(campagne=campagne).count() == 3
    # answering again replaces the institution's opinion, never duplicates it
    ml.post(url, {"consultation": campagne.pk, f"avis-{recos[1].pk}": "desaccord",
                  f"commentaire-{recos[1].pk}": "Finalement non."})
    assert m.Consultation.objects.get(institution="Mission locale", preconisation=recos[1]).avis == "desaccord"
    assert m.Consultation.objects.count() == 3

    mine = ml.get(url).content.decode()
    assert "Sous réserve des moyens" in mine and "finance déjà" not in mine
    theirs = dep.get(url).content.decode()
    assert "finance déjà" in theirs and "Sous réserve des moyens" not in theirs
    # the history page of a recommendation shows a partner its own institution's opinion only
    history = dep.get(reverse("evaluation:preconisation_detail", args=[recos[0].pk])).content.decode()
    assert "finance déjà" in history and "Sous réserve" not in history
    # partners never reach the team's view of all answers
    assert ml.get(reverse("evaluation:consultation_detail", args=[campagne.pk])).status_code == 403
    team = client_charge.get(reverse("evaluation:consultation_detail", args=[campagne.pk])).content.decode()
    assert "Mission locale" in team and "Département" in team and "finance déjà" in team
    assert AuditEvent.objects.filter(action="evaluation", details__institution="Département").exists()


def test_a_partner_without_institution_or_open_consultation_is_told_why(client_charge):
    make_recos(1)
    page = partner("sans@test.fr", "").get(reverse("evaluation:consultation_answer")).content.decode()
    assert "Votre compte n’indique pas votre institution" in page
    page = partner("ml@test.fr", "Mission locale").get(reverse("evaluation:consultation_answer")).content.decode()
    assert "Aucune consultation n’est ouverte" in page
    # the team cannot answer in the partners' place
    assert client_charge.get(reverse("evaluation:consultation_answer")).status_code == 403


def test_a_consultation_closes_after_it_opens(client_charge):
    page = client_charge.post(reverse("evaluation:consultations"), {
        "intitule": "X", "ouverture": "2020-09-10", "cloture": "2020-09-01"}).content.decode()
    assert "La clôture doit suivre l’ouverture." in page
    assert not m.ConsultationCampagne.objects.exists()


# ------------------------------------------------------------------------------------ committees


def test_a_new_committee_proposes_the_members_of_the_call(client_charge):
    page = client_charge.get(reverse("evaluation:comite_create") + "?type=comite_suivi").content.decode()
    for name in ("Maison de l’emploi", "Département", "Pays Terres de Lorraine", "Pôle emploi", "Mission locale",
                 "État", "Région"):
        assert name in page


def test_committee_members_documents_and_convocation(client_charge, client_partner, tmp_path, settings):
    from icalendar import Calendar

    settings.MEDIA_ROOT = tmp_path
    comite = make_comite(client_charge)
    assert [x.institution for x in comite.membres.all()] == ["Département de Meurthe-et-Moselle", "Mission locale",
                                                             "État"]  # the repeated line once
    content = "Rapport intermédiaire, version 3".encode()
    client_charge.post(reverse("evaluation:comite_document", args=[comite.pk]),
                       {"titre": "Rapport intermédiaire", "fichier": io.BytesIO(content)})
    doc = comite.documents.get()
    assert doc.empreinte == hashlib.sha256(content).hexdigest()
    client_charge.post(reverse("evaluation:comite_document", args=[comite.pk]), {"registre": "on"})
    registre = comite.documents.get(titre__startswith="Registre")
    with registre.fichier.open("rb") as stored:
        assert registre.empreinte == hashlib.sha256(stored.read()).hexdigest()
    detail = client_partner.get(reverse("evaluation:comite_detail", args=[comite.pk])).content.decode()
    assert doc.empreinte in detail and "Ouvrir la séance" not in detail

    ics = client_charge.get(reverse("evaluation:comite_convocation", args=[comite.pk, "ics"]))
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "COPIL Emploi et Insertion"
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute, str(start.tzinfo)) == (D(2020, 10, 15), 14, 0, "Europe/Paris")
    assert event.decoded("DTEND").hour == 16 and "Maison de l’emploi" in str(event["LOCATION"])
    assert calendar.walk("VTIMEZONE")
    docx = client_charge.get(reverse("evaluation:comite_convocation", args=[comite.pk, "docx"])).content
    text = docx_text(docx)
    assert "Rapport final" in text and "Mission locale" in text and doc.empreinte in text
    assert client_partner.get(reverse("evaluation:comite_convocation", args=[comite.pk, "ics"])).status_code == 403
    assert AuditEvent.objects.filter(action="evaluation", details__empreinte=doc.empreinte).exists()


def test_bad_committee_input_is_refused_in_french(client_charge):
    page = client_charge.post(reverse("evaluation:comite_create"), {
        "type": "copil", "intitule": "COPIL", "date": "2020-13-45", "heure_debut": "16:00", "heure_fin": "14:00",
        "membres": "  \n"}).content.decode()
    assert "Date invalide : écrivez-la AAAA-MM-JJ." in page
    assert "Inscrivez au moins une institution membre." in page
    assert "L’heure de fin doit suivre l’heure de début." in page
    assert not m.Comite.objects.exists()


# ------------------------------------------------------------------------------------ séance and minutes


def test_the_seance_records_decisions_with_their_rules_and_the_minutes_carry_them(client_charge, client_partner):
    recos = make_recos(4)
    comite = make_comite(client_charge)
    seance = reverse("evaluation:seance", args=[comite.pk])
    ids = [x.pk for x in comite.membres.all()]
    client_charge.post(reverse("evaluation:seance_presences", args=[comite.pk]), {"present": ids[:2]})
    assert [x.present for x in comite.membres.all()] == [True, True, False]

    campagne = m.ConsultationCampagne.objects.create(intitule="Avant le COPIL", ouverture=D(2020, 9, 1),
                                                     cloture=D(2020, 10, 1), comite=comite)
    m.Consultation.objects.create(campagne=campagne, preconisation=recos[0], institution="Mission locale",
                                  avis="reserve", commentaire="Trop ambitieux.", date=D(2020, 9, 20))
    page = client_charge.get(seance + "?n=1").content.decode()
    assert "Mission locale : d’accord avec réserves – Trop ambitieux." in page  # the debate sees the opinions
    page = client_charge.post(seance + "?n=1", {"decision": "rejetee", "motif": " "}).content.decode()
    assert "Indiquez le motif du rejet" in page
    page = client_charge.post(seance + "?n=1", {"decision": "amendee"}).content.decode()
    assert "Écrivez le nouveau texte de la préconisation amendée." in page
    assert not m.Decision.objects.exists()

    response = client_charge.post(seance + "?n=1", {"decision": "amendee", "texte_amende": "Texte amendé 1."})
    assert response.url == seance + "?n=2"
    client_charge.post(seance + "?n=2", {"decision": "rejetee", "motif": "Hors du champ du PLIE."})
    client_charge.post(seance + "?n=3", {"decision": "ajournee", "motif": "Attendre le bilan."})
    client_charge.post(seance + "?n=4", {"decision": "adoptee", "motif": "", "texte_amende": "ignoré"})
    got = {d.preconisation.code: (d.decision, d.motif, d.texte_amende) for d in comite.decisions.all()}
    assert got == {"R1": ("amendee", "", "Texte amendé 1."), "R2": ("rejetee", "Hors du champ du PLIE.", ""),
                   "R3": ("ajournee", "Attendre le bilan.", ""), "R4": ("adoptee", "", "")}
    # a partner cannot record or change a decision
    assert client_partner.post(seance + "?n=2", {"decision": "adoptee"}).status_code == 403
    assert comite.decisions.get(preconisation=recos[1]).decision == "rejetee"
    assert AuditEvent.objects.filter(action="evaluation", details__decision="amendee",
                                     details__preconisation="R1").exists()

    text = docx_text(client_partner.get(reverse("evaluation:comite_minutes", args=[comite.pk])).content)
    assert "Présents\u00a0: Département de Meurthe-et-Moselle, Mission locale." in text
    assert "Absents\u00a0: État." in text
    assert "Texte soumis au comité\u00a0: Texte d’origine 1." in text and "Texte amendé\u00a0: Texte amendé 1." in text
    assert "Motif\u00a0: Hors du champ du PLIE." in text and "Attendre le bilan." in text

    # the history keeps the original text readable after the amendment
    history = client_charge.get(reverse("evaluation:preconisation_detail", args=[recos[0].pk])).content.decode()
    assert "Texte d’origine : Texte d’origine 1." in history and "Texte amendé : Texte amendé 1." in history


def test_minutes_and_convocation_from_the_command_line(client_charge, tmp_path, capsys):
    import docx  # noqa: F401
    from icalendar import Calendar

    from reperes.cli import main

    make_recos(1)
    comite = make_comite(client_charge)
    client_charge.post(reverse("evaluation:seance", args=[comite.pk]) + "?n=1",
                       {"decision": "rejetee", "motif": "Pas de financement."})
    assert main(["committee", "convocation", str(comite.pk), "--out", str(tmp_path)]) == 0
    ics = next(tmp_path.glob("*.ics"))
    assert str(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]["SUMMARY"]) == "COPIL Emploi et Insertion"
    assert "Préconisations" in docx_text(next(tmp_path.glob("convocation-*.docx")).read_bytes())
    assert main(["committee", "minutes", comite.code, "--out", str(tmp_path), "--format", "docx"]) == 0
    assert "Motif\u00a0: Pas de financement." in docx_text(next(tmp_path.glob("releve-*.docx")).read_bytes())
    assert main(["committee", "minutes", comite.code, "--out", str(tmp_path / "pdf"), "--format", "pdf"]) == 0
    assert (tmp_path / "pdf" / f"releve-decisions-{comite.code}.pdf").read_bytes().startswith(b"%PDF")
    from reperes.documents.pdf import typst_source
    from reperes.evaluation.committees import minutes_document

    assert "Pas de financement." in typst_source(minutes_document(comite))
    assert main(["committee", "minutes", "CP404", "--out", str(tmp_path)]) == 2
    assert "Aucun comité" in capsys.readouterr().err
    assert main(["committee", "minutes", comite.code, "--out", str(tmp_path), "--format", "odt"]) == 2


# ------------------------------------------------------------------------------------ follow-up, calendar


def test_actions_and_every_change_of_status_with_date_and_author(client_charge, client_partner, charge_user):
    recos = make_recos(2)
    comite = m.Comite.objects.create(code="CP1", type="copil", date=D(2020, 10, 15), intitule="COPIL")
    m.Decision.objects.create(comite=comite, preconisation=recos[0], decision="adoptee")
    m.Decision.objects.create(comite=comite, preconisation=recos[1], decision="rejetee", motif="Non.")
    client_charge.post(reverse("evaluation:action_create", args=[recos[0].pk]), {
        "action": "Signer la convention santé", "responsable": "Département", "echeance": "2021-06-30",
        "statut": "non_engagee"})
    action = m.Action.objects.get()
    client_charge.post(reverse("evaluation:action_status", args=[action.pk]), {"statut": "en_cours"})
    client_charge.post(reverse("evaluation:action_status", args=[action.pk]), {"statut": "partiellement_mise_en_oeuvre"})
    history = [(h.statut, h.auteur) for h in action.historique.all()]
    assert history == [("non_engagee", str(charge_user)), ("en_cours", str(charge_user)),
                       ("partiellement_mise_en_oeuvre", str(charge_user))]
    assert all(h.date == dt.date.today() for h in action.historique.all())
    assert AuditEvent.objects.filter(target=f"action {action.code}", details__statut="en_cours").exists()
    page = client_partner.get(reverse("evaluation:suivi")).content.decode()
    assert "Signer la convention santé" in page and "Partiellement mise en œuvre" in page
    assert "Titre 2" not in page  # rejected: not followed up
    assert client_partner.post(reverse("evaluation:action_status", args=[action.pk]),
                               {"statut": "sans_objet"}).status_code == 403


def test_calendar_by_month_and_the_modalites_note(client_charge):
    client_charge.post(reverse("evaluation:jalon_create"), {"code": "J1", "intitule": "Comité de lancement",
                                                            "date": "2020-01-15", "statut": "fait"})
    client_charge.post(reverse("evaluation:jalon_create"), {"code": "J2", "intitule": "COPIL",
                                                            "date": "2020-03-10", "statut": "prevu"})
    page = client_charge.get(reverse("evaluation:calendrier")).content.decode()
    for month in ("Janvier 2020", "Février 2020", "Mars 2020"):
        assert f">{month}</h2>" in page
    assert "Comité de lancement (fait)" in page
    text = docx_text(client_charge.get(reverse("evaluation:modalites")).content)
    assert "Note de modalités opérationnelles" in text and "Comité de lancement" in text
    assert "Qui fournit quoi" in text


# ------------------------------------------------------------------------------------ the evaluation file


def test_the_file_carries_a_committees_place_time_and_agenda(plie, sample):
    from reperes.evaluation.exchange import InvalidFile, export, import_file

    sample["comites"][0].update({"heure_debut": "25:00", "ordre_du_jour": "pas une liste"})
    with pytest.raises(InvalidFile) as invalid:
        import_file(sample)
    paths = {p.as_dict()["chemin"] for p in invalid.value.problems}
    assert {"comites[0].heure_debut", "comites[0].ordre_du_jour"} <= paths
    assert not m.Comite.objects.exists()
    sample["comites"][0].update({"heure_debut": "14:30", "heure_fin": "16:00", "lieu": "Toul",
                                 "ordre_du_jour": ["Rapport", "Décisions"]})
    import_file(sample)
    item = export()["comites"][0]
    assert (item["heure_debut"], item["heure_fin"], item["lieu"], item["ordre_du_jour"]) == (
        "14:30", "16:00", "Toul", ["Rapport", "Décisions"])
    assert "heure_debut" not in export()["comites"][1]


def test_an_action_history_given_as_null_is_as_if_absent(plie, sample):
    from reperes.evaluation.exchange import import_file

    sample["actions"][0]["historique"] = None
    import_file(sample)
    action = m.Action.objects.get(code=sample["actions"][0]["id"])
    assert [h.statut for h in action.historique.all()] == [action.statut]  # the import records the status


def test_the_partner_space_lists_the_consultations_open_to_the_partners_institution(client_charge):
    import datetime as dt

    recos = make_recos(3)
    today = dt.date.today()
    m.ConsultationCampagne.objects.create(intitule="Avant le COPIL", ouverture=today - dt.timedelta(days=3),
                                          cloture=today + dt.timedelta(days=10))
    m.ConsultationCampagne.objects.create(intitule="Consultation close", ouverture=today - dt.timedelta(days=60),
                                          cloture=today - dt.timedelta(days=1))
    region = partner("region@test.fr", "Région Grand Est")
    home = client_partner_home(region)
    assert "Consultations en cours" in home and "Avant le COPIL" in home and "Consultation close" not in home
    assert f"ouverte jusqu’au {today + dt.timedelta(days=10):%d/%m/%Y}" in home
    assert "Avis de Région Grand Est donnés sur 0 préconisation sur 3" in home
    campagne = m.ConsultationCampagne.objects.get(intitule="Avant le COPIL")
    link = f"{reverse('evaluation:consultation_answer')}?consultation={campagne.pk}"
    assert link in home
    region.post(reverse("evaluation:consultation_answer"),
                {"consultation": campagne.pk, f"avis-{recos[0].pk}": "accord"})
    assert "donnés sur 1 préconisation sur 3" in client_partner_home(region)
    # another institution's opinions are not counted for this one
    mission = partner("ml@test.fr", "Mission locale")
    assert "Avis de Mission locale donnés sur 0 préconisation sur 3" in client_partner_home(mission)
    # the team does not answer consultations: no such section for them
    team = client_charge.get(reverse("partners:home"))
    assert team.status_code == 403 or "Consultations en cours" not in team.content.decode()


def client_partner_home(client) -> str:
    from html import unescape

    response = client.get(reverse("partners:home"))
    assert response.status_code == 200
    return " ".join(unescape(response.content.decode()).split())
