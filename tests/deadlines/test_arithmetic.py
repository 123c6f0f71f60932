"""Hand-worked examples of process.md §5, on the real calendar (package data, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.deadlines.arithmetic import (
    Colour,
    Due,
    WeekendCalendar,
    WorkCalendar,
    colour,
    deadline_end,
    due_date,
    due_date_excluding,
    extend,
    is_on_time,
)
from xinfang.deadlines.calendar import ChinaCalendar

D = dt.date
CAL = ChinaCalendar()


def test_china_calendar_implements_the_protocol():
    assert isinstance(CAL, WorkCalendar)
    assert isinstance(WeekendCalendar(), WorkCalendar)


# --- National Day 2026: holiday 10-01..10-07, make-up working Sunday 09-20 and Saturday 10-10 ------------


def test_five_working_days_over_national_day_2026_end_on_the_make_up_saturday():
    # 09-29 (1), 09-30 (2), [10-01..10-07 off], 10-08 (3), 10-09 (4), 10-10 Saturday make-up day (5).
    assert due_date(D(2026, 9, 28), 5, "working", CAL) == Due(D(2026, 10, 10), False)
    assert D(2026, 10, 10).weekday() == 5


def test_one_working_day_from_the_eve_of_national_day():
    assert due_date(D(2026, 9, 30), 1, "working", CAL).due == D(2026, 10, 8)


def test_calendar_deadline_in_the_national_day_holiday_rolls_past_it():
    # 15 days from 09-17 = 10-02, inside the holiday: the period ends on the first working day after it.
    assert due_date(D(2026, 9, 17), 15, "calendar", CAL) == Due(D(2026, 10, 8), False)
    # Without the roll the last day stays in the holiday.
    assert due_date(D(2026, 9, 17), 15, "calendar", CAL, roll_to_workday=False).due == D(2026, 10, 2)


# --- Spring Festival 2026: holiday 02-15..02-23, make-up Saturdays 02-14 and 02-28 ------------------------


def test_simplified_handling_over_spring_festival_2026():
    # From Tue 02-10: 11 (1), 12 (2), 13 (3), Sat 14 make-up (4), [15..23 off], 24 (5), 25 (6), 26 (7),
    # 27 (8), Sat 28 make-up (9), Sun 03-01 off, Mon 03-02 (10).
    assert due_date(D(2026, 2, 10), 10, "working", CAL).due == D(2026, 3, 2)


def test_calendar_deadline_in_spring_festival_rolls_to_the_first_working_day():
    assert due_date(D(2026, 2, 1), 15, "calendar", CAL).due == D(2026, 2, 24)


def test_calendar_deadline_on_a_make_up_saturday_does_not_move():
    assert due_date(D(2026, 2, 13), 1, "calendar", CAL).due == D(2026, 2, 14)


# --- Weekends, the start day ------------------------------------------------------------------------------


def test_calendar_deadline_on_a_sunday_rolls_to_monday():
    result = due_date(D(2026, 3, 7), 15, "calendar", CAL)
    assert D(2026, 3, 22).weekday() == 6
    assert result == Due(D(2026, 3, 23), False)


def test_the_start_day_does_not_count():
    assert due_date(D(2026, 3, 2), 1, "calendar", CAL).due == D(2026, 3, 3)
    assert due_date(D(2026, 3, 2), 1, "working", CAL).due == D(2026, 3, 3)
    # Friday + 1 working day = Monday.
    assert due_date(D(2026, 3, 6), 1, "working", CAL).due == D(2026, 3, 9)


def test_zero_days_is_the_start_day_rolled():
    assert due_date(D(2026, 3, 2), 0, "calendar", CAL).due == D(2026, 3, 2)
    assert due_date(D(2026, 3, 7), 0, "calendar", CAL).due == D(2026, 3, 9)
    assert due_date(D(2026, 3, 7), 0, "working", CAL).due == D(2026, 3, 9)


def test_bad_arguments():
    with pytest.raises(ValueError):
        due_date(D(2026, 3, 2), -1, "calendar", CAL)
    with pytest.raises(ValueError):
        due_date(D(2026, 3, 2), 5, "weekly", CAL)
    with pytest.raises(TypeError):
        due_date(dt.datetime(2026, 3, 2, 9), 5, "calendar", CAL)


def test_a_calendar_without_working_days_fails_loudly():
    class Never:
        def is_workday(self, day):
            return False

        def is_provisional(self, day):
            return False

    with pytest.raises(ValueError):
        due_date(D(2026, 3, 2), 5, "working", Never())
    with pytest.raises(ValueError):
        due_date(D(2026, 3, 2), 5, "calendar", Never())


# --- Year end into a year the package does not know ------------------------------------------------------


def test_year_end_2026_into_2027_is_provisional():
    result = due_date(D(2026, 12, 20), 15, "calendar", CAL)
    assert result == Due(D(2027, 1, 4), True)


def test_provisional_new_years_day_2027_is_a_holiday():
    # 15 days from 12-17 = Fri 2027-01-01 (fixed holiday), then the weekend: Monday 01-04.
    assert due_date(D(2026, 12, 17), 15, "calendar", CAL) == Due(D(2027, 1, 4), True)


def test_working_days_into_2027_are_provisional():
    # 29 (1), 30 (2), 31 (3), [Fri 2027-01-01 holiday, weekend], Mon 01-04 (4).
    assert due_date(D(2026, 12, 28), 4, "working", CAL) == Due(D(2027, 1, 4), True)


def test_a_period_within_2026_is_not_provisional():
    assert due_date(D(2026, 12, 1), 15, "calendar", CAL) == Due(D(2026, 12, 16), False)


def test_an_override_changes_the_result_and_an_official_year_clears_the_flag():
    start = D(2027, 1, 11)  # + 30 days = Wednesday 2027-02-10
    assert due_date(start, 30, "calendar", CAL) == Due(D(2027, 2, 10), True)
    with_holiday = ChinaCalendar(overrides={D(2027, 2, 10): False})
    assert due_date(start, 30, "calendar", with_holiday) == Due(D(2027, 2, 11), True)
    official = ChinaCalendar(overrides={D(2027, 2, 10): False}, official_years=[2027])
    assert due_date(start, 30, "calendar", official) == Due(D(2027, 2, 11), False)


# --- Handling, extension, hearing ------------------------------------------------------------------------


def test_sixty_day_handling_and_thirty_day_extension():
    handling = due_date(D(2026, 8, 3), 60, "calendar", CAL)
    assert handling == Due(D(2026, 10, 8), False)  # 10-02 falls in National Day
    # The extension runs from the end of the original period: 10-08 + 30 = Sat 11-07 -> Mon 11-09.
    assert extend(handling, 30, CAL) == Due(D(2026, 11, 9), False)
    assert extend(handling.due, 30, CAL) == Due(D(2026, 11, 9), False)
    assert extend(handling, 0, CAL) == handling


def test_extension_keeps_the_provisional_flag():
    assert extend(Due(D(2026, 11, 2), True), 5, CAL) == Due(D(2026, 11, 9), True)
    assert extend(D(2026, 12, 20), 15, CAL) == Due(D(2027, 1, 4), True)


def test_hearing_days_are_excluded_from_re_review():
    # 30 days from 2026-03-02 = 04-01 (Wed); a 10-day hearing pushes it to 04-11 (Sat) -> Mon 04-13.
    assert due_date(D(2026, 3, 2), 30, "calendar", CAL).due == D(2026, 4, 1)
    assert due_date_excluding(D(2026, 3, 2), 30, "calendar", CAL, 10) == Due(D(2026, 4, 13), False)
    assert due_date_excluding(D(2026, 3, 2), 30, "calendar", CAL, 0).due == D(2026, 4, 1)
    # Working counting: 5 working days from Mon 03-02 = Mon 03-09; +3 calendar days = Thu 03-12.
    assert due_date_excluding(D(2026, 3, 2), 5, "working", CAL, 3).due == D(2026, 3, 12)
    with pytest.raises(ValueError):
        due_date_excluding(D(2026, 3, 2), 30, "calendar", CAL, -1)


# --- 24:00 Asia/Shanghai ---------------------------------------------------------------------------------


def test_a_deadline_ends_at_midnight_shanghai():
    end = deadline_end(D(2026, 10, 10))
    assert end == dt.datetime(2026, 10, 11, 0, 0, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    assert end.utcoffset() == dt.timedelta(hours=8)


def test_is_on_time_at_the_last_minute_and_at_midnight():
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    due = D(2026, 10, 10)
    assert is_on_time(dt.datetime(2026, 10, 10, 23, 59, tzinfo=sh), due)
    assert is_on_time(dt.datetime(2026, 10, 10, 23, 59, 59, 999999, tzinfo=sh), due)
    assert not is_on_time(dt.datetime(2026, 10, 11, 0, 0, tzinfo=sh), due)
    # The same instants in UTC: 15:59 is on time, 16:00 is late.
    assert is_on_time(dt.datetime(2026, 10, 10, 15, 59, tzinfo=dt.UTC), due)
    assert not is_on_time(dt.datetime(2026, 10, 10, 16, 0, tzinfo=dt.UTC), due)
    with pytest.raises(ValueError):
        is_on_time(dt.datetime(2026, 10, 10, 12, 0), due)


# --- Colours ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 10, 1), Colour.BLUE),  # 9 days left
        (D(2026, 10, 6), Colour.BLUE),  # 4 days left
        (D(2026, 10, 7), Colour.YELLOW),  # 3 days left
        (D(2026, 10, 10), Colour.YELLOW),  # the last day
        (D(2026, 10, 11), Colour.RED),  # overdue
    ],
)
def test_colour_boundaries_with_three_days(today, expected):
    assert colour(D(2026, 10, 10), today, concluded=False) == expected


def test_colours_are_plain_strings():
    assert colour(D(2026, 10, 10), D(2026, 10, 11), False) == "red"


def test_concluded_is_green_even_when_late():
    assert colour(D(2026, 10, 10), D(2026, 12, 1), concluded=True) == Colour.GREEN


def test_colour_yellow_days_setting():
    due = D(2026, 10, 10)
    assert colour(due, D(2026, 10, 5), False, yellow_days=5) == Colour.YELLOW
    assert colour(due, D(2026, 10, 4), False, yellow_days=5) == Colour.BLUE
    assert colour(due, D(2026, 10, 10), False, yellow_days=0) == Colour.YELLOW
    assert colour(due, D(2026, 10, 9), False, yellow_days=0) == Colour.BLUE


def test_colour_percent_of_the_period():
    start, due = D(2026, 1, 1), D(2026, 3, 2)  # a 60-day period; 10 % = 6 days
    assert colour(due, D(2026, 2, 23), False, yellow_days=0, yellow_percent=10, start=start) == Colour.BLUE
    assert colour(due, D(2026, 2, 24), False, yellow_days=0, yellow_percent=10, start=start) == Colour.YELLOW
    # Either rule makes it yellow.
    assert colour(due, D(2026, 2, 27), False, yellow_days=3, yellow_percent=1, start=start) == Colour.YELLOW
    with pytest.raises(ValueError):
        colour(due, D(2026, 2, 1), False, yellow_percent=10)


def test_weekend_calendar_reference():
    cal = WeekendCalendar(holidays={D(2026, 3, 3)}, workdays={D(2026, 3, 7)}, provisional_from=D(2026, 3, 9))
    assert due_date(D(2026, 3, 2), 2, "working", cal) == Due(D(2026, 3, 5), False)
    assert due_date(D(2026, 3, 5), 2, "working", cal) == Due(D(2026, 3, 7), False)
    assert due_date(D(2026, 3, 7), 1, "working", cal) == Due(D(2026, 3, 9), True)
