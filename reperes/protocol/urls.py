from django.urls import path

from . import views

app_name = "protocol"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:cle>/", views.article, name="article"),
    path("articles/<str:cle>/versions/", views.versions, name="versions"),
    path("versions/<int:pk>.<str:fmt>", views.version_export, name="version_export"),
    path("projet.<str:fmt>", views.download, name="download"),
]
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "run_analyses",
    "article": "run_analyses",
    "versions": "run_analyses",
    "version_export": "run_analyses",
    "download": "run_analyses",
}
