"""Test settings: the real settings with a few test-only overrides.

DATABASE_URL is left alone, so `pytest` runs on SQLite and
`DATABASE_URL=postgres://... pytest` runs the same suite on PostgreSQL.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Tests must never reach a tile server, nor depend on one.
os.environ.setdefault("MAP_TILES_URL", "")
os.environ.pop("REDIS_URL", None)

from healing_together.settings import *  # noqa: F403
from healing_together.settings import STORAGES

# No collectstatic before tests: serve plain (unhashed) static files.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PAGE_CACHE_SECONDS = 0
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SITE_URL = "http://testserver"
