"""Every page type, as served: Help now in the header, no inline script, the security
headers, canonical and OpenGraph/Twitter meta, and schema.org JSON-LD that parses."""

import json
import re
from html.parser import HTMLParser

import pytest

from tests.factories import GroupFactory, ProfessionalFactory

from .pages import practitioner_pages

# Only data blocks may be inline: the CSP forbids inline code, and these are never run.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
SITE_OG_TITLE = "Support groups and group therapy in Belgium"


class Page(HTMLParser):
    """What the trust checks read from a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []  # {"attrs": {...}, "text": "..."}
        self.event_handlers: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.meta: dict[str, str] = {}
        self.help_links: list[str] = []
        self._script = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs_dict = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.event_handlers.append((tag, name))
        if tag == "script":
            self._script = {"attrs": attrs_dict, "text": ""}
            self.scripts.append(self._script)
        elif tag == "link":
            self.links.append(attrs_dict)
        elif tag == "meta":
            key = attrs_dict.get("property") or attrs_dict.get("name")
            if key:
                self.meta[key] = attrs_dict.get("content", "")
        elif tag == "a" and "help-now" in (attrs_dict.get("class") or "").split():
            self.help_links.append(attrs_dict.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    @property
    def inline_code(self) -> list[dict]:
        return [
            s
            for s in self.scripts
            if "src" not in s["attrs"] and s["attrs"].get("type") not in DATA_SCRIPT_TYPES
        ]

    @property
    def json_ld(self) -> list[dict]:
        blocks = []
        for script in self.scripts:
            if script["attrs"].get("type") == "application/ld+json":
                data = json.loads(script["text"])
                blocks.extend(data if isinstance(data, list) else [data])
        return blocks

    def rel(self, rel: str) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == rel]


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, Page(response.content.decode())


def every_page(client, pages, practitioner):
    """(type, URL, response, parsed page) for every public page, then the practitioner's."""
    for kind, url in pages.items():
        yield (kind, url, *fetch(client, url))
    client.force_login(practitioner)
    for kind, url in practitioner_pages().items():
        yield (kind, url, *fetch(client, url))


@pytest.mark.django_db
def test_every_page_type_has_help_now_in_its_header(client, pages, practitioner):
    for kind, _url, _response, page in every_page(client, pages, practitioner):
        assert page.help_links == ["/en/help/"], kind


@pytest.mark.django_db
def test_no_page_has_inline_code_or_event_handler_attributes(client, pages, practitioner):
    for kind, _url, _response, page in every_page(client, pages, practitioner):
        assert page.inline_code == [], kind
        assert page.event_handlers == [], kind


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client, pages, practitioner):
    for kind, _url, response, _page in every_page(client, pages, practitioner):
        policy = {}
        for part in response["Content-Security-Policy"].split(";"):
            name, _, value = part.strip().partition(" ")
            policy[name] = value
        assert "'self'" in policy["script-src"], kind
        assert "unsafe-inline" not in policy["script-src"], kind
        assert "unsafe-eval" not in policy["script-src"], kind
        assert policy["object-src"] == "'none'", kind
        assert policy["frame-ancestors"] == "'none'", kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
        assert "camera=()" in response["Permissions-Policy"], kind
        assert response["X-Frame-Options"] == "DENY", kind


@pytest.mark.django_db
def test_public_pages_have_canonical_and_their_own_social_meta(client, pages):
    for kind, url in pages.items():
        _response, page = fetch(client, url)
        path = url.split("?")[0]
        canonical = [f"http://testserver{path}"]
        if "noindex" in page.meta.get("robots", ""):
            # Kept out of search engines (the practitioner space, filtered searches):
            # no canonical, or the unfiltered page's.
            assert page.rel("canonical") in ([], canonical), kind
            continue
        assert page.rel("canonical") == canonical, kind
        assert page.meta["og:url"] == f"http://testserver{path}", kind
        assert page.meta["og:site_name"] == "Healing Together"
        assert page.meta["og:title"].strip(), kind
        assert len(page.meta["og:description"].strip()) > 30, kind
        assert page.meta["twitter:card"] == "summary"
        assert page.meta["og:locale"] == "en_BE"
        # hreflang alternates for the four languages.
        hreflangs = {link.get("hreflang") for link in page.links if link.get("rel") == "alternate"}
        assert {"fr", "nl", "de", "x-default"} <= hreflangs, kind
        if kind not in {"home", "group search"}:
            assert page.meta["og:title"] != SITE_OG_TITLE, f"{kind}: og:title left at default"
    _response, page = fetch(client, pages["article"])
    assert page.meta["og:type"] == "article"
    _response, page = fetch(client, pages["group"])
    assert page.meta["og:type"] == "article"


def types_of(page: Page) -> set[str]:
    return {block["@type"] for block in page.json_ld}


def by_type(page: Page, kind: str) -> dict:
    (block,) = [b for b in page.json_ld if b["@type"] == kind]
    return block


EXPECTED_JSON_LD = {
    "home": {"WebSite", "Organization"},
    "group": {"Event", "BreadcrumbList"},
    "professional": {"BreadcrumbList"},
    "networks map": {"BreadcrumbList"},
    "network": {"Organization", "BreadcrumbList"},
    "articles": {"BreadcrumbList"},
    "article": {"Article", "BreadcrumbList"},
    "orientation": {"BreadcrumbList"},
}


@pytest.mark.django_db
def test_json_ld_on_each_page_type(client, pages):
    for kind, expected in EXPECTED_JSON_LD.items():
        _response, page = fetch(client, pages[kind])
        assert types_of(page) == expected, kind
        for block in page.json_ld:
            assert block["@context"] == "https://schema.org", kind
        if "BreadcrumbList" in expected:
            items = by_type(page, "BreadcrumbList")["itemListElement"]
            assert [item["position"] for item in items] == list(range(1, len(items) + 1))
            assert items[0]["item"] == "http://testserver/en/", kind
            # The last crumb is the page itself, as its canonical address.
            assert items[-1]["item"] == page.rel("canonical")[0], kind
            assert all(item["name"] for item in items), kind


@pytest.mark.django_db
def test_json_ld_content(client, pages):
    _response, page = fetch(client, pages["home"])
    website = by_type(page, "WebSite")
    assert website["url"] == "http://testserver/en/"
    action = website["potentialAction"]
    assert action["target"]["urlTemplate"] == (
        "http://testserver/en/groups/?q={search_term_string}"
    )
    assert by_type(page, "Organization")["name"] == "Healing Together"

    _response, page = fetch(client, pages["network"])
    organization = by_type(page, "Organization")
    assert organization["url"] == page.rel("canonical")[0]
    assert organization["areaServed"][0]["@type"] == "AdministrativeArea"

    _response, page = fetch(client, pages["group"])
    event = by_type(page, "Event")
    assert event["url"] == page.rel("canonical")[0]
    assert event["startDate"]
    assert event["location"]

    _response, page = fetch(client, pages["article"])
    article = by_type(page, "Article")
    assert article["url"] == page.rel("canonical")[0]
    assert article["inLanguage"] == "en"


@pytest.mark.django_db
def test_json_ld_cannot_be_closed_by_a_title(client, pages):
    """A name with `</script>` stays data: it cannot end the JSON-LD element."""
    evil = '</script><script>alert("x")</script> & <b>'
    professional = ProfessionalFactory(published=True, name=evil, slug="evil-name")
    group = GroupFactory(published=True, title=evil, slug="evil-title", owner=professional)
    for url in (group.get_absolute_url(), professional.get_absolute_url()):
        response = client.get(url)
        content = response.content.decode()
        page = Page(content)
        assert page.inline_code == []
        assert content.count("<script") == content.count("</script>")
        names = [item["name"] for item in by_type(page, "BreadcrumbList")["itemListElement"]]
        assert names[-1] == evil
        for script in page.scripts:
            if script["attrs"].get("type") == "application/ld+json":
                assert "<" not in script["text"] and "&" not in script["text"]


@pytest.mark.django_db
def test_privacy_page_covers_what_the_site_stores(client, settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 21
    content = client.get("/en/privacy/").content.decode()
    for topic in (
        "no tracking cookie",
        "up to 14 days",  # server logs
        "within a day",  # rate-limit counters
        "21 days",  # contact messages, from the setting
        "report a problem",  # listing reports
        "never confirm is deleted after a week",  # email alerts
        "unsubscribing deletes your address",
        "registration number",  # practitioners
        "hashed",
        "eight hours for editors",
        "Data Protection Authority",
    ):
        assert topic in content, topic


@pytest.mark.django_db
def test_the_navigation_marks_the_current_page_and_section(client, pages):
    def current(url):
        content = client.get(url).content.decode()
        nav = content[content.index('class="site-nav__list"') :]
        nav = nav[: nav.index("</ul>")]
        return [
            (href, state)
            for href, state in re.findall(r'<a href="([^"]+)" aria-current="(\w+)"', nav)
        ]

    assert current(pages["group search"]) == [("/en/groups/", "page")]
    assert current(pages["group"]) == [("/en/groups/", "true")]
    assert current(pages["network"]) == [("/en/networks/", "true")]
    assert current(pages["orientation"]) == [("/en/orientation/", "page")]
    assert current(pages["login"]) == [("/en/practitioners/", "true")]
    assert current(pages["help"]) == []


def test_the_500_page_needs_nothing_and_gives_the_crisis_numbers():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")  # no request, no database: as Django renders it
    for number in ("tel:112", "tel:080032123", "tel:1813"):
        assert f'href="{number}"' in html
    assert "<script" not in html


@pytest.mark.django_db
def test_the_networks_map_has_a_list_alternative(client, pages):
    """Everything the map offers is in the page as plain links, even without JavaScript."""
    from networks.models import Network, Region

    content = client.get(pages["networks map"]).content.decode()
    # The map section starts hidden: the script shows it. The list does not need it.
    assert 'id="networks-map-section" aria-labelledby="map-title" hidden' in content
    listing = content[content.index('class="region-list"') :]
    for region in Region.objects.on_map():
        assert region.name in listing, region.code
    for network in Network.objects.for_children():
        assert f'href="{network.get_absolute_url()}"' in listing, network.slug


@pytest.mark.django_db
def test_the_404_page_is_not_indexed_and_offers_help(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    page = Page(response.content.decode())
    assert page.rel("canonical") == []
    assert page.meta["robots"] == "noindex"
    assert page.help_links == ["/en/help/"]
