"""Meeting decisions tracked like an assignment (交办): deadline colours at each threshold, one warning per
colour in the supervision scan (none again on a re-run) with escalation, the supervision board, the lead and
supporting units' to-do, a 督办 on a decision, the monthly bulletin; and who may see which decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.scenes import day, when
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import ColourPolicy
from xinfang.meetings import services, tracking
from xinfang.meetings.models import DecisionSupervision, DecisionWarning
from xinfang.meetings.services import ItemInput
from xinfang.notifications.models import Kind, Notification
from xinfang.supervision.models import EscalationRule, ReasonKind, Supervision
from xinfang.supervision.scan import scan_deadlines

pytestmark = pytest.mark.django_db
DEADLINE = dt.date(2026, 3, 20)


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def decision(scene, people, org, frozen_clock):
    """A township meeting on 2026-03-06 decides: 清波街道 leads, 住建局 supports, by 2026-03-20."""
    petition = scene.transferred()
    frozen_clock(when("2026-03-06 15:00"))
    meeting = services.hold_meeting(
        people.township_leader, level="township", kind="regular", held_on=day("2026-03-06"),
        title="清波街道3月联席会议", attendees="街道、住建局", items=[ItemInput("房屋征收补偿", petition=petition)],
    )  # fmt: skip
    return services.decide(
        meeting.items.get(), people.township_leader, lead_unit=org.qingbo_unit, supporting_units=[org.housing],
        action="重新评估补偿并书面答复", deadline=DEADLINE,
    )  # fmt: skip


def told(user, kind=None):
    """The decision messages a user got (the scene's petition has statutory deadlines of its own)."""
    qs = Notification.objects.filter(recipient=user, title__contains="议定事项")
    return list(qs.filter(kind=kind) if kind else qs)


def test_the_colour_at_each_threshold(decision):
    days = deadline_rules.get_rules().yellow_days
    colour = lambda today: tracking.decision_colour(decision, today)  # noqa: E731
    assert colour(DEADLINE - dt.timedelta(days=days + 1)) == "blue"
    assert colour(DEADLINE - dt.timedelta(days=days)) == "yellow"
    assert colour(DEADLINE) == "yellow"  # the last day itself is still in time
    assert colour(DEADLINE + dt.timedelta(days=1)) == "red"
    decision.done_on = DEADLINE
    assert colour(DEADLINE + dt.timedelta(days=5)) == "green"


def test_the_percentage_rule_counts_from_the_meeting(decision):
    """With 'yellow when at most 50% of the period is left', the 14-day period turns yellow 7 days before."""
    ColourPolicy.objects.update_or_create(pk=1, defaults={"yellow_days": 1, "yellow_percent": 50})
    deadline_rules.clear_cache()
    assert tracking.decision_colour(decision, DEADLINE - dt.timedelta(days=8)) == "blue"
    assert tracking.decision_colour(decision, DEADLINE - dt.timedelta(days=7)) == "yellow"


def test_warned_once_per_colour_and_escalated(decision, people):
    EscalationRule.objects.filter(colour="red").update(is_active=False)
    EscalationRule.objects.create(colour="red", role="bureau_leader", unit_kind="bureau")
    scan_deadlines(dt.date(2026, 3, 10))  # blue: nobody is told
    assert not DecisionWarning.objects.exists() and told(people.township_handler) == []

    result = scan_deadlines(dt.date(2026, 3, 18))
    assert result.warnings["yellow"] >= 1
    (yellow,) = told(people.township_handler, Kind.DEADLINE_DUE_SOON)
    assert "议定事项临期" in yellow.title and "2026年03月20日" in yellow.title
    assert yellow.url.endswith(f"#decision-{decision.pk}")
    scan_deadlines(dt.date(2026, 3, 19))  # the same colour again: no second warning
    assert len(told(people.township_handler, Kind.DEADLINE_DUE_SOON)) == 1
    assert DecisionWarning.objects.filter(colour="yellow").count() == 1

    scan_deadlines(dt.date(2026, 3, 21))
    scan_deadlines(dt.date(2026, 3, 22))
    (red,) = told(people.township_handler, Kind.DEADLINE_OVERDUE)
    assert "议定事项超期" in red.title
    (escalated,) = told(people.bureau_leader, Kind.ESCALATION)
    assert "新增1件超期议定事项" in escalated.title and "清波街道办事处：重新评估补偿" in escalated.body
    assert sorted(DecisionWarning.objects.values_list("colour", flat=True)) == ["red", "yellow"]
    # The supporting unit is not the one warned: the lead unit answers for the deadline.
    assert told(people.department_handler) == []


def test_a_carried_out_decision_is_not_warned(decision, people, frozen_clock):
    frozen_clock(when("2026-03-15 10:00"))
    services.complete_decision(decision, people.township_handler, done_on=day("2026-03-15"), note="已答复")
    scan_deadlines(dt.date(2026, 3, 25))
    assert not DecisionWarning.objects.exists() and told(people.township_handler) == []


def test_the_board_lists_open_decisions_to_those_who_may_see_them(decision, people, frozen_clock):
    frozen_clock(when("2026-03-18 09:00"))
    page = logged_in(people.bureau_leader).get(reverse("supervision:board")).content.decode()
    assert "联席会议议定事项办理时限" in page and "重新评估补偿并书面答复" in page and "剩2天" in page
    assert reverse("meetings:supervise", args=[decision.item.meeting_id, decision.pk]) in page
    other = logged_in(people.other_county_registrar).get(reverse("supervision:board")).content.decode()
    assert "联席会议议定事项办理时限" not in other


def test_the_lead_and_supporting_units_find_it_in_their_to_do(decision, people, frozen_clock):
    frozen_clock(when("2026-03-21 09:00"))
    lead = logged_in(people.township_handler).get(reverse("workflow:todo")).content.decode()
    assert f'id="todo-decision-{decision.pk}"' in lead and "牵头" in lead and "超期1天" in lead
    support = logged_in(people.department_handler).get(reverse("workflow:todo")).content.decode()
    assert f'id="todo-decision-{decision.pk}"' in support and "配合" in support
    other = logged_in(people.other_township_handler).get(reverse("workflow:todo")).content.decode()
    assert "todo-decisions" not in other


def test_a_supervision_on_a_decision(decision, people, frozen_clock):
    frozen_clock(when("2026-03-21 09:00"))
    url = reverse("meetings:supervise", args=[decision.item.meeting_id, decision.pk])
    handler = logged_in(people.township_handler)
    assert "发出督办" in handler.get(url).content.decode()
    refused = handler.post(
        url, {"text": "请落实", "response_due": "2026-03-25"}, follow=True
    ).content.decode()
    assert "只有信访部门的督查人员或局领导可以督办" in refused and not Supervision.objects.exists()
    supervisor = logged_in(people.bureau_handler)
    empty = supervisor.post(url, {"text": "", "response_due": ""}, follow=True).content.decode()
    assert "请填写督办意见" in empty and not Supervision.objects.exists()
    answer = supervisor.post(url, {"text": "请于3月25日前落实议定事项", "response_due": "2026-03-25"})
    opened = Supervision.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("supervision:detail", args=[opened.pk])
    assert opened.unit == decision.lead_unit and opened.reason_kind == ReasonKind.DECISION_NOT_CARRIED_OUT
    assert DecisionSupervision.objects.get().decision == decision
    frozen_clock(when("2026-03-22 09:00"))
    services.complete_decision(decision, people.township_handler, done_on=day("2026-03-22"), note="已答复")
    with pytest.raises(ValidationError):
        services.supervise_decision(
            decision, people.bureau_handler, text="再督", response_due=day("2026-03-30")
        )
    assert Supervision.objects.count() == 1


def test_a_unit_outside_the_meetings_cannot_open_the_decision(decision, people):
    url = reverse("meetings:supervise", args=[decision.item.meeting_id, decision.pk])
    assert logged_in(people.other_township_handler).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.supervise_decision(
            decision, people.other_county_registrar, text="督办", response_due=day("2026-03-30")
        )


def test_an_accusation_decision_never_reaches_the_accused_unit(people, org, frozen_clock):
    """住建局 supports one decision of a county meeting (so it sees the meeting) and is accused in another
    item: it sees neither that decision on the board, nor in its to-do, nor in a count."""
    frozen_clock(when("2026-03-06 15:00"))
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=org.housing)
    plain = f.register(people.registrar)
    meeting = services.hold_meeting(
        people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"), title="县联席会议",
        attendees="a", items=[ItemInput("检举", petition=accusation), ItemInput("物业", petition=plain)],
    )  # fmt: skip
    secret_item, plain_item = meeting.items.order_by("position")
    secret = services.decide(secret_item, people.bureau_leader, lead_unit=org.discipline, supporting_units=[],
                             action="核查住建局某科室问题", deadline=day("2026-03-16"))  # fmt: skip
    services.decide(plain_item, people.bureau_leader, lead_unit=org.qingbo_unit, supporting_units=[org.housing],
                    action="维修", deadline=day("2026-03-16"))  # fmt: skip
    frozen_clock(when("2026-03-20 09:00"))
    EscalationRule.objects.create(colour="red", role="unit_leader", unit_kind="department")
    scan_deadlines(dt.date(2026, 3, 20))
    assert not [n for n in told(people.department_leader) if "核查" in n.body]
    housing = logged_in(people.department_handler)
    todo = housing.get(reverse("workflow:todo")).content.decode()
    assert "维修" in todo and "核查住建局" not in todo and f"todo-decision-{secret.pk}" not in todo
    supervisor = logged_in(people.bureau_handler).get(reverse("supervision:board")).content.decode()
    # The bureau sees both; the accusation's decision is shown without the matter.
    assert f"board-decision-{secret.pk}" in supervisor and tracking.SECRET in supervisor
    assert "核查住建局某科室问题" not in supervisor
    url = reverse("meetings:supervise", args=[meeting.pk, secret.pk])
    assert housing.get(url).status_code == 404


def test_the_monthly_bulletin_flags_overdue_decisions_and_rare_meetings(decision, people, org, frozen_clock):
    from tests.stats.test_bulletins import text_of
    from xinfang.stats import bulletins
    from xinfang.stats.models import BulletinKind
    from xinfang.stats.periods import Period

    frozen_clock(when("2026-04-01 09:00"))
    text = text_of(bulletins.issue(BulletinKind.MONTHLY, org.bureau, Period.month(2026, 3)).docx)
    assert "六、联席会议议定事项落实和会议召开情况" in text
    assert "超期未落实的联席会议议定事项1件" in text
    assert "清波街道办事处牵头落实的清波街道3月联席会议议定事项“重新评估补偿并书面答复”" in text
    assert "已超期12天未落实" in text
    # 清波 met once (the rule asks three times), 湖滨 never, and the county meeting did not sit.
    assert "清波街道办事处本月召开联席会议1次，低于每月3次的要求。" in text
    assert (
        "湖滨街道办事处本月召开联席会议0次" in text and "上城区信访局本月召开联席会议0次，低于每月1次" in text
    )


def test_the_board_and_to_do_queries_do_not_grow_with_decisions(decision, people, org, client):
    from tests import viewtests

    board, todo = reverse("supervision:board"), reverse("workflow:todo")
    _, board_few = viewtests.count_queries(client, board, people.bureau_leader)
    _, todo_few = viewtests.count_queries(client, todo, people.township_handler)
    for n in range(3):
        services.decide(decision.item, people.township_leader, lead_unit=org.qingbo_unit, supporting_units=[],
                        action=f"第{n}项", deadline=DEADLINE)  # fmt: skip
    response, board_many = viewtests.count_queries(client, board, people.bureau_leader)
    assert "第2项" in response.content.decode()
    assert board_many == board_few
    response, todo_many = viewtests.count_queries(client, todo, people.township_handler)
    assert "第2项" in response.content.decode() and todo_many == todo_few


def test_the_api_gives_each_decision_its_colour(decision, people, frozen_clock):
    from rest_framework.test import APIClient

    frozen_clock(when("2026-03-18 09:00"))
    api = APIClient()
    api.force_login(people.township_handler)
    data = api.get(f"/api/v1/meetings/{decision.item.meeting_id}/").json()
    (shown,) = data["items"][0]["decisions"]
    assert shown["id"] == decision.pk and shown["colour"] == "yellow"
