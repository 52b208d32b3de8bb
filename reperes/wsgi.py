import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reperes.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from reperes.instance import INSECURE_SECRET  # noqa: E402

if settings.PRODUCTION and settings.SECRET_KEY == INSECURE_SECRET:
    # Any server (gunicorn, uwsgi…) refuses to start in production without a real secret.
    raise ImproperlyConfigured("SECRET_KEY n'est pas définie : Repères refuse de démarrer en production "
                               "avec la clé par défaut. Définissez la variable d'environnement SECRET_KEY.")
