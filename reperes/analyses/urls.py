from django.urls import path

from . import views

app_name = "analyses"
urlpatterns = [
    path("", views.home, name="home"),
    path("publics/", views.publics, name="publics"),
    path("parcours/", views.parcours, name="parcours"),
    path("actions/", views.actions, name="actions"),
    path("sorties/", views.sorties, name="sorties"),
    path("export/", views.export, name="export"),
    path("definitions/", views.definitions, name="definitions"),
    path("graphique/<str:key>/", views.chart, name="chart"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
    "publics": "view_aggregates",
    "parcours": "view_aggregates",
    "actions": "view_aggregates",
    "sorties": "view_aggregates",
    "export": "view_aggregates",
    "definitions": "view_aggregates",
    "chart": "view_aggregates",
}
