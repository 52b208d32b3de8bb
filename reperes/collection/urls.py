from django.urls import path

from . import views

app_name = "collection"
urlpatterns = [
    path("participants/", views.participant_list, name="participants"),
    path("participants/export.csv", views.participant_export, name="participants_export"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "participants": "view_rows",
    "participants_export": "export_rows",
    "imports": "manage_imports",
    "import_detail": "manage_imports",
}
