from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "reperes.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation"
