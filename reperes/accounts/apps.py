from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reperes.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from . import signals  # noqa: F401
