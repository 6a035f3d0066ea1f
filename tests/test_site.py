"""The site shell: settings safety, languages, health check, robots, error pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent


def import_settings(env: dict) -> subprocess.CompletedProcess:
    """Import the production settings module in a clean interpreter with `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import healing_together.settings"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS is not set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_unsafe_defaults(env, message):
    result = import_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_start_with_secret_and_hosts():
    result = import_settings({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr


def test_debug_settings_need_nothing():
    assert import_settings({"DJANGO_DEBUG": "1"}).returncode == 0


def test_production_enforces_https_by_default():
    code = (
        "from healing_together import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))} | {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["True", "True", "True", "True"]
    env["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    # Only the redirect is turned off; cookies and HSTS stay secure.
    assert out.stdout.split() == ["False", "True", "True", "True"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_home_page_renders_in_each_language(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    for code in ("fr", "nl", "en", "de"):
        assert f'hreflang="{code}" href="http://testserver/{code}/"' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("nl-BE,nl;q=0.9", "/nl/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("es-ES", "/fr/"),
        ("", "/fr/"),
    ],
)
def test_root_redirects_to_the_browser_language(client, accept, target):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_database_down(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def broken_cursor(self, *args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/fr/this-page-does-not-exist/")
    assert response.status_code == 404
    assert reverse("directory:group_list") in response.content.decode()


@pytest.mark.django_db
def test_every_page_has_help_now_and_security_headers(client):
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert 'class="help-now"' in content
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_privacy_page_states_retention(client, settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
    response = client.get("/en/privacy/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "30 days" in content
    assert "no tracking cookie" in content
