"""Hand-worked deadline facts (process.md §5, §8) and their recompute when the rules change."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from tests.scenes import when
from xinfang.audit.models import Event
from xinfang.deadlines.models import CalendarDay, CalendarYear, DeadlinePolicy
from xinfang.workflow import selectors
from xinfang.workflow.models import Deadline, DeadlineStatus
from xinfang.workflow.petition_deadlines import recompute_open_deadlines


def received_and_transferred(scene, day="2026-09-28"):
    petition = scene.petition(f"{day} 09:00")
    scene.do(petition, "transfer", scene.people.registrar, f"{day} 11:00", to_unit=scene.org.qingbo_unit)
    return petition


def test_acceptance_across_national_day(scene, people):
    """Received by the unit on Mon 2026-09-28: 15 calendar days → Tue 10-13, a working day (National Day ran
    10-01..10-07 and 10-10 was a make-up Saturday, but the last day itself is what matters)."""
    on_time = received_and_transferred(scene)
    accept = on_time.deadlines.get(stage="accept")
    assert (accept.starts_on, accept.due_on, accept.provisional) == (
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 13),
        False,
    )
    route = on_time.deadlines.get(stage="route")
    assert (route.due_on, route.status, route.on_time) == (dt.date(2026, 10, 13), "met", True)
    scene.do(on_time, "accept", people.township_handler, "2026-10-13 23:59")
    assert on_time.accepted_on_time is True

    late = received_and_transferred(scene, "2026-09-28")
    scene.do(late, "accept", people.township_handler, "2026-10-14 08:30")
    accept = late.deadlines.get(stage="accept")
    assert (accept.status, accept.on_time, late.accepted_on_time) == (DeadlineStatus.MISSED, False, False)


def test_sign_for_within_one_working_day_across_national_day(scene):
    """Transferred on Wed 2026-09-30: the next working day is Thu 10-08 (National Day ran 10-01..10-07)."""
    petition = received_and_transferred(scene, "2026-09-30")
    assert (petition.next_due_on, petition.next_due_stage) == (dt.date(2026, 10, 8), "sign_for")


def test_colours_of_an_open_deadline(scene):
    petition = received_and_transferred(scene)  # accept due 10-13
    scene.do(petition, "sign_for", scene.people.township_handler, "2026-09-28 15:00")
    assert (petition.next_due_on, petition.next_due_stage) == (dt.date(2026, 10, 13), "accept")
    assert selectors.petition_colour(petition, dt.date(2026, 10, 9)) == "blue"
    assert selectors.petition_colour(petition, dt.date(2026, 10, 10)) == "yellow"
    assert selectors.petition_colour(petition, dt.date(2026, 10, 13)) == "yellow"
    assert selectors.petition_colour(petition, dt.date(2026, 10, 14)) == "red"
    views = selectors.deadlines_of(petition, dt.date(2026, 10, 14))
    assert [(v.deadline.stage, v.colour) for v in views] == [
        ("route", "green"),
        ("sign_for", "green"),
        ("accept", "red"),
    ]
    scene.do(petition, "accept", scene.people.township_handler, "2026-10-14")
    assert selectors.petition_colour(petition, dt.date(2026, 10, 14)) == "blue"  # now the 60-day handling


def test_available_actions(scene, people):
    petition = received_and_transferred(scene)
    assert [r.action for r in selectors.available_actions(petition, people.township_handler)] == [
        "direct_to_legal_route",
        "decline",
        "sign_for",
        "accept",
        "object",
    ]
    assert selectors.available_actions(petition, people.other_township_handler) == []
    assert selectors.object_window(petition) == dt.date(2026, 10, 10)


def test_timely_acceptance_per_unit_is_one_grouped_query(scene, people, django_assert_num_queries):
    received_and_transferred(scene)
    late = received_and_transferred(scene)
    scene.do(late, "accept", people.township_handler, "2026-10-14 08:30")
    with django_assert_num_queries(1):
        rows = list(
            Deadline.objects.filter(
                stage__in=["route", "notify_direct", "accept"],
                counts=True,
                due_on__range=("2026-10-01", "2026-10-31"),
            )
            .values("unit__code", "stage")
            .annotate(due=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
            .order_by("unit__code")
        )
    assert rows == [
        {"unit__code": "330102-XFJ", "stage": "route", "due": 2, "on_time": 2},
        {"unit__code": "330102001", "stage": "accept", "due": 2, "on_time": 0},  # one late, one still open
    ]


def test_year_end_runs_into_provisional_2027_and_is_recomputed_when_published(
    scene, people, django_capture_on_commit_callbacks
):
    petition = scene.petition("2026-11-30 09:00")
    scene.do(petition, "handle_self", people.bureau_handler, "2026-12-01")
    handle = petition.deadlines.get(stage="handle")
    # 12-01 + 60 = 2027-01-30, a Saturday: the provisional 2027 calendar rolls it to Monday 02-01.
    assert (handle.due_on, handle.provisional) == (dt.date(2027, 2, 1), True)
    events = Event.objects.filter(petition=petition).count()
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=dt.date(2027, 2, 1), is_workday=False, name="假设的调休")
        CalendarYear.objects.create(year=2027, is_official=True)
    handle.refresh_from_db()
    petition.refresh_from_db()
    assert (handle.due_on, handle.provisional) == (dt.date(2027, 2, 2), False)
    assert petition.handling_due_on == petition.next_due_on == dt.date(2027, 2, 2)
    recompute = Event.objects.filter(petition=petition, action="recompute_deadlines")
    assert Event.objects.filter(petition=petition).count() == events + recompute.count()
    assert recompute.count() >= 1
    last = recompute.last()
    assert last.data["deadlines"][0]["stage"] == "handle"
    assert last.changes["handling_due_on"][1] == "2027-02-02"


def test_policy_change_recomputes_open_deadlines_only(scene, people, django_capture_on_commit_callbacks):
    done = received_and_transferred(scene, "2026-03-02")
    scene.do(done, "accept", people.township_handler, "2026-03-05")
    scene.do(done, "reply", people.township_handler, "2026-03-20", opinion="support", text="x")
    running = received_and_transferred(scene, "2026-03-20")
    scene.do(running, "accept", people.township_handler, "2026-03-23")
    assert running.handling_due_on == dt.date(2026, 5, 22)
    with django_capture_on_commit_callbacks(execute=True):
        policy = DeadlinePolicy.objects.get(code="handle")
        policy.days = 30  # a province's own regulation
        policy.save()
    running.refresh_from_db()
    done.refresh_from_db()
    assert running.handling_due_on == dt.date(2026, 4, 22)  # 03-23 + 30
    assert done.deadlines.get(stage="handle").due_on == dt.date(2026, 5, 6)  # closed: left as it was
    assert Event.objects.filter(action="recompute_deadlines", petition=running).count() == 1
    assert not Event.objects.filter(action="recompute_deadlines", petition=done).exists()


def test_recompute_with_nothing_changed_records_nothing(scene):
    received_and_transferred(scene)
    assert recompute_open_deadlines() == 0
    assert not Event.objects.filter(action="recompute_deadlines").exists()


def test_fixed_report_dates_are_not_recomputed(scene, org, people, django_capture_on_commit_callbacks):
    petition = scene.petition("2026-03-02 09:00")
    scene.do(petition, "assign", people.registrar, "2026-03-03", to_unit=org.housing, report_due="2026-03-28")
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=dt.date(2026, 3, 27), is_workday=False)
    assert petition.deadlines.get(stage="report").due_on == dt.date(2026, 3, 28)


def test_open_deadline_ordering_and_windows(scene):
    petition = scene.concluded()
    assert petition.next_due_on is None
    assert petition.deadlines.filter(is_window=True, status="open").count() == 2
    assert when("2026-04-03").date() == petition.reply_received_on
