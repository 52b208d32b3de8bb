from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("rapport-final/", views.final, name="final"),
    path("<int:pk>/", views.detail, name="detail"),
    path("generation/<str:token>/", views.job, name="job"),
    path("generation/<str:token>/etat/", views.job_status, name="job_status"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
]
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "run_analyses",
    "final": "run_analyses",
    "detail": "run_analyses",
    "job": "run_analyses",
    "job_status": "run_analyses",
    "download": "run_analyses",
}
