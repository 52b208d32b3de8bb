"""The evaluation pages: retain a figure, findings retained vs now, recommendations, traceability, roles."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from reperes.audit.models import AuditEvent
from reperes.evaluation import models as m

pytestmark = pytest.mark.django_db
PERIOD = {"debut": "2019-01-01", "fin": "2019-12-31"}


def retain(client, **extra):
    data = {"indicateur": "sorties", **PERIOD, "epci": "", "profil": "", "origine": "Vue d'ensemble",
            "constat": "", "texte": "Les sorties restent peu nombreuses.", "questions": [], **extra}
    return client.post(reverse("evaluation:retain"), data)


def test_a_new_instance_proposes_the_questions_of_the_call(client_charge):
    page = client_charge.get(reverse("evaluation:home")).content.decode()
    assert m.Question.objects.count() == 7
    for criterion in ("Pertinence", "Cohérence", "Efficacité", "Efficience", "Impact", "Durabilité"):
        assert f">{criterion}</h2>" in page
    assert "complète-t-elle celle du territoire" in page and "expérimentations" in page
    assert AuditEvent.objects.filter(action="evaluation").exists()
    client_charge.get(reverse("evaluation:home"))
    assert m.Question.objects.count() == 7  # once only


def test_a_partner_visit_writes_nothing(client_partner):
    assert client_partner.get(reverse("evaluation:home")).status_code == 200
    assert m.Question.objects.count() == 0


def test_retain_a_figure_into_a_new_finding(plie, client_charge):
    client_charge.get(reverse("evaluation:home"))
    q = m.Question.objects.get(code="Q6")
    response = retain(client_charge, questions=[q.pk])
    constat = m.Constat.objects.get()
    assert response.status_code == 302 and response.url == reverse("evaluation:constat_detail", args=[constat.pk])
    preuve = constat.preuves.get()
    assert (preuve.indicateur, preuve.debut, preuve.fin) == ("sorties", dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert preuve.valeur_initiale == 17  # by hand: 12 women + 5 men left in 2019
    assert list(constat.questions.all()) == [q]
    event = AuditEvent.objects.filter(action="evaluation").first()
    assert event.target == f"constat {constat.code}" and event.details["indicateur"] == "sorties"


def test_retain_into_an_existing_finding_and_errors_in_french(plie, client_charge):
    client_charge.get(reverse("evaluation:home"))
    response = retain(client_charge)  # a new finding needs a question
    assert "Cochez au moins une question" in response.content.decode()
    assert not m.Constat.objects.exists()
    retain(client_charge, questions=[m.Question.objects.first().pk])
    constat = m.Constat.objects.get()
    retain(client_charge, constat=constat.pk, indicateur="taux_sorties_positives", texte="")
    assert m.Constat.objects.count() == 1
    assert constat.preuves.get(indicateur="taux_sorties_positives").valeur_initiale == pytest.approx(10 / 17)
    response = retain(client_charge, constat=constat.pk, indicateur="taux_de_bonheur")
    assert response.status_code == 200 and constat.preuves.count() == 2


def test_a_figure_that_changed_is_flagged_never_replaced(plie, client_charge):
    from reperes.analyses import services
    from reperes.collection.models import Participant

    client_charge.get(reverse("evaluation:home"))
    retain(client_charge, questions=[m.Question.objects.first().pk])
    constat = m.Constat.objects.get()
    page = client_charge.get(reverse("evaluation:constat_detail", args=[constat.pk])).content.decode()
    assert "inchangée" in page and "à revoir" not in page
    person = Participant.objects.filter(date_sortie__isnull=True).first()
    person.date_sortie, person.motif_sortie = dt.date(2019, 9, 1), "EMPLOI_CDI"
    person.save()
    services.clear_caches()
    page = client_charge.get(reverse("evaluation:constat_detail", args=[constat.pk])).content.decode()
    assert "à revoir" in page
    assert '<td class="rp-num">17</td>' in page and '<td class="rp-num">18</td>' in page
    assert constat.preuves.get().valeur_initiale == 17


def test_partner_sees_only_protected_figures(plie, client_charge, client_partner):
    client_charge.get(reverse("evaluation:home"))
    retain(client_charge, questions=[m.Question.objects.first().pk], profil="sexe:Homme")
    constat = m.Constat.objects.get()
    staff = client_charge.get(reverse("evaluation:constat_detail", args=[constat.pk])).content.decode()
    assert '<td class="rp-num">5</td>' in staff
    page = client_partner.get(reverse("evaluation:constat_detail", args=[constat.pk])).content.decode()
    assert '<td class="rp-num">5</td>' not in page and ">s<" in page and "secret statistique" in page
    assert "Modifier le constat" not in page
    payload = client_partner.get(reverse("evaluation:export_json")).json()
    assert payload["diffusion"] is True and payload["constats"][0]["preuves"][0]["valeur"] is None
    assert "consultations" not in payload


def test_partner_cannot_change_anything(plie, client_partner, charge_user):
    for name in ("retain", "constat_create", "preconisation_create", "question_create", "import"):
        assert client_partner.post(reverse(f"evaluation:{name}"), {"texte": "x"}).status_code == 403
    assert not m.Constat.objects.exists() and not m.Preconisation.objects.exists()


def _finding(client):
    client.get(reverse("evaluation:home"))
    retain(client, questions=[m.Question.objects.get(code="Q6").pk], indicateur="taux_sorties_positives")
    return m.Constat.objects.get()


def test_write_a_recommendation_with_a_target_and_its_baseline(plie, client_charge):
    constat = _finding(client_charge)
    data = {"numero": 1, "titre": "Viser l’emploi durable", "texte": "Porter le taux à 60 %.",
            "constats": [constat.pk], "priorite": "haute", "horizon": "2021-2025", "pilote": "PLIE",
            "article": "objectifs", "cible_indicateur": "taux_sorties_positives", "cible_valeur": "0.6",
            "cible_echeance": "2025-12-31"}
    assert client_charge.post(reverse("evaluation:preconisation_create"), data).status_code == 302
    reco = m.Preconisation.objects.get()
    assert reco.code == "R1" and reco.cible_valeur == 0.6
    page = client_charge.get(reverse("evaluation:preconisations")).content.decode()
    # latest date in the data: 2019-06-01 → base year 2018, when nobody left: no rate (–)
    assert "Viser l’emploi durable" in page and "base 2018" in page
    bad = dict(data, numero=2, constats=[], horizon="bientôt", cible_valeur="")
    page = client_charge.post(reverse("evaluation:preconisation_create"), bad).content.decode()
    assert "Cochez au moins un constat" in page and "Saisissez une année" in page
    assert "Une cible a un indicateur, une valeur et une échéance" in page
    assert m.Preconisation.objects.count() == 1


def test_traceability_both_ways(plie, client_charge, client_partner):
    constat = _finding(client_charge)
    reco = m.Preconisation.objects.create(code="R1", numero=1, titre="Viser l’emploi durable", texte="…",
                                          priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
    reco.constats.add(constat)
    page = client_charge.get(reverse("evaluation:trace")).content.decode()
    assert "Taux de sorties positives" in page and "année 2019" in page
    assert "n° 1 – Viser l’emploi durable" in page
    assert "58,8" in page  # 10 / 17, by hand


def test_register_exports_open_in_excel_and_word(plie, client_charge):
    import docx
    import openpyxl

    constat = _finding(client_charge)
    reco = m.Preconisation.objects.create(code="R1", numero=1, titre="Viser l’emploi durable", texte="Porter …",
                                          priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
    reco.constats.add(constat)
    response = client_charge.get(reverse("evaluation:register_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "N°" and rows[1][:2] == (1, "Viser l’emploi durable") and rows[1][3] == constat.code
    response = client_charge.get(reverse("evaluation:register_export", args=["docx"]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "1. Viser l’emploi durable" in text
    assert AuditEvent.objects.filter(action="export", target__contains="registre").count() == 2
    assert client_charge.get(reverse("evaluation:register_export", args=["pdf"])).status_code == 404


def test_the_analyses_offer_retain_to_staff_only(plie, client_charge, client_partner):
    assert "Retenir comme preuve" in client_charge.get(reverse("analyses:home")).content.decode()
    assert "Retenir comme preuve" not in client_partner.get(reverse("analyses:home")).content.decode()


def test_retain_a_cell_of_the_matrix(plie, client_charge, client_partner):
    client_charge.get(reverse("evaluation:home"))
    page = client_charge.get(reverse("offer:matrix")).content.decode()
    assert "Retenir comme preuve<span class=\"rp-visually-hidden\"> : Mobilité" in page
    assert "Retenir comme preuve" not in client_partner.get(reverse("offer:matrix")).content.decode()
    params = {"type": "matrice", "thematique": "mobilite", "cellule_epci": "200070563", **PERIOD,
              "origine": "Matrice", "texte": "La mobilité manque autour de Toul.",
              "questions": [m.Question.objects.get(code="Q3").pk]}
    form = client_charge.get(reverse("evaluation:retain"), params).content.decode()
    assert "Matrice besoins × offre : Mobilité, EPCI 200070563, année 2019" in form
    assert 'name="besoin" value="MOBILITE"' in form  # what the browser posts back
    assert client_charge.post(reverse("evaluation:retain"), dict(params, besoin="MOBILITE")).status_code == 302
    preuve = m.Preuve.objects.get()
    assert (preuve.type, preuve.besoin, preuve.epci) == ("matrice", "MOBILITE", "200070563")
    # by hand: the 15 participants with an odd index have the barrier; no offer is loaded
    assert preuve.valeur_initiale["demande"] == 15 and preuve.valeur_initiale["statut"] == "carence"
    page = client_charge.get(reverse("evaluation:constat_detail", args=[preuve.constat.pk])).content.decode()
    assert "Carence : demande 15, 0 service(s)" in page


def test_retain_a_coded_excerpt(client_charge):
    from reperes.surveys.models import Excerpt, Theme

    client_charge.get(reverse("evaluation:home"))
    theme = Theme.objects.create(code="manques", label="Manques")
    excerpt = Excerpt.objects.create(theme=theme, audience="institution", text="Il manque un garage solidaire.")
    # the qualitative synthesis offers it, as the interview page does
    synthesis = client_charge.get(reverse("surveys:synthesis")).content.decode()
    link = f"{reverse('evaluation:retain')}?type=verbatim&amp;extrait={excerpt.pk}&amp;origine=Synth%C3%A8se"
    assert link in synthesis
    form = client_charge.get(reverse("evaluation:retain"), {"type": "verbatim", "extrait": excerpt.pk})
    assert "Il manque un garage solidaire." in form.content.decode()
    response = client_charge.post(reverse("evaluation:retain"), {
        "type": "verbatim", "theme": "manques", "citation": "Il manque un garage solidaire.",
        "texte": "La réparation automobile manque.", "questions": [m.Question.objects.first().pk]})
    assert response.status_code == 302
    preuve = m.Preuve.objects.get()
    assert (preuve.type, preuve.theme, preuve.texte) == ("verbatim", "manques", "Il manque un garage solidaire.")


def test_import_page_all_or_nothing(client_charge, sample):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = dict(sample, comites=[dict(sample["comites"][0], decisions=[{"preconisation": "R1", "decision": "rejetee"}])])
    upload = SimpleUploadedFile("evaluation.json", json.dumps(bad).encode(), content_type="application/json")
    page = client_charge.post(reverse("evaluation:import"), {"fichier": upload}).content.decode()
    assert "Rien n’a été enregistré" in page
    assert "comites[0].decisions[0].motif : motif obligatoire pour une décision « rejetee »" in page
    assert not m.Question.objects.exists()
    upload = SimpleUploadedFile("evaluation.json", json.dumps(sample).encode(), content_type="application/json")
    page = client_charge.post(reverse("evaluation:import"), {"fichier": upload}).content.decode()
    assert "Fichier chargé." in page and m.Preconisation.objects.count() == 2
    assert AuditEvent.objects.filter(action="evaluation", target="import du fichier d'évaluation").exists()


def test_edit_a_question(client_charge):
    client_charge.get(reverse("evaluation:home"))
    question = m.Question.objects.get(code="Q2")
    url = reverse("evaluation:question_edit", args=[question.pk])
    page = client_charge.post(url, {"code": "Q1", "critere": "coherence", "texte": "Autre ?"}).content.decode()
    assert "L’identifiant « Q1 » est déjà utilisé" in page
    response = client_charge.post(url, {"code": "Q2", "critere": "efficience", "texte": "Les moyens suffisent-ils ?"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.critere, question.texte) == ("efficience", "Les moyens suffisent-ils ?")
    assert AuditEvent.objects.filter(action="evaluation", target="question Q2").exists()
