from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.home, name="home"),
    path("livrables/<int:pk>/", views.report, name="report"),
    path("livrables/<int:pk>/<str:fmt>/", views.download, name="download"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "view_aggregates",
    "report": "view_aggregates",
    "download": "view_aggregates",
}
