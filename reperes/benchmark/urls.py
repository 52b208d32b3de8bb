from django.urls import path

from . import views

app_name = "benchmark"
urlpatterns = [
    path("", views.home, name="home"),
    path("fiche.csv", views.export, name="export"),
    path("importer/", views.import_view, name="import"),
    path("fiches/<int:pk>/supprimer/", views.delete, name="delete"),
    path("organisation/", views.organisation, name="organisation"),
]
# url name → permission; checked by tests/foundation/test_authorisation.py for every role.
# Partners see the comparison (aggregated figures only: this PLIE's sheet is disclosure-protected,
# peers' sheets are published figures); exporting and importing sheets is the study team's work.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
    "export": "run_analyses",
    "import": "run_analyses",
    "delete": "run_analyses",
    "organisation": "manage_settings",
}
