"""A committee held in the séance view with the keyboard alone, in Debian's Chromium; then the relevé de décisions."""

import io
import pathlib

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-de-test-2019"


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def _no_violations(page, where):
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations] == [], where


def test_a_committee_held_with_the_keyboard_alone(page):
    import datetime as dt

    import docx

    from reperes.accounts.models import User
    from reperes.evaluation import models as m

    q = m.Question.objects.create(code="Q1", critere="pertinence", texte="Question ?")
    k = m.Constat.objects.create(code="C1", texte="Constat.")
    k.questions.add(q)
    for i, titre in enumerate(("Viser l’emploi durable", "Accompagner les moins de 26 ans"), start=1):
        r = m.Preconisation.objects.create(code=f"R{i}", numero=i, titre=titre, texte=f"Texte proposé {i}.",
                                           priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
        r.constats.add(k)
    comite = m.Comite.objects.create(code="CP1", type="copil", date=dt.date(2020, 10, 15),
                                     intitule="COPIL Emploi et Insertion")
    for i, name in enumerate(("Département", "Mission locale", "État")):
        m.ComiteMembre.objects.create(comite=comite, institution=name, position=i)
    User.objects.create_user("etude@test.fr", PASSWORD, role="charge_etude")
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill("etude@test.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    # attendance: Département and Mission locale present, État absent
    page.goto(f"/evaluation/comites/{comite.pk}/seance/presences/")
    assert _focused(page).startswith("present-")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/seance/")

    # recommendation 1: amended, with its new text
    assert page.get_by_role("heading", level=1).inner_text() == "1. Viser l’emploi durable"
    _no_violations(page, "séance")
    assert _focused(page) == "id_decision_0"
    page.keyboard.press("ArrowDown")  # Amendée
    page.keyboard.press("Tab")
    page.keyboard.type("Porter le taux de sorties positives à 55 % d’ici 2025.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/seance/?n=2")

    # recommendation 2: rejected; first without its reason (refused in French), then with it
    assert page.get_by_role("heading", level=1).inner_text() == "2. Accompagner les moins de 26 ans"
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # Amendée, Ajournée, Rejetée
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Indiquez le motif du rejet" in page.get_by_role("alert").inner_text()
    assert _focused(page) == "id_motif"
    page.keyboard.type("Ce public relève de la mission locale.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/evaluation/comites/{comite.pk}/")
    assert page.get_by_role("row", name="2. Accompagner").inner_text().count("Rejetée") == 1

    # the relevé de décisions, read back with python-docx
    with page.expect_download() as info:
        page.get_by_role("link", name="Relevé de décisions (Word)").click()
    document = docx.Document(io.BytesIO(pathlib.Path(info.value.path()).read_bytes()))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert "Texte amendé\u00a0: Porter le taux de sorties positives à 55 % d’ici 2025." in text
    assert "Texte soumis au comité\u00a0: Texte proposé 1." in text
    assert "Motif\u00a0: Ce public relève de la mission locale." in text
    assert "Présents\u00a0: Département, Mission locale." in text and "Absents\u00a0: État." in text

    # the other new pages pass axe too: the committee, the follow-up, the calendar, the history
    _no_violations(page, "comité")
    m.Jalon.objects.create(code="J1", intitule="COPIL", date=dt.date(2020, 10, 15), statut="fait")
    reco = m.Preconisation.objects.get(code="R1")
    m.Action.objects.create(code="A1", preconisation=reco, action="Écrire l’objectif", responsable="PLIE",
                            echeance=dt.date(2021, 6, 30), statut="en_cours")
    for url, where in (("/evaluation/suivi/", "suivi"), ("/evaluation/calendrier/", "calendrier"),
                       (f"/evaluation/preconisations/{reco.pk}/historique/", "historique"),
                       ("/evaluation/consultations/", "consultations")):
        page.goto(url)
        _no_violations(page, where)
