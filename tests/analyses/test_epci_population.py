"""indicateurs.md: an EPCI's population is that of all its communes in the bundled reference, even when the
PLIE's territory holds only some of them."""

import pytest

pytestmark = pytest.mark.django_db


def test_per_1000_of_a_territory_holding_one_commune_of_an_epci():
    from reperes.analyses.loaders import load_dataset
    from reperes.analytics.indicators import epci_populations
    from reperes.territory.models import Commune
    from reperes.territory.services import create_territory

    create_territory("Toul seule", communes=["54528"])  # Toul, one commune of CC Terres Touloises
    siren = Commune.objects.get(code="54528").epci_siren
    by_hand = sum(c.population for c in Commune.objects.all() if c.epci_siren == siren)
    toul = Commune.objects.get(code="54528").population
    assert by_hand > toul > 0
    dataset = load_dataset()
    assert dataset.communes.height == 1
    assert epci_populations(dataset) == {siren: by_hand}
