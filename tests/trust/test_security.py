"""Production settings (`check --deploy`, cookies, HSTS) and the log-in throttle."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
ADMIN_LOGIN = "/admin/login/"
PRACTITIONER_LOGIN = "/en/practitioners/login/"
PASSWORD = "a-long-test-passphrase"


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MAP_TILES"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="healing-together.example.org",
        DJANGO_SETTINGS_MODULE="healing_together.settings",
        **extra,
    )
    return env


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS:" not in result.stdout + result.stderr
    assert "ERRORS:" not in result.stdout + result.stderr


def test_production_cookies_sessions_and_hsts():
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_AGE <= 14 * 86400, s.STAFF_SESSION_SECONDS <= 12 * 3600,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "Lax",
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "strict-origin-when-cross-origin",
    ]


# --- the log-in throttle -------------------------------------------------------------------
@pytest.fixture
def editor(db):
    return UserFactory(email="editor@example.org", is_staff=True, is_superuser=True)


def fail(client, url, username, ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def test_admin_login_pauses_after_five_failures_from_one_address(client, editor, settings):
    for _ in range(5):
        assert fail(client, ADMIN_LOGIN, "someone-else").status_code == 200
    # Even the right password is not tried any more.
    response = client.post(
        ADMIN_LOGIN,
        {"username": editor.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        headers={"accept-language": "en"},  # the admin has no language prefix
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The form itself still shows, and another address is not affected.
    assert client.get(ADMIN_LOGIN, REMOTE_ADDR="10.0.0.1").status_code == 200
    response = client.post(
        ADMIN_LOGIN, {"username": editor.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_admin_login_pauses_an_account_attacked_from_many_addresses(client, editor):
    for n in range(5):
        assert fail(client, ADMIN_LOGIN, editor.username, ip=f"10.0.1.{n}").status_code == 200
    response = client.post(
        ADMIN_LOGIN, {"username": editor.username, "password": PASSWORD}, REMOTE_ADDR="10.0.2.1"
    )
    assert response.status_code == 429
    # Other accounts log in from a fresh address as usual.
    other = UserFactory(email="other@example.org", is_staff=True)
    response = client.post(
        ADMIN_LOGIN, {"username": other.username, "password": PASSWORD}, REMOTE_ADDR="10.0.2.2"
    )
    assert response.status_code == 302


def test_success_clears_the_account_count_and_staff_sessions_are_short(client, editor, settings):
    for n in range(4):
        fail(client, ADMIN_LOGIN, editor.username, ip=f"10.0.3.{n}")
    response = client.post(
        ADMIN_LOGIN, {"username": editor.username, "password": PASSWORD}, REMOTE_ADDR="10.0.4.1"
    )
    assert response.status_code == 302
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_SECONDS
    client.logout()
    # The four earlier failures were forgotten: four more are still allowed.
    for n in range(4):
        assert fail(client, ADMIN_LOGIN, editor.username, ip=f"10.0.5.{n}").status_code == 200


def test_practitioner_login_is_throttled_too_and_keeps_long_sessions(client, settings, db):
    user = UserFactory(email="pract@example.org")
    response = client.post(PRACTITIONER_LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    client.logout()
    for _ in range(5):
        assert fail(client, PRACTITIONER_LOGIN, user.username).status_code in (200, 400)
    assert fail(client, PRACTITIONER_LOGIN, user.username).status_code == 429


def test_limit_is_a_setting(client, editor, settings):
    settings.LOGIN_FAILURE_LIMIT = "2/1m"
    fail(client, ADMIN_LOGIN, "x")
    fail(client, ADMIN_LOGIN, "y")
    response = fail(client, ADMIN_LOGIN, "z")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_session_cookie_is_http_only_and_lax(client, editor):
    client.post(ADMIN_LOGIN, {"username": editor.username, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert get_user_model().objects.get(pk=client.session["_auth_user_id"]) == editor


# --- the visitor's address behind reverse proxies --------------------------------------------
@pytest.mark.parametrize(
    ("count", "forwarded", "seen"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),  # the left entry is the client's lie
        (2, "198.51.100.66, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: left alone
    ],
)
def test_client_address_from_trusted_proxies(settings, count, forwarded, seen):
    from django.test import RequestFactory

    from healing_together.middleware import ProxyClientAddressMiddleware

    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    ProxyClientAddressMiddleware(lambda r: r.META["REMOTE_ADDR"])(request)
    assert request.META["REMOTE_ADDR"] == seen


def test_throttle_counts_visitors_separately_behind_a_proxy(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            ADMIN_LOGIN,
            {"username": "x", "password": "wrong"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    # Another visitor through the same proxy still logs in.
    response = client.post(
        ADMIN_LOGIN,
        {"username": editor.username, "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    assert response.status_code == 302
