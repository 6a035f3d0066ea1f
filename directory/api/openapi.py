"""The OpenAPI 3.1 document of the API, served at /api/hsds/openapi.json.

It follows the HSDS 3.0 API template (openreferral/specification `schema/openapi.json`):
the same paths, operation ids and page envelope, adapted to this site: the search page's
filters on list endpoints, `lang`, error answers, and the HSDS schemas the site sends
(`schemas/hsds.json`, derived from the compiled HSDS schemas) instead of remote `$ref`s.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

from django.conf import settings

from ..models import Audience, ChildAge, Group, Language
from .views import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

SCHEMAS_FILE = Path(__file__).parent / "schemas" / "hsds.json"
API_VERSION = "1.0.0"


@cache
def hsds_schemas() -> dict:
    return json.loads(SCHEMAS_FILE.read_text(encoding="utf-8"))["schemas"]


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def _multi(name: str, description: str, items: dict) -> dict:
    return _query(
        name,
        description + " Repeat the parameter for several values (any of them matches).",
        {"type": "array", "items": items, "maxItems": 30},
        style="form",
        explode=True,
    )


PARAMETERS = {
    "page": _query(
        "page",
        "Page number (1 is the first).",
        {"type": "integer", "minimum": 1, "maximum": 1_000_000},
    ),
    "per_page": _query(
        "per_page",
        f"Items per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
    "lang": _query(
        "lang",
        "Language of texts and labels (theme names, languages, price...). Default: fr.",
        {"type": "string", "enum": ["fr", "nl", "en", "de"]},
    ),
    "full": _query(
        "full", "true: fully nested items instead of their one-to-one fields.", {"type": "boolean"}
    ),
    "search": _query(
        "search",
        "Words to look for (HSDS name of the search page's `q`; accents and case ignored).",
        {"type": "string", "maxLength": 200},
    ),
    "q": _query(
        "q",
        "Words to look for in titles, descriptions, themes and places (as on the search page).",
        {"type": "string", "maxLength": 200},
    ),
    "postcode": _query(
        "postcode",
        "A Belgian postal code: only groups within `radius` km (default 25) of its centre.",
        {"type": "string", "maxLength": 12},
    ),
    "radius": _query(
        "radius",
        "Distance in km from `postcode` (1-300).",
        {"type": "integer", "minimum": 1, "maximum": 300},
    ),
    "proximity": _query(
        "proximity",
        "HSDS: distance in metres from `postcode` (used when `radius` is not given).",
        {"type": "integer", "minimum": 1000, "maximum": 300_000},
    ),
    "format": _multi(
        "format",
        "How the group meets. (HSDS uses `format` for the answer format: only JSON is "
        "offered, so `json` is accepted and ignored.)",
        {"type": "string", "enum": [*Group.Format.values, "json"]},
    ),
    "theme": _multi(
        "theme", "A theme's code (see /taxonomy_terms).", {"type": "string", "maxLength": 60}
    ),
    "audience": _multi(
        "audience", "Who the group is for.", {"type": "string", "enum": Audience.values}
    ),
    "child_age": _multi(
        "child_age", "The age of the child.", {"type": "string", "enum": ChildAge.values}
    ),
    "language": _multi(
        "language", "A language of the group.", {"type": "string", "enum": Language.values}
    ),
    "kind": _multi("kind", "Kind of group.", {"type": "string", "enum": Group.Kind.values}),
    "region": _multi(
        "region",
        "A region code (BRU, ANT, LIE... or DG for the German-speaking Community).",
        {"type": "string", "maxLength": 3},
    ),
    "day": _multi(
        "day",
        "Weekday the group meets, 1 (Monday) to 7.",
        {"type": "integer", "minimum": 1, "maximum": 7},
    ),
    "free": _query("free", "Only free groups.", {"type": "boolean"}),
    "sort": _query(
        "sort",
        "Order: next session first (default), nearest first (with `postcode`), newest first.",
        {"type": "string", "enum": ["soonest", "nearest", "newest"]},
    ),
    "taxonomy_term_id": _query(
        "taxonomy_term_id",
        "Only services with this taxonomy term (a theme, or a family of themes).",
        {"type": "string", "format": "uuid"},
    ),
    "taxonomy_id": _query(
        "taxonomy_id",
        "Only services with terms of this taxonomy.",
        {"type": "string", "format": "uuid"},
    ),
    "organization_id": _query(
        "organization_id",
        "Only services of this organization (a professional).",
        {"type": "string", "format": "uuid"},
    ),
    "modified_after": _query(
        "modified_after",
        "Only items changed on or after this date-time (ISO 8601).",
        {"type": "string", "format": "date-time"},
    ),
    "parent_id": _query(
        "parent_id", "Only the terms under this term.", {"type": "string", "format": "uuid"}
    ),
    "top_only": _query(
        "top_only", "Only the top-level terms (the families of themes).", {"type": "boolean"}
    ),
}
SEARCH_FILTERS = [
    "q",
    "search",
    "postcode",
    "radius",
    "proximity",
    "format",
    "theme",
    "audience",
    "child_age",
    "language",
    "kind",
    "region",
    "day",
    "free",
    "sort",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
]
LIST_PARAMS = ["page", "per_page", "lang"]


def _refs(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _ok(description: str, schema: dict, conditional: bool = True) -> dict:
    responses = {
        "200": {
            "description": description,
            "headers": {
                "ETag": {"$ref": "#/components/headers/ETag"},
                "Access-Control-Allow-Origin": {"$ref": "#/components/headers/CORS"},
            },
            "content": {"application/json": {"schema": schema}},
        },
        "400": {"$ref": "#/components/responses/BadRequest"},
        "429": {"$ref": "#/components/responses/TooManyRequests"},
    }
    if conditional:
        responses["304"] = {"description": "Not modified since the ETag / date you sent."}
    return responses


def _page_of(item_schema: str) -> dict:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {
            "contents": {"type": "array", "items": {"$ref": f"#/components/schemas/{item_schema}"}}
        },
    }


def _detail(tag: str, operation_id: str, summary: str, schema: str, id_description: str) -> dict:
    responses = _ok(summary, {"$ref": f"#/components/schemas/{schema}"})
    responses["404"] = {"$ref": "#/components/responses/NotFound"}
    return {
        "parameters": [
            {
                "in": "path",
                "name": "id",
                "required": True,
                "description": id_description,
                "schema": {"type": "string"},
            }
        ],
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": operation_id,
            "parameters": _refs("lang"),
            "responses": responses,
        },
    }


def _list(tag: str, operation_id: str, summary: str, item_schema: str, params: list[str]) -> dict:
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": operation_id,
            "parameters": _refs(*params),
            "responses": _ok(summary, _page_of(item_schema)),
        }
    }


def _paths() -> dict:
    return {
        "/": {
            "get": {
                "tags": ["meta"],
                "summary": "Information about this API and its relationship with HSDS.",
                "operationId": "getAPIMetaInformation",
                "parameters": _refs("lang"),
                "responses": _ok(
                    "HSDS version, profile and OpenAPI addresses.",
                    {
                        "type": "object",
                        "required": ["version", "profile", "openapi_url"],
                        "properties": {
                            "version": {"type": "string"},
                            "profile": {"type": "string", "format": "uri"},
                            "openapi_url": {"type": "string", "format": "uri"},
                        },
                    },
                ),
            }
        },
        "/services": _list(
            "services",
            "getPaginatedListOfServices",
            "Published groups (services), filtered like the search page.",
            "service_list",
            [*LIST_PARAMS, "full", *SEARCH_FILTERS],
        ),
        "/services/{id}": _detail(
            "services",
            "getFullyNestedServiceById",
            "A published group with its schedule, places, languages, costs and themes.",
            "service",
            "The id of the service.",
        ),
        "/service_at_locations": _list(
            "services",
            "getPaginatedListOfServiceAtLocation",
            "Where matching groups meet (a venue, or online; hybrid groups have both).",
            "service_at_location_list",
            [*LIST_PARAMS, "full", *SEARCH_FILTERS],
        ),
        "/service_at_locations/{id}": _detail(
            "services",
            "getServiceAtLocationWithNestedDataById",
            "A group at one of its places, with the location and the whole service.",
            "service_at_location",
            "The id of the service at location.",
        ),
        "/locations/{id}": _detail(
            "services",
            "getLocationById",
            "A place where a group meets (venue or online).",
            "location",
            "The id of the location.",
        ),
        "/organizations": _list(
            "organizations",
            "getPaginatedListOfOrganizations",
            "Published professionals, then the public mental-health networks. With group "
            "filters, only the professionals running a matching group.",
            "organization_list",
            [*LIST_PARAMS, "full", *SEARCH_FILTERS],
        ),
        "/organizations/{id}": _detail(
            "organizations",
            "getOrganizationById",
            "A professional with their published groups, or a network.",
            "organization",
            "The id of the organization.",
        ),
        "/taxonomies": _list(
            "taxonomies",
            "getPaginatedListOfTaxonomies",
            "The site's taxonomy of themes.",
            "taxonomy",
            [*LIST_PARAMS, "search"],
        ),
        "/taxonomies/{id}": _detail(
            "taxonomies", "getTaxonomyById", "A taxonomy.", "taxonomy", "The id of the taxonomy."
        ),
        "/taxonomy_terms": _list(
            "taxonomies",
            "getPaginatedListOfTaxonomyTerms",
            "Families of themes (top level) and themes.",
            "taxonomy_term",
            [*LIST_PARAMS, "search", "taxonomy_id", "parent_id", "top_only"],
        ),
        "/taxonomy_terms/{id}": _detail(
            "taxonomies",
            "getTaxonomyTermById",
            "A family of themes, or a theme.",
            "taxonomy_term",
            "The id of the taxonomy term.",
        ),
    }


def _components() -> dict:
    schemas = copy.deepcopy(hsds_schemas())
    schemas["Page"] = {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {"type": "integer", "description": "Items matching the request."},
            "total_pages": {"type": "integer", "description": "Count of pages."},
            "page_number": {"type": "integer", "description": "The number of this page."},
            "size": {"type": "integer", "description": "Items on this page."},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean", "description": "True when this page has no items."},
            "contents": {"type": "array"},
        },
    }
    schemas["Error"] = {
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    }

    def error(description: str, retry: bool = False) -> dict:
        response = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if retry:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "schema": {"type": "integer"},
                }
            }
        return response

    return {
        "schemas": schemas,
        "parameters": PARAMETERS,
        "headers": {
            "ETag": {
                "description": "Send it back in If-None-Match to get 304 when nothing changed.",
                "schema": {"type": "string"},
            },
            "CORS": {
                "description": "Always *: any site may call the API.",
                "schema": {"type": "string"},
            },
        },
        "responses": {
            "BadRequest": error("A parameter has a value the API cannot use."),
            "NotFound": error("No public item has this id."),
            "TooManyRequests": error("Rate limit reached: wait Retry-After seconds.", retry=True),
        },
    }


@cache
def _document(base_url: str, developers_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Healing Together open data API (HSDS 3.0)",
            "version": API_VERSION,
            "summary": "Support groups and group therapies for parents in Belgium, as HSDS 3.0.",
            "description": (
                "Read-only, public data only: published groups (services), the professionals "
                "who run them and the public mental-health networks (organizations), where "
                "groups meet (locations) and their themes (taxonomy terms). List endpoints "
                "take the same filters as the site's search page. No key is needed; please "
                f"keep to the rate limit. Documentation: {developers_url}\n\n"
                "Data model: the Human Services Data Specification (HSDS) 3.0 by Open "
                "Referral, licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/"
                "4.0/); the schemas in this document are derived from it under the same "
                "licence."
            ),
            "license": {
                "name": "Data: CC BY 4.0 (credit Healing Together)",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "servers": [{"url": f"{base_url}/api/hsds"}],
        "externalDocs": {"description": "Developer page", "url": developers_url},
        "paths": _paths(),
        "components": _components(),
    }


def document(developers_url: str) -> dict:
    return _document(settings.SITE_URL, developers_url)
