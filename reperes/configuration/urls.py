from django.urls import path

from . import views

app_name = "configuration"
urlpatterns = [
    path("", views.settings_edit, name="edit"),
    path("logo/", views.logo, name="logo"),
    path("territoire/", views.territory_create, name="territory_create"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "edit": "manage_settings",
    "logo": None,
    "territory_create": "manage_settings",
}
