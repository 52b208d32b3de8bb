import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from reperes.instance import INSECURE_SECRET  # noqa: E402

if os.environ.get("REPERES_PRELOAD"):
    # ``reperes serve`` (gunicorn --preload): import what the analysis pages draw and fit with (matplotlib,
    # lifelines, statsmodels: 3–4 s) once in the master process; every worker inherits it.
    import lifelines  # noqa: E402,F401
    import matplotlib.figure  # noqa: E402,F401
    import statsmodels.api  # noqa: E402,F401

if settings.PRODUCTION and settings.SECRET_KEY == INSECURE_SECRET:
    # Any server (gunicorn, uwsgi…) refuses to start in production without a real secret.
    raise ImproperlyConfigured("SECRET_KEY n'est pas définie : Repères refuse de démarrer en production "
                               "avec la clé par défaut. Définissez la variable d'environnement SECRET_KEY.")
