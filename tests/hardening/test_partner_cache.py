"""Capacity: what every partner sees (the same protected figures) is computed once per data version, and
computed again as soon as the data, the offer or the settings change; staff pages are never shared."""

from __future__ import annotations

import pickle

import pytest
from django.test import RequestFactory
from django.urls import reverse

from reperes.offer import shared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()


def request_of(user, query=""):
    request = RequestFactory().get("/offre/acteurs/" + query)
    request.user = user
    return request


def counting():
    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}
    return build, calls


def test_partners_share_one_computation_until_something_changes(partner_user, charge_user):
    from reperes.accounts.models import User
    from reperes.configuration.models import Installation
    from reperes.offer.models import Structure

    other_partner = User.objects.create_user("autre@partenaire.fr", "x" * 12, role="partenaire")
    build, calls = counting()
    assert shared.shared("page", request_of(partner_user), build) == {"n": 1}
    assert shared.shared("page", request_of(other_partner), build) == {"n": 1}
    assert len(calls) == 1
    # Staff see raw figures: never shared, never cached.
    shared.shared("page", request_of(charge_user), build)
    shared.shared("page", request_of(charge_user), build)
    assert len(calls) == 3
    # Another query string (filters, period): another page.
    shared.shared("page", request_of(partner_user, "?debut=2019-01-01"), build)
    assert len(calls) == 4
    # A change of the offer, then of the settings: computed again.
    Structure.objects.create(di_id="s1", source="test", nom="Mission locale")
    assert shared.shared("page", request_of(partner_user), build)["n"] == 5
    installation = Installation.get()
    installation.seuil = installation.seuil + 1
    installation.save()
    assert shared.shared("page", request_of(partner_user), build)["n"] == 6
    assert shared.shared("page", request_of(partner_user), build)["n"] == 6


def test_a_new_import_changes_what_partners_see(partner_user):
    from reperes.collection.models import ImportRun

    build, calls = counting()
    shared.shared("page", request_of(partner_user), build)
    ImportRun.objects.create(source_name="nouveau.csv")
    shared.shared("page", request_of(partner_user), build)
    assert len(calls) == 2


def test_a_chart_goes_to_the_cache_without_its_drawing():
    from reperes.charts import bar_chart

    chart = bar_chart(["A", "B"], [12, 30], title="Essai")
    copy = pickle.loads(pickle.dumps(chart))
    assert copy.title == chart.title and copy.table == chart.table and copy._draw is None


@pytest.mark.parametrize("name", ["dashboard:home", "offer:territory", "offer:matrix", "offer:actors"])
def test_cached_partner_pages_render_the_same_twice(client_partner, name):
    first = client_partner.get(reverse(name))
    second = client_partner.get(reverse(name))
    assert first.status_code == second.status_code == 200
    strip = lambda r: r.content.decode().split("csrfmiddlewaretoken")[0]  # noqa: E731
    assert strip(first) == strip(second)
