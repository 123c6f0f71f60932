"""Reporting periods and the periods they are compared with."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.stats.periods import Kind, Period

D = dt.date


def test_calendar_periods_and_labels():
    assert Period.of(Kind.WEEK, D(2026, 3, 12)) == Period(D(2026, 3, 9), D(2026, 3, 15), Kind.WEEK)
    assert Period.of(Kind.QUARTER, D(2026, 8, 1)) == Period(D(2026, 7, 1), D(2026, 9, 30), Kind.QUARTER)
    assert Period.month(2024, 2).end == D(2024, 2, 29)
    assert Period.between(D(2021, 1, 1), D(2021, 8, 31)).label == "2021年1月至8月"
    assert Period.between(D(2026, 3, 1), D(2026, 3, 31)).kind == Kind.MONTH
    assert Period.between(D(2026, 1, 1), D(2026, 12, 31)).label == "2026年"
    assert Period.quarter(2026, 3).label == "2026年第3季度"
    assert Period.day(D(2026, 3, 10)).label == "2026年3月10日"
    assert Period.between(D(2025, 12, 20), D(2026, 1, 5)).label == "2025年12月20日至2026年1月5日"
    with pytest.raises(ValueError):
        Period(D(2026, 3, 2), D(2026, 3, 1))


def test_previous_and_year_before():
    march = Period.month(2026, 3)
    assert march.previous() == Period.month(2026, 2)
    assert march.year_before() == Period.month(2025, 3)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.day(D(2024, 2, 29)).year_before() == Period.day(D(2023, 2, 28))
    custom = Period.between(D(2021, 1, 1), D(2021, 8, 31))
    assert custom.previous() == Period(D(2020, 5, 3), D(2020, 12, 31), Kind.RANGE)
    assert custom.previous().days == custom.days
    assert custom.year_before() == Period(D(2020, 1, 1), D(2020, 8, 31), Kind.RANGE)
    week = Period.week(D(2026, 3, 12))
    assert week.previous() == Period.week(D(2026, 3, 5))
    assert week.year_before().start.weekday() == 0


def test_instant_bounds_are_half_open_in_shanghai():
    day = Period.day(D(2026, 3, 10))
    assert day.start_at.isoformat() == "2026-03-10T00:00:00+08:00"
    assert day.end_before.isoformat() == "2026-03-11T00:00:00+08:00"
