"""Log-in protection: failed log-ins are throttled, and staff sessions are shorter.

* Every failed log-in (Django's `user_login_failed` signal, whatever the form) counts
  against the client's address and against the user name tried. Once either has
  `LOGIN_FAILURE_LIMIT` failures ("5/15m": five within fifteen minutes of the first),
  `LoginThrottleMiddleware` answers further log-in POSTs to the views named in
  `LOGIN_THROTTLED_VIEWS` (the admin's and the practitioners') with a 429 page, without
  checking the password, until the count expires. A successful log-in clears the count of
  its user name (not of the address).
* Counting by user name stops a slow attack spread over many addresses; its cost is that
  someone can lock an account out for fifteen minutes by failing on purpose, which is the
  usual trade-off, and the editor can still reset a password by email meanwhile.
* A staff member's session lasts `STAFF_SESSION_SECONDS` (a working day), not the
  practitioners' two weeks: the admin can change every page.

The counter reuses the directory's rate limiter (`client_ip`, `Rate`), but not its `hit()`:
this needs to read a count without adding to it (the check before the password is tried),
and to count failures only.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from directory.ratelimit import Rate, client_ip

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = "5/15m"
DEFAULT_VIEWS = ("admin:login", "directory:login")


def failure_rate() -> Rate:
    return Rate.parse(getattr(settings, "LOGIN_FAILURE_LIMIT", DEFAULT_LIMIT))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ip_key(request) -> str:
    return f"login-failures:ip:{_digest(client_ip(request))}"


def _user_key(username: str) -> str:
    return f"login-failures:user:{_digest(username.strip().casefold())}"


def _keys(request, username: str) -> list[str]:
    keys = [_ip_key(request)]
    if username.strip():
        keys.append(_user_key(username))
    return keys


def is_blocked(request, username: str) -> bool:
    """True when the address or the user name has used up its failed log-ins."""
    limit = failure_rate().count
    try:
        counts = cache.get_many(_keys(request, username))
    except Exception as exc:  # the cache is down: let people log in
        logger.warning("Login throttle unavailable (%s)", exc)
        return False
    return any(count >= limit for count in counts.values())


def record_failure(sender, credentials=None, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: one more failure for the address and the user name."""
    if request is None:
        return
    username = str((credentials or {}).get("username") or "")
    seconds = failure_rate().seconds
    for key in _keys(request, username):
        try:
            if not cache.add(key, 1, timeout=seconds):
                cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=seconds)
        except Exception as exc:
            logger.warning("Login throttle unavailable (%s)", exc)
            return
    logger.info("Failed log-in for %r from %s", username[:150], client_ip(request))


def on_login(sender, request=None, user=None, **kwargs) -> None:
    """`user_logged_in` receiver: clear the user name's failures; shorter staff sessions."""
    if request is None or user is None:
        return
    try:
        cache.delete(_user_key(user.get_username()))
    except Exception as exc:
        logger.warning("Login throttle unavailable (%s)", exc)
    if user.is_staff and hasattr(request, "session"):
        request.session.set_expiry(settings.STAFF_SESSION_SECONDS)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_login_failed.connect(record_failure, dispatch_uid="logins:failed")
    user_logged_in.connect(on_login, dispatch_uid="logins:logged-in")


class LoginThrottleMiddleware:
    """Answers 429 to log-in attempts from an address or for a user name that failed too often.

    Place it after AuthenticationMiddleware and MessageMiddleware (the page uses the site
    layout).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = frozenset(getattr(settings, "LOGIN_THROTTLED_VIEWS", DEFAULT_VIEWS))

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is None or match.view_name not in self.views:
            return None
        if not is_blocked(request, request.POST.get("username", "")):
            return None
        minutes = max(1, failure_rate().seconds // 60)
        response = render(request, "login_throttled.html", {"minutes": minutes}, status=429)
        response["Retry-After"] = str(failure_rate().seconds)
        return response
