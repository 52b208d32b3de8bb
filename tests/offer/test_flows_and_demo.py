"""The flow diagram (accessible SVG, data table, hidden bands), the actors page, the demo figures."""

from __future__ import annotations

import datetime as dt

import pytest

from reperes.charts.flows import flow_diagram


def test_flow_diagram_is_accessible_and_carries_its_table():
    chart = flow_diagram({"France Travail": 120, "Mission locale": None}, {"Sortie positive": 40, "En cours": 90},
                         title="Flux", source_label="De", destination_label="Vers")
    svg = chart.svg(id="f")
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert chart.table.headers == ("De", "Vers", "Participants")
    assert chart.table.rows[1] == ("Mission locale", "PLIE", "s")
    assert chart.table.values[1] == ("Mission locale", "PLIE", None)
    assert "hachurées" in chart.description and "Mission locale : s" in chart.description
    assert chart.png()[:4] == b"\x89PNG"


def test_empty_flow_diagram_says_so():
    chart = flow_diagram({}, {}, title="Flux")
    assert "aucun" in chart.description and chart.svg()


@pytest.mark.django_db
def test_actors_page_protects_flows_against_the_total(territory, period_2019, participant, client_partner,
                                                      client_charge):
    from django.urls import reverse

    for i in range(40):
        participant(i, commune="54528", epci="200070563", prescripteur="FRANCE_TRAVAIL" if i < 35 else "CAP_EMPLOI",
                    sortie=dt.date(2019, 6, 1) if i < 3 else None, motif="EMPLOI_CDI" if i < 3 else "")
    partner = client_partner.get(reverse("offer:actors")).content.decode()
    # 3 exits: hidden, and the « still accompanied » band too, else 40 − 37 would give them back
    assert "Toujours accompagnés à la fin de la période (s)" not in partner
    assert "37" not in partner.split("Des prescripteurs aux sorties")[1].split("</figure>")[0]
    staff = client_charge.get(reverse("offer:actors")).content.decode()
    assert "Cap emploi" in staff and "role=\"img\"" in staff


@pytest.mark.django_db
def test_demo_figures_are_labelled_fictitious(territory, tmp_path):
    from reperes.offer.demo import load_demo
    from reperes.offer.models import Figure, Service

    load_demo(territory, tmp_path / "offre")
    assert Figure.objects.exists() and not Figure.objects.filter(fictif=False).exists()
    assert set(Figure.objects.values_list("source", flat=True)) == {"Démonstration (chiffres fictifs)"}
    assert Figure.objects.filter(secret=True).exists()  # small communes: secret, as published files do
    assert Service.objects.count() >= 8


@pytest.mark.django_db
def test_report_maps_for_partners(territory, period_2019):
    from reperes.offer.demo import load_figures
    from reperes.offer.services import MAPS, report_maps

    load_figures(territory)
    charts = report_maps(territory, dt.date(2019, 1, 1), dt.date(2019, 12, 31), raw=False, seuil=11)
    assert len(charts) == len(MAPS)
    assert all(len(c.table.rows) == territory.communes.count() for c in charts)
    deld = charts[list(MAPS).index("stock_deld")]
    # the source's secret cells: « s », in their own legend class (not « données insuffisantes »)
    assert any(list(row[2:]) == ["s", "s : secret statistique"] for row in deld.table.rows)
    assert "communes quadrillées : valeur non diffusée" in deld.description
