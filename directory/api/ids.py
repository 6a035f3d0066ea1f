"""Stable HSDS identifiers (UUIDs) for the site's rows.

HSDS wants a UUID for every entity. Rather than storing one per row, the id *is* the row:

* entities with an endpoint of their own (services, organizations, services at locations,
  locations, taxonomies, taxonomy terms) get a reversible, RFC 9562 version-8 UUID
  ``KKKKKKKK-4854-8000-8000-PPPPPPPPPPPP``: ``K`` says what it is, ``P`` is the primary key
  in hexadecimal ("4854" is "HT");
* the parts nested inside them (schedules, languages, cost options, addresses...) get a
  name-based UUID (version 5) from their parent's id, so they are stable too.

Ids therefore never change while a row exists, and no table is needed to look them up.
"""

from __future__ import annotations

import uuid

SERVICE = "5e7c1ce5"
PROFESSIONAL = "0a9e0001"
NETWORK = "0a9e0002"
SAL_PHYSICAL = "5a10c001"
SAL_VIRTUAL = "5a10c002"
LOCATION_PHYSICAL = "10ca7001"
LOCATION_VIRTUAL = "10ca7002"
TERM_THEME = "7e4a0001"
TERM_FAMILY = "7e4a0002"
TAXONOMY = "7a40a000"

KINDS = frozenset(
    {
        SERVICE,
        PROFESSIONAL,
        NETWORK,
        SAL_PHYSICAL,
        SAL_VIRTUAL,
        LOCATION_PHYSICAL,
        LOCATION_VIRTUAL,
        TERM_THEME,
        TERM_FAMILY,
        TAXONOMY,
    }
)
_MIDDLE = "-4854-8000-8000-"
_NAMESPACE = uuid.UUID("0a9e0000-4854-8000-8000-000000000000")
# The one taxonomy of the site: its themes (grouped in families).
THEMES_TAXONOMY_PK = 1


def make(kind: str, pk: int) -> str:
    return f"{kind}{_MIDDLE}{int(pk):012x}"


def parse(value: str, *kinds: str) -> tuple[str, int] | None:
    """(kind, pk) of an id of one of `kinds`, or None (malformed, or another kind)."""
    try:
        text = str(uuid.UUID(str(value)))
    except ValueError:
        return None
    kind, middle, pk = text[:8], text[8:24], text[24:]
    if middle != _MIDDLE or kind not in kinds:
        return None
    return kind, int(pk, 16)


def derived(parent_id: str, part: str) -> str:
    """A stable id for a part of an entity (its schedule, a language...)."""
    return str(uuid.uuid5(_NAMESPACE, f"{parent_id}/{part}"))
