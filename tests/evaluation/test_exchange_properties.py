"""Properties of the import: any file either loads or changes nothing, with a French error and its JSON path."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reperes.evaluation import models as m
from reperes.evaluation.exchange import InvalidFile, import_file

SAMPLE = json.loads(Path(__file__).with_name("sample.json").read_text(encoding="utf-8"))
MODELS = (m.Question, m.Constat, m.Preuve, m.Preconisation, m.Comite, m.ComiteMembre, m.ComiteDocument, m.Decision,
          m.Action, m.ActionStatut, m.Consultation, m.Jalon, m.Protocole, m.CiblePrecedente)


def paths(node, prefix=()):
    """Every path of the sample (dict keys and list indexes)."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


PATHS = [p for p in paths(SAMPLE) if p]
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=False)
                           | st.text(max_size=8) | st.sampled_from(["Q1", "C1", "R1", "2019-13-01", "amendee"]),
                           lambda children: st.lists(children, max_size=2)
                           | st.dictionaries(st.text(max_size=4), children, max_size=2), max_leaves=4)


def snapshot():
    return {model.__name__: sorted(repr({k: v for k, v in row.items() if k not in ("id", "updated_at")})
                                   for row in model.objects.values()) for model in MODELS}


def set_at(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=JSON_VALUES)
def test_a_changed_value_loads_or_changes_nothing(territory, path, value):
    data = copy.deepcopy(SAMPLE)
    set_at(data, path, value)
    before = snapshot()
    try:
        import_file(data)
    except InvalidFile as invalid:
        assert invalid.problems
        assert all(str(p).startswith(p.chemin) and p.message for p in invalid.problems)
        assert snapshot() == before


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(debut=st.dates(dt.date(2017, 1, 1), dt.date(2020, 12, 31)), days=st.integers(0, 900))
def test_an_indicator_is_resolved_on_its_own_period(plie, debut, days):
    """Hand count: the 17 exits of the small PLIE all happened on 2019-06-01."""
    from reperes.evaluation.evidence import Resolver

    fin = debut + dt.timedelta(days=days)
    value, secret = Resolver().indicator("sorties", debut, fin)
    assert not secret
    assert value == (17 if debut <= dt.date(2019, 6, 1) <= fin else 0)
