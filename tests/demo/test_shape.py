"""The demo's shape: the pure choices the plans make."""

import datetime as dt
import random

from xinfang.demo import shape


def test_the_last_full_month_is_the_month_before_todays():
    assert shape.last_full_month(dt.date(2026, 6, 15)) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert shape.last_full_month(dt.date(2026, 1, 1)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert shape.last_full_month(dt.date(2026, 3, 31)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_only_the_bureaus_routing_may_be_late_when_due_in_the_last_full_month():
    today = dt.date(2026, 6, 15)
    for due in (dt.date(2026, 5, 1), dt.date(2026, 5, 20), dt.date(2026, 5, 31)):
        assert not shape.may_be_late(due, today)
        assert shape.may_be_late(due, today, bureau_route=True)
    for due in (dt.date(2026, 4, 30), dt.date(2026, 6, 1), dt.date(2026, 6, 14)):
        assert shape.may_be_late(due, today)


def test_working_days_skip_weekends_and_holidays():
    holidays = {dt.date(2026, 5, 1), dt.date(2026, 5, 4), dt.date(2026, 5, 5)}

    def is_workday(day):
        return day.weekday() < 5 and day not in holidays

    thursday = dt.date(2026, 4, 30)
    assert shape.add_working_days(thursday, 0, is_workday) == thursday
    assert shape.add_working_days(thursday, 1, is_workday) == dt.date(2026, 5, 6)
    assert shape.add_working_days(dt.date(2026, 5, 2), 0, is_workday) == dt.date(2026, 5, 6)
    assert shape.add_working_days(dt.date(2026, 5, 6), 3, is_workday) == dt.date(2026, 5, 11)


def test_weighted_picks_follow_their_weights():
    rng = random.Random(1)
    picks = [shape.pick(rng, shape.RATINGS) for _ in range(4000)]
    satisfied = sum(p != "dissatisfied" for p in picks) / len(picks)
    assert 0.80 <= satisfied <= 0.88
    assert sum(shape.chance(rng, 0.25) for _ in range(4000)) in range(900, 1100)


def test_the_shares_keep_the_figures_in_a_working_bureaus_ranges():
    satisfied = 1 - shape.RATINGS["dissatisfied"] / sum(shape.RATINGS.values())
    assert 0.75 <= satisfied <= 0.90
    assert 0.75 <= shape.RATED_SHARE <= 0.85
    assert max(shape.LATE_ROUTE_SHARE, shape.LATE_ACCEPT_SHARE, shape.LATE_REPLY_SHARE) <= 0.05
    # Replies come inside the 60 days, extensions inside their 30 more.
    assert shape.REPLY_DAYS[1] < 60 and shape.EXTEND_DAYS[1] < 60
    assert shape.EXTENDED_REPLY_DAYS[1] < shape.EXTENSION_DAYS
    assert 365 <= shape.DAYS_BACK <= 550
