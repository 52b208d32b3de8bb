from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="list")]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "list": "view_audit",
}
