"""Every page that shows individual data is recorded in the audit trail (who saw what, when).

ROW_LEVEL_VIEWS lists them; the test fails when a view asks for a row-level permission (view_rows, export_rows)
without being listed, so a new page of individual data cannot be forgotten.
"""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

APPS = ("accounts", "audit", "configuration", "collection", "dashboard", "territory", "analyses", "offer",
        "surveys", "reports")

# url name → audit action its display records
ROW_LEVEL_VIEWS = {
    "collection:participants": "consultation_individuelle",
    "collection:participants_export": "export",
    "collection:import_detail": "consultation_individuelle",  # rejected rows: line, column, value
    "surveys:campaign_detail": "consultation_individuelle",
    "surveys:letters": "consultation_individuelle",
    "surveys:enter": "consultation_individuelle",  # typed entry: lists the respondents still expected
    "surveys:interview_detail": "consultation_individuelle",
    "surveys:open_answers": "consultation_individuelle",
}
ROW_LEVEL_PERMISSIONS = {"view_rows", "export_rows"}


def row_level_urls() -> set[str]:
    found = set()
    for app in APPS:
        module = importlib.import_module(f"reperes.{app}.urls")
        for name, permission in getattr(module, "URL_PERMISSIONS", {}).items():
            if permission in ROW_LEVEL_PERMISSIONS:
                found.add(f"{module.app_name}:{name}")
    return found


def test_every_view_of_a_row_level_permission_is_listed():
    assert row_level_urls() <= set(ROW_LEVEL_VIEWS), row_level_urls() - set(ROW_LEVEL_VIEWS)


@pytest.fixture
def url_kwargs(db):
    from reperes.collection.models import ImportRun
    from reperes.surveys.testing import sample_url_kwargs

    run = ImportRun.objects.create(source_name="test.csv", status=ImportRun.Status.PARTIAL, report={
        "tables": {}, "errors": [{"table": "participants", "line": 3, "column": "date_naissance",
                                  "value": "31/02/1985", "message": "Date invalide."}]})
    return {**sample_url_kwargs(), "collection:import_detail": {"pk": run.pk}}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROW_LEVEL_VIEWS))
def test_each_page_of_individual_data_is_audited(client_admin, admin_user_, url_kwargs, name):
    from reperes.audit.models import AuditEvent

    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_admin.get(reverse(name, kwargs=url_kwargs.get(name)))
    assert response.status_code == 200, name
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.filter(action=ROW_LEVEL_VIEWS[name], user=admin_user_).count() == 1, (name, list(new))
