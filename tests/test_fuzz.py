"""Fuzzing: generated input to every public form and query string, zero server errors.

The forms are not listed by hand: each test renders public pages, finds their <form>
elements (method, action, fields, choices) and posts or queries generated values to them,
valid-looking and hostile alike (empty, very long, control characters, NUL, other types,
several values for one key, unknown keys, bytes that are not UTF-8). A form added to one
of these pages later is fuzzed without touching this file. The group search query string
is fuzzed by the directory's own tests; the networks postcode, the orientation, the
articles, the contact, report and alert forms, the account forms, the feeds and the open
data API are fuzzed here.
"""

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings as hsettings, strategies as st

from networks.models import Network

EXAMPLES = 25
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written to .hypothesis/
    derandomize=bool(os.environ.get("CI")),  # CI repeatable; local runs explore more
    suppress_health_check=list(HealthCheck),
)
# Bytes that are not even a well-formed query: fewer examples find what there is to find.
FUZZ_RAW = hsettings(FUZZ, max_examples=10)
# The group search is the directory's own fuzz target; the admin is not public.
SKIPPED_ACTIONS = ("/admin/",)
SEARCH_PATH_SUFFIX = "/groups/"


# --- discovering forms ---------------------------------------------------------------------
@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    choices: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def signature(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.form = Form(method=(a.get("method") or "get").lower(), action=action)
            self.forms.append(self.form)
        elif self.form is None or not a.get("name"):
            return
        elif tag in ("input", "button"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if a["name"] == "csrfmiddlewaretoken":
                return
            existing = self.form.fields.get(a["name"])
            if existing and kind in ("radio", "checkbox"):
                existing.choices.append(a.get("value") or "on")
            else:
                choices = [a.get("value") or "on"] if kind in ("radio", "checkbox") else []
                self.form.fields[a["name"]] = Field(a["name"], kind, choices, a.get("value", ""))
        elif tag == "textarea":
            self.form.fields[a["name"]] = Field(a["name"], "textarea")
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.form.fields[a["name"]] = self.select
        if tag == "option" and self.select is not None:
            self.select.choices.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def forms_on(client, url: str) -> list[Form]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FormParser(url)
    parser.feed(response.content.decode())
    return [
        form
        for form in parser.forms
        if form.fields
        and not any(part in form.action for part in SKIPPED_ACTIONS)
        and not (form.method == "get" and urlsplit(form.action).path.endswith(SEARCH_PATH_SUFFIX))
    ]


# --- generated values ------------------------------------------------------------------------
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "0",
            "-1",
            "1e309",
            "NaN",
            "9" * 40,
            "1000",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%",
            "%%",
            "\\",
            "../../etc/passwd",
            "x@example.org",
            "é" * 300,
            "🙂",
            "\u202e",
            "a" * 5000,
        ]
    ),
)


def value_strategy(f: Field):
    typed = {
        "email": st.emails().map(str),
        "number": st.integers(-(10**12), 10**12).map(str),
        "date": st.dates().map(str),
        "time": st.times().map(str),
        "url": st.sampled_from(["https://example.org/", "http://", "javascript:alert(1)"]),
    }.get(f.kind)
    options = [c for c in f.choices if c is not None]
    candidates = [hostile_text]
    if typed is not None:
        candidates.append(typed)
    if options:
        candidates.append(st.sampled_from(options))
    single = st.one_of(*candidates)
    # Missing, one value, or several values for the same key.
    return st.one_of(st.none(), single, st.lists(single, min_size=2, max_size=4))


def payload_strategy(form: Form):
    known = st.fixed_dictionaries({name: value_strategy(f) for name, f in form.fields.items()})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), hostile_text, max_size=2)
    return st.tuples(known, extra).map(
        lambda pair: {k: v for k, v in {**pair[1], **pair[0]}.items() if v is not None}
    )


raw_query = st.binary(max_size=80).map(lambda b: quote_from_bytes(b, safe=b"=&+"))


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


def fuzz_form(client, form: Form) -> None:
    send = client.get if form.method == "get" else client.post

    @FUZZ
    @given(payload=payload_strategy(form))
    def structured(payload):
        cache.clear()  # rate limits would otherwise stop the examples at the first lines
        response = send(form.action, payload)
        assert_no_server_error(response, f"{form.method.upper()} {form.action} {payload!r}")

    structured()

    @FUZZ_RAW
    @given(query=raw_query)
    def raw(query):
        cache.clear()
        url = f"{urlsplit(form.action).path}?{query}"
        if form.method == "get":
            response = client.get(url)
        else:
            response = client.generic(
                "POST", url, query.encode(), "application/x-www-form-urlencoded"
            )
        assert_no_server_error(response, f"{form.method.upper()} {url}")

    raw()


# --- content to render -------------------------------------------------------------------
@pytest.fixture
def content(db):
    from tests import factories

    region = factories.RegionFactory(code="BRU")
    postcode = factories.PostalCodeFactory(code="1000", region=region)
    theme = factories.ThemeFactory()
    group = factories.GroupFactory(published=True, postal_code=postcode, themes=[theme])
    network = Network.objects.create(
        slug="fuzz-network", short_name="Fuzz network", audience="children_adolescents"
    )
    network.regions.add(region)
    article = factories.ArticleFactory(published=True, language="en")
    answer = factories.OrientationAnswerFactory()
    factories.OrientationTargetFactory(answer=answer)
    return {"group": group, "network": network, "article": article}


def url_or_skip(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name} does not exist yet")


PAGES = {
    "home": lambda c: url_or_skip("home"),
    "network list": lambda c: url_or_skip("networks:network_list"),
    "network page": lambda c: c["network"].get_absolute_url(),
    "help": lambda c: url_or_skip("networks:help"),
    # The contact and report forms (each also has a page of its own, same action).
    "group page": lambda c: c["group"].get_absolute_url(),
    "search alert": lambda c: url_or_skip("data:alert_new") + "?theme=x&region=BRU",
    "article list": lambda c: url_or_skip("articles:article_list"),
    "article": lambda c: c["article"].get_absolute_url(),
    "orientation": lambda c: url_or_skip("articles:orientation"),
    "practitioner signup": lambda c: url_or_skip("directory:signup"),
    "practitioner login": lambda c: url_or_skip("directory:login"),
    "password reset": lambda c: url_or_skip("directory:password_reset"),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_forms_on_public_pages_never_fail(client, content, page_name):
    with translation.override("en"):
        url = PAGES[page_name](content)
    forms = forms_on(client, url)
    if not forms:
        pytest.skip(f"no form to fuzz on {url}")
    seen = set()
    for form in forms:
        if form.signature in seen:
            continue
        seen.add(form.signature)
        fuzz_form(client, form)


# --- query strings of pages without a form -------------------------------------------------------
QUERY_KEYS = [
    "postcode",
    "answer",
    "step",
    "page",
    "q",
    "search",
    "lang",
    "language",
    "theme",
    "region",
    "audience",
    "kind",
    "format",
    "preview",
    "per_page",
    "full",
    "taxonomy_id",
    "taxonomy_term_id",
    "organization_id",
    "parent_id",
    "modified_after",
    "sort",
]
query_dicts = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=8)),
    st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3)),
    max_size=4,
)

QUERY_PAGES = {
    "network list": lambda c: "/en/networks/",
    "network page": lambda c: c["network"].get_absolute_url(),
    "article list": lambda c: "/en/articles/",
    "article": lambda c: c["article"].get_absolute_url(),
    "article feed": lambda c: url_or_skip("articles:article_feed"),
    "orientation": lambda c: "/en/orientation/",
    "group feed": lambda c: url_or_skip("data:group_feed"),
    "api services": lambda c: url_or_skip("api:service_list"),
    "api locations": lambda c: url_or_skip("api:service_at_location_list"),
    "api organizations": lambda c: url_or_skip("api:organization_list"),
    "api taxonomy terms": lambda c: url_or_skip("api:taxonomy_term_list"),
}


# Server errors the fuzzing found in other apps' code, reported to their owners; the mark
# goes when the fix lands (the test then passes as XPASS).
KNOWN_FAILURES: dict[str, str] = {}


@pytest.mark.parametrize(
    "page_name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[name], strict=False))
        if name in KNOWN_FAILURES
        else name
        for name in QUERY_PAGES
    ],
)
def test_query_strings_never_fail(client, content, page_name):
    with translation.override("en"):
        path = urlsplit(QUERY_PAGES[page_name](content)).path

    @FUZZ
    @given(query=query_dicts)
    @example(query={"q": "a\x01"})  # a control character (found by this test)
    @example(query={"q": "\x00", "page": "-1"})
    def structured(query):
        assert_no_server_error(client.get(path, query), f"GET {path} {query!r}")

    @FUZZ_RAW
    @given(query=raw_query)
    def raw(query):
        assert_no_server_error(client.get(f"{path}?{query}"), f"GET {path}?{query}")

    structured()
    raw()


def test_page_cache_key_survives_odd_requests(client, content, settings):
    """With the page cache on: odd query strings and headers are keys like any other."""
    settings.PAGE_CACHE_SECONDS = 60
    header_values = st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40
    )

    @FUZZ
    @given(
        query=raw_query,
        language=header_values,
        requested_with=header_values,
        path=st.sampled_from(["/en/", "/fr/networks/", "/robots.txt", "/nl/articles/"]),
    )
    def run(query, language, requested_with, path):
        response = client.get(
            f"{path}?{query}",
            headers={"accept-language": language, "x-requested-with": requested_with},
        )
        assert_no_server_error(response, f"GET {path}?{query}")

    run()
