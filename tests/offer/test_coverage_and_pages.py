"""Coverage ratios, the matrix command, the pages for each role, the XLSX export, a second territory."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from reperes.cli import offer_cmd
from reperes.offer import services
from reperes.offer.models import Figure, Service, StatImport, Structure

pytestmark = pytest.mark.django_db

TOUL, EPCI_TOUL, EPCI_MM = "54528", "200070563", "245400171"
VOSGES = ("200033868", "200096642")


def figure(code, indicateur, valeur, *, secret=False, niveau="commune", millesime="2019"):
    run = StatImport.objects.get_or_create(source="generic", source_name="test.csv")[0]
    Figure.objects.create(code_geo=code, niveau=niveau, indicateur=indicateur, millesime=millesime, source="Test",
                          valeur=None if secret else valeur, secret=secret, stat_import=run)


@pytest.fixture
def people(territory, period_2019, participant):
    # 12 accompagnés in Toul: 6 DELD (3 by criteria, 3 by seniority), 4 RSA; one left before the period
    for i in range(12):
        participant(i, commune=TOUL, epci=EPCI_TOUL, freins=["MOBILITE"] if i < 5 else [],
                    criteres=["DELD"] if i < 3 else (["RSA"] if i < 7 else []), anciennete=14 if 3 <= i < 6 else 2)
    participant(99, commune=TOUL, epci=EPCI_TOUL, entree=dt.date(2017, 1, 1), sortie=dt.date(2018, 6, 30))
    figure(TOUL, "DEFM_ABC_DELD", 120)
    figure(TOUL, "CAF_FOYERS_RSA", 80)
    figure(EPCI_TOUL, "DEFM_ABC_DELD", 600, niveau="epci")
    figure(EPCI_MM, "CAF_FOYERS_RSA", 0, secret=True, niveau="epci")
    return territory


def test_named_ratios_per_commune_and_epci(people):
    epcis, communes = services.coverage(people, dt.date(2019, 1, 1), dt.date(2019, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.accompagnes == 12 and toul.deld == 6 and toul.rsa == 4
    assert toul.ratios["deld"] == pytest.approx(6 / 120)
    assert toul.ratios["rsa"] == pytest.approx(4 / 80)  # persons over households: said on the page
    assert toul.ratios["pop"] == pytest.approx(1000 * 12 / toul.population)
    assert toul.long_term.source == "Test" and toul.long_term.millesime == "2019"
    epci = next(p for p in epcis if p.code == EPCI_TOUL)
    assert epci.ratios["deld"] == pytest.approx(6 / 600)
    mm = next(p for p in epcis if p.code == EPCI_MM)
    assert mm.ratios["rsa"] is None and mm.ratio_secret["rsa"]  # the source's secret: hatched, never a value
    # partners: a numerator below the threshold hides the ratio
    _, communes = services.coverage(people, dt.date(2019, 1, 1), dt.date(2019, 12, 31), raw=False, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.accompagnes == 12 and toul.deld is None and toul.ratio_secret["deld"]


def test_two_year_period_divides_the_yearly_average_by_the_stock(territory, participant):
    """Hand count over 2019–2020 in Toul: 4 accompagnés in 2019 only (1 DELD), 2 from 2019 through 2020
    (both DELD, one RSA), 6 in 2020 only (3 DELD, 2 RSA). 2019: 6 accompagnés (3 DELD, 1 RSA); 2020: 8
    (5 DELD, 3 RSA); yearly average 7 (4 DELD, 2 RSA) — not the 12 people of the whole period."""
    n = 0
    for i in range(4):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD"] if i == 0 else [],
                    entree=dt.date(2019, 2, 1), sortie=dt.date(2019, 11, 30))
    for i in range(2):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD", "RSA"] if i == 0 else ["DELD"],
                    entree=dt.date(2019, 5, 1))
    for i in range(6):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD"] if i < 3 else (["RSA"] if i < 5
                                                                                                 else []),
                    entree=dt.date(2020, 3, 1), sortie=dt.date(2020, 12, 1))
    figure(TOUL, "DEFM_ABC_DELD", 80)
    figure(TOUL, "CAF_FOYERS_RSA", 40)
    _, communes = services.coverage(territory, dt.date(2019, 1, 1), dt.date(2020, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert (toul.accompagnes, toul.deld, toul.rsa) == (12, 6, 3)  # the period's people, each once
    assert toul.ratios["pop"] == pytest.approx(1000 * 7 / toul.population)
    assert toul.ratios["deld"] == pytest.approx(4 / 80)
    assert toul.ratios["rsa"] == pytest.approx(2 / 40)
    # a one-year period is its own average
    _, communes = services.coverage(territory, dt.date(2020, 1, 1), dt.date(2020, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.accompagnes == 8 and toul.ratios["deld"] == pytest.approx(5 / 80)
    # the users are told which denominator a rate uses
    for ratio in services.RATIOS:
        assert "moyen d’accompagnés par année civile" in ratio.note and "stock des mêmes années" in ratio.note
    assert services.calendar_years(dt.date(2019, 7, 1), dt.date(2020, 12, 31)) == [
        (dt.date(2019, 7, 1), dt.date(2019, 12, 31)), (dt.date(2020, 1, 1), dt.date(2020, 12, 31))]


def test_a_multi_year_rate_divides_by_the_stock_of_the_same_years(territory, participant):
    """2019–2020 in Toul, by hand: 2 DELD accompagnés in 2019 only, 2 DELD from 2019 through 2020 and 4 DELD in
    2020 only: 4 in 2019, 6 in 2020, yearly average 5. Stocks: 80 long-term job seekers in 2019, 120 in 2020,
    average 100 → 5 / 100 = 5 %, not 5 / 120 (the later stock) nor 8 people / 100."""
    n = 0
    for _ in range(2):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD"], entree=dt.date(2019, 2, 1),
                    sortie=dt.date(2019, 10, 31))
    for _ in range(2):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD"], entree=dt.date(2019, 6, 1))
    for _ in range(4):
        participant(n := n + 1, commune=TOUL, epci=EPCI_TOUL, criteres=["DELD"], entree=dt.date(2020, 3, 1),
                    sortie=dt.date(2020, 11, 30))
    figure(TOUL, "DEFM_ABC_DELD", 80, millesime="2019")
    figure(TOUL, "DEFM_ABC_DELD", 120, millesime="2020")
    figure(TOUL, "DEFM_ABC_DELD", 500, millesime="2023")  # outside the period: never used
    figure(TOUL, "CAF_FOYERS_RSA", 30, millesime="2017")
    figure(TOUL, "CAF_FOYERS_RSA", 60, millesime="2023")
    _, communes = services.coverage(territory, dt.date(2019, 1, 1), dt.date(2020, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.deld == 8 and toul.ratios["deld"] == pytest.approx(5 / 100)
    assert toul.long_term.value == pytest.approx(100) and toul.long_term.millesime == "moyenne 2019–2020"
    assert "moyenne 2019–2020" in toul.long_term.provenance  # the source says which stock
    # no vintage of the period: the closest one (2017 is two years from 2019; 2023 three from 2020), said so
    assert toul.rsa_households.value == 30 and toul.rsa_households.millesime == "2017, millésime le plus proche"
    # one year of the period: that year's stock only
    _, communes = services.coverage(territory, dt.date(2020, 1, 1), dt.date(2020, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.ratios["deld"] == pytest.approx(6 / 120) and toul.long_term.millesime == "2020"
    # 2019–2021 with no 2021 stock: the two imported years, and the source says the third is missing
    _, communes = services.coverage(territory, dt.date(2019, 1, 1), dt.date(2021, 12, 31), raw=True, seuil=11)
    toul = next(p for p in communes if p.code == TOUL)
    assert toul.long_term.millesime == "moyenne 2019–2020, seuls millésimes importés de la période 2019–2021"


def test_underserved_ranking_explained(people):
    _, communes = services.coverage(people, dt.date(2019, 1, 1), dt.date(2019, 12, 31), raw=True, seuil=11)
    other = next(p for p in communes if p.code != TOUL)  # a large need and nobody accompanied
    other.long_term = services.FigureValue(480, False, "Test", "2019", None, False)
    measure, ranked = services.underserved(communes, 12)
    assert measure == "demandeurs d'emploi de longue durée"
    assert ranked[0]["code"] == other.code and ranked[0]["indice"] == 0
    assert ranked[0]["attendus"] == pytest.approx(12 * 480 / 600)
    assert "indice de couverture" in services.UNDERSERVED_METHOD


def test_matrix_command_prints_the_contract(people, cli, capsys):
    structure = Structure.objects.create(di_id="s", nom="S", code_insee=TOUL)
    Service.objects.create(di_id="v", structure=structure, nom="Scooters", type="aide-materielle",
                           thematiques=["mobilite--acceder-a-un-vehicule"], zone_eligibilite=[EPCI_TOUL])
    assert cli(offer_cmd, "offer", "matrix", "--from", "2019-01-01", "--to", "2019-12-31", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"cells", "secret"} and payload["secret"] == []
    mob = next(c for c in payload["cells"] if c["epci"] == EPCI_TOUL and c["thematique"] == "mobilite")
    assert mob == {"epci": EPCI_TOUL, "thematique": "mobilite", "demande": 5, "public_potentiel": round(600 * 5 / 12),
                   "services": 1, "actions_plie": 0, "places": None, "couverture": "totale", "statut": "couvert"}
    assert cli(offer_cmd, "offer", "matrix", "--from", "2019-01-01", "--to", "2019-12-31", "--json",
               "--diffusion") == 0
    diffused = json.loads(capsys.readouterr().out)
    index = diffused["cells"].index(next(c for c in diffused["cells"] if c["epci"] == EPCI_TOUL
                                         and c["thematique"] == "mobilite"))
    assert diffused["cells"][index]["demande"] is None
    assert f"cells.{index}.demande" in diffused["secret"]


def test_matrix_counts_the_plie_own_etapes_by_epci_and_barrier(people, cli, capsys):
    """Hand count: 3 étapes santé and 1 mobilité started in 2019 by accompagnés of Toul; one étape santé
    started in 2018 (outside the period) and one étape emploi (no barrier) do not count."""
    from reperes.collection.models import Etape, Participant

    toul = list(Participant.objects.filter(epci_siren=EPCI_TOUL, date_entree__year=2019).order_by("id")[:4])
    for n, (p, kind, start) in enumerate([(toul[0], "SANTE", dt.date(2019, 4, 1)),
                                          (toul[0], "SANTE", dt.date(2019, 9, 1)),
                                          (toul[1], "SANTE", dt.date(2019, 5, 2)),
                                          (toul[2], "MOBILITE", dt.date(2019, 6, 3)),
                                          (toul[3], "SANTE", dt.date(2018, 12, 31)),
                                          (toul[3], "EMPLOI_CDD", dt.date(2019, 7, 1))]):
        Etape.objects.create(etape_key=f"e{n}", participant=p, type_etape=kind, date_debut=start)
    assert cli(offer_cmd, "offer", "matrix", "--from", "2019-01-01", "--to", "2019-12-31", "--json") == 0
    cells = json.loads(capsys.readouterr().out)["cells"]
    by = {(c["epci"], c["thematique"]): c for c in cells}
    sante = by[(EPCI_TOUL, "sante")]  # nobody declared santé at entry: no demand, the PLIE acts
    assert sante["actions_plie"] == 3 and sante["demande"] == 0 and sante["statut"] == "sans_besoin"
    mob = by[(EPCI_TOUL, "mobilite")]  # 5 declared mobilité, no service, 1 étape mobilité
    assert (mob["demande"], mob["services"], mob["actions_plie"], mob["statut"]) == (5, 0, 1, "plie_seul")
    assert all(c["actions_plie"] == 0 for c in cells if c["epci"] != EPCI_TOUL)


def test_matrix_command_bad_dates(people, cli):
    from reperes.cli.base import UserError

    with pytest.raises(UserError, match="AAAA-MM-JJ"):
        cli(offer_cmd, "offer", "matrix", "--from", "01/01/2019")


@pytest.mark.parametrize("url", ["offer:home", "offer:territory", "offer:matrix", "offer:actors"])
def test_pages_render_for_each_role(people, client_admin, client_charge, client_partner, url):
    from django.urls import reverse

    for client in (client_admin, client_charge, client_partner):
        response = client.get(reverse(url))
        assert response.status_code == 200
        assert "Traceback" not in response.content.decode()


def test_partner_sees_the_diffusion_matrix_staff_the_raw_one(people, client_partner, client_charge):
    from django.urls import reverse

    partner = client_partner.get(reverse("offer:matrix")).content.decode()
    staff = client_charge.get(reverse("offer:matrix")).content.decode()
    assert "Version diffusion" in partner and ">s<" in partner.replace(" ", "").replace("\n", "")
    assert "effectif inférieur à 11, ou masqué pour en protéger un autre" in partner
    assert "Version diffusion" not in staff


def test_territory_page_shows_source_vintage_and_fictitious_label(people, client_charge):
    from django.urls import reverse

    Figure.objects.update(fictif=True)
    html = client_charge.get(reverse("offer:territory") + "?carte=stock_deld").content.decode()
    assert "Test, 2019, importé le" in html and "chiffre fictif" in html
    assert "foyers, pas des personnes" in html
    assert "<svg" in html and "Méthode" in html


def test_xlsx_export_is_neutralised_and_audited(people, client_partner):
    from django.urls import reverse
    from openpyxl import load_workbook

    from reperes.audit.models import AuditEvent

    Structure.objects.create(di_id="s", nom="S", code_insee=TOUL)
    response = client_partner.get(reverse("offer:matrix_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["matrice"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "diffusion" in rows[0][0]
    toul_mob = next(r for r in rows[2:] if r[1] == EPCI_TOUL and r[2] == "Mobilité")
    assert toul_mob[3] == "s"  # partners: the diffusion version
    event = AuditEvent.objects.get(action="export")
    assert event.target == "matrice-besoins-offre.xlsx" and event.details["diffusion"] is True


def test_second_territory_without_contours_renders_and_says_so(db, period_2019, client_charge, cli, capsys):
    from django.urls import reverse

    from reperes.territory.services import create_territory

    create_territory("PLIE des Hautes-Vosges", epci=VOSGES)
    html = client_charge.get(reverse("offer:territory")).content.decode()
    assert "sans contour" in html and "département 88" in html
    assert "reperes territory contours" in html
    assert client_charge.get(reverse("offer:matrix")).status_code == 200
    assert cli(offer_cmd, "offer", "matrix", "--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["cells"] == []  # no accompagné there and no service covering it: no category touched


def test_service_create_and_edit_with_plie_actions(territory, client_charge):
    from django.urls import reverse

    from reperes.collection.models import Action

    action = Action.objects.create(id_action="A1", intitule="Garage solidaire")
    structure = Structure.objects.create(di_id="s", nom="S", code_insee=TOUL)
    response = client_charge.post(reverse("offer:service_create"), {
        "structure": structure.pk, "nom": "Réparation de véhicules", "description": "", "type": "aide-materielle",
        "thematiques": ["mobilite--entretenir-reparer-son-vehicule"], "publics": [], "zone_eligibilite": "54, 88001",
        "frais": "", "code_insee": "", "places": "12", "financement": "Département", "actions": [action.pk]})
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.zone_eligibilite == ["54", "88001"] and list(service.actions.all()) == [action]
    response = client_charge.post(reverse("offer:service_edit", args=[service.pk]), {
        "structure": structure.pk, "nom": "Réparation", "thematiques": ["mobilite--entretenir-reparer-son-vehicule"],
        "publics": ["tous-publics", "jeunes"], "zone_eligibilite": "pas un code !"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ne peut pas être combiné" in html and "non reconnu" in html


def test_stats_upload_page(territory, client_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("insee.csv", f"CODGEO;P21_POP\n{TOUL};abc\n99999;3\n".encode())
    html = client_admin.post(reverse("offer:stats_upload"), {"fichier": upload, "source": "insee"}).content.decode()
    assert "non numérique" in html and "Commune inconnue" in html


def test_matrix_is_a_grid_of_needs_by_epci_with_filters_sort_and_its_rule(people, client_charge):
    from django.urls import reverse

    structure = Structure.objects.create(di_id="s-mm", nom="Garage solidaire", code_insee="54395")
    Service.objects.create(di_id="v-mm", structure=structure, nom="Location de voitures", thematiques=["mobilite"],
                           zone_eligibilite=[EPCI_MM])
    response = client_charge.get(reverse("offer:matrix"))
    grid = response.context["grid"]
    assert len(grid["columns"]) == 4  # the four EPCI of Terres de Lorraine
    mobility = next(n for n in grid["needs"] if n["code"] == "mobilite")
    by_epci = {c["epci"]: c for c in mobility["row"]}
    # 5 accompagnés of Toul have a mobility barrier and no service covers Terres Touloises: a carence.
    assert by_epci[EPCI_TOUL]["statut"] == "carence" and by_epci[EPCI_TOUL]["demande"] == 5
    # Moselle et Madon: a service but no demand: not « Couvert ».
    assert by_epci[EPCI_MM]["statut"] == "sans_besoin" and by_epci[EPCI_MM]["services"] == 1
    text = response.content.decode()
    assert "Règle des statuts." in text and 'class="rp-statut rp-statut--carence"' in text

    only = client_charge.get(reverse("offer:matrix") + "?statut=carence").context["grid"]
    assert [n["code"] for n in only["needs"]] == ["mobilite"]
    sorted_ = client_charge.get(reverse("offer:matrix") + "?tri=carences").context["grid"]
    assert sorted_["needs"][0]["code"] == "mobilite"
    one = client_charge.get(reverse("offer:matrix") + f"?epci={EPCI_MM}").context["grid"]
    assert [code for code, _ in one["columns"]] == [EPCI_MM]
    for need in grid["needs"]:
        for cell in need["row"]:
            assert not (cell["statut"] == "couvert" and (cell["couverture"] != "totale" or cell["demande"] == 0))


def test_accompagnes_frame_is_the_querysets_accompagnes_with_their_lists_and_dates(db, participant):
    """The frame is read with one SQL query (not the ORM): same people as ``Participant.objects.accompagnes``,
    the JSON lists decoded, the dates as dates, the DELD and RSA flags as the référentiel defines them."""
    from reperes.collection.models import Participant

    participant(1, commune="54099", epci="245400676", criteres=["RSA"], freins=["SANTE", "MOBILITE"])
    participant(2, commune="54099", epci="245400676", anciennete=24, entree=dt.date(2018, 5, 2),
                sortie=dt.date(2019, 1, 1), motif="CDI")
    participant(3, commune="54100", epci="245400676", entree=dt.date(2018, 1, 1), sortie=dt.date(2018, 12, 31))
    participant(4, commune="54100", epci="", entree=dt.date(2020, 1, 1))
    participant(5, commune="54100", epci="245400676", criteres=["DELD", "TH"], entree=dt.date(2019, 12, 31))
    debut, fin = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    frame = services.accompagnes_frame(debut, fin)
    expected = {p.pk: p for p in Participant.objects.accompagnes(debut, fin)}
    assert sorted(frame["pk"].to_list()) == sorted(expected) and len(expected) == 3
    by_pk = {row["pk"]: row for row in frame.to_dicts()}
    for pk, p in expected.items():
        row = by_pk[pk]
        assert row["criteres"] == p.criteres and row["freins_entree"] == p.freins_entree
        assert row["date_entree"] == p.date_entree and row["date_sortie"] == p.date_sortie
        assert (row["commune"], row["epci"], row["motif_sortie"]) == (p.commune_residence, p.epci_siren,
                                                                       p.motif_sortie)
        assert row["rsa"] == ("RSA" in p.criteres)
        assert row["deld"] == (bool({"DELD", "DETLD"} & set(p.criteres)) or (p.anciennete_chomage_mois or 0) >= 12)
    assert services.accompagnes_frame(dt.date(2010, 1, 1), dt.date(2010, 12, 31)).height == 0
