"""A participant answers on a 360-px-wide phone, with the keyboard; axe finds no violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    return [(v["id"], v["impact"], len(v["nodes"])) for v in Axe().run(page).response["violations"]]


def test_participant_answers_on_a_phone(browser, live_server):
    from reperes.surveys.builtin import participant_form
    from reperes.surveys.models import Campaign, Response
    from reperes.surveys.services import add_participants, import_form
    from reperes.territory.services import ensure_reference

    ensure_reference()
    version = import_form(participant_form(), "participants_falc.xlsx").version
    campaign = Campaign.objects.create(name="Avis", form_version=version)
    respondent = add_participants(campaign, 1)[0]
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"/enquetes/repondre/{respondent.token}/")
        assert page.get_by_role("heading", name="Vos réponses et vos droits").is_visible()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        other = page.get_by_label("Quelle autre chose vous a aidé ?")
        assert other.is_hidden()  # « relevant »: shown only once « Autre chose » is ticked
        page.get_by_role("checkbox", name="Autre chose").check()
        assert other.is_visible()
        page.get_by_role("checkbox", name="Autre chose").uncheck()
        assert other.is_hidden()
        page.get_by_label("Content", exact=True).check()
        page.get_by_label("Mon référent").focus()
        page.keyboard.press("Space")
        page.get_by_label("Qu'est-ce qui a changé pour vous ?").fill("J'ai repris confiance.")
        page.get_by_role("button", name="Envoyer mes réponses").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Merci pour vos réponses")
        assert axe_violations(page) == []
        assert Response.objects.get().answers == {"content": "3", "aide": ["referent"], "change": "J'ai repris confiance."}
        page.goto(f"/enquetes/repondre/{respondent.token}/")
        assert page.get_by_role("heading", name="Réponse déjà envoyée").is_visible()
    finally:
        context.close()
