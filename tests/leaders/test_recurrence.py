"""The schedule's dates on the official calendar: 2025-10-08 falls in the National Day holiday."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.deadlines.calendar import ChinaCalendar
from xinfang.leaders import recurrence as r

CAL = ChinaCalendar()
D = dt.date


def test_monthly_on_the_8th_moves_a_holiday_to_the_next_working_day():
    got = r.occurrences(r.MONTHLY, r.NEXT, D(2025, 9, 1), D(2025, 11, 30), CAL, day_of_month=8)
    # 9-08 Monday; 10-08 National Day → Thursday 10-09; 11-08 Saturday → Monday 11-10.
    assert [(o.nominal, o.date) for o in got] == [
        (D(2025, 9, 8), D(2025, 9, 8)),
        (D(2025, 10, 8), D(2025, 10, 9)),
        (D(2025, 11, 8), D(2025, 11, 10)),
    ]


def test_previous_working_day_and_skip():
    prev = r.occurrences(r.MONTHLY, r.PREVIOUS, D(2025, 10, 1), D(2025, 10, 31), CAL, day_of_month=8)
    assert [o.date for o in prev] == [D(2025, 9, 30)]  # before the holiday began on 10-01
    skipped = r.occurrences(r.MONTHLY, r.SKIP, D(2025, 9, 1), D(2025, 11, 30), CAL, day_of_month=8)
    assert [o.date for o in skipped] == [D(2025, 9, 8)]


def test_weekly_on_wednesday_and_a_make_up_saturday_is_not_a_wednesday():
    got = r.occurrences(r.WEEKLY, r.SKIP, D(2025, 9, 24), D(2025, 10, 15), CAL, weekday=2)
    assert [o.date for o in got] == [D(2025, 9, 24), D(2025, 10, 15)]  # 10-01 and 10-08 are holidays
    moved = r.occurrences(r.WEEKLY, r.NEXT, D(2025, 9, 24), D(2025, 10, 15), CAL, weekday=2)
    # 10-01 and 10-08 both land on 10-09: one reception, under the first nominal date.
    assert [(o.nominal, o.date) for o in moved] == [
        (D(2025, 9, 24), D(2025, 9, 24)),
        (D(2025, 10, 1), D(2025, 10, 9)),
        (D(2025, 10, 15), D(2025, 10, 15)),
    ]


def test_a_short_month_meets_on_its_last_day():
    got = r.nominal_dates(r.MONTHLY, D(2026, 2, 1), D(2026, 4, 30), day_of_month=31)
    assert got == [D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]


def test_an_override_makes_a_day_a_holiday():
    cal = ChinaCalendar(overrides={D(2025, 9, 8): False})
    got = r.occurrences(r.MONTHLY, r.NEXT, D(2025, 9, 1), D(2025, 9, 30), cal, day_of_month=8)
    assert [o.date for o in got] == [D(2025, 9, 9)]


@pytest.mark.parametrize("kwargs", [{"day_of_month": 0}, {"day_of_month": 32}, {}])
def test_a_bad_rule_is_refused(kwargs):
    with pytest.raises(ValueError):
        r.nominal_dates(r.MONTHLY, D(2025, 1, 1), D(2025, 2, 1), **kwargs)
