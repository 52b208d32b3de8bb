from django.urls import path

from . import views

app_name = "configuration"
urlpatterns = [
    path("", views.settings_edit, name="edit"),
    path("logo/", views.logo, name="logo"),
    path("territoire/", views.territory_create, name="territory_create"),
]
