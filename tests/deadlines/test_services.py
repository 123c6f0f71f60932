"""Policies, the database calendar, the cache and the change hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from xinfang import clock
from xinfang.deadlines import hooks, services
from xinfang.deadlines.arithmetic import Colour, Due
from xinfang.deadlines.models import CalendarDay, CalendarYear, ColourPolicy, DeadlinePolicy, Stage

D = dt.date
pytestmark = pytest.mark.django_db

SEEDED = {
    # code: (days, counting, start_rule, max_extension_days)
    "route": (15, "calendar", "receipt", 0),
    "notify_direct": (15, "calendar", "receipt", 0),
    "accept": (15, "calendar", "receipt_by_unit", 0),
    "object": (5, "working", "receipt_by_unit", 0),
    "report": (0, "calendar", "assignment", 0),
    "handle": (60, "calendar", "acceptance", 30),
    "simplified": (10, "working", "acceptance", 0),
    "request_review": (30, "calendar", "reply_received", 0),
    "review": (30, "calendar", "request_received", 0),
    "request_re_review": (30, "calendar", "review_received", 0),
    "re_review": (30, "calendar", "request_received", 0),
    "rating": (30, "calendar", "reply_received", 0),
    # process.md §3: sign-for (签收) within 1 working day; a result returned for rework handled in 30 days.
    "sign_for": (1, "working", "receipt_by_unit", 0),
    "rework": (30, "calendar", "returned", 0),
}


def test_the_policy_table_is_seeded_from_process_md():
    rows = {
        p.code: (p.days, p.counting, p.start_rule, p.max_extension_days) for p in DeadlinePolicy.objects.all()
    }
    assert rows == SEEDED
    assert set(rows) == set(Stage.values)
    assert DeadlinePolicy.objects.get(code="re_review").excludes_hearing
    assert all(p.roll_to_workday and p.is_active for p in DeadlinePolicy.objects.all())
    assert ColourPolicy.objects.get().yellow_days == 3


def test_policy_for():
    policy = services.policy_for("handle")
    assert (policy.days, policy.counting, policy.max_extension_days) == (60, "calendar", 30)
    with pytest.raises(services.UnknownStage):
        services.policy_for("nonsense")


def test_compute_due_for_the_hand_worked_cases():
    assert services.compute_due("object", D(2026, 9, 28)) == Due(D(2026, 10, 10), False)
    assert services.compute_due("accept", D(2026, 9, 17)) == Due(D(2026, 10, 8), False)
    assert services.compute_due("route", D(2026, 12, 20)) == Due(D(2027, 1, 4), True)
    assert services.compute_due("simplified", D(2026, 2, 10)).due == D(2026, 3, 2)


def test_handling_and_extension():
    handling = services.compute_due("handle", D(2026, 8, 3))
    assert handling == Due(D(2026, 10, 8), False)
    assert services.compute_extension("handle", handling, 30) == Due(D(2026, 11, 9), False)
    with pytest.raises(ValueError, match="30"):
        services.compute_extension("handle", handling, 31)
    with pytest.raises(ValueError):
        services.compute_extension("review", handling, 1)


def test_report_days_are_set_at_assignment():
    with pytest.raises(ValueError):
        services.compute_due("report", D(2026, 3, 2))
    assert services.compute_due("report", D(2026, 3, 2), days_override=20).due == D(2026, 3, 23)


def test_days_override_replaces_the_policy():
    assert services.compute_due("accept", D(2026, 3, 2), days_override=5).due == D(2026, 3, 9)  # Sat -> Mon


def test_re_review_excludes_the_hearing():
    assert services.compute_due("re_review", D(2026, 3, 2)).due == D(2026, 4, 1)
    assert services.compute_due("re_review", D(2026, 3, 2), excluded_days=10).due == D(2026, 4, 13)


def test_inactive_policy():
    DeadlinePolicy.objects.filter(code="rating").update(is_active=False)
    services.rules_changed(stage_codes=["rating"], notify=False)
    with pytest.raises(services.InactivePolicy):
        services.compute_due("rating", D(2026, 3, 2))


def test_an_edited_policy_is_used_at_once():
    assert services.compute_due("accept", D(2026, 3, 2)).due == D(2026, 3, 17)
    policy = DeadlinePolicy.objects.get(code="accept")
    policy.days, policy.counting = 5, "working"  # a province's own regulation
    policy.save()
    assert services.compute_due("accept", D(2026, 3, 2)).due == D(2026, 3, 9)


def test_an_override_changes_the_result_and_setting_the_year_official_clears_provisional():
    start = D(2027, 1, 11)  # + 30 days = Wednesday 2027-02-10
    assert services.compute_due("review", start) == Due(D(2027, 2, 10), True)

    CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False, name="春节")
    assert services.compute_due("review", start) == Due(D(2027, 2, 11), True)

    CalendarYear.objects.create(year=2027, is_official=True)
    assert services.compute_due("review", start) == Due(D(2027, 2, 11), False)

    CalendarDay.objects.filter(date=D(2027, 2, 10)).delete()  # bulk delete still sends post_delete
    assert services.compute_due("review", start) == Due(D(2027, 2, 10), False)


def test_an_override_can_correct_a_year_the_package_knows():
    assert services.compute_due("object", D(2026, 9, 28)).due == D(2026, 10, 10)
    CalendarDay.objects.create(date=D(2026, 10, 10), is_workday=False, name="更正")
    assert services.compute_due("object", D(2026, 9, 28)).due == D(2026, 10, 12)


def test_a_rolled_back_change_is_forgotten():
    start = D(2027, 1, 11)
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False)
        assert services.compute_due("review", start).due == D(2027, 2, 11)
        raise RuntimeError("roll back")
    assert services.compute_due("review", start).due == D(2027, 2, 10)


def test_the_rules_are_cached_behind_one_token_query(django_assert_num_queries):
    services.get_rules()
    with django_assert_num_queries(1):
        services.compute_due("handle", D(2026, 8, 3))
    rules = services.get_rules()
    with django_assert_num_queries(0):
        services.compute_due("handle", D(2026, 8, 3), rules=rules)
    with django_assert_num_queries(5):  # token + days + years + colours + policies
        services.clear_cache()
        services.get_rules()


def test_colour_for_uses_the_colour_policy_and_the_clock():
    due = D(2026, 10, 20)
    assert services.colour_for(due, today=D(2026, 10, 16)) == Colour.BLUE
    assert services.colour_for(due, today=D(2026, 10, 17)) == Colour.YELLOW
    assert services.colour_for(due, today=D(2026, 10, 17), concluded=True) == Colour.GREEN
    policy = ColourPolicy.load()
    policy.yellow_days = 5
    policy.save()
    assert services.colour_for(due, today=D(2026, 10, 15)) == Colour.YELLOW
    policy.yellow_days, policy.yellow_percent = 0, 20
    policy.save()
    # Percent applies with a start: a 60-day period, 20 % = 12 days.
    start = due - dt.timedelta(days=60)
    assert services.colour_for(due, today=D(2026, 10, 8), start=start) == Colour.YELLOW
    assert services.colour_for(due, today=D(2026, 10, 7), start=start) == Colour.BLUE
    assert services.colour_for(due, today=D(2026, 10, 8)) == Colour.BLUE  # no start: days rule only
    with clock.frozen(dt.datetime(2026, 10, 20, 23, 59)):
        assert services.colour_for(due) == Colour.YELLOW
    with clock.frozen(dt.datetime(2026, 10, 21, 0, 0)):
        assert services.colour_for(due) == Colour.RED


def test_colour_policy_is_a_singleton():
    ColourPolicy(yellow_days=4).save()
    assert ColourPolicy.objects.count() == 1
    assert ColourPolicy.load().yellow_days == 4


# --- hooks ------------------------------------------------------------------------------------------------


def test_changes_in_one_transaction_are_delivered_once_after_commit(
    received_changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False, name="春节")
        CalendarDay.objects.create(date=D(2027, 2, 20), is_workday=True, name="春节调休上班")
        CalendarYear.objects.create(year=2027, is_official=True)
        assert received_changes == []
    assert len(received_changes) == 1
    change = received_changes[0]
    assert change.dates == {D(2027, 2, 10), D(2027, 2, 20)}
    assert change.years == {2027}
    assert change.calendar_changed


def test_policy_change_is_delivered(received_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        policy = DeadlinePolicy.objects.get(code="handle")
        policy.days = 90
        policy.save()
    assert [c.stage_codes for c in received_changes] == [{"handle"}]
    assert not received_changes[0].calendar_changed


def test_moving_an_override_names_both_dates(received_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        day = CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False)
    day = CalendarDay.objects.get(pk=day.pk)
    with django_capture_on_commit_callbacks(execute=True):
        day.date = D(2027, 2, 11)
        day.save()
    assert received_changes[-1].dates == {D(2027, 2, 10), D(2027, 2, 11)}


def test_a_rolled_back_change_is_not_delivered(received_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False)
            raise RuntimeError
        CalendarYear.objects.create(year=2027, is_official=True)
    assert len(received_changes) == 1
    assert received_changes[0].years == {2027}


def test_colour_changes_are_not_delivered(received_changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ColourPolicy(yellow_days=4).save()
    assert received_changes == []


def test_register_is_idempotent():
    def callback(change):
        pass

    hooks.register(callback)
    hooks.register(callback)
    assert hooks.on_rules_changed.count(callback) == 1
    hooks.unregister(callback)
    assert callback not in hooks.on_rules_changed


def test_rules_change_affects():
    change = hooks.RulesChange(dates=frozenset({D(2027, 2, 10)}))
    assert change.affects("handle", D(2027, 1, 1), D(2027, 3, 1))
    assert change.affects("handle", D(2026, 12, 1), D(2027, 1, 4))  # a holiday may push it later
    assert not change.affects("handle", D(2027, 2, 10), D(2027, 3, 1))  # the start day does not count
    assert hooks.RulesChange(stage_codes=frozenset({"handle"})).affects(
        "handle", D(2020, 1, 1), D(2020, 2, 1)
    )
    assert not hooks.RulesChange(stage_codes=frozenset({"handle"})).affects(
        "accept", D(2020, 1, 1), D(2020, 2, 1)
    )
    assert hooks.RulesChange(years=frozenset({2027})).affects("accept", D(2026, 12, 1), D(2026, 12, 16))
    assert hooks.RulesChange(everything=True).affects("accept", D(2020, 1, 1), D(2020, 2, 1))
