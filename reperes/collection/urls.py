from django.urls import path

from . import views

app_name = "collection"
urlpatterns = [
    path("participants/", views.participant_list, name="participants"),
    path("participants/export.csv", views.participant_export, name="participants_export"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]
