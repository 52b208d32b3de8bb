from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "reperes.surveys"
    label = "surveys"
    verbose_name = "Enquêtes et entretiens"
