from django.urls import path

from . import views

app_name = "collection"
urlpatterns = [
    path("participants/", views.participant_list, name="participants"),
    path("participants/export.csv", views.participant_export, name="participants_export"),
    path("imports/", views.import_list, name="imports"),
    path("imports/nouveau/", views.import_upload, name="import_upload"),
    path("imports/suivi/<str:token>/", views.import_job, name="import_job"),
    path("imports/suivi/<str:token>/etat/", views.import_job_status, name="import_job_status"),
    path("imports/suivi/<str:token>/correspondance/", views.import_mapping, name="import_mapping"),
    path("imports/suivi/<str:token>/importer/", views.import_resume, name="import_resume"),
    path("imports/annuler/", views.import_undo, name="import_undo"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/rapport.<str:fmt>", views.import_report_download, name="import_report"),
    path("imports/correspondances/", views.mapping_list, name="mappings"),
    path("imports/correspondances/<int:pk>/profil.json", views.mapping_export, name="mapping_export"),
    path("imports/correspondances/<int:pk>/supprimer/", views.mapping_delete, name="mapping_delete"),
    path("modele-de-recueil.<str:fmt>", views.template_download, name="template_download"),
    path("methodologie-de-recueil/", views.methodology, name="methodology"),
    path("protection-des-donnees/", views.data_protection, name="data_protection"),
    path("cycle-de-vie/", views.data_lifecycle, name="data_lifecycle"),
    path("cycle-de-vie/purge/", views.data_purge, name="data_purge"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "participants": "view_rows",
    "participants_export": "export_rows",
    "imports": "manage_imports",
    "import_detail": "manage_imports",
    "import_upload": "manage_imports",
    "import_job": "manage_imports",
    "import_job_status": "manage_imports",
    "import_mapping": "manage_imports",
    "import_resume": "manage_imports",
    "import_undo": "manage_imports",
    "import_report": "manage_imports",
    "mappings": "manage_imports",
    "mapping_export": "manage_imports",
    "mapping_delete": "manage_imports",
    "template_download": "run_analyses",
    "methodology": "view_aggregates",
    "data_protection": "view_aggregates",
    "data_lifecycle": "manage_imports",
    "data_purge": "manage_imports",
}
