"""When a clock falls due (DESIGN §3).

- Elapsed clocks ("within 1/12/24 hours") are real time: 24 hours across a
  daylight-saving change are still 24 hours.
- "Within N working days of receipt" ends at the end of the N-th working day
  after the day of receipt, in the jurisdiction's zone. A working day follows
  the ``holidays`` calendar (weekends, public holidays, transferred days off and
  transferred working days) with the admin's decree overrides on top.
- "By HH:MM the day before X" is a calendar cut-off in the jurisdiction's zone.

All results are aware datetimes in UTC.
"""

import datetime as dt
from functools import lru_cache

import holidays

from notifications.models import CalendarOverride, CalendarOverrideKind, ClockKind

MAX_SEARCH_DAYS = 366


@lru_cache(maxsize=64)
def _public_calendar(country: str, year: int):
    return holidays.country_holidays(country, years=[year])


class WorkingCalendar:
    """A jurisdiction's working days: the public calendar plus decree overrides."""

    def __init__(self, jurisdiction):
        self.jurisdiction = jurisdiction
        self.country = jurisdiction.holiday_country
        self.overrides = dict(
            CalendarOverride.objects.filter(jurisdiction=jurisdiction).values_list("date", "kind")
        )

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override == CalendarOverrideKind.WORKING_DAY
        return _public_calendar(self.country, day.year).is_working_day(day)

    def end_of_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the ``days``-th working day after the local day of ``start``."""
        if days is None or days < 1:
            raise ValueError("a working-day clock needs at least one working day")
        day, counted = self.jurisdiction.local_date(start), 0
        for _ in range(MAX_SEARCH_DAYS * 2):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted == days:
                    return self.end_of_day(day)
        raise ValueError("no working day found within two years")

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """How many working days follow the local day of ``start``, up to the local day of ``end``."""
        day, last, counted = self.jurisdiction.local_date(start), self.jurisdiction.local_date(end), 0
        while day < last:
            day += dt.timedelta(days=1)
            counted += self.is_working_day(day)
        return counted

    def end_of_day(self, day: dt.date) -> dt.datetime:
        next_midnight = self.jurisdiction.at(day + dt.timedelta(days=1))
        return (next_midnight - dt.timedelta(microseconds=1)).astimezone(dt.timezone.utc)

    def cutoff_day_before(self, anchor: dt.datetime, at: dt.time) -> dt.datetime:
        day = self.jurisdiction.local_date(anchor) - dt.timedelta(days=1)
        return self.jurisdiction.at(day, at).astimezone(dt.timezone.utc)


def due_at_for(rule, *, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    if rule.clock == ClockKind.ELAPSED:
        # Add real time in UTC: an aware datetime in a local zone adds wall-clock time
        # (24 h from 12:00 the day before a spring-forward would be 23 real hours).
        return start.astimezone(dt.timezone.utc) + dt.timedelta(minutes=rule.duration_minutes)
    if rule.clock == ClockKind.WORKING_DAYS:
        return calendar.end_of_working_days(start, rule.working_days)
    if rule.clock == ClockKind.CUTOFF_DAY_BEFORE:
        return calendar.cutoff_day_before(start, rule.cutoff_time)
    raise ValueError(f"unknown clock {rule.clock!r}")
