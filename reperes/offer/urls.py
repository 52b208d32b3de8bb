from django.urls import path

from . import views

app_name = "offer"
urlpatterns = [
    path("", views.home, name="home"),
    path("territoire/", views.territory, name="territory"),
    path("territoire/importer/", views.stats_upload, name="stats_upload"),
    path("importer/", views.offer_upload, name="import"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/<int:pk>/", views.structure_edit, name="structure_edit"),
    path("services/nouveau/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/fiche/", views.service_detail, name="service_detail"),
    path("catalogue.xlsx", views.catalogue_xlsx, name="catalogue_xlsx"),
    path("matrice/", views.matrix, name="matrix"),
    path("matrice.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
    path("acteurs/", views.actors, name="actors"),
]
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
    "territory": "view_aggregates",
    "stats_upload": "manage_imports",
    "import": "manage_imports",
    "structure_create": "run_analyses",
    "structure_edit": "run_analyses",
    "service_create": "run_analyses",
    "service_edit": "run_analyses",
    "service_detail": "view_aggregates",
    "catalogue_xlsx": "view_aggregates",
    "matrix": "view_aggregates",
    "matrix_xlsx": "view_aggregates",
    "actors": "view_aggregates",
}
