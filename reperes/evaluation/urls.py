from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("questions/nouvelle/", views.question_create, name="question_create"),
    path("questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("constats/", views.constats, name="constats"),
    path("constats/nouveau/", views.constat_create, name="constat_create"),
    path("constats/<int:pk>/", views.constat_detail, name="constat_detail"),
    path("constats/<int:pk>/modifier/", views.constat_edit, name="constat_edit"),
    path("constats/<int:pk>/preuve/", views.preuve_add, name="preuve_add"),
    path("preuves/<int:pk>/retirer/", views.preuve_delete, name="preuve_delete"),
    path("retenir/", views.retain, name="retain"),
    path("preconisations/", views.preconisations, name="preconisations"),
    path("preconisations/nouvelle/", views.preconisation_create, name="preconisation_create"),
    path("preconisations/<int:pk>/", views.preconisation_edit, name="preconisation_edit"),
    path("preconisations/registre.<str:fmt>", views.register_export, name="register_export"),
    path("tracabilite/", views.trace, name="trace"),
    path("evaluation.json", views.export_json, name="export_json"),
    path("importer/", views.import_file, name="import"),
]
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
    "question_create": "run_analyses",
    "question_edit": "run_analyses",
    "constats": "view_aggregates",
    "constat_create": "run_analyses",
    "constat_detail": "view_aggregates",
    "constat_edit": "run_analyses",
    "preuve_add": "run_analyses",
    "preuve_delete": "run_analyses",
    "retain": "run_analyses",
    "preconisations": "view_aggregates",
    "preconisation_create": "run_analyses",
    "preconisation_edit": "run_analyses",
    "register_export": "view_aggregates",
    "trace": "view_aggregates",
    "export_json": "view_aggregates",
    "import": "run_analyses",
}
