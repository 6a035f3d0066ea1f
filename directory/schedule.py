"""A group's schedule as a recurrence rule: next sessions, next cycle, and the iCalendar RRULE.

Dates and times are stored as local Brussels wall-clock values (a session "every Tuesday at
19:30" stays at 19:30 across daylight-saving changes); they become aware datetimes in
Europe/Brussels only when computed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil import rrule

if TYPE_CHECKING:
    from .models import Group

BRUSSELS = ZoneInfo("Europe/Brussels")
# Sort key for groups with nothing planned (kept non-null so an index can serve the sort).
FAR_FUTURE = dt.date(9999, 12, 31)

_ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_RRULE_DAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]


def today() -> dt.date:
    return dt.datetime.now(BRUSSELS).date()


@dataclass(frozen=True)
class Session:
    start: dt.datetime
    end: dt.datetime | None
    number: int | None = None  # position in a closed cycle (1-based)


class Schedule:
    """Reads the schedule fields of a `Group`."""

    def __init__(self, group: Group):
        self.group = group

    # --- the rule ------------------------------------------------------------------------
    @property
    def is_cycle(self) -> bool:
        return self.group.schedule_type == "cycle"

    def _parts(self) -> dict:
        """Keyword arguments shared by dateutil's rrule and the iCalendar RRULE."""
        group = self.group
        recurrence = group.recurrence
        weekday = (group.weekday or group.first_session_on.isoweekday()) - 1
        if recurrence == "weekly":
            return {"freq": rrule.WEEKLY, "interval": 1, "weekday": weekday}
        if recurrence == "biweekly":
            return {"freq": rrule.WEEKLY, "interval": 2, "weekday": weekday}
        if recurrence == "monthly_nth":
            return {
                "freq": rrule.MONTHLY,
                "interval": 1,
                "weekday": weekday,
                "nth": group.week_of_month or 1,
            }
        # "monthly": the same day of the month as the first session.
        return {
            "freq": rrule.MONTHLY,
            "interval": 1,
            "monthday": group.first_session_on.day,
        }

    def rule(self) -> rrule.rrule | None:
        """The dateutil rule of the schedule."""
        group = self.group
        if not group.first_session_on or not group.recurrence:
            return None
        parts = self._parts()
        kwargs = {
            "dtstart": dt.datetime.combine(group.first_session_on, group.start_time or dt.time()),
            "interval": parts["interval"],
        }
        if "monthday" in parts:
            kwargs["bymonthday"] = parts["monthday"]
        elif "nth" in parts:
            kwargs["byweekday"] = _RRULE_DAYS[parts["weekday"]](parts["nth"])
        else:
            kwargs["byweekday"] = _RRULE_DAYS[parts["weekday"]]
        if self.is_cycle:
            kwargs["count"] = max(group.session_count or 1, 1)
        elif group.last_session_on:
            kwargs["until"] = dt.datetime.combine(group.last_session_on, dt.time.max)
        return rrule.rrule(parts["freq"], **kwargs)

    def _weekly_first(self) -> dt.datetime:
        """The first session of a weekly or fortnightly rule, as RFC 5545 (and dateutil) define
        it with weeks starting on Monday: the chosen weekday in the first session's week if it
        is not earlier than that date, else one period later."""
        group = self.group
        start = dt.datetime.combine(group.first_session_on, group.start_time or dt.time())
        weekday = group.weekday or start.isoweekday()
        first = start + dt.timedelta(days=weekday - start.isoweekday())
        if first < start:
            first += dt.timedelta(weeks=2 if group.recurrence == "biweekly" else 1)
        return first

    def _weekly_upcoming(self, count: int, naive_after: dt.datetime) -> list[Session]:
        """`upcoming()` for weekly and fortnightly rules, by arithmetic (no rule replay)."""
        group = self.group
        step = dt.timedelta(weeks=2 if group.recurrence == "biweekly" else 1)
        first = self._weekly_first()
        index = 0 if naive_after < first else (naive_after - first) // step + 1
        limit = max(group.session_count or 1, 1) if self.is_cycle else None
        until = (
            dt.datetime.combine(group.last_session_on, dt.time.max)
            if not self.is_cycle and group.last_session_on
            else None
        )
        sessions: list[Session] = []
        while len(sessions) < count:
            if limit is not None and index >= limit:
                break
            start = first + index * step
            if until is not None and start > until:
                break
            sessions.append(self._session(start, index + 1 if self.is_cycle else None))
            index += 1
        return sessions

    def ical_rrule(self) -> dict | None:
        """The RRULE as a dict for `icalendar.vRecur` (None when there is no recurrence)."""
        group = self.group
        if not group.first_session_on or not group.recurrence:
            return None
        parts = self._parts()
        recur: dict = {"FREQ": "WEEKLY" if parts["freq"] == rrule.WEEKLY else "MONTHLY"}
        if parts["interval"] != 1:
            recur["INTERVAL"] = parts["interval"]
        if "monthday" in parts:
            recur["BYMONTHDAY"] = parts["monthday"]
        elif "nth" in parts:
            recur["BYDAY"] = f"{parts['nth']}{_ICAL_DAYS[parts['weekday']]}"
        else:
            recur["BYDAY"] = _ICAL_DAYS[parts["weekday"]]
        if self.is_cycle:
            recur["COUNT"] = max(group.session_count or 1, 1)
        elif group.last_session_on:
            until = dt.datetime.combine(group.last_session_on, dt.time(23, 59, 59), BRUSSELS)
            recur["UNTIL"] = until.astimezone(dt.UTC)
        return recur

    # --- occurrences ----------------------------------------------------------------------
    def _session(self, start: dt.datetime, number: int | None = None) -> Session:
        group = self.group
        aware = start.replace(tzinfo=BRUSSELS)
        end = None
        if group.end_time:
            end = dt.datetime.combine(start.date(), group.end_time, BRUSSELS)
            if end <= aware:
                end += dt.timedelta(days=1)
        return Session(start=aware, end=end, number=number)

    def first(self) -> Session | None:
        rule = self.rule()
        if rule is None:
            return None
        start = rule.after(rule._dtstart, inc=True)
        return self._session(start, 1 if self.is_cycle else None) if start else None

    def upcoming(self, count: int = 3, after: dt.datetime | None = None) -> list[Session]:
        """The next `count` sessions starting after `after` (default: now)."""
        after = after or dt.datetime.now(BRUSSELS)
        naive_after = after.astimezone(BRUSSELS).replace(tzinfo=None)
        if not self.group.first_session_on or not self.group.recurrence:
            return []
        if self.group.recurrence in ("weekly", "biweekly"):
            return self._weekly_upcoming(count, naive_after)
        rule = self.rule()
        if rule is None:
            return []
        sessions: list[Session] = []
        if self.is_cycle:
            for number, start in enumerate(rule, start=1):
                if start > naive_after:
                    sessions.append(self._session(start, number))
                    if len(sessions) == count:
                        break
            return sessions
        start = rule.after(naive_after)
        while start is not None and len(sessions) < count:
            sessions.append(self._session(start))
            start = rule.after(start)
        return sessions

    def _rule_upcoming(self, count: int, naive_after: dt.datetime) -> list[Session]:
        """`upcoming()` computed with dateutil only (the reference the tests compare to)."""
        rule = self.rule()
        if rule is None:
            return []
        sessions: list[Session] = []
        for number, start in enumerate(rule, start=1):
            if start > naive_after:
                sessions.append(self._session(start, number if self.is_cycle else None))
                if len(sessions) == count:
                    break
        return sessions

    def next_session(self) -> Session | None:
        upcoming = self.upcoming(1)
        return upcoming[0] if upcoming else None

    def next_date(self, on_or_after: dt.date | None = None) -> dt.date | None:
        """The date of the next session on or after a day (default today)."""
        day = on_or_after or today()
        after = dt.datetime.combine(day, dt.time.min, BRUSSELS) - dt.timedelta(microseconds=1)
        upcoming = self.upcoming(1, after=after)
        return upcoming[0].start.date() if upcoming else None

    # --- closed cycles ------------------------------------------------------------------
    @property
    def cycle_start(self) -> dt.date | None:
        return self.group.first_session_on if self.is_cycle else None

    @property
    def cycle_started(self) -> bool:
        return self.is_cycle and bool(self.cycle_start) and self.cycle_start <= today()

    @property
    def cycle_finished(self) -> bool:
        return self.is_cycle and self.next_session() is None

    @property
    def last_session(self) -> Session | None:
        rule = self.rule()
        if rule is None or not self.is_cycle:
            return None
        starts = list(rule)
        return self._session(starts[-1], len(starts)) if starts else None
