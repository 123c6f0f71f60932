"""Reporting periods and the periods they are compared with."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.stats.periods import Kind, Period, comparison

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


def test_a_month_in_progress_is_compared_with_the_same_days():
    compared = comparison(Period.month(2026, 12), D(2026, 12, 3))
    assert compared.partial and compared.note == "截至12月3日"
    assert compared.year_before == Period(D(2025, 12, 1), D(2025, 12, 3), Kind.RANGE)
    assert compared.previous == Period(D(2026, 11, 1), D(2026, 11, 3), Kind.RANGE)
    assert "2025年12月1日至12月3日" in compared.basis and "2026年11月1日至11月3日" in compared.basis


def test_the_same_days_stop_at_the_end_of_a_shorter_earlier_period():
    compared = comparison(Period.month(2026, 3), D(2026, 3, 30))
    assert compared.previous == Period(D(2026, 2, 1), D(2026, 2, 28), Kind.RANGE)  # February has no 29th-30th
    assert compared.year_before == Period(D(2025, 3, 1), D(2025, 3, 30), Kind.RANGE)


def test_a_quarter_and_a_year_in_progress():
    quarter = comparison(Period.quarter(2026, 4), D(2026, 12, 3))
    assert quarter.note == "截至12月3日"
    assert quarter.previous == Period(D(2026, 7, 1), D(2026, 9, 2), Kind.RANGE)  # 64 days, as Oct 1 to Dec 3
    assert quarter.previous.days == (D(2026, 12, 3) - D(2026, 10, 1)).days + 1
    year = comparison(Period.year(2026), D(2026, 12, 3))
    assert year.year_before == Period(D(2025, 1, 1), D(2025, 12, 3), Kind.RANGE)


@pytest.mark.parametrize(
    "today",
    [D(2026, 12, 31), D(2027, 1, 5), D(2026, 11, 30)],
    ids=["its last day", "after it", "before it"],
)
def test_a_period_not_in_progress_is_compared_whole(today):
    december = Period.month(2026, 12)
    compared = comparison(december, today)
    assert not compared.partial and compared.note == "" and compared.basis == ""
    assert (compared.year_before, compared.previous) == (december.year_before(), december.previous())
