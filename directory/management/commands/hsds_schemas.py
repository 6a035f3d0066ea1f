"""Derive `directory/api/schemas/hsds.json` from the compiled HSDS 3.0 schemas.

The compiled schemas repeat every nested entity in full (service.json is 2.3 MB). The API's
OpenAPI document needs each entity once, with only the fields the site sends: this command
keeps, for each entity, the fields listed in `FIELDS` (every field HSDS requires must be
among them), turns nested entities into `$ref`s to `#/components/schemas/<entity>`, and
keeps only standard JSON Schema keywords. `--check` fails when the file is not up to date.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE = Path(settings.BASE_DIR) / "tests" / "data" / "hsds"
TARGET = Path(settings.BASE_DIR) / "directory" / "api" / "schemas" / "hsds.json"
KEYWORDS = ("type", "description", "format", "enum", "properties", "items", "required")

# The fields the API sends, per HSDS entity (directory/api/serializers.py).
FIELDS: dict[str, list[str]] = {
    "service": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "application_process",
        "fees_description",
        "eligibility_description",
        "assured_date",
        "alert",
        "last_modified",
        "phones",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "organization",
        "cost_options",
        "contacts",
        "attributes",
    ],
    "organization": [
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "uri",
        "logo",
        "phones",
        "organization_identifiers",
        "services",
    ],
    "service_at_location": [
        "id",
        "service_id",
        "location_id",
        "description",
        "schedules",
        "location",
        "service",
    ],
    "location": [
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "addresses",
        "accessibility",
    ],
    "address": [
        "id",
        "location_id",
        "address_1",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "accessibility": ["id", "location_id", "description", "details"],
    "schedule": [
        "id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    ],
    "language": ["id", "service_id", "name", "code"],
    "cost_option": ["id", "service_id", "option", "currency", "amount", "amount_description"],
    "attribute": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "taxonomy_term"],
    "taxonomy_term": [
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "language",
        "term_uri",
    ],
    "taxonomy": ["id", "name", "description", "uri", "version"],
    "service_area": ["id", "service_id", "name", "description", "uri"],
    "phone": ["id", "service_id", "organization_id", "number", "type", "description"],
    "contact": ["id", "service_id", "name", "title"],
    "organization_identifier": [
        "id",
        "organization_id",
        "identifier_type",
        "identifier_scheme",
        "identifier",
    ],
}
# Where each entity's definition is read (its top-level schema where it has one).
ROOTS = {
    "service": ("service.json", []),
    "organization": ("organization.json", []),
    "service_at_location": ("service_at_location.json", []),
    "location": ("service_at_location.json", ["location"]),
    "address": ("service_at_location.json", ["location", "addresses", "*"]),
    "accessibility": ("service_at_location.json", ["location", "accessibility", "*"]),
    "schedule": ("service.json", ["schedules", "*"]),
    "language": ("service.json", ["languages", "*"]),
    "cost_option": ("service.json", ["cost_options", "*"]),
    "attribute": ("service.json", ["attributes", "*"]),
    "taxonomy_term": ("service.json", ["attributes", "*", "taxonomy_term"]),
    "taxonomy": ("service.json", ["attributes", "*", "taxonomy_term", "taxonomy_detail"]),
    "service_area": ("service.json", ["service_areas", "*"]),
    "phone": ("service.json", ["phones", "*"]),
    "contact": ("service.json", ["contacts", "*"]),
    "organization_identifier": ("organization.json", ["organization_identifiers", "*"]),
}
# The list pages' item schemas: one-to-one fields (and the nested ones HSDS lists there).
LISTS = {
    "service_list": ("service_list.json", "service"),
    "organization_list": ("organization_list.json", "organization"),
    "service_at_location_list": ("service_at_location_list.json", "service_at_location"),
}


def _descend(schema: dict, path: list[str]) -> dict:
    for step in path:
        schema = schema["items"] if step == "*" else schema["properties"][step]
    return schema


def _entity_of(schema: dict) -> str | None:
    if schema.get("type") == "object" and "properties" in schema:
        return schema.get("name")
    return None


def prune(schema: dict, entity: str) -> dict:
    """`schema` (an entity) with only our fields and `$ref`s for nested entities."""
    fields = FIELDS[entity]
    required = schema.get("required", [])
    missing = [name for name in required if name not in fields]
    if missing:
        raise CommandError(f"{entity}: HSDS requires {missing}, which FIELDS leaves out.")
    properties = {}
    for name in fields:
        if name not in schema["properties"]:
            raise CommandError(f"{entity}.{name} is not an HSDS field.")
        properties[name] = _field(schema["properties"][name])
    result = {key: schema[key] for key in ("type", "description") if key in schema}
    result["properties"] = properties
    if required:
        result["required"] = list(required)
    return result


def _field(schema: dict) -> dict:
    nested = _entity_of(schema)
    if nested:
        return {"$ref": f"#/components/schemas/{nested}"}
    items = schema.get("items")
    if isinstance(items, dict) and _entity_of(items):
        result = {key: schema[key] for key in ("type", "description") if key in schema}
        result["items"] = {"$ref": f"#/components/schemas/{_entity_of(items)}"}
        return result
    return {key: schema[key] for key in KEYWORDS if key in schema}


def build(source: Path = SOURCE) -> dict:
    loaded: dict[str, dict] = {}

    def load(name: str) -> dict:
        if name not in loaded:
            loaded[name] = json.loads((source / name).read_text(encoding="utf-8"))
        return loaded[name]

    schemas = {}
    for entity, (file_name, path) in ROOTS.items():
        schemas[entity] = prune(_descend(load(file_name), path), entity)
    for list_name, (file_name, entity) in LISTS.items():
        schema = load(file_name)
        fields = [name for name in FIELDS[entity] if name in schema["properties"]]
        item = {key: schema[key] for key in ("type", "description") if key in schema}
        item["properties"] = {name: _field(schema["properties"][name]) for name in fields}
        item["required"] = list(schema.get("required", []))
        schemas[list_name] = item
    return {
        "$comment": (
            "Derived from the HSDS 3.0 compiled schemas (openreferral/specification, commit "
            "279fd2eb3552c349bf698c07c00cc25f5fc8249b), (c) Open Referral, CC BY-SA 4.0. "
            "Generated by `manage.py hsds_schemas`: do not edit."
        ),
        "schemas": dict(sorted(schemas.items())),
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write directory/api/schemas/hsds.json from the compiled HSDS schemas."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=SOURCE)
        parser.add_argument(
            "--check", action="store_true", help="Fail if the file is not up to date."
        )

    def handle(self, *args, source: Path, check: bool, **options):
        text = render(build(source))
        if check:
            if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
                raise CommandError(f"{TARGET} is out of date: run manage.py hsds_schemas.")
            self.stdout.write("HSDS schemas are up to date.")
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {TARGET} ({len(text.encode()) // 1024} KB).")
