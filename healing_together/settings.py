"""Settings for Healing Together, driven by environment variables.

One module for every environment: the environment decides (see README, "Configuration").
With DJANGO_DEBUG off, unsafe defaults stop start-up instead of running insecurely.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from exc


# --- Core and security -----------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Give the comma-separated host names this site "
        "answers to, or set DJANGO_DEBUG=1 for local development."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Absolute base URL used in emails, feeds and the API where no request is at hand.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# HTTPS is the default in production; a proxy that already redirects can turn the
# redirect (only the redirect) off with DJANGO_SECURE_SSL_REDIRECT=0.
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")  # a one-way door: opt in deliberately
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For in front of the site: the visitor's
# address is read from there (per-address limits), see middleware.ProxyClientAddressMiddleware.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Staff (editors in the admin) get a working day, not two weeks (healing_together/logins.py).
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_SECONDS", 60 * 60 * 8)
# Failed log-ins allowed per address and per user name before a pause (logins.py).
LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5/15m")
LOGIN_THROTTLED_VIEWS = ("admin:login", "directory:login")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# `check --deploy` warns (W021) whenever HSTS preload is off, which is a deliberate choice.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Permissions-Policy: the site uses none of these browser features (browsing-topics: no
# interest-based advertising profile; it replaced FLoC's interest-cohort, which browsers reject).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)

# --- Applications ------------------------------------------------------------------
INSTALLED_APPS = [
    # Registers every app's admin except django-leaflet's, which needs GDAL.
    "healing_together.apps.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver serves static files like production
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text search when DATABASE_URL is PostgreSQL
    "django_filters",
    "leaflet",
    "csp",
    "networks",
    "directory",
    "articles",
]

MIDDLEWARE = [
    # First: everything below sees the visitor's address, not the proxy's.
    "healing_together.middleware.ProxyClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML is compressed (static files come pre-compressed from whitenoise, above it).
    "django.middleware.gzip.GZipMiddleware",
    # Anonymous pages from the cache; before sessions, so a hit skips everything below.
    "healing_together.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pauses log-ins after repeated failures (admin and practitioners).
    "healing_together.logins.LoginThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "healing_together.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "healing_together.urls"
WSGI_APPLICATION = "healing_together.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "healing_together.context_processors.site",
            ],
            "libraries": {"site_tags": "healing_together.templatetags.site_tags"},
        },
    },
]

# --- Database: SQLite unless DATABASE_URL is set (postgres:// uses psycopg 3) -------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Persistent connections buy nothing on SQLite; WAL lets readers run during writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
else:
    # A bounded wait, so a database hiccup turns into an error page, not a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Submissions are all-or-nothing: a failure half-way through a request leaves no trace.
DATABASES["default"]["ATOMIC_REQUESTS"] = True

# --- Cache: local memory by default, Redis when REDIS_URL is set --------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing one client per pool (see cache.py).
            "BACKEND": "healing_together.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ht",
            "TIMEOUT": 300,
            # A cache outage must slow pages down, not break them.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "healing-together",
            "TIMEOUT": 300,
        }
    }
# Anonymous pages are cached this many seconds (0 turns page caching off).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 300)

# --- Authentication ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "directory:login"
LOGIN_REDIRECT_URL = "directory:dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- Email: console by default, SMTP when EMAIL_HOST is set ---------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Healing Together <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_TIMEOUT = 10
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where reports about listings and other editor notices go.
EDITORS_EMAIL = os.environ.get("EDITORS_EMAIL", "editors@localhost")

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Hashed file names never change content, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# --- Map (django-leaflet) -----------------------------------------------------------------------
# The tile server is a setting so production can use its own provider; "" means no tiles,
# and the site's own region shapes still draw the map.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# django-leaflet writes these labels into its script; naming them here puts them in our own
# catalogues, so Dutch, English and German pages don't fall back to django-leaflet's French.
_LEAFLET_LABELS = (_("Reset view"), _("Background"))
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (50.55, 4.45),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 17,
    "RESET_VIEW": False,
    "SCALE": None,
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 18})]
    if MAP_TILES_URL
    else [],
    "ATTRIBUTION_PREFIX": "Leaflet",
}

# --- Content-Security-Policy (django-csp 4) ---------------------------------------------------
# No inline script anywhere: page data reaches scripts through json_script, and the
# few inline scripts django-leaflet emits carry the per-request nonce.
_tile_origin = ""
if MAP_TILES_URL.startswith("http"):
    _tile_origin = "/".join(MAP_TILES_URL.split("/")[:3]).replace("{s}.", "*.")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "object-src": [NONE],
        "script-src": [SELF, NONCE],
        # Leaflet positions tiles and markers with style attributes.
        "style-src": [SELF, "'unsafe-inline'"],
    }
}

# --- Logging: to stderr, where gunicorn and the platform collect it ------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product settings ---------------------------------------------------------------------
# Groups not confirmed by their organiser for this many days get a reminder; after the
# grace period on top of it they are unpublished.
GROUP_CONFIRM_AFTER_DAYS = env_int("GROUP_CONFIRM_AFTER_DAYS", 90)
GROUP_CONFIRM_GRACE_DAYS = env_int("GROUP_CONFIRM_GRACE_DAYS", 30)
CONTACT_MESSAGE_RETENTION_DAYS = env_int("CONTACT_MESSAGE_RETENTION_DAYS", 30)
