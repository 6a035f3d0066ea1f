"""A group's sessions as an iCalendar file (RFC 5545) with its recurrence rule."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from .models import Group
from .presentation import place_text, price_text
from .schedule import BRUSSELS


def group_calendar(group: Group, url: str) -> bytes:
    """One VEVENT: the first session with an RRULE (weekly, monthly, nth weekday, or COUNT)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Healing Together//Groups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", group.title)

    event = Event()
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "healing-together"
    event.add("uid", f"group-{group.pk}@{host}")
    event.add("dtstamp", timezone.now())
    start = dt.datetime.combine(group.first_session_on, group.start_time, BRUSSELS)
    event.add("dtstart", start)
    if group.end_time:
        end = dt.datetime.combine(group.first_session_on, group.end_time, BRUSSELS)
        if end <= start:
            end += dt.timedelta(days=1)
        event.add("dtend", end)
    rule = group.schedule.ical_rrule()
    if rule:
        event.add("rrule", vRecur(rule))
    event.add("summary", group.title)
    description = [group.summary or "", price_text(group), url]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", url)
    if group.meets_in_person and group.postal_code_id:
        postal_code = group.postal_code
        address = ", ".join(
            part
            for part in (
                group.venue_name,
                group.street_address,
                f"{postal_code.code} {postal_code.municipality}",
                "Belgium",
            )
            if part
        )
        event.add("location", address)
        if group.latitude is not None and group.longitude is not None:
            event.add("geo", (float(group.latitude), float(group.longitude)))
    else:
        event.add("location", place_text(group))
    if group.updated_at:
        event.add("last-modified", group.updated_at)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
