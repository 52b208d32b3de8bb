"""System checks of Repères' own promises (run by ``reperes check`` and ``reperes serve``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from reperes.instance import INSECURE_SECRET


@register(Tags.security, deploy=False)
def secret_key_is_set(app_configs, **kwargs):
    if settings.PRODUCTION and settings.SECRET_KEY == INSECURE_SECRET:
        return [Error(
            "Aucune clé secrète n'est définie pour la production.",
            hint="Définissez la variable d'environnement SECRET_KEY (au moins 50 caractères aléatoires, par "
                 "exemple : python3 -c 'import secrets; print(secrets.token_urlsafe(50))').",
            id="reperes.E001",
        )]
    return []
