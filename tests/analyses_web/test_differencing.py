"""The differencing attacks of issue 12, replayed as a partner through the pages, the exports and the CLI.

« Sorties of 2019 minus sorties of 1 January – 30 December 2019 » gives the exits of 31 December (one
person here); « everybody minus a profile » gives the complement. A partner must get nothing from either;
staff keep the free periods and filters (checked too, so that the attack is shown to work on raw data).
"""

import csv
import datetime as dt
import io
import json

import pytest

from reperes.analyses import services

D = dt.date
EXPORT = "/analyses/export/?page=home&bloc=indicateurs&format=csv"


@pytest.fixture
def year_end(plie):
    """The plie of the conftest, plus one exit on 31 December 2019 (a death): the person the attack isolates."""
    from reperes.collection.models import Participant

    Participant.objects.create(
        id_hash="h999", sexe="F", age_entree=33, commune_residence="54528", epci_siren="200070563",
        niveau_formation="NIV_3", situation_entree="DE", criteres=[], freins_entree=[], prescripteur="FRANCE_TRAVAIL",
        referent="REF1", date_entree=D(2018, 6, 1), date_sortie=D(2019, 12, 31), motif_sortie="DECES")
    services.clear_caches()


def key_figures(client, **params) -> dict[str, str]:
    query = "".join(f"&{key}={value}" for key, value in params.items())
    response = client.get(EXPORT + query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[1] for row in rows[1:] if len(row) > 1}


def test_one_day_shorter_gives_a_partner_the_same_whole_year(year_end, client_partner, client_charge):
    staff_year = key_figures(client_charge, debut="2019-01-01", fin="2019-12-31")
    staff_short = key_figures(client_charge, debut="2019-01-01", fin="2019-12-30")
    assert int(staff_year["Sorties"]) - int(staff_short["Sorties"]) == 1  # the attack, on raw data
    year = key_figures(client_partner, debut="2019-01-01", fin="2019-12-31")
    short = key_figures(client_partner, debut="2019-01-01", fin="2019-12-30")
    assert short == year  # the partner asked for 364 days and got the year: nothing to subtract
    page = client_partner.get("/analyses/sorties/?debut=2019-01-01&fin=2019-12-30")
    assert page.context["page"].filters.fin == D(2019, 12, 31)
    assert "année civile entière" in page.content.decode()
    other = client_partner.get("/analyses/?debut=2019-03-01&fin=2019-03-31").context["page"]
    assert (other.filters.debut, other.filters.fin) == (D(2019, 1, 1), D(2019, 12, 31))


def test_each_profile_filter_against_the_whole_gives_a_partner_nothing(year_end, client_partner, client_charge):
    whole = key_figures(client_partner, debut="2019-01-01", fin="2019-12-31")
    staff_whole = key_figures(client_charge, debut="2019-01-01", fin="2019-12-31")
    differs_for_staff = False
    for _label, choices in services.profile_choices():
        for value, _group in choices:
            filtered = key_figures(client_partner, debut="2019-01-01", fin="2019-12-31", profil=value)
            assert filtered == whole, value  # the filter is not applied for a partner
            staff = key_figures(client_charge, debut="2019-01-01", fin="2019-12-31", profil=value)
            differs_for_staff |= staff != staff_whole
    assert differs_for_staff  # the filters do filter, for staff
    epci = key_figures(client_partner, debut="2019-01-01", fin="2019-12-31", epci="200070563")
    assert epci == whole
    page = client_partner.get("/analyses/publics/?profil=sexe:Femme")
    assert page.context["page"].filters.profil == "" and "ne filtre pas la page" in page.content.decode()


def test_partner_pages_and_exports_show_the_mark_and_its_note(year_end, client_partner):
    text = client_partner.get("/analyses/export/?page=publics&bloc=profil-sexe&format=csv").content.decode("utf-8-sig")
    assert "s\u00a0: effectif inférieur à 11, ou masqué pour en protéger un autre" in text
    page = client_partner.get("/analyses/publics/").content.decode()
    assert page.count("ou masqué pour en protéger un autre") >= 2  # under the tables
    assert "&lt; 11" not in page
    # the XLSX a partner downloads: « s » in the cells, the legend in the note, no count from 1 to 10
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client_partner.get(
        "/analyses/export/?page=publics&bloc=profil-sexe&format=xlsx").content))
    sheet = book.worksheets[0]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "s" in values
    assert not [v for v in values if isinstance(v, int) and 0 < v < 11]
    assert "effectif inférieur à 11, ou masqué pour en protéger un autre" in sheet["A1"].comment.text


def test_disclosure_audit_cli_passes_on_the_year_and_fails_one_day_short(year_end, capsys):
    from reperes.cli import main

    assert main(["disclosure", "audit", "--from", "2019-01-01", "--to", "2019-12-31", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is True and result["publications"][0]["cases"]
    assert main(["disclosure", "audit", "--from", "2019-01-01", "--to", "2019-12-30", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert not result["ok"] and any("« Sorties »" in message for message in result["echecs"])
    assert main(["disclosure", "audit", "--from", "2019-01-01", "--to", "2019-12-31"]) == 0
    assert "les publications peuvent être diffusées" in capsys.readouterr().out


def test_partner_exit_pages_show_the_cells_of_the_partner_json(year_end, client_partner):
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics import period_publication as publication
    from reperes.configuration.models import Installation

    payload = publication.build(load_dataset(), D(2019, 1, 1), D(2019, 12, 31),
                                Installation.get().seuil).payload(True)["indicateurs"]
    page = client_partner.get("/analyses/sorties/?debut=2019-01-01&fin=2019-12-31").context["page"]
    rows = {row[0]: row[2] for row in page.block("motifs").values}
    from reperes.referentiel.codes import MOTIF_SORTIE

    for motif in MOTIF_SORTIE:
        json_value = payload["sorties_par_motif"][motif.code]
        assert rows[motif.label] == ("s" if json_value is None else json_value), motif.code
    assert payload["sorties_par_motif"]["DECES"] is None and rows["Décès"] == "s"  # the death of 31 December


def test_indicators_diffusion_json_is_refused_one_day_short_of_the_year(year_end, capsys):
    from reperes.cli import main

    assert main(["indicators", "--from", "2019-01-01", "--to", "2019-12-31", "--json", "--diffusion"]) == 0
    assert json.loads(capsys.readouterr().out)["diffusion"] is True
    assert main(["indicators", "--from", "2019-01-01", "--to", "2019-12-30", "--json", "--diffusion"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "n'est pas produite" in captured.err and "années civiles entières" in captured.err
    assert main(["indicators", "--from", "2019-01-01", "--to", "2019-12-30", "--json"]) == 0  # staff: raw


def test_a_partner_sees_the_publications_cells_on_the_pages_and_the_map(year_end, client_partner, capsys):
    """One publication, one decision: the EPCI row of « Publics », the dashboard and the JSON agree."""
    from reperes.cli import main

    assert main(["indicators", "--from", "2019-01-01", "--to", "2019-12-31", "--json", "--diffusion"]) == 0
    published = json.loads(capsys.readouterr().out)["indicateurs"]
    page = client_partner.get("/analyses/publics/?debut=2019-01-01&fin=2019-12-31").context["page"]
    epci = {row[0]: row[1] for row in page.block("epci").rows}
    assert epci["CC Terres Touloises"] == str(published["accompagnes_par_epci"]["200070563"]) == "41"
    # Toul holds everybody: the commune shows what its EPCI shows, no other commune of the EPCI is hidden.
    communes = {row[0]: row[1] for row in page.block("commune").rows}
    assert communes["Toul"] == "41" and "s" not in {communes[n] for n in communes if n != "Toul"}
    board = client_partner.get("/").context["board"]
    assert board.accompagnes == published["participants_accompagnes"] == 41
    now = {c.label: c.current for c in board.comparison}
    assert now["Sorties"] == published["sorties"] and now["Entrées"] == published["entrees"]


def test_indicators_for_partners_cover_whole_calendar_years(year_end, capsys):
    """A week of June and the next week are nested in nothing a partner may ask: only whole years are released."""
    from reperes.cli import main

    for to in ("2019-06-07", "2019-06-14"):
        assert main(["indicators", "--from", "2019-06-01", "--to", to, "--json", "--diffusion"]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and "--from 2019-01-01 --to 2019-12-31" in captured.err
    assert main(["indicators", "--from", "2018-01-01", "--to", "2019-12-31", "--json", "--diffusion"]) == 0
    assert json.loads(capsys.readouterr().out)["periode"] == {"debut": "2018-01-01", "fin": "2019-12-31"}
    # Staff keep the period they ask for.
    assert main(["indicators", "--from", "2019-06-01", "--to", "2019-06-07", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["periode"] == {"debut": "2019-06-01", "fin": "2019-06-07"}
