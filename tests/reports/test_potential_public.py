"""The « participants au regard du public potentiel » section uses the territory's statistics once imported."""

import datetime as dt
from types import SimpleNamespace

import pytest

from reperes.documents.model import Callout, Table
from reperes.reports.providers import potential_public


@pytest.mark.django_db
def test_potential_public_waits_for_statistics_then_shows_the_ratios(territory):
    from reperes.offer.demo import load_figures

    ctx = SimpleNamespace(debut=dt.date(2019, 1, 1), fin=dt.date(2019, 12, 31), diffusion=True, seuil=11,
                          period=None, source="Repères")
    waiting = potential_public(ctx)
    assert isinstance(waiting[0], Callout) and "Cette partie sera alimentée" in waiting[0].text
    load_figures(territory)
    (table,) = potential_public(ctx)
    assert isinstance(table, Table)
    assert len(table.rows) == 4  # the four EPCI of Terres de Lorraine
    assert "foyers, pas des personnes" in table.definition
    assert "fictif" in table.source  # demo figures are never shown as official
    # 2019 data: the institution of the time (issue 17), through the référentiel
    assert "(Pôle emploi / DARES)" in table.definition and "France Travail" not in table.definition
    later = SimpleNamespace(**{**vars(ctx), "debut": dt.date(2024, 1, 1), "fin": dt.date(2024, 12, 31)})
    (table,) = potential_public(later)
    assert "(France Travail / DARES)" in table.definition
