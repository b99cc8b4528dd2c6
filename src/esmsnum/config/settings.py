"""Django settings, read from the environment.

Development defaults (DEBUG, embedded SQLite under ./var) need no variable at all. In production set
ESMSNUM_ENV=production with ESMSNUM_SECRET_KEY, ESMSNUM_ALLOWED_HOSTS and DATABASE_URL: the settings then
refuse to start without them and `manage.py check --deploy` passes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = Path(os.environ.get("ESMSNUM_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("ESMSNUM_VAR_DIR", PROJECT_DIR / "var")).resolve()

PRODUCTION = os.environ.get("ESMSNUM_ENV", "development") == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


DEBUG = os.environ.get("ESMSNUM_DEBUG", "0" if PRODUCTION else "1") == "1"
if PRODUCTION:
    SECRET_KEY = _required("ESMSNUM_SECRET_KEY")
    ALLOWED_HOSTS = _env_list("ESMSNUM_ALLOWED_HOSTS") or [_required("ESMSNUM_ALLOWED_HOSTS")]
else:
    SECRET_KEY = os.environ.get("ESMSNUM_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = _env_list("ESMSNUM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("ESMSNUM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "widget_tweaks",
    "dsfr",
    "django_htmx",
    "ninja",  # serves the Swagger UI assets locally: /api/v1/docs works offline
    "esmsnum.accounts",
    "esmsnum.referential",
    "esmsnum.audit",
    "esmsnum.dossiers",
    "esmsnum.instruction",
    "esmsnum.usage",
    "esmsnum.funding",
    "esmsnum.api",
    "esmsnum.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "esmsnum.web.middleware.UserTimezoneMiddleware",
    "esmsnum.web.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the French lockout page
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for an account, or from an address, logins are
# refused for AXES_COOLOFF_TIME, on the site and the admin; a success resets the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("ESMSNUM_LOGIN_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ESMSNUM_LOGIN_COOLOFF_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

ROOT_URLCONF = "esmsnum.config.urls"
WSGI_APPLICATION = "esmsnum.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "esmsnum.config.context_processors.navigation",
                "esmsnum.config.context_processors.vocabulary",
                "esmsnum.config.context_processors.skiplinks",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'esmsnum.sqlite3'}",
        conn_max_age=int(os.environ.get("ESMSNUM_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded pieces live outside the web root and are served only by views that check permissions.
MEDIA_ROOT = Path(os.environ.get("ESMSNUM_MEDIA_ROOT", VAR_DIR / "media")).resolve()
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# ClamAV daemon scanning every uploaded piece: "host:port" or the path of its unix socket. Unset = not scanned.
CLAMD = os.environ.get("CLAMD") or None
# Simulated "now" for deadline checks (demonstrations only; ISO 8601 with offset). Unset = real time.
ESMSNUM_CLOCK = os.environ.get("ESMSNUM_CLOCK") or None
if PRODUCTION and ESMSNUM_CLOCK:
    raise ImproperlyConfigured("ESMSNUM_CLOCK (date simulée) est interdit en production.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
# Sessions end after inactivity: 4 hours for porteurs, 1 hour for agents (ARS, GRADeS, national office,
# administrators), who see every dossier of their scope. The end is pushed back at most every
# SESSION_REFRESH_SECONDS (web.middleware.IdleSessionMiddleware), so that a page view does not write the session.
SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_AGE = int(os.environ.get("ESMSNUM_SESSION_IDLE_SECONDS", 4 * 3600))
AGENT_SESSION_IDLE_SECONDS = int(os.environ.get("ESMSNUM_AGENT_SESSION_IDLE_SECONDS", 3600))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("ESMSNUM_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ESMSNUM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ESMSNUM_LOG_LEVEL", "WARNING")},
}

# Location of the programme's shared data (call texts, FINESS extract) used by benchmarks and some tests.
SHARED_DIR = Path(os.environ.get("ESMSNUM_SHARED_DIR", PROJECT_DIR.parent / "shared")).resolve()
