"""Settings for the archive.

Everything a deployment changes comes from the environment; with nothing set, the archive
runs for development on SQLite and an embedded Whoosh index under ``var/``.
"""

import os
import re
from pathlib import Path

import dj_database_url

from archive.search.engine import ENGINES as SEARCH_ENGINES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", default=True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "development-only-key-set-DJANGO_SECRET_KEY-in-production" if DEBUG else None
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "haystack",
    "axes",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.middleware.AccessLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known (a signed-in writer stays on the primary), before any view reads.
    "archive.db_routing.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files with hashed names and far-future caching, served by the application itself
    # (in development, runserver serves them from static/).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a username and address after too many failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
                "archive.context_processors.archive",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL (postgres://user@host:5432/name) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'archive.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# DATABASE_REPLICA_URLS (comma-separated postgres:// URLs of streaming replicas) adds one
# alias per replica; reader requests read from them (archive/db_routing.py).
for number, url in enumerate(
    (u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()), start=1
):
    DATABASES[f"replica{number}"] = {
        **dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True),
        # Tests run against the primary's test database under every alias.
        "TEST": {"MIRROR": "default"},
    }
# Behind pgbouncer in transaction pooling (DATABASE_PGBOUNCER=1) a connection is not kept by
# the process and a cursor cannot outlive its transaction on the server.
if env_flag("DATABASE_PGBOUNCER"):
    for database in DATABASES.values():
        database["CONN_MAX_AGE"] = 0
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["archive.db_routing.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for the one writer (WAL), a writer waits its turn instead of failing
    # with "database is locked", and a write transaction takes its lock when it begins, so
    # two writers never deadlock upgrading from a read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": int(os.environ.get("ARCHIVE_SQLITE_BUSY_TIMEOUT", "30")),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if "DATABASE_URL" not in os.environ:
    # SQLite cannot create the folder its file lives in; any command may be the first one run.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ARCHIVE_STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, names carry a hash of the content (collectstatic writes them, compressed).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The search engine, behind haystack: "whoosh" (the default) keeps an index in a folder on
# this machine; "postgres" searches inside the PostgreSQL database itself, so several web
# machines can share it (archive/search/engine.py). A full haystack engine path also works.
SEARCH_ENGINE_NAME = os.environ.get("ARCHIVE_SEARCH_ENGINE", "whoosh").strip() or "whoosh"
if SEARCH_ENGINE_NAME == "postgres" and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ARCHIVE_SEARCH_ENGINE=postgres needs DATABASE_URL=postgres://…")
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": SEARCH_ENGINES.get(SEARCH_ENGINE_NAME, SEARCH_ENGINE_NAME),
        "PATH": os.environ.get("ARCHIVE_INDEX_DIR", str(VAR_DIR / "whoosh_index")),
        # A failed index write is an error, never a log line.
        "SILENTLY_FAIL": False,
        "INCLUDE_SPELLING": False,
    },
}
# Index updates are made explicitly by ingest and by the admin, never per-row signals.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "archive.api.pagination.ArchivePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "archive.api.schema.ArchiveAutoSchema",
    "EXCEPTION_HANDLER": "archive.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Diplomatic transcript archive API",
    "DESCRIPTION": "Read-only access to transcripts, their turns, speakers and quote search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Two models have a "kind" field with different choices; name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "TranscriptKindEnum": "archive.models.Transcript.Kind",
        "SpeakerKindEnum": "archive.models.Speaker.Kind",
        "TopicKindEnum": "archive.models.Topic.Kind",
    },
    # An address's slug is what Django's slug converter matches, and the schema says so.
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
}

# The public name and canonical origin used in citations, feeds and share tags.
ARCHIVE_NAME = os.environ.get("ARCHIVE_NAME", "Diplomatic Transcript Archive")
ARCHIVE_BASE_URL = os.environ.get("ARCHIVE_BASE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One JSON object per line: what log collectors read without a parser of their own.
        "json": {"()": "archive.middleware.JsonLogFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "access": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "archive.access": {
            "handlers": ["access"],
            "level": "INFO" if env_flag("ARCHIVE_ACCESS_LOG", default=not DEBUG) else "WARNING",
            "propagate": False,
        },
    },
}

# Seconds one search may take before it is stopped with a message, so that no request ties
# up a worker; what one query may ask is bounded in archive/search/query.py.
ARCHIVE_SEARCH_TIME_LIMIT = float(os.environ.get("ARCHIVE_SEARCH_TIME_LIMIT", "5"))

# Memory each web process may keep of decoded Whoosh postings between searches, in MB
# (archive/search/whoosh_postings.py): frequent words are then not decoded again. 0 keeps
# nothing between searches.
ARCHIVE_SEARCH_CACHE_MB = int(os.environ.get("ARCHIVE_SEARCH_CACHE_MB", "256"))

# Admin logins: after this many failures for one username from one address, that pair is
# refused for an hour (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "archive/login_locked.html"
# Behind a proxy that terminates TLS, the client address is in X-Forwarded-For.
if env_flag("DJANGO_BEHIND_PROXY"):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Content-Security-Policy (django-csp): no inline or foreign script, anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # Only a quote's embed view may be framed by other sites (it says so itself).
        "frame-ancestors": ["'none'"],
    },
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=True)
    # HTTPS only. A proxy that terminates TLS redirects itself and says so in
    # X-Forwarded-Proto; DJANGO_SSL_REDIRECT=0 leaves the redirect to it.
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SSL_REDIRECT", default=True)
    if not SECURE_SSL_REDIRECT:
        # Turned off on purpose because the proxy redirects; the check would only repeat it.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    # A load balancer probes its backends over plain HTTP and wants the answer, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # The header only allows submitting the site to the browsers' preload list; nothing is submitted.
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    if env_flag("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Harvesting publishers' feeds and pages (archive/harvest/): who we say we are, the pause
# between two requests to one host, retries of a failed request and their first backoff.
HARVEST_USER_AGENT = os.environ.get(
    "ARCHIVE_HARVEST_USER_AGENT",
    # A User-Agent's product name is one ASCII token.
    f"{re.sub(r'[^A-Za-z0-9]', '', ARCHIVE_NAME) or 'TranscriptArchive'}/1.0"
    + (f" (+{ARCHIVE_BASE_URL}/)" if ARCHIVE_BASE_URL else ""),
)
HARVEST_DELAY = float(os.environ.get("ARCHIVE_HARVEST_DELAY", "2"))
HARVEST_RETRIES = int(os.environ.get("ARCHIVE_HARVEST_RETRIES", "3"))
HARVEST_BACKOFF = float(os.environ.get("ARCHIVE_HARVEST_BACKOFF", "5"))
HARVEST_TIMEOUT = float(os.environ.get("ARCHIVE_HARVEST_TIMEOUT", "30"))
