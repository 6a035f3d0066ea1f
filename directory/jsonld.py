"""schema.org `Event` JSON-LD for a group page, and safe embedding in HTML.

The data goes in a ``<script type="application/ld+json">`` element: browsers treat it as
data, never run it, and CSP does not apply to it. What matters is that nothing in the
JSON can close the element, hence `<`, `>` and `&` are written as unicode escapes
(as Django's `json_script` does).
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils.safestring import SafeString, mark_safe

from .models import Group
from .schedule import BRUSSELS

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ATTENDANCE = {
    Group.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Group.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Group.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def as_script_data(data: dict) -> SafeString:
    """JSON for the inside of a <script> data block: `</script>` cannot appear in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return mark_safe(text.translate(_ESCAPES))  # escaped just above


def _iso(value: dt.datetime) -> str:
    return value.astimezone(BRUSSELS).isoformat()


def group_event(group: Group, url: str, facilitators) -> dict:
    schedule = group.schedule
    first = schedule.first()
    upcoming = schedule.next_session() or first
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": group.title,
        "description": group.summary or group.description[:300],
        "url": url,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": _ATTENDANCE[group.format],
        "inLanguage": list(group.languages),
        "isAccessibleForFree": group.price_type == Group.Price.FREE,
    }
    if upcoming:
        data["startDate"] = _iso(upcoming.start)
        if upcoming.end:
            data["endDate"] = _iso(upcoming.end)
    recurrence = schedule.ical_rrule()
    if recurrence and first:
        event_schedule = {
            "@type": "Schedule",
            "scheduleTimezone": "Europe/Brussels",
            "startDate": group.first_session_on.isoformat(),
            "startTime": group.start_time.strftime("%H:%M"),
            "repeatFrequency": {
                ("WEEKLY", 1): "P1W",
                ("WEEKLY", 2): "P2W",
                ("MONTHLY", 1): "P1M",
            }[(recurrence["FREQ"], recurrence.get("INTERVAL", 1))],
        }
        if group.end_time:
            event_schedule["endTime"] = group.end_time.strftime("%H:%M")
        if group.weekday:
            event_schedule["byDay"] = f"https://schema.org/{_DAYS[group.weekday - 1]}"
        if group.recurrence == Group.Recurrence.MONTHLY:
            event_schedule["byMonthDay"] = group.first_session_on.day
        if group.recurrence == Group.Recurrence.MONTHLY_NTH:
            event_schedule["byMonthWeek"] = group.week_of_month
        if "COUNT" in recurrence:
            event_schedule["repeatCount"] = recurrence["COUNT"]
        if group.last_session_on:
            event_schedule["endDate"] = group.last_session_on.isoformat()
        data["eventSchedule"] = event_schedule
    locations = []
    if group.meets_in_person and group.postal_code_id:
        place = {
            "@type": "Place",
            "name": group.venue_name or group.municipality,
            "address": {
                "@type": "PostalAddress",
                "postalCode": group.postal_code.code,
                "addressLocality": group.municipality,
                "addressCountry": "BE",
            },
        }
        if group.street_address:
            place["address"]["streetAddress"] = group.street_address
        if group.region_id:
            place["address"]["addressRegion"] = group.region.name
        if group.latitude is not None and group.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(group.latitude),
                "longitude": float(group.longitude),
            }
        locations.append(place)
    if group.format != Group.Format.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    organizers = [
        {
            "@type": "Person",
            "name": professional.name,
            "jobTitle": professional.display_title,
            "url": professional.url,
        }
        for professional in facilitators
    ]
    if organizers:
        data["organizer"] = organizers[0] if len(organizers) == 1 else organizers
    offer = {
        "@type": "Offer",
        "priceCurrency": "EUR",
        "price": "0" if group.price_type == Group.Price.FREE else str(group.price_amount),
        "url": url,
        "availability": "https://schema.org/SoldOut"
        if group.places_left == 0
        else "https://schema.org/InStock",
    }
    data["offers"] = offer
    audiences = group.get_audiences_labels()
    if audiences:
        data["audience"] = {
            "@type": "PeopleAudience",
            "audienceType": ", ".join(str(label) for label in audiences),
        }
    return data


def breadcrumbs(items: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": str(name), "item": url}
            for index, (name, url) in enumerate(items, start=1)
        ],
    }
