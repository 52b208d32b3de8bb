from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [path("", views.home, name="home")]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
}
