"""Django settings, configured by environment variables (12-factor).

- ``REPERES_DATA_DIR``: where the instance lives (database, keys, uploads); default ``./reperes-data``.
- ``DATABASE_URL``: default SQLite in the data directory; PostgreSQL for a shared server.
- ``SECRET_KEY``: required in production; generated in the data directory otherwise.
- ``REPERES_PSEUDONYM_KEY``: the pseudonymisation key (see ``reperes.privacy``).
- ``REPERES_ENV``: ``production`` (default), ``demo``, ``development`` or ``test``.
- ``REPERES_ALLOWED_HOSTS``: comma-separated host names (production).
- ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
  ``EMAIL_USE_SSL``, ``DEFAULT_FROM_EMAIL``: the SMTP server that sends invitations (see ``reperes.mail``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

from reperes import instance

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("REPERES_ENV", "production")
DATA_DIR = instance.data_dir()
PRODUCTION = ENV == "production"

# DEBUG is only for a developer's machine: the demo and production never show tracebacks.
DEBUG = ENV == "development"

SECRET_KEY = instance.secret_key(ENV)

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("REPERES_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not PRODUCTION or not ALLOWED_HOSTS:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "reperes.accounts",
    "reperes.audit",
    "reperes.territory",
    "reperes.configuration",
    "reperes.collection",
    "reperes.analyses",
    "reperes.offer",
    "reperes.surveys",
    "reperes.reports",
    "reperes.evaluation",
    "reperes.protocol",
    "reperes.benchmark",
    "reperes.partners",
    "reperes.dashboard",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "reperes.urls"
WSGI_APPLICATION = "reperes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reperes.configuration.context_processors.installation",
            ],
            "builtins": ["reperes.templatetags.fr"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'reperes.sqlite3'}",
        conn_max_age=0 if ENV == "test" else 60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and immediate transactions: background work and audit
    # writes wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("REPERES_TEST_SQLITE") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An account invitation's set-your-password link (Django's token generator) expires after three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Login protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one account, or from one address,
# logins are refused for AXES_COOLOFF_TIME (a French page, HTTP 429); failures and lockouts go to the audit trail;
# an administrator unlocks from the users page or with `reperes user unlock`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("REPERES_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("REPERES_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "reperes.accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "reperes.audit.trail.client_ip"
AXES_USERNAME_CALLABLE = "reperes.accounts.security.login_username"
AXES_USERNAME_FORM_FIELD = "username"  # the field of the login form (the e-mail)
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from finders; the folder only has to exist
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # no collectstatic step for a laptop install
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# One cache on disk, shared by every server process (gunicorn workers) and kept across restarts: analysis
# pages and their drawn charts (keyed on a fingerprint of the data, so never stale), maps, the rate limit of
# the public questionnaires. Derived data only, in the data directory beside the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
}

# After an import that stored rows (upload page, demo build), compute the dashboards' default pages and draw
# their charts in the background, so that the first visit finds them ready.
REPERES_WARM_AFTER_IMPORT = True
# The frames of the stored parcours, once read from the database, are kept as files in the data directory
# (frames/) for the next process: a report or a new server worker reads them in a second instead of reading a
# million parcours again (reperes.analyses.frames_on_disk). Pseudonymised rows, like the database beside them.
REPERES_FRAMES_ON_DISK = os.environ.get("REPERES_FRAMES_ON_DISK", "1") == "1"

# Upload limit (bytes), checked by the import pages before reading a file.
REPERES_MAX_UPLOAD_BYTES = int(os.environ.get("REPERES_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
# Bounded reading of every uploaded file (reperes.safefiles): an archive (XLSX, ODS, DOCX, ODT, ZIP) is refused
# above this uncompressed size or number of entries, a workbook above this many cells (rows × columns, counted
# while the sheets are streamed, before parsing), a table above this many columns (before the mapping page).
REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("REPERES_UPLOAD_MAX_UNCOMPRESSED_BYTES",
                                                           256 * 1024 * 1024))
REPERES_UPLOAD_MAX_ARCHIVE_ENTRIES = int(os.environ.get("REPERES_UPLOAD_MAX_ARCHIVE_ENTRIES", 1000))
REPERES_UPLOAD_MAX_CELLS = int(os.environ.get("REPERES_UPLOAD_MAX_CELLS", 5_000_000))
REPERES_UPLOAD_MAX_COLUMNS = int(os.environ.get("REPERES_UPLOAD_MAX_COLUMNS", 300))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail (survey invitations and reminders, account invitations): an SMTP server given by the environment.
# Without EMAIL_HOST nothing is sent and the pages say so (reperes.mail.configured); the demo writes its
# messages as files in the data directory (courriels/) instead.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_USE_TLS = not EMAIL_USE_SSL and os.environ.get("EMAIL_USE_TLS", "1") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Repères <ne-pas-repondre@localhost>")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if ENV == "demo" and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "courriels"
if ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Security headers. A Content-Security-Policy without inline scripts: every
# script is a static file; htmx is configured not to evaluate code.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline SVG charts carry presentation attributes; styles only, never scripts.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("REPERES_SSL_REDIRECT", "1") != "0"
    SECURE_HSTS_SECONDS = int(os.environ.get("REPERES_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith("[")]
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's choice

if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"reperes": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}
