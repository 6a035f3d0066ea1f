"""The anonymous page cache (healing_together/cache.py).

Most tests use small probe views mounted by this module's own URLconf, so they do not
depend on what the content pages render; a few use the real home page.
"""

import gzip
import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.cache import never_cache

from healing_together import cache as page_cache
from networks.models import Network

PROBE_TEMPLATE = engines["django"].from_string(
    "<p>{% for n in networks %}{{ n.short_name }};{% endfor %}</p><p>lang={{ LANGUAGE_CODE }}</p>"
)
NONCE_TEMPLATE = engines["django"].from_string(
    '<script nonce="{{ request.csp_nonce }}">var x = 1;</script><p>{{ request.csp_nonce }}</p>'
)
FORM_TEMPLATE = engines["django"].from_string(
    '<form method="post">{% csrf_token %}<button>Send</button></form>'
)


def probe(request):
    names = Network.objects.order_by("slug")
    return HttpResponse(PROBE_TEMPLATE.render({"networks": names}, request))


def nonce_page(request):
    return HttpResponse(NONCE_TEMPLATE.render({}, request))


def form_page(request):
    if request.method == "POST":
        return HttpResponse("posted")
    return HttpResponse(FORM_TEMPLATE.render({}, request))


def cookie_page(request):
    response = HttpResponse("cookie")
    response.set_cookie("flavour", "oat")
    return response


def missing(request):
    return HttpResponse("nope", status=404)


def session_page(request):
    return HttpResponse(f"user={request.user.is_authenticated}")


private_page = never_cache(probe)

lang_patterns = [
    path("probe/", probe),
    path("nonce/", nonce_page),
    path("form/", form_page),
    path("cookie/", cookie_page),
    path("missing/", missing),
    path("private/", private_page),
    path("session/", session_page),
    path("practitioners/probe/", probe),
]
urlpatterns = [
    path("fr/", include(lang_patterns)),
    path("nl/", include(lang_patterns)),
    path("en/", include(lang_patterns)),
    path("admin/probe/", probe),
]

urlconf = pytest.mark.urls("tests.test_cache")


@pytest.fixture(autouse=True)
def _caching_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    page_cache.outage.reset()
    page_cache.local.clear()
    yield
    page_cache.local.clear()


# --- hits and misses ------------------------------------------------------------------------
@urlconf
@pytest.mark.django_db
def test_anonymous_second_request_is_a_hit(client, django_assert_num_queries):
    Network.objects.create(slug="a", short_name="Alpha", audience="children_adolescents")
    first = client.get("/fr/probe/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/fr/probe/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert b"Alpha;" in second.content
    # Headers set by the middlewares inside the cache are kept; the outer ones re-added.
    for header in ("Content-Type", "X-Frame-Options", "Permissions-Policy", "Referrer-Policy"):
        assert second[header] == first[header]


@urlconf
@pytest.mark.django_db
def test_query_strings_are_distinct_pages(client):
    assert client.get("/fr/probe/?q=a")["X-Cache"] == "miss"
    assert client.get("/fr/probe/?q=b")["X-Cache"] == "miss"
    assert client.get("/fr/probe/?q=a")["X-Cache"] == "hit"


@pytest.mark.django_db
def test_real_home_page_is_cached_per_language(client):
    fr = client.get("/fr/")
    en = client.get("/en/")
    assert fr.status_code == en.status_code == 200
    assert fr["X-Cache"] == en["X-Cache"] == "miss"
    fr_again, en_again = client.get("/fr/"), client.get("/en/")
    assert fr_again["X-Cache"] == en_again["X-Cache"] == "hit"
    assert fr_again.content == fr.content
    assert en_again.content == en.content
    assert b'<html lang="fr">' in fr_again.content
    assert b'<html lang="en">' in en_again.content
    assert fr_again["Content-Language"] == "fr"
    assert en_again["Content-Language"] == "en"


@urlconf
@pytest.mark.django_db
def test_language_is_part_of_the_key(client):
    client.get("/fr/probe/")
    nl = client.get("/nl/probe/")
    assert nl["X-Cache"] == "miss"
    assert client.get("/nl/probe/")["X-Cache"] == "hit"
    assert client.get("/fr/probe/")["X-Cache"] == "hit"
    keys = [k for k in cache._cache if ":page:" in k]  # LocMem's own dict
    assert sorted(re.search(r":page:v\d+:GET:(\w+):", k).group(1) for k in keys) == ["fr", "nl"]


@pytest.mark.django_db
def test_unprefixed_pages_key_on_the_negotiated_language(client):
    client.get("/robots.txt", headers={"accept-language": "nl"})
    assert client.get("/robots.txt", headers={"accept-language": "nl"})["X-Cache"] == "hit"
    assert client.get("/robots.txt", headers={"accept-language": "de"})["X-Cache"] == "miss"


@urlconf
@pytest.mark.django_db
def test_head_and_get_are_cached_separately(client):
    assert client.head("/fr/probe/")["X-Cache"] == "miss"
    assert client.get("/fr/probe/")["X-Cache"] == "miss"
    assert client.head("/fr/probe/")["X-Cache"] == "hit"


@urlconf
@pytest.mark.django_db
def test_visitor_with_only_a_csrf_cookie_gets_cached_pages(client):
    client.get("/fr/probe/")
    client.cookies["csrftoken"] = "x" * 32
    assert client.get("/fr/probe/")["X-Cache"] == "hit"


def test_caching_off_when_seconds_is_zero(client, settings, db):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/fr/")
    response = client.get("/fr/")
    assert "X-Cache" not in response
    assert not [k for k in cache._cache if ":page:" in k]


# --- never cached -----------------------------------------------------------------------
@urlconf
@pytest.mark.django_db
def test_logged_in_users_always_get_fresh_pages(client):
    user = get_user_model().objects.create_user("editor", password="pw-long-enough-123")
    client.get("/fr/session/")  # an anonymous copy is in the cache...
    assert client.get("/fr/session/")["X-Cache"] == "hit"
    client.force_login(user)
    for _ in range(2):
        response = client.get("/fr/session/")
        assert response["X-Cache"] == "bypass"
        assert response.content == b"user=True"  # ...and is never served to the logged-in


@urlconf
@pytest.mark.django_db
def test_pages_seen_by_logged_in_users_are_not_stored(client):
    user = get_user_model().objects.create_user("pro", password="pw-long-enough-123")
    client.force_login(user)
    client.get("/fr/session/")
    client.logout()
    anonymous = client.get("/fr/session/")
    assert anonymous["X-Cache"] == "miss"
    assert anonymous.content == b"user=False"


@urlconf
@pytest.mark.django_db
def test_visitor_with_pending_messages_bypasses(client):
    client.get("/fr/probe/")
    client.cookies["messages"] = "something"
    assert client.get("/fr/probe/")["X-Cache"] == "bypass"


@urlconf
@pytest.mark.django_db
def test_post_is_never_cached(client):
    client.get("/fr/form/")
    first = client.post("/fr/form/", {})
    second = client.post("/fr/form/", {})
    assert first["X-Cache"] == second["X-Cache"] == "bypass"


@urlconf
@pytest.mark.django_db
def test_pages_with_a_csrf_token_are_never_stored(settings):
    from django.test import Client

    settings.CSRF_COOKIE_SECURE = False
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    page_one = first.get("/fr/form/")
    page_two = second.get("/fr/form/")
    assert page_one["X-Cache"] == page_two["X-Cache"] == "miss"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page_two.content).group(1)
    assert page_one.content != page_two.content
    # The token each visitor got works with the cookie that visitor got.
    response = second.post("/fr/form/", {"csrfmiddlewaretoken": token.decode()})
    assert response.status_code == 200


@urlconf
@pytest.mark.django_db
def test_responses_that_set_cookies_are_not_stored(client):
    client.get("/fr/cookie/")
    assert client.get("/fr/cookie/")["X-Cache"] == "miss"


@urlconf
@pytest.mark.django_db
def test_non_200_and_private_responses_are_not_stored(client):
    client.get("/fr/missing/")
    assert client.get("/fr/missing/")["X-Cache"] == "miss"
    client.get("/fr/private/")
    assert client.get("/fr/private/")["X-Cache"] == "miss"


@urlconf
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/probe/", "/fr/practitioners/probe/"])
def test_excluded_paths_bypass(client, url):
    client.get(url)
    assert client.get(url)["X-Cache"] == "bypass"


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    client.get("/healthz")
    response = client.get("/healthz")
    assert response["X-Cache"] == "bypass"
    assert "no-cache" in response["Cache-Control"]


# --- CSP nonce --------------------------------------------------------------------------
def nonce_of(response) -> tuple[str, str]:
    markup = re.search(rb'<script nonce="([^"]+)">', response.content).group(1).decode()
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return markup, header


@urlconf
@pytest.mark.django_db
def test_every_hit_gets_a_fresh_nonce_matching_its_header(client):
    miss = client.get("/fr/nonce/")
    hit_one = client.get("/fr/nonce/")
    hit_two = client.get("/fr/nonce/")
    assert (miss["X-Cache"], hit_one["X-Cache"], hit_two["X-Cache"]) == ("miss", "hit", "hit")
    nonces = []
    for response in (miss, hit_one, hit_two):
        markup, header = nonce_of(response)
        assert markup == header  # the header matches the markup
        assert response.content.count(markup.encode()) == 2  # every use was replaced
        nonces.append(markup)
    assert len(set(nonces)) == 3  # never reused across visitors
    assert len(hit_one.content) == len(miss.content)
    assert hit_one["Content-Length"] == str(len(hit_one.content))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fr/", "/fr/networks/", "/fr/groups/"])
def test_real_pages_keep_header_and_markup_nonces_equal_on_hits(client, url):
    client.get(url)
    hit = client.get(url)
    if hit.status_code != 200:
        pytest.skip(f"{url} answers {hit.status_code}")
    assert hit["X-Cache"] == "hit"
    in_header = set(re.findall(r"'nonce-([^']+)'", hit["Content-Security-Policy"]))
    in_markup = set(re.findall(r'nonce="([^"]*)"', hit.content.decode()))
    assert in_markup <= in_header


# --- invalidation -----------------------------------------------------------------------
@urlconf
@pytest.mark.django_db
def test_saving_a_network_invalidates(client, django_capture_on_commit_callbacks):
    network = Network.objects.create(slug="a", short_name="Alpha", audience="adults")
    client.get("/fr/probe/")
    assert client.get("/fr/probe/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        network.short_name = "Alpha Renamed"
        network.save()
    response = client.get("/fr/probe/")
    assert response["X-Cache"] == "miss"
    assert b"Alpha Renamed;" in response.content


@urlconf
@pytest.mark.django_db
def test_invalidation_waits_for_the_commit(client, django_capture_on_commit_callbacks):
    client.get("/fr/probe/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Network.objects.create(slug="b", short_name="Beta", audience="adults")
        Network.objects.create(slug="c", short_name="Gamma", audience="adults")
        # Not committed yet: the cached page is still served.
        assert client.get("/fr/probe/")["X-Cache"] == "hit"
    assert len({callback.__self__ for callback in callbacks}) == 1  # one batch per commit
    callbacks[0]()
    assert client.get("/fr/probe/")["X-Cache"] == "miss"
    client.get("/fr/probe/")
    for callback in callbacks[1:]:  # the same commit's other callbacks leave the cache alone
        callback()
    assert client.get("/fr/probe/")["X-Cache"] == "hit"


@urlconf
@pytest.mark.django_db
def test_deleting_and_m2m_changes_invalidate(client, django_capture_on_commit_callbacks):
    from networks.models import Region

    region = Region.objects.create(code="BRU", name_fr="Bruxelles", name_nl="Brussel")
    network = Network.objects.create(slug="a", short_name="Alpha", audience="adults")
    for change in (
        lambda: network.regions.add(region),
        lambda: network.regions.clear(),
        lambda: network.delete(),
    ):
        client.get("/fr/probe/")
        assert client.get("/fr/probe/")["X-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert client.get("/fr/probe/")["X-Cache"] == "miss"


@urlconf
@pytest.mark.django_db
def test_queryset_update_invalidates(client, django_capture_on_commit_callbacks):
    """Moderation transitions use QuerySet.update(), which sends no signal."""
    Network.objects.create(slug="a", short_name="Alpha", audience="adults")
    client.get("/fr/probe/")
    with django_capture_on_commit_callbacks(execute=True):
        Network.objects.filter(slug="a").update(short_name="Updated")
    response = client.get("/fr/probe/")
    assert response["X-Cache"] == "miss"
    assert b"Updated;" in response.content


@urlconf
@pytest.mark.django_db(transaction=True)
def test_invalidation_outside_a_test_transaction(client):
    client.get("/fr/probe/")
    with transaction.atomic():
        Network.objects.create(slug="z", short_name="Zeta", audience="adults")
    response = client.get("/fr/probe/")
    assert response["X-Cache"] == "miss"
    assert b"Zeta;" in response.content


@urlconf
@pytest.mark.django_db
def test_other_apps_writes_do_not_invalidate(client):
    client.get("/fr/probe/")
    get_user_model().objects.create_user("someone")
    assert client.get("/fr/probe/")["X-Cache"] == "hit"


@urlconf
@pytest.mark.django_db
def test_directory_group_publish_invalidates(client, django_capture_on_commit_callbacks):
    factories = pytest.importorskip("tests.factories")
    group = factories.GroupFactory()
    client.get("/fr/probe/")
    assert client.get("/fr/probe/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        type(group).objects.filter(pk=group.pk).update(title="Renamed")
    assert client.get("/fr/probe/")["X-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        group.summary = "Changed"
        group.save()
    assert client.get("/fr/probe/")["X-Cache"] == "miss"


@urlconf
@pytest.mark.django_db
def test_article_change_invalidates(client, django_capture_on_commit_callbacks):
    factories = pytest.importorskip("tests.factories")
    article = factories.ArticleFactory()
    client.get("/fr/probe/")
    assert client.get("/fr/probe/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "New title"
        article.save()
    assert client.get("/fr/probe/")["X-Cache"] == "miss"


def test_lost_generation_never_reuses_an_old_number(db):
    first = page_cache.current_generation()
    page_cache.invalidate_pages()
    second = page_cache.current_generation()
    assert second > first
    cache.clear()  # an evicted or restarted cache
    assert page_cache.current_generation() > second


# --- cache outage -------------------------------------------------------------------------
@urlconf
@pytest.mark.django_db
def test_cache_outage_serves_uncached_pages(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    backend = type(caches["default"])
    monkeypatch.setattr(backend, "get", broken)
    monkeypatch.setattr(backend, "set", broken)
    response = client.get("/fr/probe/")
    assert response.status_code == 200
    assert page_cache.outage.active()
    # While in back-off the cache is not even tried.
    assert client.get("/fr/probe/").status_code == 200


# --- compression -----------------------------------------------------------------------------
def body_of(response) -> bytes:
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


@urlconf
@pytest.mark.django_db
def test_hits_serve_the_stored_gzip_copy(client):
    for n in range(40):
        Network.objects.create(slug=f"n{n}", short_name=f"Network {n}", audience="adults")
    plain = client.get("/fr/probe/")
    zipped = client.get("/fr/probe/", headers={"accept-encoding": "gzip, br"})
    assert zipped["X-Cache"] == "hit"
    assert zipped["Content-Encoding"] == "gzip"
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"]
    again = client.get("/fr/probe/")
    assert "Content-Encoding" not in again
    assert again.content == plain.content


@urlconf
@pytest.mark.django_db
def test_a_miss_is_compressed_too(client):
    for n in range(40):
        Network.objects.create(slug=f"n{n}", short_name=f"Network {n}", audience="adults")
    miss = client.get("/fr/probe/", headers={"accept-encoding": "gzip"})
    assert miss["X-Cache"] == "miss"
    assert miss["Content-Encoding"] == "gzip"
    assert b"Network 39;" in gzip.decompress(miss.content)


@urlconf
@pytest.mark.django_db
def test_nonce_pages_are_compressed_per_response_with_their_fresh_nonce(client):
    client.get("/fr/nonce/")
    hits = [client.get("/fr/nonce/", headers={"accept-encoding": "gzip"}) for _ in range(2)]
    nonces = set()
    for hit in hits:
        assert hit["X-Cache"] == "hit"
        body = body_of(hit)
        markup = re.search(rb'<script nonce="([^"]+)">', body).group(1).decode()
        assert f"'nonce-{markup}'" in hit["Content-Security-Policy"]
        nonces.add(markup)
    assert len(nonces) == 2


# --- system check --------------------------------------------------------------------------
def test_check_explains_a_per_process_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    messages = page_cache.check_shared_cache()
    assert [m.id for m in messages] == ["healing_together.I001"]
    settings.CACHES = {
        "default": {"BACKEND": "healing_together.cache.RedisCache", "LOCATION": "redis://x"}
    }
    assert page_cache.check_shared_cache() == []
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert page_cache.check_shared_cache() == []


# --- Redis (production's backend) -----------------------------------------------------------------
@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "healing_together.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "ht-tests",
        }
    }
    caches["default"].clear()
    page_cache.local.clear()
    yield caches["default"]
    caches["default"].clear()
    page_cache.local.clear()


@urlconf
@pytest.mark.django_db
def test_redis_backend_hits_and_invalidates(
    client, redis_cache, django_capture_on_commit_callbacks
):
    network = Network.objects.create(slug="r", short_name="Redis", audience="adults")
    assert client.get("/fr/probe/")["X-Cache"] == "miss"
    hit = client.get("/fr/probe/", headers={"accept-encoding": "gzip"})
    assert hit["X-Cache"] == "hit"
    assert b"Redis;" in body_of(hit)
    with django_capture_on_commit_callbacks(execute=True):
        network.short_name = "Renamed"
        network.save()
    response = client.get("/fr/probe/")
    assert response["X-Cache"] == "miss"
    assert b"Renamed;" in response.content
    # One client object is reused for every command.
    backend = redis_cache._cache
    assert backend.get_client() is backend.get_client()


def test_write_watcher_survives_execute_wrapper_blocks(db):
    from django.db import connection

    def passthrough(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    connection.execute_wrappers[:] = [
        w for w in connection.execute_wrappers if not isinstance(w, page_cache._WriteWatcher)
    ]
    with connection.execute_wrapper(passthrough):
        # The connection opens inside someone's block: connection_created installs ours.
        page_cache._install_write_watcher(connection=connection)
    wrappers = connection.execute_wrappers
    assert passthrough not in wrappers
    assert sum(isinstance(w, page_cache._WriteWatcher) for w in wrappers) == 1


# --- the per-process layer (on with a shared cache such as Redis) ---------------------------------
@pytest.fixture
def local_layer(monkeypatch, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    monkeypatch.setattr(page_cache.local, "enabled", lambda: True)
    return page_cache.local


@urlconf
@pytest.mark.django_db
def test_local_layer_serves_hits_without_the_shared_cache(client, local_layer, monkeypatch):
    Network.objects.create(slug="a", short_name="Alpha", audience="adults")
    assert client.get("/fr/probe/")["X-Cache"] == "miss"

    def unreachable(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(type(caches["default"]), "get_many", unreachable)
    hit = client.get("/fr/probe/")
    assert hit["X-Cache"] == "hit"
    assert b"Alpha;" in hit.content


@urlconf
@pytest.mark.django_db
def test_local_layer_forgets_at_once_what_this_process_changes(
    client, local_layer, django_capture_on_commit_callbacks
):
    network = Network.objects.create(slug="a", short_name="Alpha", audience="adults")
    client.get("/fr/probe/")
    assert client.get("/fr/probe/")["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        network.short_name = "Beta"
        network.save()
    response = client.get("/fr/probe/")
    assert response["X-Cache"] == "miss"
    assert b"Beta;" in response.content


@urlconf
@pytest.mark.django_db
def test_local_layer_sees_other_processes_changes_within_its_seconds(client, local_layer, settings):
    client.get("/fr/probe/")
    # Another process invalidates: the shared generation goes, this process is not told.
    cache.delete(page_cache.DEFAULT_GENERATION_KEY)
    assert client.get("/fr/probe/")["X-Cache"] == "hit"  # trusted for a moment...
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.000001
    assert client.get("/fr/probe/")["X-Cache"] == "miss"  # ...then read again


def test_local_layer_keeps_within_its_byte_limit(settings):
    settings.PAGE_CACHE_LOCAL_MAX_BYTES = 250
    layer = page_cache._LocalLayer()
    layer.remember_generation(7)
    far = 4_000_000_000.0
    for n in range(5):
        layer.put(f"k{n}", 7, far, (200, [], b"x" * 100, "", True))
    assert list(layer.entries) == ["k3", "k4"]
    assert layer.size == 200
    assert layer.get("k4", 7) is not None
    assert layer.get("k4", 8) is None  # another generation
    layer.put("old", 7, 0.0, (200, [], b"x", "", True))
    assert layer.get("old", 7) is None  # expired
