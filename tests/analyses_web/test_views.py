"""The analysis dashboards for each role: raw for staff, disclosure-controlled for partners; filters; exports."""

import html
import io
import re

import pytest
from openpyxl import load_workbook

from reperes.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

PAGES = ("home", "publics", "parcours", "actions", "sorties")


def url(name):
    return f"/analyses/{'' if name == 'home' else name + '/'}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_for_every_role(plie, client_admin, client_charge, client_partner, name):
    for client in (client_admin, client_charge, client_partner):
        response = client.get(url(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert "<h1>Analyses" in body
        assert "Définition :" in body and "Dénominateur :" in body
        assert 'hx-get="/analyses/' in body and 'hx-target="#resultats"' in body


def test_pages_work_without_any_data(territory, client_admin, client_partner):
    for name in PAGES:
        assert client_admin.get(url(name)).status_code == 200
        assert client_partner.get(url(name)).status_code == 200


def test_partner_sees_suppressed_cells_and_no_referent(plie, client_partner, client_admin):
    partner = client_partner.get(url("publics")).content.decode()
    # 10 men: a group below the threshold of 11.
    assert "&lt; 11" not in partner
    assert '<td class="rp-num">s</td>' in partner or ">s<" in partner.replace(" ", "").replace("\n", "")
    assert "Secret statistique." in partner
    assert "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre" in partner
    assert "Référent de parcours" not in partner and "REF1" not in partner
    staff = client_admin.get(url("publics")).content.decode()
    assert "Vue interne." in staff
    assert "Référent de parcours (vue interne)" in staff and "REF1" in staff


def test_staff_sees_raw_counts_of_small_groups(plie, client_admin):
    page = client_admin.get(url("publics")).context["page"]
    sexe = page.block("profil-sexe")
    rows = {row[0]: row for row in sexe.values}
    assert rows["Homme"][1] == 10 and rows["Femme"][1] == 30
    # 14 / 24 positive exits for women, with a Wilson interval.
    assert rows["Femme"][5] == pytest.approx(14 / 24)
    assert any("non significatif" in note or "significatif" in note for note in sexe.notes)


def test_partner_page_never_carries_a_small_count(plie, client_partner):
    page = client_partner.get(url("publics")).context["page"]
    assert page.block("referent") is None
    rows = {row[0]: row for row in page.block("profil-sexe").values}
    assert rows["Homme"][1] == "s"
    for block in page.blocks:
        for row in block.values:
            for value in row[1:]:
                if isinstance(value, int) and not isinstance(value, bool):
                    assert value == 0 or value >= 11, (block.id, row)


def test_the_ui_says_when_a_difference_is_not_significant(plie, client_admin):
    body = html.unescape(client_admin.get(url("actions")).content.decode())
    assert "pas une évaluation d'impact" in body
    assert "non significatif" in body


def test_htmx_request_gets_the_results_fragment(plie, client_admin):
    response = client_admin.get(url("parcours") + "?par=tranche_age&debut=2019-01-01&fin=2019-12-31",
                                HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<h1>" not in body
    assert 'hx-swap-oob="true"' in body  # the theme links keep the new filters
    assert "par tranche d&#x27;âge" in body or "par tranche d'âge" in body


def test_bad_filters_give_a_french_message_and_the_default(plie, client_admin):
    response = client_admin.get(url("home") + "?debut=31/02/2019&epci=999&profil=inconnu:x&par=rien")
    body = response.content.decode()
    assert response.status_code == 200
    assert "n&#x27;est pas valide" in body and "AAAA-MM-JJ" in body
    assert "ne fait pas partie du territoire" in body
    assert "Ce profil n&#x27;existe pas" in body and "Cette ventilation n&#x27;existe pas" in body
    response = client_admin.get(url("home") + "?debut=2019-12-31&fin=2019-01-01")
    assert "La fin de la période précède son début" in response.content.decode()


def test_filters_change_the_population(plie, client_admin):
    everyone = client_admin.get(url("home")).context["page"].block("indicateurs")
    men = client_admin.get(url("home") + "?profil=sexe:Homme").context["page"].block("indicateurs")
    assert everyone.values[0][1] == 40 and men.values[0][1] == 10


def test_export_xlsx_opens_and_is_neutralised_and_audited(plie, client_admin):
    response = client_admin.get("/analyses/export/?page=actions&bloc=par-action&format=xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=Accompagnement renforcé (A1)" in cells  # formula-looking text neutralised
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.target == "analyses:actions:par-action" and event.details["format"] == "xlsx"
    assert event.details["diffusion"] is False


def test_export_csv_for_partner_is_the_protected_table(plie, client_partner):
    response = client_partner.get("/analyses/export/?page=publics&bloc=profil-sexe&format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Homme;s" in text and "< 11" not in text
    assert text.rstrip().endswith("s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre")
    assert AuditEvent.objects.get(action=Action.EXPORT).details["diffusion"] is True
    # No référent table for partners, even by URL.
    assert client_partner.get("/analyses/export/?page=publics&bloc=referent&format=csv").status_code == 404


def test_export_bad_requests(plie, client_admin):
    response = client_admin.get("/analyses/export/?page=nulle&bloc=x&format=xlsx")
    assert response.status_code == 400 and "ne peut pas être exporté" in response.content.decode()
    assert client_admin.get("/analyses/export/?page=home&bloc=x&format=pdf").status_code == 400
    assert client_admin.get("/analyses/export/?page=home&bloc=inconnu&format=csv").status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_determinants_say_why_there_is_no_model(plie, client_admin):
    body = client_admin.get(url("sorties")).content.decode()
    assert "Pas de modèle" in body and "200" in body


def test_pages_are_cached_and_follow_the_data(plie, client_admin):
    from reperes.collection.models import Participant

    first = client_admin.get(url("home")).context["page"]
    again = client_admin.get(url("home")).context["page"]
    assert again.version == first.version
    Participant.objects.filter(id_hash="h000").delete()
    after = client_admin.get(url("home")).context["page"]
    assert after.version != first.version
    assert after.block("indicateurs").values[0][1] == 39


def test_series_by_year_and_communes(plie, client_admin, client_partner):
    years = {row[0]: row for row in client_admin.get(url("home")).context["page"].block("annees").values}
    # Everybody entered on 2018-06-01; 30 left on 2019-06-01, 16 of them positively.
    assert years["2018"][2] == 40 and years["2019"][3] == 30 and years["2019"][4] == 16
    assert years["2019"][5] == pytest.approx(16 / 30)
    communes = {row[0]: row for row in client_partner.get(url("publics")).context["page"].block("commune").values}
    assert communes["Toul"][1] == 40


# --------------------------------------------------------------------------- charts drawn on their own request

CHART_URL = re.compile(r'hx-get="(/analyses/graphique/([0-9a-f]{64})/\?[^"]*)"')


@pytest.fixture
def empty_cache():
    from django.core.cache import cache

    from reperes.analyses import services

    cache.clear()
    services._PENDING.clear()
    yield
    cache.clear()


def test_a_page_shows_its_figures_at_once_and_each_chart_arrives_on_its_own(plie, client_charge, empty_cache):
    first = client_charge.get(url("parcours")).content.decode()
    pending = CHART_URL.findall(first)
    assert pending, "charts not drawn yet are placeholders"
    assert "Graphique en préparation" in first and "Définition :" in first
    for chart_url, _key in pending:
        response = client_charge.get(html.unescape(chart_url), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert response.content.decode().lstrip().startswith("<svg")
    # Drawn once, the charts are part of the page from then on.
    again = client_charge.get(url("parcours")).content.decode()
    assert not CHART_URL.findall(again)
    assert again.count("<svg") >= len(pending)


def test_another_process_draws_a_chart_by_computing_the_page_again(plie, client_charge, empty_cache):
    from reperes.analyses import services

    chart_url, _key = CHART_URL.findall(client_charge.get(url("sorties")).content.decode())[0]
    services._PENDING.clear()  # the chart request reaches a worker that did not compute the page
    response = client_charge.get(html.unescape(chart_url))
    assert response.content.decode().lstrip().startswith("<svg")


def test_a_partner_cannot_fetch_a_chart_of_the_staff_page(plie, client_admin, client_partner, empty_cache):
    staff_keys = {key for _url, key in CHART_URL.findall(client_admin.get(url("publics")).content.decode())}
    partner_keys = {key for _url, key in CHART_URL.findall(client_partner.get(url("publics")).content.decode())}
    only_staff = staff_keys - partner_keys
    assert only_staff, "raw and disclosure-controlled charts differ"
    for key in only_staff:
        response = client_partner.get(f"/analyses/graphique/{key}/?page=publics")
        assert response.status_code == 200
        assert "<svg" not in response.content.decode()
        assert "plus à jour" in response.content.decode()


def test_a_malformed_chart_key_is_not_found(client_charge):
    assert client_charge.get("/analyses/graphique/pas-une-cle/?page=home").status_code == 404
    assert client_charge.get(f"/analyses/graphique/{'Z' * 64}/?page=home").status_code == 404


def test_warming_after_an_import_prepares_every_default_page_with_its_charts(plie, client_charge, client_partner,
                                                                           empty_cache):
    from reperes.analyses import services

    drawn = services.warm()

    assert drawn > 0
    for client in (client_charge, client_partner):
        for name in PAGES:
            body = client.get(url(name)).content.decode()
            assert not CHART_URL.findall(body), (name, "every chart already drawn")
    assert services.warm() == 0  # nothing left to draw


# --------------------------------------------------------------------------- exports for French Excel


def test_xlsx_export_has_number_formats_two_interval_columns_and_a_note(plie, client_admin):
    """Exits by category and by year: the rate of positive exits and its Wilson interval, checked by hand.

    30 exits in 2019, 16 positive (14 women, 2 men): 16/30 over everyone.
    """
    from statsmodels.stats.proportion import proportion_confint

    response = client_admin.get("/analyses/export/?page=home&bloc=categories&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    share = headers.index("Part des sorties")
    positive = next(r for label, r in rows.items() if label and label.startswith("Sortie positive"))
    assert positive[share].value == pytest.approx(16 / 30)
    assert positive[share].number_format == "0.0%"
    count = headers.index("Sorties")
    assert positive[count].value == 16 and positive[count].number_format == "#,##0"
    assert sheet["A1"].comment is not None and "Définition" in sheet["A1"].comment.text
    assert "Source : Repères" in sheet["A1"].comment.text

    response = client_admin.get("/analyses/export/?page=home&bloc=annees&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    low = next(i for i, h in enumerate(headers) if h.endswith(": borne basse"))
    assert headers[low + 1].endswith(": borne haute")
    year_2019 = next(r for r in sheet.iter_rows(min_row=2) if str(r[0].value) == "2019")
    expected_low, expected_high = proportion_confint(16, 30, method="wilson")
    assert year_2019[low].value == pytest.approx(expected_low, abs=1e-4)
    assert year_2019[low + 1].value == pytest.approx(expected_high, abs=1e-4)
    assert year_2019[low].number_format == "0.0%"


def test_csv_for_french_excel_has_decimal_commas_and_plain_csv_decimal_points(plie, client_admin):
    import csv

    french = client_admin.get("/analyses/export/?page=home&bloc=categories&format=csv")
    assert french.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(french.content.decode("utf-8-sig")), delimiter=";"))
    share = rows[0].index("Part des sorties")
    positive = next(r for r in rows[1:] if r[0].startswith("Sortie positive"))
    assert "," in positive[share] and "." not in positive[share]
    assert float(positive[share].replace(",", ".")) == pytest.approx(16 / 30)

    plain = client_admin.get("/analyses/export/?page=home&bloc=categories&format=csv-standard")
    assert not plain.content.startswith("\ufeff".encode())
    assert plain["Content-Disposition"].endswith('-standard.csv"')
    rows = list(csv.reader(io.StringIO(plain.content.decode("utf-8"))))
    positive = next(r for r in rows[1:] if r[0].startswith("Sortie positive"))
    assert float(positive[share]) == pytest.approx(16 / 30)

    page = client_admin.get(url("sorties")).content.decode()
    assert "CSV pour Excel (France)" in page and "CSV standard" in page


def test_charts_download_as_png_and_svg(plie, client_admin):
    page = client_admin.get(url("sorties")).context["page"]
    key = next(b.chart_key for b in page.blocks if b.chart_key)
    png = client_admin.get(f"/analyses/graphique/{key}/?page=sorties&telecharger=png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    from reperes.analyses import services

    services.clear_caches()  # a page from another process: the chart is found again
    svg = client_admin.get(f"/analyses/graphique/{key}/?page=sorties&telecharger=svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and svg["Content-Disposition"].endswith('.svg"')
    assert client_admin.get(f"/analyses/graphique/{'0' * 64}/?page=sorties&telecharger=png").status_code == 404


def test_definitions_page_is_generated_from_the_registry(plie, client_partner):
    from reperes.analytics.indicators import CORE_INDICATORS

    response = client_partner.get("/analyses/definitions/")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    shown = [i for i in CORE_INDICATORS if not i.staff_only]
    assert shown and all(i.label in text and i.definition in text for i in shown)
    assert not any(i.label in text for i in CORE_INDICATORS if i.staff_only and
                   all(i.label != j.label for j in shown))
    page = html.unescape(client_partner.get(url("home")).content.decode())
    assert "docs/indicateurs.md" not in page and "/analyses/definitions/" in page


def test_rates_on_fewer_people_than_the_threshold_are_flagged_fragile_for_staff(plie, client_admin, client_partner):
    # 6 men left in 2019 (2 positive): a rate on 6 people, below the threshold of 11.
    block = client_admin.get(url("publics")).context["page"].block("profil-sexe")
    men = next(row for row in block.rows if row[0] == "Homme")
    assert men[5].endswith("(fragile)") and men[5].startswith("33,3")
    women = next(row for row in block.rows if row[0] == "Femme")
    assert "fragile" not in women[5]  # 24 exits
    assert any("moins de 11 personnes" in note for note in block.notes)
    partner = client_partner.get(url("publics")).context["page"].block("profil-sexe")
    assert not any("fragile" in str(cell) for row in partner.rows for cell in row)  # hidden there, not flagged
