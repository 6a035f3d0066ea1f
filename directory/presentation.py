"""Sentences a parent reads about a group: when it meets, what it costs, what comes next.

Kept out of the templates so the card, the detail page, the .ics file and JSON-LD say
the same thing; every string is translatable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext as _, ngettext, pgettext

from .models import Group
from .schedule import Session, today

# 1 January 2024 was a Monday: day N of that month is ISO weekday N.
_A_WEEK = {n: dt.date(2024, 1, n) for n in range(1, 8)}


def weekday_name(iso_weekday: int) -> str:
    """The weekday as the active language writes it inside a sentence ("mardi", "Tuesday")."""
    return date_format(_A_WEEK[iso_weekday], "l")


def time_range(group: Group) -> str:
    start = group.start_time.strftime("%H:%M") if group.start_time else ""
    if group.end_time:
        return f"{start}\N{EN DASH}{group.end_time.strftime('%H:%M')}"
    return start


def recurrence_text(group: Group) -> str:
    day = weekday_name(group.weekday) if group.weekday else ""
    if group.recurrence == Group.Recurrence.WEEKLY:
        return _("every %(weekday)s") % {"weekday": day}
    if group.recurrence == Group.Recurrence.BIWEEKLY:
        return _("every other %(weekday)s") % {"weekday": day}
    if group.recurrence == Group.Recurrence.MONTHLY_NTH:
        nth = {
            1: pgettext("week of the month", "first"),
            2: pgettext("week of the month", "second"),
            3: pgettext("week of the month", "third"),
            4: pgettext("week of the month", "fourth"),
            -1: pgettext("week of the month", "last"),
        }.get(group.week_of_month or 1)
        return _("the %(nth)s %(weekday)s of the month") % {"nth": nth, "weekday": day}
    return _("every month on day %(day)d") % {"day": group.first_session_on.day}


def schedule_summary(group: Group) -> str:
    """E.g. "Every Tuesday, 19:30-21:00" or "8 sessions: every Tuesday, 19:30-21:00"."""
    text = _("%(recurrence)s, %(time)s") % {
        "recurrence": recurrence_text(group),
        "time": time_range(group),
    }
    text = text[:1].upper() + text[1:]
    if group.schedule_type == Group.ScheduleType.CYCLE:
        count = group.session_count or 0
        text = ngettext("%(count)d session: %(rest)s", "%(count)d sessions: %(rest)s", count) % {
            "count": count,
            "rest": text[:1].lower() + text[1:],
        }
    return text


def session_text(session: Session) -> str:
    """ "Tuesday 3 March, 19:30"."""
    return _("%(date)s, %(time)s") % {
        "date": date_format(session.start.date(), "l j F"),
        "time": session.start.strftime("%H:%M"),
    }


def next_text(group: Group) -> str:
    """The one line a result card shows about dates (worked out once per group and language)."""
    memo = group.__dict__.setdefault("_next_text", {})
    language = get_language()
    if language not in memo:
        memo[language] = _next_text(group)
    return memo[language]


def _next_text(group: Group) -> str:
    schedule = group.schedule
    upcoming = schedule.next_session()
    if schedule.is_cycle:
        if not upcoming:
            return _("This cycle has ended; the next one is not announced yet.")
        if upcoming.number == 1:
            return _("Next cycle starts %(date)s") % {
                "date": date_format(upcoming.start.date(), "l j F")
            }
        return _("Cycle under way: session %(number)d of %(count)d on %(date)s") % {
            "number": upcoming.number,
            "count": group.session_count,
            "date": date_format(upcoming.start.date(), "l j F"),
        }
    if not upcoming:
        return _("No date planned at the moment.")
    return _("Next session: %(session)s") % {"session": session_text(upcoming)}


def amount(value: Decimal) -> str:
    places = 0 if value == value.to_integral_value() else 2
    # Where the euro sign goes depends on the language ("€10", "10 €", "€ 10").
    return _("€%(amount)s") % {"amount": number_format(value, decimal_pos=places)}


def price_text(group: Group) -> str:
    if group.price_type == Group.Price.FREE or group.price_amount is None:
        return _("Free")
    if group.price_type == Group.Price.PER_SESSION:
        return _("%(amount)s per session") % {"amount": amount(group.price_amount)}
    if group.price_type == Group.Price.PER_CYCLE:
        return _("%(amount)s for the whole cycle") % {"amount": amount(group.price_amount)}
    if group.price_amount_max:
        return _("%(low)s to %(high)s, pay what you can") % {
            "low": amount(group.price_amount),
            "high": amount(group.price_amount_max),
        }
    return _("From %(amount)s, pay what you can") % {"amount": amount(group.price_amount)}


def availability_text(group: Group) -> str:
    """Places, waiting list, newcomers and intake deadline, in one sentence ("" when unknown)."""
    parts = []
    schedule = group.schedule
    if schedule.is_cycle and schedule.cycle_started and not schedule.cycle_finished:
        parts.append(
            _("Newcomers can still join.")
            if group.open_to_newcomers
            else _("Closed to newcomers until the next cycle.")
        )
    if group.places_left == 0:
        parts.append(
            _("Full: there is a waiting list.") if group.waiting_list else _("Full at the moment.")
        )
    elif group.places_left:
        parts.append(
            ngettext("%(count)d place left.", "%(count)d places left.", group.places_left)
            % {"count": group.places_left}
        )
    elif group.waiting_list:
        parts.append(_("There is a waiting list."))
    if group.intake_deadline and group.intake_deadline >= today():
        parts.append(
            _("Register before %(date)s.") % {"date": date_format(group.intake_deadline, "j F Y")}
        )
    return " ".join(parts)


def place_text(group: Group) -> str:
    """Where, in a few words: "Namur", "Online", "Namur and online"."""
    if group.format == Group.Format.ONLINE:
        return _("Online")
    if group.format == Group.Format.HYBRID:
        return _("%(place)s and online") % {"place": group.municipality}
    return group.municipality
