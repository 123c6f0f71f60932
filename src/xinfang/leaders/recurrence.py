"""Reception dates from a schedule's rule on the working-day calendar. Pure: no Django, no database.

A rule names a nominal date (the 8th of each month, every Wednesday); when that date is not a working day
the holiday rule moves it to the next working day, the previous one, or drops it for that time.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

MONTHLY, WEEKLY = "monthly", "weekly"
NEXT, PREVIOUS, SKIP = "next", "previous", "skip"
# A year has no run of non-working days longer than this (the Spring Festival with its weekends is ~9).
_MAX_SHIFT = 31


class WorkCalendar(Protocol):
    def is_workday(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class Occurrence:
    nominal: dt.date  # what the rule names
    date: dt.date  # when the reception takes place after the holiday rule


def nominal_dates(
    recurrence: str,
    start: dt.date,
    end: dt.date,
    *,
    day_of_month: int | None = None,
    weekday: int | None = None,
) -> list[dt.date]:
    """The rule's dates in [start, end], before any holiday shift. A month shorter than ``day_of_month``
    uses its last day (a schedule "on the 31st" still meets in February)."""
    if end < start:
        return []
    days: list[dt.date] = []
    if recurrence == MONTHLY:
        if not day_of_month or not 1 <= day_of_month <= 31:
            raise ValueError("day_of_month must be 1..31")
        year, month = start.year, start.month
        while (year, month) <= (end.year, end.month):
            last = month_calendar.monthrange(year, month)[1]
            day = dt.date(year, month, min(day_of_month, last))
            if start <= day <= end:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif recurrence == WEEKLY:
        if weekday is None or not 0 <= weekday <= 6:
            raise ValueError("weekday must be 0..6")
        day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        while day <= end:
            days.append(day)
            day += dt.timedelta(days=7)
    else:
        raise ValueError(f"unknown recurrence {recurrence!r}")
    return days


def shift(day: dt.date, rule: str, calendar: WorkCalendar) -> dt.date | None:
    """The working day a nominal date becomes under the holiday rule; None when the rule skips it."""
    if calendar.is_workday(day):
        return day
    if rule == SKIP:
        return None
    step = dt.timedelta(days=1 if rule == NEXT else -1)
    if rule not in (NEXT, PREVIOUS):
        raise ValueError(f"unknown holiday rule {rule!r}")
    moved = day
    for _ in range(_MAX_SHIFT):
        moved += step
        if calendar.is_workday(moved):
            return moved
    return None


def occurrences(
    recurrence: str,
    holiday_rule: str,
    start: dt.date,
    end: dt.date,
    calendar: WorkCalendar,
    *,
    day_of_month: int | None = None,
    weekday: int | None = None,
) -> list[Occurrence]:
    """Every reception the rule gives for nominal dates in [start, end], in date order. Two nominal dates
    that land on the same working day (a weekly rule around a long holiday) meet once, under the first."""
    seen: set[dt.date] = set()
    result = []
    for nominal in nominal_dates(recurrence, start, end, day_of_month=day_of_month, weekday=weekday):
        moved = shift(nominal, holiday_rule, calendar)
        if moved is None or moved in seen:
            continue
        seen.add(moved)
        result.append(Occurrence(nominal, moved))
    return result
