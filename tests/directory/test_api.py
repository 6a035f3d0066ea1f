"""The HSDS 3.0 API: every answer validates against the HSDS schemas, public data only."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker

from directory.api import ids
from directory.filters import GroupFilterSet
from directory.models import Group, Theme
from networks.models import Network
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

HSDS = Path(__file__).resolve().parent.parent / "data" / "hsds"


# --- Schemas ----------------------------------------------------------------------------------
@cache
def _schema(name: str) -> dict:
    return json.loads((HSDS / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _sub_schema(name: str) -> dict:
    """Entities without a compiled file of their own, taken from where HSDS nests them."""
    service = _schema("service")
    term = service["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]
    return {
        "taxonomy_term": term,
        "taxonomy": term["properties"]["taxonomy_detail"],
        "location": _schema("service_at_location")["properties"]["location"],
    }[name]


def validate(data, name: str) -> None:
    """Raise on the first error against the HSDS schema `name` (a compiled file or entity)."""
    schema = _schema(name) if (HSDS / f"{name}.json").exists() else _sub_schema(name)
    errors = sorted(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data),
        key=lambda error: list(error.path),
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def validate_page(data: dict, item_schema: str) -> None:
    page_schema = _schema("openapi")["components"]["schemas"]["Page"]
    Draft202012Validator(page_schema).validate(data)
    for key in page_schema["properties"]:
        assert key in data, key
    assert isinstance(data["contents"], list)
    for item in data["contents"]:
        validate(item, item_schema)


# --- Data -------------------------------------------------------------------------------------
@pytest.fixture
def theme(db) -> Theme:
    return ThemeFactory(slug="adhd", name_en="ADHD", name_fr="TDAH", family="development")


@pytest.fixture
def data(db, theme):
    region = RegionFactory(code="NAM", iso_code="BE-WNA")
    namur = PostalCodeFactory(
        code="5000", municipality_fr="Namur", municipality_nl="Namen", region=region
    )
    owner = ProfessionalFactory(
        published=True,
        name="Camille Exemple",
        contact_email="camille-private@example.org",
        verification_evidence="SECRET-EVIDENCE",
    )
    cofacilitator = ProfessionalFactory(published=True, name="Sam Example")
    in_person = GroupFactory(
        published=True,
        owner=owner,
        title="Parents of children with ADHD",
        postal_code=namur,
        venue_name="Maison des familles",
        street_address="Rue de l'Exemple 1",
        themes=[theme],
        price_type=Group.Price.PER_SESSION,
        price_amount=Decimal("15.00"),
        registration_method=Group.Registration.PHONE,
        registration_phone="+32 81 00 00 00",
        wheelchair_access=Group.Access.YES,
    )
    in_person.facilitators.add(cofacilitator)
    hybrid = GroupFactory(
        published=True,
        owner=owner,
        title="Grief: a hybrid circle",
        format=Group.Format.HYBRID,
        postal_code=namur,
        location_is_precise=True,
        latitude=Decimal("50.466000"),
        longitude=Decimal("4.867000"),
        recurrence=Group.Recurrence.MONTHLY_NTH,
        week_of_month=-1,
        weekday=4,
        languages=["fr", "lsfb"],
    )
    online = GroupFactory(
        published=True,
        online=True,
        cycle=True,
        title="Online cycle for parents",
        price_type=Group.Price.SLIDING,
        price_amount=Decimal("10.00"),
        price_amount_max=Decimal("30.00"),
        registration_method=Group.Registration.EMAIL,
        registration_email="register@example.org",
    )
    draft = GroupFactory(title="Draft group nobody may see", owner=owner, themes=[theme])
    hidden_owner = GroupFactory(
        title="Published group of a hidden professional",
        status="published",
        owner=ProfessionalFactory(name="Hidden Professional"),
    )
    network = Network.objects.create(
        slug="reseau-exemple",
        short_name="Réseau Exemple",
        name_fr="Réseau exemple de santé mentale",
        audience=Network.Audience.CHILDREN,
        website="https://example.org/reseau",
        phone="+32 81 11 11 11",
        email="info@example.org",
        offers=["Advice for families."],
    )
    network.regions.add(region)
    return {
        "owner": owner,
        "in_person": in_person,
        "hybrid": hybrid,
        "online": online,
        "draft": draft,
        "hidden_owner": hidden_owner,
        "network": network,
    }


def get(client, name: str, *args, **params):
    response = client.get(reverse(f"api:{name}", args=args), params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- Every endpoint validates -------------------------------------------------------------------
def test_service_list_and_details_validate(client, data):
    page = get(client, "service_list")
    validate_page(page, "service_list")
    assert page["total_items"] == 3
    full = get(client, "service_list", full="true")
    validate_page(full, "service")
    for item in full["contents"]:
        validate(get(client, "service_detail", item["id"]), "service")


def test_service_at_location_list_and_details_validate(client, data):
    page = get(client, "service_at_location_list", per_page=100)
    validate_page(page, "service_at_location_list")
    # in person: 1, hybrid: venue + online, online: 1.
    assert page["total_items"] == 4
    kinds = sorted(item["location"]["location_type"] for item in page["contents"])
    assert kinds == ["physical", "physical", "virtual", "virtual"]
    for item in page["contents"]:
        detail = get(client, "service_at_location_detail", item["id"])
        validate(detail, "service_at_location")
        validate(detail["service"], "service")
        validate(get(client, "location_detail", item["location_id"]), "location")


def test_organization_list_and_details_validate(client, data):
    page = get(client, "organization_list", per_page=100)
    validate_page(page, "organization_list")
    names = [item["name"] for item in page["contents"]]
    # Published professionals first (the co-facilitator has no group of their own), then networks.
    assert names[-1] == "Réseau exemple de santé mentale"
    assert "Hidden Professional" not in names
    full = get(client, "organization_list", per_page=100, full="true")
    validate_page(full, "organization")
    for item in page["contents"]:
        validate(get(client, "organization_detail", item["id"]), "organization")


def test_taxonomy_endpoints_validate(client, data, theme):
    taxonomies = get(client, "taxonomy_list")
    validate_page(taxonomies, "taxonomy")
    validate(get(client, "taxonomy_detail", taxonomies["contents"][0]["id"]), "taxonomy")
    terms = get(client, "taxonomy_term_list", per_page=100)
    validate_page(terms, "taxonomy_term")
    assert terms["total_items"] == len(Theme.Family.values) + 1
    for term in terms["contents"]:
        validate(get(client, "taxonomy_term_detail", term["id"]), "taxonomy_term")
    top = get(client, "taxonomy_term_list", top_only="true", per_page=100)
    assert top["total_items"] == len(Theme.Family.values)
    theme_id = ids.make(ids.TERM_THEME, theme.pk)
    family = get(client, "taxonomy_term_detail", theme_id)["parent_id"]
    children = get(client, "taxonomy_term_list", parent_id=family)
    assert [term["code"] for term in children["contents"]] == ["adhd"]


def test_api_root(client, db):
    root = get(client, "root")
    assert root["version"] == "3.0"
    assert root["openapi_url"] == "http://testserver/api/hsds/openapi.json"


# --- What a service says -------------------------------------------------------------------
def test_service_mapping(client, data, theme):
    group = data["in_person"]
    service = get(client, "service_detail", ids.make(ids.SERVICE, group.pk), lang="en")
    assert service["name"] == "Parents of children with ADHD"
    assert service["status"] == "active"
    assert service["assured_date"] == group.confirmed_on.isoformat()
    assert service["url"] == f"http://testserver/en/groups/{group.slug}/"
    assert service["organization"]["name"] == "Camille Exemple"
    [item] = service["schedules"]
    assert item["freq"] == "WEEKLY"
    assert item["byday"] == "TU"
    assert item["interval"] == 1
    assert item["wkst"] == "MO"
    assert item["opens_at"].startswith("19:30+0")
    assert item["closes_at"].startswith("21:00+0")
    [language] = service["languages"]
    assert (language["name"], language["code"], language["service_id"]) == (
        "French",
        "fr",
        service["id"],
    )
    [cost] = service["cost_options"]
    assert (cost["amount"], cost["currency"]) == (15.0, "EUR")
    [attribute] = service["attributes"]
    assert attribute["taxonomy_term"]["code"] == "adhd"
    assert attribute["taxonomy_term"]["name"] == "ADHD"
    assert [phone["number"] for phone in service["phones"]] == ["+32 81 00 00 00"]
    assert {contact["name"] for contact in service["contacts"]} == {
        "Camille Exemple",
        "Sam Example",
    }
    [sal] = service["service_at_locations"]
    location = sal["location"]
    assert location["addresses"][0]["postal_code"] == "5000"
    assert location["addresses"][0]["city"] == "Namur"
    assert location["accessibility"][0]["description"] == "Wheelchair accessible"
    # Not precise: the postal code's centre, and the location says so.
    assert location["latitude"] == 50.85
    assert "centre of the postal code" in location["description"]


def test_schedule_of_monthly_and_cycle_groups(client, data):
    hybrid = get(client, "service_detail", ids.make(ids.SERVICE, data["hybrid"].pk))
    assert hybrid["schedules"][0]["freq"] == "MONTHLY"
    assert hybrid["schedules"][0]["byday"] == "-1TH"
    assert [language["code"] for language in hybrid["languages"]] == ["fr", "sfb"]
    online = get(client, "service_detail", ids.make(ids.SERVICE, data["online"].pk))
    assert online["schedules"][0]["count"] == 8
    assert online["email"] == "register@example.org"
    assert online["cost_options"][0]["amount"] == 10.0
    [sal] = online["service_at_locations"]
    assert sal["location"]["location_type"] == "virtual"


def test_private_data_never_leaves(client, data):
    bodies = []
    for name in ("service_list", "service_at_location_list", "organization_list"):
        bodies.append(client.get(reverse(f"api:{name}"), {"full": "true", "per_page": 100}))
    owner_id = ids.make(ids.PROFESSIONAL, data["owner"].pk)
    bodies.append(client.get(reverse("api:organization_detail", args=[owner_id])))
    text = b"".join(response.content for response in bodies).decode()
    assert "camille-private@example.org" not in text
    assert "SECRET-EVIDENCE" not in text
    assert "Draft group nobody may see" not in text
    assert "hidden professional" not in text.lower()
    for group in (data["draft"], data["hidden_owner"]):
        response = client.get(reverse("api:service_detail", args=[ids.make(ids.SERVICE, group.pk)]))
        assert response.status_code == 404
    hidden = ids.make(ids.PROFESSIONAL, data["hidden_owner"].owner_id)
    assert client.get(reverse("api:organization_detail", args=[hidden])).status_code == 404


# --- Filters: the search page's ------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"theme": "adhd"},
        {"format": "online"},
        {"format": ["online", "hybrid"]},
        {"free": "on"},
        {"language": "lsfb"},
        {"region": "NAM"},
        {"postcode": "5000", "radius": "10"},
        {"q": "grief"},
        {"day": "2"},
        {"kind": "therapy"},
        {"theme": "unknown-theme"},
    ],
)
def test_lists_accept_the_search_filters(client, data, query):
    expected = [
        group.pk
        for group in GroupFilterSet(_query_dict(query), queryset=Group.objects.published()).qs
    ]
    page = get(client, "service_list", **query, per_page=100)
    assert [ids.parse(item["id"], ids.SERVICE)[1] for item in page["contents"]] == expected


def _query_dict(query: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_hsds_filters(client, data, theme):
    group = data["in_person"]
    by_term = get(client, "service_list", taxonomy_term_id=ids.make(ids.TERM_THEME, theme.pk))
    assert [item["name"] for item in by_term["contents"]] == [group.title]
    by_org = get(client, "service_list", organization_id=ids.make(ids.PROFESSIONAL, group.owner_id))
    assert by_org["total_items"] == 2
    by_search = get(client, "service_list", search="hybrid")
    assert [item["name"] for item in by_search["contents"]] == ["Grief: a hybrid circle"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert get(client, "service_list", modified_after=later)["total_items"] == 0
    sal = get(client, "service_at_location_list", format="online")
    assert sal["total_items"] == 1
    orgs = get(client, "organization_list", theme="adhd")
    assert [item["name"] for item in orgs["contents"]] == ["Camille Exemple"]


def test_pagination(client, data):
    first = get(client, "service_list", per_page=2)
    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    second = get(client, "service_list", per_page=2, page=2)
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    beyond = get(client, "service_list", per_page=2, page=5)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    for bad in ({"page": "0"}, {"page": "x"}, {"per_page": "1000"}):
        response = client.get(reverse("api:service_list"), bad)
        assert response.status_code == 400
        assert response.json()["status"] == 400


def test_unknown_ids_are_404(client, data):
    for name in ("service_detail", "organization_detail", "service_at_location_detail"):
        for value in ("nope", "00000000-0000-0000-0000-000000000000", ids.make(ids.SERVICE, 999)):
            response = client.get(reverse(f"api:{name}", args=[value]))
            assert response.status_code == 404
            assert response.json() == {"error": "No such id.", "status": 404}
    virtual_of_in_person = ids.make(ids.SAL_VIRTUAL, data["in_person"].pk)
    url = reverse("api:service_at_location_detail", args=[virtual_of_in_person])
    assert client.get(url).status_code == 404


# --- HTTP: CORS, conditional GET, rate limit -------------------------------------------------
def test_cors(client, data):
    response = client.get(reverse("api:service_list"), headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        reverse("api:service_list"),
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    post = client.post(reverse("api:service_list"))
    assert post.status_code == 405


def test_conditional_get(client, data):
    url = reverse("api:service_list")
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    not_modified = client.get(url, headers={"If-Modified-Since": last_modified})
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag
    assert not_modified["Access-Control-Allow-Origin"] == "*"
    # A change moves the ETag and the date on.
    data["hybrid"].archive()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["total_items"] == 2
    detail = reverse("api:service_detail", args=[ids.make(ids.SERVICE, data["in_person"].pk)])
    first = client.get(detail)
    assert client.get(detail, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert first["Cache-Control"] == "public, no-cache"


def test_rate_limit(client, data, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_LIMIT_PERIOD = 60
    url = reverse("api:taxonomy_list")
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(url)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["Access-Control-Allow-Origin"] == "*"
    assert limited.json()["status"] == 429
    # Another client has its own allowance.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


# --- Query counts --------------------------------------------------------------------------------
def _published_groups(count: int, theme: Theme) -> None:
    owner = ProfessionalFactory(published=True)
    postal_code = PostalCodeFactory(code="1000")
    formats = [Group.Format.IN_PERSON, Group.Format.HYBRID, Group.Format.ONLINE]
    for index in range(count):
        GroupFactory(
            published=True,
            owner=owner,
            postal_code=None if index % 3 == 2 else postal_code,
            themes=[theme],
            format=formats[index % 3],
        )


def _queries(client, name: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, name, per_page=100, **params)
    return len(queries)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("service_list", {}),
        ("service_list", {"full": "true", "theme": "adhd"}),
        ("service_at_location_list", {}),
        ("organization_list", {"full": "true"}),
    ],
)
def test_query_count_does_not_grow_with_the_page(client, theme, name, params):
    _published_groups(10, theme)
    small = _queries(client, name, **params)
    _published_groups(90, theme)
    large = _queries(client, name, **params)
    assert 0 < small == large, (small, large)


# --- The OpenAPI document ---------------------------------------------------------------------
def test_openapi_document(client, db):
    document = get(client, "openapi")
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/api/hsds"}]
    assert "/services/{id}" in document["paths"]
    assert "CC BY-SA 4.0" in document["info"]["description"]
    for path in document["paths"]:
        resolved = path.replace("{id}", "x")
        assert client.get("/api/hsds" + resolved).status_code in {200, 404}


def test_served_hsds_schemas_are_up_to_date(db):
    call_command("hsds_schemas", "--check")


# --- The developer page ------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_developer_page(client, theme, language):
    response = client.get(f"/{language}/developers/")
    assert response.status_code == 200
    assert response.templates[0].name == "directory/developers.html"
    content = response.content.decode()
    assert "http://testserver/api/hsds/openapi.json" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in content
    assert f"/services?theme=adhd&amp;postcode=5000&amp;radius=25&amp;lang={language}" in content
