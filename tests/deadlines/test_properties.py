"""Property tests of the arithmetic on the real calendar (2004-2026 official, later years provisional)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.deadlines.arithmetic import (
    Colour,
    colour,
    deadline_end,
    due_date,
    due_date_excluding,
    extend,
    is_on_time,
)
from xinfang.deadlines.calendar import ChinaCalendar

CAL = ChinaCalendar(overrides={dt.date(2027, 2, 10): False, dt.date(2027, 2, 20): True})
ONE = dt.timedelta(days=1)

starts = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2029, 12, 31))
day_counts = st.integers(min_value=1, max_value=120)
countings = st.sampled_from(["calendar", "working"])


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    count, day = 0, start
    while day < end:
        day += ONE
        count += CAL.is_workday(day)
    return count


@given(starts, day_counts, countings)
def test_due_is_after_the_start(start, days, counting):
    assert due_date(start, days, counting, CAL).due >= start + ONE


@given(starts, day_counts)
def test_calendar_due_is_at_least_start_plus_days(start, days):
    assert due_date(start, days, "calendar", CAL).due >= start + dt.timedelta(days=days)


@given(starts, day_counts)
def test_working_due_is_the_nth_working_day(start, days):
    due = due_date(start, days, "working", CAL).due
    assert CAL.is_workday(due)
    assert workdays_between(start, due) == days


@given(starts, day_counts)
def test_rolled_calendar_due_is_the_first_workday_on_or_after_the_last_day(start, days):
    last = start + dt.timedelta(days=days)
    due = due_date(start, days, "calendar", CAL).due
    assert CAL.is_workday(due)
    day = last
    while day < due:
        assert not CAL.is_workday(day)
        day += ONE


@given(starts, day_counts)
def test_unrolled_calendar_due_is_start_plus_days(start, days):
    assert due_date(start, days, "calendar", CAL, roll_to_workday=False).due == start + dt.timedelta(
        days=days
    )


@given(starts, st.integers(min_value=0, max_value=119), countings)
def test_monotonic_in_days(start, days, counting):
    assert due_date(start, days, counting, CAL).due <= due_date(start, days + 1, counting, CAL).due


@given(starts, day_counts, countings)
def test_monotonic_in_start(start, days, counting):
    assert due_date(start, days, counting, CAL).due <= due_date(start + ONE, days, counting, CAL).due


@given(starts, day_counts, countings)
def test_provisional_exactly_when_an_unofficial_year_is_involved(start, days, counting):
    result = due_date(start, days, counting, CAL)
    if result.due.year <= 2026:
        assert not result.provisional
    else:
        assert result.provisional


@given(starts, day_counts, st.integers(min_value=0, max_value=60))
def test_extension_is_at_least_the_extra_days_and_ends_on_a_workday(start, days, extra):
    original = due_date(start, days, "calendar", CAL)
    extended = extend(original, extra, CAL)
    assert extended.due >= original.due + dt.timedelta(days=extra)
    assert CAL.is_workday(extended.due)
    assert extended.provisional >= original.provisional


@given(starts, day_counts, st.integers(min_value=0, max_value=60))
def test_excluded_days_lengthen_a_calendar_period(start, days, excluded):
    assert due_date_excluding(start, days, "calendar", CAL, excluded) == due_date(
        start, days + excluded, "calendar", CAL
    )


@given(starts, day_counts, st.integers(min_value=0, max_value=60))
def test_excluded_days_never_shorten_a_working_period(start, days, excluded):
    base = due_date(start, days, "working", CAL).due
    pushed = due_date_excluding(start, days, "working", CAL, excluded).due
    assert pushed >= base + dt.timedelta(days=excluded)
    assert CAL.is_workday(pushed)


@given(st.dates(), st.integers(min_value=-86400 * 3, max_value=86400 * 3))
def test_on_time_exactly_before_midnight_after_the_last_day(due, offset):
    instant = deadline_end(due) + dt.timedelta(seconds=offset)
    assert is_on_time(instant, due) == (offset < 0)


ORDER = {Colour.BLUE: 0, Colour.YELLOW: 1, Colour.RED: 2}


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.integers(min_value=-100, max_value=100),
    st.integers(min_value=0, max_value=10),
    st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
    st.integers(min_value=1, max_value=90),
)
@settings(max_examples=200)
def test_colours_only_get_worse_as_days_pass(due, shift, yellow_days, percent, period):
    start = due - dt.timedelta(days=period)
    today = due + dt.timedelta(days=shift)
    now = colour(due, today, False, yellow_days, percent, start)
    later = colour(due, today + ONE, False, yellow_days, percent, start)
    assert ORDER[now] <= ORDER[later]
    assert (now == Colour.RED) == (today > due)
    assert colour(due, today, True, yellow_days, percent, start) == Colour.GREEN
