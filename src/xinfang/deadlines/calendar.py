"""China's working-day calendar, as deadline arithmetic sees it.

Three sources, strongest first:

1. **Overrides** entered by an administrator (model ``CalendarDay``): a date is a working day or not.
2. **The ``chinese_calendar`` package**: the State Council's published schedules (holidays and the make-up
   working weekends, 调休) for the years it knows (2004-2026 in version 1.11; it raises NotImplementedError
   beyond).
3. **The provisional rule** for any other year: Saturdays and Sundays off, plus the fixed-date statutory
   holidays (1 January; 1-2 May; 1-3 October). Lunar holidays (Spring Festival, Qingming, Dragon Boat,
   Mid-Autumn) are not guessed; an administrator enters them once the year's schedule is published.

A date is *provisional* when its year is neither known to the package nor marked official by an
administrator (model ``CalendarYear``). Overrides change the answer but not the flag: a year becomes
official as a whole, once all of its holidays have been entered.

This module is pure (no Django); ``services.get_calendar()`` builds a :class:`ChinaCalendar` from the
database and caches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache

import chinese_calendar

# Fixed-date statutory holidays (全国年节及纪念日放假办法): New Year's Day, Labour Day, National Day.
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

_PACKAGE_HOLIDAYS: Mapping[dt.date, str] = chinese_calendar.holidays
_PACKAGE_WORKDAYS: Mapping[dt.date, str] = chinese_calendar.workdays
PACKAGE_FIRST_YEAR = min(_PACKAGE_HOLIDAYS).year
PACKAGE_LAST_YEAR = max(_PACKAGE_HOLIDAYS).year


@cache
def _chinese_name(english: str | None) -> str:
    if not english:
        return ""
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def package_knows(year: int) -> bool:
    """Whether the installed ``chinese_calendar`` has the official schedule for ``year``."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def package_is_workday(day: dt.date) -> bool:
    """The package's answer (same rule as ``chinese_calendar.is_workday``, without its per-call checks)."""
    if not package_knows(day.year):
        raise NotImplementedError(f"chinese_calendar has no data for {day.year}")
    return day in _PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS)


def provisional_is_workday(day: dt.date) -> bool:
    """The rule for years nobody has published: weekends and fixed-date holidays off."""
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


class ChinaCalendar:
    """Implements :class:`xinfang.deadlines.arithmetic.WorkCalendar`.

    ``overrides`` maps a date to ``is_workday``; ``official_years`` are the years an administrator has
    marked official; ``names`` optionally names override dates (for display only). Answers are memoised:
    an instance is immutable in meaning, so build a new one when the data change.
    """

    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | None = None,
        official_years: Iterable[int] = (),
        names: Mapping[dt.date, str] | None = None,
    ) -> None:
        self.overrides: dict[dt.date, bool] = dict(overrides or {})
        self.official_years: frozenset[int] = frozenset(official_years)
        self.names: dict[dt.date, str] = dict(names or {})
        self._memo: dict[dt.date, bool] = {}

    def is_workday(self, day: dt.date) -> bool:
        try:
            return self._memo[day]
        except KeyError:
            pass
        if day in self.overrides:
            answer = self.overrides[day]
        elif package_knows(day.year):
            answer = package_is_workday(day)
        else:
            answer = provisional_is_workday(day)
        self._memo[day] = answer
        return answer

    def is_official_year(self, year: int) -> bool:
        return year in self.official_years or package_knows(year)

    def is_provisional(self, day: dt.date) -> bool:
        return not self.is_official_year(day.year)

    def source(self, day: dt.date) -> str:
        """Where the answer for ``day`` comes from: ``override``, ``package`` or ``rule``."""
        if day in self.overrides:
            return "override"
        if package_knows(day.year):
            return "package"
        return "rule"

    def name(self, day: dt.date) -> str:
        """The holiday (or make-up working day) a date belongs to, in Chinese; "" for an ordinary day."""
        if day in self.names and self.names[day]:
            return self.names[day]
        if day in self.overrides:
            return ""
        if package_knows(day.year):
            if day in _PACKAGE_WORKDAYS:
                return f"{_chinese_name(_PACKAGE_WORKDAYS[day])}调休上班"
            return _chinese_name(_PACKAGE_HOLIDAYS.get(day))
        return FIXED_HOLIDAYS.get((day.month, day.day), "")

    def special_days(self, year: int) -> list[tuple[dt.date, bool, str]]:
        """The year's notable days as ``(date, is_workday, name)`` in date order: every holiday (named, or on
        a weekday), every working weekend day (调休) and every override; plain weekends are left out."""
        day = dt.date(year, 1, 1)
        rows = []
        while day.year == year:
            workday = self.is_workday(day)
            name = self.name(day)
            if day in self.overrides or workday != (day.weekday() < 5) or name:
                rows.append((day, workday, name))
            day += dt.timedelta(days=1)
        return rows
