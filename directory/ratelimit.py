"""A small cache-based rate limiter for the public forms (sign-up, submission, contact).

Why not django-ratelimit: its system checks refuse the local-memory cache this project uses
by default (error E003, see stack-notes §4.8), which would block `runserver` and `migrate`
unless silenced, and it brings decorators and settings we do not need for four forms.
This is a fixed-window counter: one `cache.add()` and one `cache.incr()` per hit.

* With Redis (REDIS_URL) the counts are shared by every worker; with the default
  local-memory cache each process counts on its own, which still stops a script hammering
  one worker but lets through up to (workers x limit). Use Redis in production.
* A window allows at most `count` hits; a burst across a window boundary can reach twice
  that, which is fine for abuse control.
* If the cache is down, requests are allowed (and a warning logged): an outage must not
  lock practitioners out.

Limits are "count/period" strings (period: s, m, h, d) in `DEFAULT_RATES`, overridable
one by one with the `RATE_LIMITS` setting, e.g. ``RATE_LIMITS = {"contact": "3/h"}``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

DEFAULT_RATES = {
    # Per IP address.
    "signup": "5/h",
    "login-resend": "3/h",
    "contact": "5/h",
    "report": "10/h",
    # Per practitioner account.
    "group-create": "30/d",
    "submit": "30/d",
}

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _, period = text.partition("/")
        unit = period[-1:]
        if unit not in PERIODS:
            raise ValueError(f"Bad rate {text!r}: use count/period, period in s, m, h, d.")
        multiple = int(period[:-1] or 1)
        return cls(int(count), multiple * PERIODS[unit])


def rate_for(scope: str) -> Rate:
    rates = {**DEFAULT_RATES, **getattr(settings, "RATE_LIMITS", {})}
    return Rate.parse(rates[scope])


def client_ip(request) -> str:
    """The client's address as this server sees it.

    Behind a reverse proxy, configure the proxy to set REMOTE_ADDR (e.g. gunicorn's
    `--forwarded-allow-ips` with the proxy's address); X-Forwarded-For is not trusted here.
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ident: str, window: int) -> str:
    digest = hashlib.sha256(f"{scope}|{ident}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}"


def hit(scope: str, ident: str, rate: Rate | None = None) -> bool:
    """Count one attempt of `ident` in `scope`; True while it is within the limit."""
    rate = rate or rate_for(scope)
    window = int(time.time() // rate.seconds)
    key = _key(scope, ident, window)
    try:
        if cache.add(key, 1, timeout=rate.seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=rate.seconds + 1)
                count = 1
    except Exception as exc:  # the cache is down: let the request through
        logger.warning("Rate limiter unavailable (%s): allowing %s", exc, scope)
        return True
    return count <= rate.count


def is_limited(request, scope: str, ident: str | None = None) -> bool:
    """Count this request in `scope` (per IP unless `ident` is given); True when over."""
    return not hit(scope, ident if ident is not None else client_ip(request))
