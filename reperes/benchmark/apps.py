from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    name = "reperes.benchmark"
    label = "benchmark"
    verbose_name = "Comparaison avec d’autres PLIE"
