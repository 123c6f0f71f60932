"""The pure calendar: package data, overrides, the provisional rule."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from xinfang.deadlines.calendar import (
    PACKAGE_LAST_YEAR,
    ChinaCalendar,
    package_is_workday,
    package_knows,
    provisional_is_workday,
)

D = dt.date


def test_package_range():
    assert package_knows(2004) and package_knows(2026)
    assert not package_knows(2003)
    assert PACKAGE_LAST_YEAR >= 2026
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(PACKAGE_LAST_YEAR + 1, 1, 4))
    with pytest.raises(NotImplementedError):
        package_is_workday(D(PACKAGE_LAST_YEAR + 1, 1, 4))


def test_fast_path_agrees_with_the_package_for_every_known_day():
    day = D(2004, 1, 1)
    while day.year <= PACKAGE_LAST_YEAR:
        assert package_is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_make_up_saturday_2026_10_10_is_a_working_day():
    cal = ChinaCalendar()
    assert cal.is_workday(D(2026, 10, 10))
    assert not cal.is_workday(D(2026, 10, 7))
    assert cal.name(D(2026, 10, 10)) == "国庆节调休上班"
    assert cal.name(D(2026, 10, 1)) == "国庆节"
    assert cal.source(D(2026, 10, 10)) == "package"


def test_provisional_rule():
    assert not provisional_is_workday(D(2027, 1, 1))  # Friday, New Year's Day
    assert provisional_is_workday(D(2027, 5, 3))
    for day in (D(2027, 10, 1), D(2028, 10, 2), D(2028, 10, 3), D(2028, 5, 1), D(2028, 5, 2)):
        assert not provisional_is_workday(day)
    assert not provisional_is_workday(D(2027, 1, 2))  # Saturday
    assert provisional_is_workday(D(2027, 1, 4))


def test_provisional_flag_by_year():
    cal = ChinaCalendar(official_years=[2028])
    assert not cal.is_provisional(D(2026, 12, 31))
    assert cal.is_provisional(D(2027, 1, 1))
    assert not cal.is_provisional(D(2028, 6, 1))
    assert cal.is_provisional(D(2003, 6, 2))


def test_overrides_win_over_the_package_and_the_rule():
    cal = ChinaCalendar(
        overrides={D(2026, 10, 10): False, D(2027, 2, 10): False, D(2027, 2, 20): True},
        names={D(2027, 2, 10): "春节"},
    )
    assert not cal.is_workday(D(2026, 10, 10))
    assert not cal.is_workday(D(2027, 2, 10))
    assert cal.is_workday(D(2027, 2, 20))  # a Saturday made a working day
    assert cal.name(D(2027, 2, 10)) == "春节"
    assert cal.source(D(2027, 2, 10)) == "override"
    assert cal.is_provisional(D(2027, 2, 10))  # an override alone does not make the year official


def test_special_days_of_a_provisional_year():
    cal = ChinaCalendar(overrides={D(2027, 2, 10): False}, names={D(2027, 2, 10): "春节"})
    rows = cal.special_days(2027)
    assert (D(2027, 1, 1), False, "元旦") in rows
    assert (D(2027, 2, 10), False, "春节") in rows
    assert (D(2027, 5, 1), False, "劳动节") in rows  # a Saturday, listed because it is named
    assert all(day.year == 2027 for day, _, _ in rows)
