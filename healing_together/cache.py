"""Whole-page cache for anonymous visitors.

Why a middleware of our own rather than Django's `cache_page`/`UpdateCacheMiddleware`:
those key on the full `Cookie` header once a page reads the session (every page does, for
the header's login state), so a visitor with any cookie at all would never hit the cache,
and they know nothing about CSP nonces or publishing. This one:

* serves and stores only GET/HEAD requests that carry no session and no messages cookie,
  so logged-in practitioners and editors, and visitors who just posted a form, always get
  a fresh page; it never stores a response that sets a cookie (a page that used the CSRF
  token sets `csrftoken`, so pages with POST forms are never stored), nor one that is not
  a 200, is streamed, is private/no-cache/no-store, or varies on a header the key ignores;
* keys each page on the method, scheme, host, language and the full path with its query
  string, and stores it with the *generation* it was rendered under; one round trip
  (MGET) fetches the page and the generation in force, and a page of an older
  generation is a miss;
* bumps the generation (one cache key) once the transaction commits whenever a model of
  the content apps (networks, directory, articles) is saved, deleted or has its
  many-to-many relations changed, and whenever any SQL write reaches their tables
  (moderation transitions use `QuerySet.update()`, which sends no signal). Older pages
  are then never served again;
* gives every visitor a fresh CSP nonce: a stored page remembers the nonce it was rendered
  with, and each hit swaps it, in the markup and in the Content-Security-Policy header
  alike, for a new random one. The header always matches the markup and no two responses
  share a nonce;
* stores each page that has no nonce gzip-compressed and sends it as it is to clients
  that accept gzip, so a hit neither compresses nor moves much out of Redis;
  GZipMiddleware, outside this one, compresses everything else;
* with a shared cache (Redis), keeps for PAGE_CACHE_LOCAL_SECONDS (1 s) the generation
  and the pages a process served in that process's memory, so most hits during a spike
  never leave the process; other processes see a change within that second;
* adds `X-Cache: hit|miss` (`bypass` for requests it does not look up);
* turns a cache outage into slower pages, not errors: a failing cache is skipped for a
  few seconds.

Any code may drop every cached page with `cache.delete(settings.PAGE_CACHE_GENERATION_KEY)`
without importing this package (apps must not import it).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache, RedisCacheClient
from django.core.checks import CheckMessage, Info, Tags, register
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

# Header lists are comma-separated (Django 6 no longer exports its own regex for this).
HEADER_LIST_SPLIT = re.compile(r"\s*,\s*")

logger = logging.getLogger(__name__)

# Settings (each with a default, so the module works with none of them set).
DEFAULT_GENERATION_KEY = "page-cache:generation"
DEFAULT_WATCHED_APPS = ("networks", "directory", "articles")
DEFAULT_EXCLUDED_PATHS = (
    r"^/admin/",
    r"^/healthz",
    r"^/i18n/",
    r"^/static/",
    r"^/media/",
    r"^/[a-z]{2}(?:-[a-z]+)?/practitioners/",
)
CACHEABLE_METHODS = ("GET", "HEAD")
# Part of every key: a release that stores entries differently never reads older ones.
ENTRY_FORMAT = "v2"
# Request headers that change what some views render (partial HTML for scripts):
# they are part of the key, so responses may declare `Vary` on them.
KEYED_REQUEST_HEADERS = ("X-Requested-With", "HX-Request")
# Vary headers the key already accounts for: Cookie (only requests without a session or
# messages cookie are cached, and responses that set cookies are not), Accept-Language
# (the language is in the key), Accept-Encoding (compressed responses are not stored).
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"} | {
    header.lower() for header in KEYED_REQUEST_HEADERS
}
# Like GZipMiddleware: smaller bodies are not worth compressing.
GZIP_MIN_BYTES = 200
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
# After a cache error, this process leaves the cache alone for this many seconds.
OUTAGE_BACKOFF_SECONDS = 5.0


def _generation_key() -> str:
    return getattr(settings, "PAGE_CACHE_GENERATION_KEY", DEFAULT_GENERATION_KEY)


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


class _Outage:
    """Remembers, per process, that the cache failed recently."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def active(self) -> bool:
        return time.monotonic() < self._until

    def start(self, exc: Exception) -> None:
        with self._lock:
            if not self.active():
                logger.warning("Page cache unavailable, serving uncached pages: %r", exc)
            self._until = time.monotonic() + OUTAGE_BACKOFF_SECONDS

    def reset(self) -> None:
        self._until = 0.0


outage = _Outage()


class _LocalLayer:
    """Each process's own short-term copy of the generation and of the pages it served.

    With a shared cache (Redis) a hit costs a network round trip and unpickling; during a
    traffic spike most requests are for a few pages. For PAGE_CACHE_LOCAL_SECONDS (1 s by
    default) a process trusts the generation it last read and serves pages from its own
    memory, so a hit touches nothing outside the process. The process that saves a change
    forgets both at once; the other processes see the change within that many seconds.
    Off with a process-local cache (LocMem: nothing to gain) or PAGE_CACHE_LOCAL_SECONDS=0.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.generation: int | None = None
        self.checked = 0.0
        self.entries: OrderedDict[str, tuple[int, float, tuple]] = OrderedDict()
        self.size = 0

    @staticmethod
    def seconds() -> float:
        return float(getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 1.0))

    def enabled(self) -> bool:
        if self.seconds() <= 0:
            return False
        backend = settings.CACHES[getattr(settings, "PAGE_CACHE_ALIAS", "default")]["BACKEND"]
        return not backend.endswith("LocMemCache")

    def trusted_generation(self) -> int | None:
        if self.generation is not None and time.monotonic() - self.checked < self.seconds():
            return self.generation
        return None

    def remember_generation(self, generation: int) -> None:
        with self.lock:
            if generation != self.generation:
                self.entries.clear()
                self.size = 0
            self.generation = generation
            self.checked = time.monotonic()

    def get(self, key: str, generation: int) -> tuple | None:
        with self.lock:
            item = self.entries.get(key)
            if item is None or item[0] != generation or item[1] < time.time():
                return None
            self.entries.move_to_end(key)
            return item[2]

    def put(self, key: str, generation: int, expires: float, entry: tuple) -> None:
        limit = int(getattr(settings, "PAGE_CACHE_LOCAL_MAX_BYTES", 16 * 1024 * 1024))
        with self.lock:
            if generation != self.generation:
                return
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[2][2])
            self.entries[key] = (generation, expires, entry)
            self.size += len(entry[2])
            while self.size > limit and self.entries:
                _key, (_gen, _expires, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped[2])


local = _LocalLayer()


# --- Generation: one number in every key; changing it retires every cached page ---------
def current_generation() -> int:
    """The generation in force, created when missing.

    A new generation starts from the clock in nanoseconds, so a generation lost to
    eviction or a cache restart never comes back as a number that older pages used.
    """
    cache = _cache()
    key = _generation_key()
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key)
    return int(generation)


def invalidate_pages() -> None:
    """Retire every cached page (the next request starts a new generation)."""
    local.clear()
    try:
        _cache().delete(_generation_key())
    except Exception as exc:  # a cache outage must never break an editor's save
        logger.warning("Could not invalidate the page cache: %r", exc)


class _CommitBatch:
    """The writes of one transaction: each registers a callback, only the first acts.

    Every write appends its own on_commit callback (so savepoint rollbacks and test
    helpers that capture callbacks see each of them), but they share this object and the
    cache is touched once per commit, not once per saved row.
    """

    def __init__(self) -> None:
        self.done = False

    def run(self) -> None:
        if not self.done:
            self.done = True
            invalidate_pages()


def _invalidate_after_commit(using: str) -> None:
    """Invalidate once the transaction commits (at once outside a transaction).

    Invalidating before the commit would let a concurrent request render the old data
    and store it under the new generation.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        invalidate_pages()
        return
    batch = getattr(connection, "_page_cache_batch", None)
    if batch is None or batch.done:
        batch = _CommitBatch()
        connection._page_cache_batch = batch
    transaction.on_commit(batch.run, using=using)


def _on_model_change(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    _invalidate_after_commit(using or DEFAULT_DB_ALIAS)


def _on_m2m_change(sender, action, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action.startswith("post_"):
        _invalidate_after_commit(using or DEFAULT_DB_ALIAS)


class _WriteWatcher:
    """A database execute wrapper that notices writes to the content apps' tables.

    Signals miss `QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw SQL, which
    moderation transitions and daily jobs use; every write reaches the database through
    this wrapper, whatever its origin (a request, a management command, a migration).
    """

    write_re = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?([\w.]+)', re.I)

    def __init__(self, tables: frozenset[str], alias: str) -> None:
        self.tables = tables
        self.alias = alias

    def __call__(self, execute, sql, params, many, context):
        if sql[:1] not in ("S", "s"):  # the common case, SELECT, costs one comparison
            match = self.write_re.match(sql)
            if match and match.group(1) in self.tables:
                _invalidate_after_commit(self.alias)
        return execute(sql, params, many, context)


def _watched_models():
    labels = getattr(settings, "PAGE_CACHE_WATCHED_APPS", DEFAULT_WATCHED_APPS)
    for label in labels:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        yield from app_config.get_models(include_auto_created=True)


def _install_write_watcher(sender=None, connection=None, **kwargs) -> None:
    if connection is None or any(isinstance(w, _WriteWatcher) for w in connection.execute_wrappers):
        return
    tables = frozenset(model._meta.db_table for model in _watched_models())
    # First in the list, not last: `connection.execute_wrapper()` blocks pop the last one,
    # and the connection may open (and this run) inside such a block.
    connection.execute_wrappers.insert(0, _WriteWatcher(tables, connection.alias))


def connect_invalidation_signals() -> None:
    """Invalidate when any model (through tables included) of the content apps changes.

    Called from the project's AppConfig.ready(), so management commands, the admin and
    the site all invalidate. Model signals are connected per model, so other models keep
    Django's fast bulk deletes; the write watcher catches what sends no signal.
    """
    for model in _watched_models():
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_on_m2m_change, sender=model, dispatch_uid=uid)
    connection_created.connect(_install_write_watcher, dispatch_uid="page-cache:writes")
    for connection in connections.all(initialized_only=True):
        _install_write_watcher(connection=connection)


# --- System check ---------------------------------------------------------------------------
@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A page cache in local memory is per process: say what that means for editors."""
    backend = settings.CACHES.get(getattr(settings, "PAGE_CACHE_ALIAS", "default"), {})
    if settings.PAGE_CACHE_SECONDS > 0 and backend.get("BACKEND", "").endswith("LocMemCache"):
        return [
            Info(
                "Pages are cached in each process's own memory (no REDIS_URL): a change is "
                "seen at once by the process that saved it and within PAGE_CACHE_SECONDS "
                f"({settings.PAGE_CACHE_SECONDS} s) by the other gunicorn workers.",
                hint="Set REDIS_URL to share one cache between workers and servers.",
                id="healing_together.I001",
            )
        ]
    return []


# --- Redis backend ------------------------------------------------------------------------
class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every command, which costs about as
    much as the command itself (redis-py fills its response-callback table each time); this
    one builds one per connection pool and reuses it (redis.Redis is safe to share)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with a reused client (settings: REDIS_URL)."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient


# --- The middleware ---------------------------------------------------------------------
def _bypass_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))


def _excluded_paths() -> re.Pattern:
    patterns = getattr(settings, "PAGE_CACHE_EXCLUDED_PATHS", DEFAULT_EXCLUDED_PATHS)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _new_nonce() -> str:
    # The same shape as django-csp's own nonces (16 random bytes, base64).
    return base64.b64encode(os.urandom(16)).decode("ascii")


class PageCacheMiddleware:
    """Serves and stores anonymous pages; see the module docstring.

    Place it after SecurityMiddleware and WhiteNoise and before SessionMiddleware: a hit
    then skips sessions, CSRF, auth, locale and CSP, while the stored response carries the
    headers those inner middlewares set.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = _excluded_paths()

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0:
            return self.get_response(request)
        if not self._eligible(request):
            response = self.get_response(request)
            response.headers.setdefault("X-Cache", "bypass")
            return response

        key = generation = None
        if not outage.active():
            try:
                key = self._key(request)
                generation, entry = self._lookup(key)
            except Exception as exc:
                outage.start(exc)
                entry = None
            if entry is not None:
                return self._from_entry(entry, request)

        response = self.get_response(request)
        if generation is not None and self._storable(request, response):
            entry = self._to_entry(request, response)
            expires = time.time() + seconds
            try:
                _cache().set(key, (generation, entry, expires), seconds)
            except Exception as exc:
                outage.start(exc)
            else:
                if local.enabled():
                    local.put(key, generation, expires, entry)
            if entry[-1]:  # the page is stored compressed: a gzip client gets that copy
                _set_gzipped_body(request, response, entry[2])
        response.headers.setdefault("X-Cache", "miss")
        return response

    @staticmethod
    def _lookup(key: str) -> tuple[int, tuple | None]:
        """The generation in force and the page stored under it.

        From this process's memory while it trusts its copy of the generation (see
        _LocalLayer), else from the shared cache in one round trip (MGET). A page is
        stored with the generation it was rendered under; a page from an older generation
        is a miss (and is overwritten by the fresh render).
        """
        use_local = local.enabled()
        if use_local:
            generation = local.trusted_generation()
            if generation is not None:
                entry = local.get(key, generation)
                if entry is not None:
                    return generation, entry
        found = _cache().get_many([_generation_key(), key])
        generation = found.get(_generation_key())
        if generation is None:
            generation = current_generation()
        if use_local:
            local.remember_generation(generation)
        stored = found.get(key)
        if not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != generation:
            return generation, None  # absent, older, or written by another release
        if use_local:
            local.put(key, generation, stored[2], stored[1])
        return generation, stored[1]

    # Which requests and responses ------------------------------------------------------
    def _eligible(self, request) -> bool:
        if request.method not in CACHEABLE_METHODS:
            return False
        if any(name in request.COOKIES for name in _bypass_cookies()):
            return False
        return not self.excluded.match(request.path_info)

    @staticmethod
    def _storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_USED"):  # older Django; newer sets the cookie
            return False
        if response.has_header("Content-Encoding"):
            return False
        cache_control = {
            part.split("=")[0].strip().lower()
            for part in HEADER_LIST_SPLIT.split(response.get("Cache-Control", ""))
            if part.strip()
        }
        if cache_control & {"private", "no-cache", "no-store"}:
            return False
        vary = {h.strip().lower() for h in HEADER_LIST_SPLIT.split(response.get("Vary", "")) if h}
        return vary <= HARMLESS_VARY

    # Key and entries -------------------------------------------------------------------
    @staticmethod
    def _key(request) -> str:
        path = request.path_info
        language = get_language_from_path(path) or get_language_from_request(request)
        varies = "|".join(request.headers.get(h, "") for h in KEYED_REQUEST_HEADERS)
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(f"{url}|{varies}".encode()).hexdigest()
        return f"page:{ENTRY_FORMAT}:{request.method}:{language}:{digest}"

    @staticmethod
    def _to_entry(request, response) -> tuple:
        """(status, headers, body, nonce, gzipped): what a hit needs, and no more.

        A page without a nonce is stored gzip-compressed only: compressed once here, not
        on every hit, and a hit moves several times fewer bytes out of Redis; the rare
        client that does not accept gzip gets it decompressed. A page with a nonce is
        stored as it is, since its nonce changes on every hit. A cached page holds no
        secret (no CSRF token, no session data): compression gives BREACH nothing here.
        """
        nonce_lazy = getattr(request, "csp_nonce", None)
        nonce = str(nonce_lazy) if nonce_lazy is not None and bool(nonce_lazy) else ""
        headers = [(k, v) for k, v in response.headers.items() if k != "X-Cache"]
        content = response.content
        if not nonce and len(content) >= GZIP_MIN_BYTES:
            compressed = gzip.compress(content, compresslevel=6, mtime=0)
            if len(compressed) < len(content):
                return (response.status_code, headers, compressed, "", True)
        return (response.status_code, headers, content, nonce, False)

    @staticmethod
    def _from_entry(entry, request) -> HttpResponse:
        status, headers, body, nonce, gzipped = entry
        fresh = ""
        if nonce:
            fresh = _new_nonce()
            body = body.replace(nonce.encode("ascii"), fresh.encode("ascii"))
        response = HttpResponse(status=status)
        for name, value in headers:
            if nonce and name in CSP_HEADERS:
                value = value.replace(nonce, fresh)
            response.headers[name] = value
        if gzipped:
            _set_gzipped_body(request, response, body)
        else:
            response.content = body
        response.headers["X-Cache"] = "hit"
        return response


def _set_gzipped_body(request, response, compressed: bytes) -> None:
    """The stored gzip body for clients that accept it, the plain one for the others."""
    patch_vary_headers(response, ("Accept-Encoding",))
    if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = compressed
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(compressed))
    else:
        response.content = gzip.decompress(compressed)
        response.headers["Content-Length"] = str(len(response.content))
