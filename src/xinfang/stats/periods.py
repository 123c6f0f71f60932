"""Reporting periods: a day, week, month, quarter, year or any range of days, with the periods they are
compared against (同比: the same dates a year earlier; 环比: the period just before).

A period is a closed range of local dates (Asia/Shanghai). Database filters on instants use the half-open
range [start 00:00, day after end 00:00) so that nothing on the last day is lost and nothing is counted twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from xinfang.clock import SHANGHAI


class Kind:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


KINDS = [Kind.DAY, Kind.WEEK, Kind.MONTH, Kind.QUARTER, Kind.YEAR, Kind.RANGE]
KIND_LABELS = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年", "range": "自定义"}


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str = Kind.RANGE

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("统计期间的结束日期不能早于开始日期。")

    # --- constructors --------------------------------------------------------------------------------------

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls(day, day, Kind.DAY)

    @classmethod
    def week(cls, day: dt.date) -> Period:
        monday = day - dt.timedelta(days=day.weekday())
        return cls(monday, monday + dt.timedelta(days=6), Kind.WEEK)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), _month_end(year, month), Kind.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(dt.date(year, first, 1), _month_end(year, first + 2), Kind.QUARTER)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Kind.YEAR)

    @classmethod
    def of(cls, kind: str, day: dt.date) -> Period:
        """The period of this kind that contains `day`."""
        if kind == Kind.DAY:
            return cls.day(day)
        if kind == Kind.WEEK:
            return cls.week(day)
        if kind == Kind.MONTH:
            return cls.month(day.year, day.month)
        if kind == Kind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == Kind.YEAR:
            return cls.year(day.year)
        raise ValueError(f"未知的统计周期：{kind}")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """A range, recognised as a calendar period when it is exactly one (so 环比 steps by that period)."""
        for kind in (Kind.DAY, Kind.WEEK, Kind.MONTH, Kind.QUARTER, Kind.YEAR):
            candidate = cls.of(kind, start)
            if candidate.start == start and candidate.end == end:
                return candidate
        return cls(start, end, Kind.RANGE)

    # --- arithmetic ----------------------------------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """环比: the period of the same kind just before; for a range, as many days just before."""
        before = self.start - dt.timedelta(days=1)
        if self.kind == Kind.RANGE:
            return Period(before - dt.timedelta(days=self.days - 1), before, Kind.RANGE)
        return Period.of(self.kind, before)

    def year_before(self) -> Period:
        """同比: the same dates one year earlier."""
        if self.kind in (Kind.MONTH, Kind.QUARTER, Kind.YEAR):
            return Period.of(self.kind, _shift_year(self.start, -1))
        if self.kind == Kind.WEEK:
            return Period.week(_shift_year(self.start, -1))
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1), self.kind)

    # --- database bounds -----------------------------------------------------------------------------------

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def end_before(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    # --- display -------------------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == Kind.DAY:
            return f"{s.year}年{s.month}月{s.day}日"
        if self.kind == Kind.MONTH:
            return f"{s.year}年{s.month}月"
        if self.kind == Kind.QUARTER:
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == Kind.YEAR:
            return f"{s.year}年"
        if s.year == e.year and s.day == 1 and e == _month_end(e.year, e.month):
            return f"{s.year}年{s.month}月至{e.month}月"
        end = f"{e.month}月{e.day}日" if s.year == e.year else f"{e.year}年{e.month}月{e.day}日"
        return f"{s.year}年{s.month}月{s.day}日至{end}"

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "kind": self.kind}


@dataclass(frozen=True)
class Comparison:
    """The periods a period is compared against (同比, 环比), and the last day counted when it is still in
    progress: December seen on 3 December holds three days, and comparing them with all of last December
    or all of November would read as a fall of nine tenths."""

    year_before: Period
    previous: Period
    through: dt.date | None = None

    @property
    def partial(self) -> bool:
        return self.through is not None

    @property
    def note(self) -> str:
        """ "截至12月3日" for a period in progress, else empty."""
        return f"截至{self.through.month}月{self.through.day}日" if self.through else ""

    @property
    def basis(self) -> str:
        """What the comparisons compare with, in words for the page."""
        if not self.partial:
            return ""
        return (
            f"本期尚未结束，数据{self.note}；同比、环比均与同期的相同天数相比"
            f"（{self.year_before.label}、{self.previous.label}）"
        )


def comparison(period: Period, today: dt.date) -> Comparison:
    """同比 and 环比 of `period` as seen on `today`: whole periods once it has ended (or not begun), else the
    same number of days from the start of each earlier period."""
    year_before, previous = period.year_before(), period.previous()
    if not period.start <= today < period.end:
        return Comparison(year_before, previous)
    elapsed = dt.timedelta(days=(today - period.start).days)

    def same_days(earlier: Period) -> Period:
        return Period(earlier.start, min(earlier.start + elapsed, earlier.end), Kind.RANGE)

    return Comparison(same_days(year_before), same_days(previous), through=today)
