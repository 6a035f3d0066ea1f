"""The HTTP side of the API: JSON, CORS, conditional GET and a rate limit.

* **CORS**: any site may read the API from a browser (``Access-Control-Allow-Origin: *``);
  only GET, HEAD and OPTIONS are allowed, and no credentials are involved.
* **Conditional GET**: every answer carries an ``ETag`` (a hash of the body) and a
  ``Last-Modified`` (the latest change of a group or profile); ``If-None-Match`` /
  ``If-Modified-Since`` get ``304 Not Modified``. ``Cache-Control: no-cache`` lets
  browsers and proxies keep answers but ask again each time, so the rate limit and the
  freshness of the data hold for every request (the anonymous page cache does not store
  these answers either).
* **Rate limit**: ``API_RATE_LIMIT`` requests per ``API_RATE_LIMIT_PERIOD`` seconds per
  client address, counted in the cache (shared between workers with Redis); beyond it,
  ``429 Too Many Requests`` with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
DEFAULT_RATE_LIMIT = 120
DEFAULT_RATE_PERIOD = 60
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"


class ApiError(Exception):
    """An error answered as JSON (`{"error": ..., "status": ...}`)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Result:
    """What a view returns: the data, and when the data behind it last changed."""

    def __init__(self, data, last_modified: dt.datetime | None = None):
        self.data = data
        self.last_modified = last_modified


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def json_response(data, status: int = 200) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")


def error_response(status: int, message: str) -> HttpResponse:
    response = json_response({"error": message, "status": status}, status=status)
    response["Cache-Control"] = "no-store"
    return _cors(response)


def request_language(request: HttpRequest) -> str:
    """The `lang` parameter when it is one of the site's languages, else the default."""
    language = request.GET.get("lang", "").strip().lower()
    codes = {code for code, _label in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


# --- Rate limit --------------------------------------------------------------------------
def client_address(request: HttpRequest) -> str:
    """The client's address; behind our TLS proxy, the one the proxy saw."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_rate(request: HttpRequest) -> tuple[bool, int, int, int]:
    """(allowed, limit, remaining, seconds until the window resets) for this request."""
    limit = int(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    period = int(getattr(settings, "API_RATE_LIMIT_PERIOD", DEFAULT_RATE_PERIOD))
    if limit <= 0:
        return True, 0, 0, 0
    now = time.time()
    window = int(now // period)
    reset = max(1, int((window + 1) * period - now))
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    key = f"api-rate:{digest}:{window}"
    try:
        if cache.add(key, 1, timeout=period + 1):
            count = 1
        else:
            count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=period + 1)
        count = 1
    except Exception:  # a cache outage must not take the API down with it
        return True, limit, limit, reset
    return count <= limit, limit, max(0, limit - count), reset


# --- The decorator every endpoint uses ----------------------------------------------------
def endpoint(view: Callable[..., Result]) -> Callable[..., HttpResponse]:
    """JSON answer with CORS, rate limit, ETag/Last-Modified and 304s."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Headers"] = (
                "Accept, Accept-Language, If-None-Match, If-Modified-Since"
            )
            response["Access-Control-Max-Age"] = "86400"
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, "Only GET, HEAD and OPTIONS are allowed.")
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        allowed, limit, remaining, reset = check_rate(request)
        if not allowed:
            response = error_response(
                429, f"Too many requests: at most {limit} per period. Try again later."
            )
            response["Retry-After"] = str(reset)
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = "0"
            return response
        try:
            # Texts (theme names, labels) in the language asked for, French by default.
            with translation.override(request_language(request)):
                result = view(request, *args, **kwargs)
        except ApiError as exc:
            return error_response(exc.status, exc.message)
        response = json_response(result.data)
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        if result.last_modified:
            response["Last-Modified"] = http_date(result.last_modified.timestamp())
        response["Cache-Control"] = "public, no-cache"
        if limit:
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
        conditional = get_conditional_response(
            request,
            etag=etag,
            last_modified=int(result.last_modified.timestamp()) if result.last_modified else None,
            response=response,
        )
        return _cors(conditional)

    wrapper.csrf_exempt = True  # read-only; lets OPTIONS and a stray POST get a JSON answer
    return wrapper
