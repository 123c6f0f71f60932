"""Handling rows (process.md §4): extend, switch_to_simplified, switch_to_ordinary, reply, deliver, resolve."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.scenes import when
from xinfang.petitions.models import PetitionClass, Status, Track
from xinfang.workflow.actors import UnitActor
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import DeadlineStatus, Extension, Reply
from xinfang.workflow.services import perform

from .conftest import snapshot


def handle(petition, stage="handle"):
    return petition.deadlines.get(stage=stage, status__in=["open", "met", "missed"])


# --- extend ------------------------------------------------------------------------------------------------


def test_extend_by_30_days_with_the_unit_heads_approval(scene, people, issued):
    petition = scene.drive("accepted")  # accepted 03-05; 60 days → 05-04, Labour Day → 05-06
    assert petition.handling_due_on == dt.date(2026, 5, 6)
    event = scene.do(
        petition,
        "extend",
        people.township_handler,
        "2026-04-28",
        days=30,
        reason="涉及多个部门，需要会商",
        approved_by=people.township_leader,
    )
    assert petition.status == Status.ACCEPTED
    # The extension runs from the end of the 60 days (05-06): 05-06 + 30 = 06-05 (Friday).
    assert petition.handling_due_on == dt.date(2026, 6, 5)
    assert petition.extension_days == 30
    row = handle(petition)
    assert (row.extension_days, row.due_on) == (30, dt.date(2026, 6, 5))
    extension = Extension.objects.get(petition=petition)
    assert (extension.previous_due_on, extension.new_due_on, extension.approved_by) == (
        dt.date(2026, 5, 6),
        dt.date(2026, 6, 5),
        people.township_leader,
    )
    assert event.reason == "涉及多个部门，需要会商"
    assert issued[-1] == ("extend", "extension_notice")
    # Replied on the last day of the extension: on time, against the extended due date.
    scene.do(
        petition, "reply", people.township_handler, "2026-06-05 23:00", opinion="not_support", text="不予支持"
    )
    row.refresh_from_db()
    assert (row.status, row.on_time, petition.replied_on_time) == (DeadlineStatus.MET, True, True)


def test_reply_after_the_extended_deadline_is_late(scene, people):
    petition = scene.drive("accepted")
    scene.do(
        petition,
        "extend",
        people.township_handler,
        "2026-04-28",
        days=30,
        reason="复杂",
        approved_by=people.township_leader,
    )
    scene.do(petition, "reply", people.township_handler, "2026-06-06 08:00", opinion="explain", text="解释")
    assert petition.replied_on_time is False
    assert handle(petition).status == DeadlineStatus.MISSED


@pytest.mark.parametrize(
    ("data", "message", "code"),
    [
        ({"days": 31}, "1至30日", "data"),
        ({"days": 0}, "1至30日", "data"),
        ({"approved_by": "handler"}, "本单位负责人批准", "approval"),
        ({"approved_by": "other_leader"}, "本单位负责人批准", "approval"),
        ({"reason": " "}, "请填写此项", "data"),
    ],
)
def test_extension_refusals(scene, people, data, message, code):
    petition = scene.drive("accepted")
    approvers = {"handler": people.township_handler, "other_leader": people.department_leader}
    values = {"days": 30, "reason": "复杂", "approved_by": people.township_leader, **data}
    if isinstance(values["approved_by"], str):
        values["approved_by"] = approvers[values["approved_by"]]
    scene.move(when("2026-04-28"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match=message) as refused:
        perform(petition, "extend", people.township_handler, **values)
    assert refused.value.code == code
    assert snapshot(petition) == before
    assert not Extension.objects.exists()


def test_extension_only_once(scene, people):
    petition = scene.drive("accepted")
    scene.do(
        petition,
        "extend",
        people.township_handler,
        "2026-04-28",
        days=10,
        reason="复杂",
        approved_by=people.township_leader.pk,
    )
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="只能延长一次"):
        perform(
            petition,
            "extend",
            people.township_handler,
            days=10,
            reason="还要",
            approved_by=people.township_leader,
        )
    assert snapshot(petition) == before


def test_extension_after_the_deadline_has_passed_is_refused(scene, people):
    petition = scene.drive("accepted")
    scene.move(when("2026-05-07 09:00"))
    with pytest.raises(TransitionRefused, match="已于2026年05月06日届满") as refused:
        perform(
            petition,
            "extend",
            people.township_handler,
            days=30,
            reason="复杂",
            approved_by=people.township_leader,
        )
    assert refused.value.code == "window"


def test_a_bureau_handling_itself_is_approved_by_its_leader(scene, people):
    petition = scene.petition()
    scene.do(petition, "handle_self", people.bureau_handler, "2026-03-03")
    scene.do(
        petition,
        "extend",
        people.bureau_handler,
        "2026-04-20",
        days=15,
        reason="复杂",
        approved_by=people.bureau_leader,
    )
    assert petition.extension_days == 15


def test_simplified_matters_are_not_extended(scene, people):
    petition = scene.drive("transferred")
    scene.do(
        petition, "accept", people.township_handler, "2026-03-05", track="simplified", ground="consultation"
    )
    with pytest.raises(TransitionRefused, match="先转为普通程序"):
        scene.do(
            petition,
            "extend",
            people.township_handler,
            "2026-03-06",
            days=5,
            reason="x",
            approved_by=people.township_leader,
        )


# --- simplified track ----------------------------------------------------------------------------------------


def test_switch_to_simplified_then_back_to_ordinary(scene, people):
    petition = scene.petition("2026-09-25 09:00")
    scene.do(petition, "transfer", people.registrar, "2026-09-25 10:00", to_unit=scene.org.qingbo_unit)
    scene.do(petition, "accept", people.township_handler, "2026-09-28")
    assert petition.handling_due_on == dt.date(2026, 11, 27)  # 09-28 + 60
    scene.do(
        petition, "switch_to_simplified", people.township_handler, "2026-09-29", ground="clear_and_simple"
    )
    assert petition.track == Track.SIMPLIFIED
    # 10 working days after 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … 10-16.
    assert petition.handling_due_on == dt.date(2026, 10, 16)
    assert petition.deadlines.get(stage="handle").status == DeadlineStatus.CANCELLED
    assert petition.deadlines.get(stage="simplified").status == DeadlineStatus.OPEN
    scene.do(petition, "switch_to_ordinary", people.township_handler, "2026-10-09", reason="情况复杂")
    assert petition.track == Track.ORDINARY
    assert petition.handling_due_on == dt.date(2026, 11, 27)  # counted from acceptance again
    assert petition.deadlines.get(stage="simplified").status == DeadlineStatus.CANCELLED
    assert petition.deadlines.get(stage="handle", status="open").starts_on == dt.date(2026, 9, 28)


def test_simplified_reply_on_the_tenth_working_day_is_on_time(scene, people):
    petition = scene.petition("2026-09-25 09:00")
    scene.do(petition, "transfer", people.registrar, "2026-09-25 10:00", to_unit=scene.org.qingbo_unit)
    scene.do(
        petition,
        "accept",
        people.township_handler,
        "2026-09-28",
        track="simplified",
        ground="urgent_livelihood",
    )
    scene.do(
        petition,
        "reply",
        people.township_handler,
        "2026-10-16 18:00",
        opinion="support",
        text="已解决",
        form="phone",
    )
    assert petition.replied_on_time is True
    assert Reply.objects.get(petition=petition).form == "phone"
    late = scene.petition("2026-10-16 19:00")
    scene.do(late, "transfer", people.registrar, "2026-10-16 19:30", to_unit=scene.org.qingbo_unit)
    scene.do(
        late, "accept", people.township_handler, "2026-10-16 20:00", track="simplified", ground="consultation"
    )
    assert late.handling_due_on == dt.date(2026, 10, 30)


def test_switch_to_simplified_refusals(scene, people):
    repeat_of = scene.drive("accepted")
    petition = scene.petition("2026-03-06 09:00", repeat_of=repeat_of)
    scene.do(petition, "transfer", people.registrar, "2026-03-06 10:00", to_unit=scene.org.qingbo_unit)
    scene.do(petition, "accept", people.township_handler, "2026-03-09")
    with pytest.raises(TransitionRefused, match="初信初访"):
        scene.do(
            petition, "switch_to_simplified", people.township_handler, "2026-03-10", ground="clear_and_simple"
        )
    with pytest.raises(TransitionRefused, match="情形"):
        scene.do(petition, "switch_to_simplified", people.township_handler, "2026-03-10", ground="because")
    # Too late: 10 working days after 03-09 end on 03-23.
    with pytest.raises(TransitionRefused, match="2026年03月23日") as refused:
        scene.do(
            petition, "switch_to_simplified", people.township_handler, "2026-03-24", ground="consultation"
        )
    assert refused.value.code == "window"
    with pytest.raises(TransitionRefused, match="已适用普通程序"):
        scene.do(petition, "switch_to_ordinary", people.township_handler, "2026-03-24", reason="x")


def test_an_extended_matter_is_not_switched_to_simplified(scene, people):
    petition = scene.drive("accepted")
    scene.do(
        petition,
        "extend",
        people.township_handler,
        "2026-03-06",
        days=5,
        reason="x",
        approved_by=people.township_leader,
    )
    with pytest.raises(TransitionRefused, match="已延期"):
        scene.do(
            petition,
            "switch_to_simplified",
            people.township_handler,
            "2026-03-06 11:00",
            ground="consultation",
        )


# --- reply and deliver -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("opinion", ["support", "explain", "not_support", "mediation_agreement"])
def test_reply_opinions(scene, people, issued, opinion):
    petition = scene.drive("accepted")
    scene.do(petition, "reply", people.township_handler, "2026-04-01", opinion=opinion, text="意见")
    assert (petition.status, petition.reply_opinion) == (Status.REPLIED, opinion)
    assert petition.replied_at == when("2026-04-01")
    assert petition.replied_on_time is True
    assert handle(petition).status == DeadlineStatus.MET
    reply = Reply.objects.get(petition=petition)
    assert (reply.opinion, reply.unit, reply.replied_by) == (
        opinion,
        scene.org.qingbo_unit,
        people.township_handler,
    )
    assert issued[-1] == ("reply", "handling_opinion")
    assert petition.next_due_on is None


def test_reply_refusals(scene, people):
    petition = scene.drive("accepted")
    scene.move(when("2026-04-01"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="予以支持"):
        perform(petition, "reply", people.township_handler, opinion="whatever", text="x")
    with pytest.raises(TransitionRefused, match="书面处理意见"):
        perform(petition, "reply", people.township_handler, opinion="support", text="x", form="phone")
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "reply", people.other_township_handler, opinion="support", text="x")
    assert refused.value.code == "unit"
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "reply", people.registrar, opinion="support", text="x")
    assert refused.value.code == "role"
    assert snapshot(petition) == before


def test_reply_after_sixty_days_is_late(scene, people):
    petition = scene.drive("accepted")
    scene.do(petition, "reply", people.township_handler, "2026-05-07 09:00", opinion="support", text="x")
    assert petition.replied_on_time is False
    assert handle(petition).status == DeadlineStatus.MISSED


def test_deliver(scene, people):
    petition = scene.drive("replied")
    scene.do(
        petition,
        "deliver",
        people.township_handler,
        "2026-04-06",
        method="in_person",
        received_on="2026-04-03",
    )
    assert petition.status == Status.CONCLUDED
    assert petition.concluded_at == when("2026-04-06")
    assert petition.reply_received_on == dt.date(2026, 4, 3)
    reply = Reply.objects.get(petition=petition)
    assert (reply.delivery_method, reply.received_on) == ("in_person", dt.date(2026, 4, 3))
    windows = petition.deadlines.filter(stage="rating").order_by("rating_target")
    assert [(w.rating_target, w.unit.code, w.due_on, w.is_window) for w in windows] == [
        ("bureau", "330102-XFJ", dt.date(2026, 5, 6), True),  # 04-03 + 30 = 05-03 (Sun, Labour Day) → 05-06
        ("unit", "330102001", dt.date(2026, 5, 6), True),
    ]
    assert petition.rating_window_ends_on == dt.date(2026, 5, 6)
    assert petition.next_due_on is None  # the petitioner's window is not a unit's duty


def test_deliver_refusals(scene, people):
    petition = scene.drive("replied")  # replied 04-01
    scene.move(when("2026-04-03"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="送达方式"):
        perform(petition, "deliver", people.township_handler, method="pigeon", received_on="2026-04-02")
    with pytest.raises(TransitionRefused, match="不能早于"):
        perform(petition, "deliver", people.township_handler, method="post", received_on="2026-03-31")
    with pytest.raises(TransitionRefused, match="不能晚于今天"):
        perform(petition, "deliver", people.township_handler, method="post", received_on="2026-04-04")
    with pytest.raises(TransitionRefused, match="YYYY-MM-DD"):
        perform(petition, "deliver", people.township_handler, method="post", received_on="四月二日")
    assert snapshot(petition) == before


def test_accusations_open_no_rating_window(scene, org, people):
    petition = scene.petition(
        petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing, category=f.category("纪检监察")
    )
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    scene.do(petition, "accept", people.discipline_handler, "2026-03-04")
    scene.do(petition, "reply", people.discipline_handler, "2026-04-01", opinion="explain", text="已查处")
    scene.do(
        petition, "deliver", people.discipline_handler, "2026-04-02", method="post", received_on="2026-04-02"
    )
    assert not petition.deadlines.filter(stage="rating").exists()
    assert petition.rating_window_ends_on is None


# --- resolve ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["accepted", "replied", "concluded", "under_review", "terminated"])
def test_resolve_after_acceptance(scene, people, status):
    petition = scene.drive(status)
    scene.do(petition, "resolve", people.bureau_handler, "2026-06-01", text="双方达成和解")
    assert petition.status == status
    assert petition.is_resolved is True
    assert petition.resolved_at == when("2026-06-01")


def test_resolve_by_the_responsible_unit_once(scene, people):
    petition = scene.drive("accepted")
    scene.do(petition, "resolve", people.township_leader, "2026-03-20")
    with pytest.raises(TransitionRefused, match="已标记为化解"):
        scene.do(petition, "resolve", people.bureau_handler, "2026-03-21")
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "resolve", people.other_township_handler)
    assert refused.value.code in ("unit", "state")


def test_resolve_refused_before_acceptance_and_for_other_units(scene, people):
    petition = scene.drive("transferred")
    with pytest.raises(TransitionRefused) as refused:
        scene.do(petition, "resolve", people.bureau_handler, "2026-03-04")
    assert refused.value.code == "state"
    accepted = scene.drive("accepted")
    with pytest.raises(TransitionRefused) as refused:
        perform(accepted, "resolve", people.other_township_handler)
    assert refused.value.code == "unit"
    with pytest.raises(TransitionRefused) as refused:
        perform(accepted, "resolve", UnitActor(scene.org.other_bureau))
    assert refused.value.code == "unit"
