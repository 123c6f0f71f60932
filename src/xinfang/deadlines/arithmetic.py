"""Deadline arithmetic: pure functions, no Django, no database, no clock.

Everything here takes its calendar and its "today" as arguments, so it can be tested exhaustively (hypothesis)
and reused by the CLI, the workflow service and the statistics alike.

Counting follows the Civil Code, Arts. 201-203 (process.md §5):

* the start day does not count; counting begins the next day;
* **calendar** counting: the last day is ``start + days``; if that day is not a working day the period ends on
  the next working day (``roll_to_workday``);
* **working** counting: the last day is the ``days``-th working day after the start day;
* a period ends at 24:00 of its last day, Asia/Shanghai (:func:`deadline_end`, :func:`is_on_time`).

Every answer is a :class:`Due`: the last day and whether the calendar had to guess (``provisional``) for any
day that decided it — a year the official schedule has not been published for yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = dt.timedelta(days=1)

# No real calendar has a year without working days; this bounds the search so a broken calendar (every day
# marked a holiday) fails loudly instead of looping for ever.
MAX_SCAN_DAYS = 3 * 366


class Counting(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class Colour(StrEnum):
    """The four deadline colours (四色督办). Members compare equal to their plain strings."""

    RED = "red"  # overdue
    YELLOW = "yellow"  # about to expire
    BLUE = "blue"  # running
    GREEN = "green"  # concluded


@runtime_checkable
class WorkCalendar(Protocol):
    """What deadline arithmetic needs to know about a day."""

    def is_workday(self, day: dt.date) -> bool: ...

    def is_provisional(self, day: dt.date) -> bool:
        """True when ``is_workday(day)`` is a guess (the year's official schedule is not known yet)."""
        ...


@dataclass(frozen=True, slots=True)
class Due:
    """The last day of a period, and whether any day that decided it came from a provisional calendar."""

    due: dt.date
    provisional: bool = False

    def as_json(self) -> dict[str, object]:
        return {"due": self.due.isoformat(), "provisional": self.provisional}


class WeekendCalendar:
    """A plain calendar: Saturdays and Sundays off, plus given holidays and make-up working days.

    Useful in tests and as a reference; the real one is :class:`xinfang.deadlines.calendar.ChinaCalendar`.
    """

    def __init__(
        self,
        holidays: frozenset[dt.date] | set[dt.date] = frozenset(),
        workdays: frozenset[dt.date] | set[dt.date] = frozenset(),
        provisional_from: dt.date | None = None,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.provisional_from = provisional_from

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_provisional(self, day: dt.date) -> bool:
        return self.provisional_from is not None and day >= self.provisional_from


def _roll(day: dt.date, calendar: WorkCalendar) -> tuple[dt.date, bool]:
    """The first working day on or after ``day``, and whether any day looked at was provisional."""
    provisional = calendar.is_provisional(day)
    for _ in range(MAX_SCAN_DAYS):
        if calendar.is_workday(day):
            return day, provisional
        day += ONE_DAY
        provisional = provisional or calendar.is_provisional(day)
    raise ValueError(f"calendar has no working day within {MAX_SCAN_DAYS} days of {day}")


def due_date(
    start: dt.date,
    days: int,
    counting: Counting | str,
    calendar: WorkCalendar,
    roll_to_workday: bool = True,
) -> Due:
    """The last day of a period of ``days`` days that starts on (and excludes) ``start``.

    ``days == 0`` means "on the start day itself" (rolled to a working day, as above); negative ``days`` is
    an error. For working counting ``roll_to_workday`` is irrelevant: the last day is always a working day.
    """
    counting = Counting(counting)
    if days < 0:
        raise ValueError(f"days must not be negative: {days}")
    if isinstance(start, dt.datetime):
        raise TypeError("start must be a date, not a datetime (convert it in Asia/Shanghai first)")

    if counting is Counting.CALENDAR:
        last = start + dt.timedelta(days=days)
        if not roll_to_workday:
            return Due(last, calendar.is_provisional(last))
        return Due(*_roll(last, calendar))

    # Working-day counting: walk forward, one day at a time, counting working days.
    if days == 0:
        return Due(*_roll(start, calendar))
    day = start
    provisional = False
    counted = 0
    scanned = 0
    while counted < days:
        day += ONE_DAY
        scanned += 1
        if calendar.is_provisional(day):
            provisional = True
        if calendar.is_workday(day):
            counted += 1
            scanned = 0
        elif scanned > MAX_SCAN_DAYS:
            raise ValueError(f"calendar has no working day within {MAX_SCAN_DAYS} days of {day}")
    return Due(day, provisional)


def extend(
    due: Due | dt.date,
    extra_days: int,
    calendar: WorkCalendar,
    roll_to_workday: bool = True,
) -> Due:
    """An extension (延期): ``extra_days`` calendar days counted from the end of the original period.

    The original period ends on ``due`` (the already-rolled last day), so the extension starts the next day,
    exactly as a new period with ``start = due``; the same roll rule applies to its last day. Passing a
    :class:`Due` carries its ``provisional`` flag over. ``extra_days == 0`` returns the original due date.
    """
    if isinstance(due, Due):
        base, was_provisional = due.due, due.provisional
    else:
        base, was_provisional = due, False
    if extra_days == 0:
        return Due(base, was_provisional or calendar.is_provisional(base))
    result = due_date(base, extra_days, Counting.CALENDAR, calendar, roll_to_workday)
    return Due(result.due, result.provisional or was_provisional)


def due_date_excluding(
    start: dt.date,
    days: int,
    counting: Counting | str,
    calendar: WorkCalendar,
    excluded_days: int,
    roll_to_workday: bool = True,
) -> Due:
    """A period whose clock stood still for ``excluded_days`` calendar days (e.g. a hearing, 听证, during
    re-review: "hearing time is not counted in the 30 days").

    Calendar counting: the paused days are simply added to the period, so the last day is
    ``start + days + excluded_days`` and then rolled. Working counting: the working-day result is pushed by
    ``excluded_days`` calendar days and rolled to a working day.
    """
    if excluded_days < 0:
        raise ValueError(f"excluded_days must not be negative: {excluded_days}")
    counting = Counting(counting)
    if counting is Counting.CALENDAR:
        return due_date(start, days + excluded_days, counting, calendar, roll_to_workday)
    base = due_date(start, days, counting, calendar, roll_to_workday)
    if excluded_days == 0:
        return base
    pushed, provisional = _roll(base.due + dt.timedelta(days=excluded_days), calendar)
    return Due(pushed, provisional or base.provisional)


def deadline_end(due: dt.date) -> dt.datetime:
    """The instant a period ends: 24:00 of its last day in Asia/Shanghai, i.e. 00:00 of the next day."""
    following = due + ONE_DAY
    return dt.datetime(following.year, following.month, following.day, tzinfo=SHANGHAI)


def is_on_time(done_at: dt.datetime, due: dt.date) -> bool:
    """True when something done at ``done_at`` (timezone-aware) was done within the period ending on ``due``."""
    if done_at.tzinfo is None or done_at.utcoffset() is None:
        raise ValueError("done_at must be timezone-aware")
    return done_at < deadline_end(due)


def colour(
    due: dt.date,
    today: dt.date,
    concluded: bool,
    yellow_days: int = 3,
    yellow_percent: float | None = None,
    start: dt.date | None = None,
) -> Colour:
    """The deadline colour (四色督办) on ``today``.

    * green — concluded (whatever the dates);
    * red — overdue: ``today`` is after the last day (the period ended at 24:00 of ``due``);
    * yellow — about to expire: ``due - today`` is at most ``yellow_days`` days (on the last day itself it is
      0), **or**, when ``yellow_percent`` is given, the days left are at most that percentage of the whole
      period ``due - start`` (``start`` is then required);
    * blue — running.
    """
    if concluded:
        return Colour.GREEN
    remaining = (due - today).days
    if remaining < 0:
        return Colour.RED
    if remaining <= yellow_days:
        return Colour.YELLOW
    if yellow_percent is not None:
        if start is None:
            raise ValueError("yellow_percent needs the start of the period")
        period = (due - start).days
        if remaining * 100 <= period * yellow_percent:
            return Colour.YELLOW
    return Colour.BLUE
