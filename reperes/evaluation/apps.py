from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "reperes.evaluation"
    label = "evaluation"
    verbose_name = "Évaluation"

    def ready(self) -> None:
        from reperes.partners.sections import register

        from .partner_space import consultations

        register(consultations)
