"""The deadline scan: colours on the right day, each warning once, escalation to the configured leaders."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.scenes import day
from xinfang.notifications.models import Kind, Notification
from xinfang.supervision.models import DeadlineWarning, EscalationRule
from xinfang.supervision.scan import scan_deadlines
from xinfang.workflow.models import Deadline, DeadlineStatus

# A petition transferred to 清波街道 on 2026-03-03 must be accepted by 2026-03-18 (15 calendar days).
DUE = day("2026-03-18")


def told(user, kind=None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


@pytest.fixture
def routed(scene):
    petition = scene.transferred()
    deadline = Deadline.objects.get(petition=petition, status=DeadlineStatus.OPEN)
    assert (deadline.stage, deadline.due_on, deadline.unit) == ("accept", DUE, scene.org.qingbo_unit)
    Notification.objects.all().delete()  # the transfer's own notice is not under test here
    return petition


def test_four_days_before_is_blue_and_sends_nothing(routed, people):
    result = scan_deadlines(day("2026-03-14"))
    assert result.candidates == 0
    assert not DeadlineWarning.objects.exists()
    assert told(people.township_handler) == []


def test_three_days_before_is_yellow_and_warns_the_handlers(routed, people):
    result = scan_deadlines(day("2026-03-15"))
    assert result.warnings["yellow"] == 1
    (note,) = told(people.township_handler)
    assert note.kind == Kind.DEADLINE_DUE_SOON
    assert routed.registration_number in note.title and "2026年03月18日" in note.title
    assert note.petition == routed
    assert told(people.other_township_handler) == []
    assert DeadlineWarning.objects.get().colour == "yellow"


def test_the_last_day_is_still_yellow_and_the_next_is_red(routed, people):
    scan_deadlines(day("2026-03-18"))
    assert [n.kind for n in told(people.township_handler)] == [Kind.DEADLINE_DUE_SOON]
    scan_deadlines(day("2026-03-19"))
    assert sorted(n.kind for n in told(people.township_handler)) == sorted(
        [Kind.DEADLINE_DUE_SOON, Kind.DEADLINE_OVERDUE]
    )
    assert set(DeadlineWarning.objects.values_list("colour", flat=True)) == {"yellow", "red"}


def test_running_the_scan_twice_sends_once(routed, people, leaders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = scan_deadlines(day("2026-03-20"))
    with django_capture_on_commit_callbacks(execute=True):
        second = scan_deadlines(day("2026-03-20"))
    assert first.warnings["red"] == 1 and first.handler_messages == 1 and first.leader_messages == 2
    assert second.candidates == 0 and second.handler_messages == 0 and second.leader_messages == 0
    assert len(told(people.township_handler)) == 1
    assert len(told(leaders.secretary)) == 1
    assert DeadlineWarning.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["secretary@example.cn"]]  # the only one with an address


def test_red_escalates_to_the_party_leaders_of_the_county_and_nobody_else(routed, people, leaders):
    scan_deadlines(day("2026-03-19"))
    for leader in (leaders.secretary, leaders.mayor):
        (note,) = told(leader)
        assert note.kind == Kind.ESCALATION
        assert routed.registration_number in note.body
        assert note.url == "/supervision/?colour=red"
    for bystander in (
        leaders.pl_secretary,  # yellow's leader
        leaders.committee_clerk,  # right unit, wrong role
        leaders.other_secretary,  # right role, another county
        people.bureau_leader,  # blue's rule is not active
        people.other_township_handler,
    ):
        assert told(bystander) == [], bystander
    warning = DeadlineWarning.objects.get()
    assert (warning.handlers_told, warning.leaders_told) == (1, 2)


def test_yellow_escalates_to_the_political_legal_secretary(routed, leaders):
    scan_deadlines(day("2026-03-16"))
    assert [n.kind for n in told(leaders.pl_secretary)] == [Kind.ESCALATION]
    assert told(leaders.secretary) == []


def test_escalation_follows_the_rules_an_administrator_edits(routed, people, leaders):
    EscalationRule.objects.filter(colour="red").update(is_active=False)
    EscalationRule.objects.create(colour="red", role="bureau_leader", unit_kind="bureau")
    scan_deadlines(day("2026-03-19"))
    assert told(leaders.secretary) == []
    assert [n.kind for n in told(people.bureau_leader)] == [Kind.ESCALATION]


def test_an_accusation_is_never_escalated_to_the_accused_unit(scene, people, leaders):
    petition = scene.transferred(
        unit=scene.org.discipline,
        petition_class="accusation",
        subject_unit=leaders.committee,
        subject_person="某领导",
    )
    scan_deadlines(day("2026-03-19"))
    assert told(leaders.secretary) == []
    assert told(people.discipline_handler)[0].petition == petition


def test_a_unit_without_handlers_has_its_head_warned(scene, people, org):
    people.township_handler.is_active = False
    people.township_handler.save()
    scene.transferred()
    scan_deadlines(day("2026-03-19"))
    assert [n.kind for n in told(people.township_leader)] == [Kind.DEADLINE_OVERDUE]


def test_closed_deadlines_are_not_warned(routed, scene, people):
    scene.do(routed, "accept", people.township_handler, "2026-03-05")
    result = scan_deadlines(day("2026-03-19"))
    # The acceptance deadline is met; the 60-day handling deadline that replaced it is far off.
    assert result.candidates == 0
    assert told(people.township_handler) == []


def test_a_yellow_percentage_widens_the_warning(routed, people):
    from xinfang.deadlines.models import ColourPolicy

    ColourPolicy.objects.update_or_create(pk=1, defaults={"yellow_days": 3, "yellow_percent": 50})
    # 15-day period from 03-03; on 03-11, 7 days of 15 are left (under 50%).
    result = scan_deadlines(day("2026-03-11"))
    assert result.warnings["yellow"] == 1
    assert [n.kind for n in told(people.township_handler)] == [Kind.DEADLINE_DUE_SOON]


def test_the_command_scans_the_given_day(routed, people):
    out = io.StringIO()
    call_command("scan_deadlines", "--today", "2026-03-19", stdout=out)
    assert "红色 1" in out.getvalue()
    assert [n.kind for n in told(people.township_handler)] == [Kind.DEADLINE_OVERDUE]


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scan_deadlines", "--today", "19/03/2026")


def test_the_periodic_task_calls_the_scan(routed, people, frozen_clock):
    from tests.scenes import when
    from xinfang.supervision import tasks

    frozen_clock(when("2026-03-19 08:00"))
    summary = tasks.scan_deadlines_task.call_local()
    assert "红色 1" in summary
