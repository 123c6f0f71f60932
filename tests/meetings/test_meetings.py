"""Joint meetings: a township meeting takes two hard petitions and a dispute, decides lead and supporting
units with deadlines, sends one item up to the county meeting, which settles it; the county meeting sends one
to the 常委会; figures, the seed sentence and the frequency rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.scenes import day, when
from xinfang.audit.models import Event
from xinfang.disputes import services as disputes
from xinfang.meetings import figures, services
from xinfang.meetings.models import AgendaItem, Decision, ItemStatus, JointMeeting
from xinfang.meetings.selectors import decisions_for, meetings_visible_to
from xinfang.meetings.services import ItemInput
from xinfang.orgs.models import Role
from xinfang.petitions.selectors import visible_to
from xinfang.workflow import todo
from xinfang.workflow.co_handling import co_handling_of
from xinfang.workflow.models import CoHandler


@pytest.fixture
def township_leader(people):
    return people.township_leader


@pytest.fixture
def hard(scene, people, org, frozen_clock):
    one = scene.transferred()
    two = scene.transferred()
    frozen_clock(when("2026-03-05 09:00"))
    dispute = disputes.record_dispute(
        people.township_handler, kind="requisition", region=org.qingbo, title="征迁补偿纠纷", parties="三户居民与征收方",
        matter="补偿标准", risk_level="high", found_via="visit", found_on=day("2026-03-04"), level="township",
    )  # fmt: skip
    return one, two, dispute


def test_the_journey_of_a_township_meeting(hard, people, org, frozen_clock):
    one, two, dispute = hard
    frozen_clock(when("2026-03-06 15:00"))
    meeting = services.hold_meeting(
        people.township_leader, level="township", kind="regular", held_on=day("2026-03-06"), title="清波街道3月第一次联席会议",
        attendees="街道党工委书记、司法所、派出所、城建办",
        items=[ItemInput("房屋征收补偿", petition=one), ItemInput("物业维修基金", petition=two), ItemInput("征迁纠纷", dispute=dispute)],
    )  # fmt: skip
    first, second, third = meeting.items.order_by("position")
    services.decide(first, people.township_leader, lead_unit=org.qingbo_unit, supporting_units=[org.housing],
                    action="重新评估并答复", deadline=day("2026-03-20"))  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.decide(
            second, people.township_leader, lead_unit=None, supporting_units=[], action="x", deadline=None
        )
    assert set(caught.value.message_dict) == {"lead_unit", "deadline"}
    services.escalate_item(third, people.township_leader, target="county_meeting", reason="涉及县级征收政策")
    with pytest.raises(ValidationError):  # a township meeting cannot go straight to the 常委会
        services.escalate_item(second, people.township_leader, target="party_committee", reason="难")

    frozen_clock(when("2026-03-12 09:00"))
    county = services.hold_meeting(
        people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-12"), title="县联席会议专题会",
        attendees="分管副县长、信访局、住建局", items=[ItemInput("征迁纠纷（乡镇提请）", escalated_from=third), ItemInput("其他", petition=two)],
    )  # fmt: skip
    taken, other = county.items.order_by("position")
    assert taken.dispute == dispute and taken.escalated_from == third
    services.settle_item(taken, people.bureau_leader, note="县联席会议明确补偿标准，三户签订协议")
    services.escalate_item(other, people.bureau_leader, target="party_committee", reason="涉及历史遗留问题")
    services.settle_item(other, people.bureau_leader, note="县委常委会研究，纳入棚改统筹解决")
    other.refresh_from_db()
    assert (
        other.escalation_outcome == "县委常委会研究，纳入棚改统筹解决" and other.status == ItemStatus.SETTLED
    )

    frozen_clock(when("2026-03-18 09:00"))
    (decision,) = decisions_for(org.housing)
    with pytest.raises(PermissionDenied):  # the supporting unit does not report for the lead
        services.complete_decision(decision, people.department_handler, done_on=day("2026-03-18"), note="x")
    services.complete_decision(decision, people.township_handler, done_on=day("2026-03-18"), note="已答复")

    data = figures.totals(day("2026-03-01"), day("2026-03-31"), "330102")
    assert data["meetings"] == {"total": 2, "county": 1, "township": 1}
    assert (data["items"], data["items_settled"]) == (5, 2)
    assert data["escalations"] == {"county_meeting": 1, "government": 0, "party_committee": 1}
    assert data["decisions_on_time"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert data["sentence"] == "共召开县乡联席会议2次（其中县联席会议1次，乡镇联席会议1次）"
    assert list(meetings_visible_to(people.department_handler)) == [meeting]  # named in a decision
    assert not meetings_visible_to(people.other_township_handler).exists()
    petition_events = Event.objects.filter(petition=one, action="decide_meeting_item").count()
    assert petition_events == 1 and one.status == "transferred"


def test_an_item_taken_up_once_only(hard, people, frozen_clock):
    one, _, _ = hard
    frozen_clock(when("2026-03-06 15:00"))
    meeting = services.hold_meeting(people.township_leader, level="township", kind="regular", held_on=day("2026-03-06"),
                                    title="会", attendees="各站所", items=[ItemInput("x", petition=one)])  # fmt: skip
    item = meeting.items.get()
    with pytest.raises(ValidationError):  # not sent up
        services.hold_meeting(people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"), title="县",
                              attendees="各部门", items=[ItemInput("x", escalated_from=item)])  # fmt: skip
    services.escalate_item(item, people.township_leader, target="county_meeting", reason="难")
    args = dict(level="county", kind="ad_hoc", held_on=day("2026-03-06"), title="县", attendees="各部门")
    services.hold_meeting(people.bureau_leader, items=[ItemInput("x", escalated_from=item)], **args)
    with pytest.raises(ValidationError):
        services.hold_meeting(people.bureau_leader, items=[ItemInput("x", escalated_from=item)], **args)
    assert JointMeeting.objects.count() == 2


def test_who_convenes_and_what_is_refused(hard, people, org, frozen_clock):
    one, _, _ = hard
    frozen_clock(when("2026-03-06 15:00"))
    with pytest.raises(PermissionDenied):
        services.hold_meeting(people.township_handler, level="county", kind="regular", held_on=day("2026-03-06"),
                              title="会", attendees="a", items=[ItemInput("x", petition=one)])  # fmt: skip
    with pytest.raises(ValidationError):  # the other township cannot put 清波's petition on its agenda
        hubin_leader = f.UserFactory(username="hb_leader", unit=org.hubin_unit, roles=[Role.UNIT_LEADER])
        services.hold_meeting(hubin_leader, level="township", kind="regular", held_on=day("2026-03-06"),
                              title="会", attendees="a", items=[ItemInput("x", petition=one)])  # fmt: skip
    assert not JointMeeting.objects.exists() and not AgendaItem.objects.exists()


def test_an_accusation_is_not_decided_to_the_accused_unit(people, org, frozen_clock):
    frozen_clock(when("2026-03-06 15:00"))
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=org.housing)
    meeting = services.hold_meeting(people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"),
                                    title="会", attendees="a", items=[ItemInput("检举", petition=accusation)])  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.decide(meeting.items.get(), people.bureau_leader, lead_unit=org.discipline, supporting_units=[org.housing],
                        action="核查", deadline=day("2026-03-30"))  # fmt: skip
    assert "被检举单位" in caught.value.message_dict["supporting_units"][0]


def test_the_seed_sentence_and_the_frequency_rule(people, org, frozen_clock, settings):
    """9 county meetings and 242 township meetings: 共召开县乡联席会议251次; and who met too seldom."""
    frozen_clock(when("2026-12-31 18:00"))
    rows = [JointMeeting(level="county", kind="regular", unit=org.bureau, held_on=dt.date(2026, m, 10), title="县",
                         attendees="a", recorded_by=people.bureau_leader, recorded_at=when("2026-12-31")) for m in range(1, 10)]  # fmt: skip
    rows += [JointMeeting(level="township", kind="regular", unit=org.qingbo_unit if i < 130 else org.hubin_unit,
                          held_on=dt.date(2026, 1 + i % 12, 1 + i % 28), title="乡", attendees="a",
                          recorded_by=people.township_leader, recorded_at=when("2026-12-31")) for i in range(242)]  # fmt: skip
    JointMeeting.objects.bulk_create(rows)
    year = figures.totals(day("2026-01-01"), day("2026-12-31"), "330102")
    assert year["sentence"] == "共召开县乡联席会议251次（其中县联席会议9次，乡镇联席会议242次）"
    assert figures.below_frequency("330102", 2026, 1) == []
    october = figures.below_frequency("330102", 2026, 10)
    assert [(r["unit"], r["held"], r["required"]) for r in october] == [("330102-XFJ", 0, 1)]
    settings.XF_MEETINGS_PER_MONTH = {"township": 12}
    assert {r["unit"] for r in figures.below_frequency("330102", 2026, 1)} == {"330102001", "330102002"}


def test_the_accused_unit_never_sees_the_item(people, org, frozen_clock):
    from django.test import Client

    from tests.scenes import make_leaders

    leaders = make_leaders(org)
    frozen_clock(when("2026-03-06 15:00"))
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=leaders.committee)
    meeting = services.hold_meeting(people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"),
                                    title="县联席会议", attendees="a",
                                    items=[ItemInput("检举某领导", petition=accusation), ItemInput("其他议题")])  # fmt: skip
    client = Client()
    client.force_login(leaders.secretary)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "其他议题" in page and "检举某领导" not in page
    items = client.get(f"/api/v1/meetings/{meeting.pk}/").json()["items"]
    assert [i["summary"] for i in items] == ["其他议题"]
    client.force_login(people.bureau_leader)
    assert len(client.get(f"/api/v1/meetings/{meeting.pk}/").json()["items"]) == 2


def _township_meeting(people, items):
    return services.hold_meeting(
        people.township_leader, level="township", kind="ad_hoc", held_on=day("2026-03-06"), title="清波街道联席会议",
        attendees="街道、住建局", items=items,
    )  # fmt: skip


def test_a_decision_names_the_petitions_lead_and_supporting_units(hard, people, org, frozen_clock):
    """process.md §3: the joint meeting decides; the supporting unit then sees the petition and its to-do."""
    one, _, _ = hard
    frozen_clock(when("2026-03-06 15:00"))
    item = _township_meeting(people, [ItemInput("征收补偿", petition=one)]).items.get()
    assert not visible_to(people.department_handler).filter(pk=one.pk).exists()
    services.decide(item, people.township_leader, lead_unit=org.qingbo_unit, supporting_units=[org.housing],
                    action="联合核查补偿标准", deadline=day("2026-03-20"))  # fmt: skip
    found = co_handling_of(one)
    assert found.lead == org.qingbo_unit and found.supporting == [org.housing]
    event = one.events.get(action="set_co_handlers")
    # A township leader may not take the bureau's action: the county bureau records it for the meeting.
    assert event.data["by_unit"] == org.bureau.code and "联合核查补偿标准" in event.reason
    assert visible_to(people.department_handler).filter(pk=one.pk).exists()
    assert one.pk in {p.pk for p in todo.my_tasks(people.department_handler)}


def test_a_decision_whose_lead_does_not_handle_the_petition_is_refused_whole(hard, people, org, frozen_clock):
    one, _, _ = hard
    frozen_clock(when("2026-03-06 15:00"))
    item = _township_meeting(people, [ItemInput("征收补偿", petition=one)]).items.get()
    with pytest.raises(ValidationError) as caught:
        services.decide(item, people.township_leader, lead_unit=org.housing, supporting_units=[org.hubin_unit],
                        action="住建局牵头", deadline=day("2026-03-20"))  # fmt: skip
    assert "清波街道办事处" in caught.value.message_dict["lead_unit"][0]
    assert not Decision.objects.exists() and not CoHandler.objects.exists()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_a_decision_on_a_concluded_petition_is_the_meetings_task_only(scene, people, org, frozen_clock):
    done = scene.drive("concluded")
    frozen_clock(when("2026-04-06 15:00"))
    meeting = services.hold_meeting(
        people.township_leader, level="township", kind="ad_hoc", held_on=day("2026-04-06"), title="会",
        attendees="街道", items=[ItemInput("积案", petition=done)],
    )  # fmt: skip
    services.decide(meeting.items.get(), people.township_leader, lead_unit=org.qingbo_unit,
                    supporting_units=[org.housing], action="回访", deadline=day("2026-04-20"))  # fmt: skip
    assert co_handling_of(done) is None
