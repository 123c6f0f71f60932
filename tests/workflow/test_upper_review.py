"""Sign-for (签收) and the assigning bureau's review of an assigned matter's result (审核认定办结 / 退回重办),
urging (催办) and supplements (补充), and who approves an assigned matter's extension (process.md §3)."""

from __future__ import annotations

import pytest

from tests.scenes import day, when
from xinfang.deadlines.models import Stage
from xinfang.workflow import todo
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import Deadline, DeadlineStatus, Routing

pytestmark = pytest.mark.django_db


def deadline(petition, stage) -> Deadline:
    return Deadline.objects.filter(petition=petition, stage=stage).latest("id")


def assigned(scene, on="2026-03-03 10:00"):
    petition = scene.petition("2026-03-02 09:30")
    scene.do(petition, "assign", scene.people.registrar, on, to_unit=scene.org.qingbo_unit, report_days=30)
    return petition


def replied(scene):
    petition = assigned(scene)
    h = scene.people.township_handler
    scene.do(petition, "accept", h, "2026-03-05")
    scene.do(petition, "reply", h, "2026-03-20", opinion="support", text="予以支持")
    return petition


# --- sign-for -----------------------------------------------------------------------------------------


def test_a_transfer_opens_a_one_working_day_sign_for_period_beside_the_acceptance_period(scene):
    petition = scene.drive("transferred")  # transferred on Tuesday 2026-03-03
    sign = deadline(petition, Stage.SIGN_FOR)
    assert sign.unit_id == scene.org.qingbo_unit.pk and sign.status == DeadlineStatus.OPEN
    assert sign.due_on == day("2026-03-04")  # one working day; the day of receipt does not count
    assert deadline(petition, Stage.ACCEPT).due_on == day("2026-03-18")
    petition.refresh_from_db()
    assert (petition.next_due_stage, petition.next_due_on) == (Stage.SIGN_FOR, day("2026-03-04"))


def test_a_friday_transfer_is_signed_for_by_monday(scene):
    petition = scene.petition("2026-03-05 09:30")
    scene.do(petition, "transfer", scene.people.registrar, "2026-03-06 10:00", to_unit=scene.org.qingbo_unit)
    assert deadline(petition, Stage.SIGN_FOR).due_on == day("2026-03-09")


def test_signing_for_on_time_and_late(scene):
    on_time = scene.drive("transferred")
    event = scene.do(on_time, "sign_for", scene.people.township_handler, "2026-03-04 17:00")
    assert event.data["on_time"] is True
    assert deadline(on_time, Stage.SIGN_FOR).status == DeadlineStatus.MET
    assert Routing.objects.get(petition=on_time, is_current=True).signed_for_at is not None
    late = scene.drive("transferred")
    scene.do(late, "sign_for", scene.people.township_handler, "2026-03-06")
    assert deadline(late, Stage.SIGN_FOR).status == DeadlineStatus.MISSED
    with pytest.raises(TransitionRefused, match="已签收"):
        scene.do(late, "sign_for", scene.people.township_handler, "2026-03-06 11:00")


def test_only_the_unit_it_was_sent_to_signs_for_it(scene):
    petition = scene.drive("transferred")
    with pytest.raises(TransitionRefused) as refused:
        scene.do(petition, "sign_for", scene.people.other_township_handler, "2026-03-04")
    assert refused.value.code == "unit"
    assert Routing.objects.get(petition=petition, is_current=True).signed_for_at is None


def test_accepting_or_objecting_unsigned_signs_at_the_same_moment(scene):
    accepted = scene.drive("transferred")
    scene.do(accepted, "accept", scene.people.township_handler, "2026-03-05")
    assert deadline(accepted, Stage.SIGN_FOR).status == DeadlineStatus.MISSED  # one working day had passed
    assert Routing.objects.get(petition=accepted, is_current=True).signed_for_at is not None
    objected = scene.drive("transferred")
    scene.do(objected, "object", scene.people.township_handler, "2026-03-04", reason="不属于本单位职责")
    assert deadline(objected, Stage.SIGN_FOR).status == DeadlineStatus.MET


def test_an_unsigned_matter_past_its_day_is_red_in_the_units_to_do(scene):
    petition = scene.drive("transferred")
    scene.move(when("2026-03-05"))
    rows = todo.finish_rows(list(todo.my_tasks(scene.people.township_handler)), scene.org.qingbo_unit)
    (row,) = [r for r in rows if r.pk == petition.pk]
    assert (row.task_stage, row.task_colour) == (Stage.SIGN_FOR, "red")


# --- the assigning bureau's review ----------------------------------------------------------------------


def test_an_assigned_result_is_delivered_only_after_the_bureau_confirms_it(scene):
    petition = replied(scene)
    h = scene.people.township_handler
    with pytest.raises(TransitionRefused, match="上城区信访局审核认定办结后才能送达") as refused:
        scene.do(petition, "deliver", h, "2026-03-21", method="post", received_on="2026-03-21")
    assert refused.value.code == "confirmation"
    petition.refresh_from_db()
    assert petition.status == "replied" and petition.concluded_at is None
    scene.do(petition, "confirm_conclusion", scene.people.bureau_handler, "2026-03-22", text="同意办结")
    assert Routing.objects.get(petition=petition, is_current=True).result_confirmed_at is not None
    scene.do(petition, "deliver", h, "2026-03-23", method="post", received_on="2026-03-23")
    assert petition.status == "concluded"
    with pytest.raises(TransitionRefused):
        scene.do(petition, "confirm_conclusion", scene.people.bureau_handler, "2026-03-24")


def test_a_transferred_matter_needs_no_confirmation(scene):
    petition = scene.drive("replied")
    with pytest.raises(TransitionRefused) as refused:
        scene.do(petition, "confirm_conclusion", scene.people.bureau_handler, "2026-04-02")
    assert refused.value.code == "unit"  # no assigning bureau: nobody may
    scene.do(
        petition,
        "deliver",
        scene.people.township_handler,
        "2026-04-03",
        method="post",
        received_on="2026-04-03",
    )
    assert petition.status == "concluded"


def test_only_the_assigning_bureau_reviews_and_the_unit_cannot_confirm_itself(scene):
    petition = replied(scene)
    for actor in (scene.people.township_handler, scene.people.other_county_registrar):
        with pytest.raises(TransitionRefused) as refused:
            scene.do(petition, "confirm_conclusion", actor, "2026-03-22")
        assert refused.value.code in ("role", "unit")
    assert Routing.objects.get(petition=petition, is_current=True).result_confirmed_at is None


def test_return_for_rework_reopens_handling_with_the_rework_period(scene):
    petition = replied(scene)
    with pytest.raises(TransitionRefused, match="请填写此项") as refused:
        scene.do(petition, "return_for_rework", scene.people.bureau_handler, "2026-03-22")
    assert refused.value.field == "reason"
    event = scene.do(
        petition, "return_for_rework", scene.people.bureau_handler, "2026-03-22", reason="未核实补偿标准"
    )
    assert petition.status == "accepted" and event.reason == "未核实补偿标准"
    rework = deadline(petition, Stage.REWORK)
    assert rework.due_on == day("2026-04-21")  # 30 calendar days from the return
    assert petition.handling_due_on == rework.due_on
    assert Routing.objects.get(petition=petition, is_current=True).rework_count == 1
    # The on-time rate keeps the first handling period, met at the first reply.
    assert deadline(petition, Stage.HANDLE).status == DeadlineStatus.MET
    h = scene.people.township_handler
    again = scene.do(petition, "reply", h, "2026-04-25", opinion="support", text="核实后予以支持")
    assert again.data["rework_on_time"] is False and again.data["on_time"] is True
    assert deadline(petition, Stage.REWORK).status == DeadlineStatus.MISSED
    scene.do(petition, "confirm_conclusion", scene.people.bureau_handler, "2026-04-26")
    scene.do(petition, "deliver", h, "2026-04-27", method="post", received_on="2026-04-27")
    assert petition.status == "concluded"


def test_the_bureau_sees_results_to_review_and_the_unit_no_delivery_until_then(scene):
    petition = replied(scene)
    bureau = scene.org.bureau
    own = todo.finish_rows(list(todo.tasks(scene.people.bureau_handler, unit=bureau)), bureau)
    assert [r.task_stage for r in own if r.pk == petition.pk] == [todo.CONFIRMATION]
    # The overseer's list of the whole area names the bureau as the unit that must act.
    area = todo.finish_rows(list(todo.tasks(scene.people.bureau_handler)))
    assert [(r.task_stage, r.task_unit_id) for r in area if r.pk == petition.pk] == [
        (todo.CONFIRMATION, bureau.pk)
    ]
    assert petition.pk not in [r.pk for r in todo.tasks(scene.people.township_handler)]
    scene.do(petition, "confirm_conclusion", scene.people.bureau_handler, "2026-03-22")
    unit = list(todo.tasks(scene.people.township_handler))
    assert [r.task_stage for r in unit if r.pk == petition.pk] == [todo.DELIVERY]
    assert petition.pk not in [r.pk for r in todo.tasks(scene.people.bureau_handler, unit=bureau)]


def test_urging_and_supplements_are_recorded_by_the_assigning_bureau_only(scene):
    petition = assigned(scene)
    event = scene.do(petition, "urge", scene.people.bureau_handler, "2026-03-04", text="请于本周内受理")
    assert event.action == "urge" and event.data["to_unit"] == scene.org.qingbo_unit.code
    scene.do(petition, "add_supplement", scene.people.registrar, "2026-03-04 11:00", text="信访人补充了合同")
    with pytest.raises(TransitionRefused):
        scene.do(petition, "urge", scene.people.township_handler, "2026-03-04 12:00", text="自己催")
    transferred = scene.drive("transferred")
    with pytest.raises(TransitionRefused):
        scene.do(
            transferred, "urge", scene.people.bureau_handler, "2026-03-04", text="转送事项不由交办机关催办"
        )


def test_an_assigned_matters_extension_is_approved_by_the_assigning_bureau(scene):
    petition = assigned(scene)
    h = scene.people.township_handler
    scene.do(petition, "accept", h, "2026-03-05")
    with pytest.raises(TransitionRefused, match="交办的上城区信访局负责人批准") as refused:
        scene.do(
            petition,
            "extend",
            h,
            "2026-04-20",
            days=20,
            reason="需会商",
            approved_by=scene.people.township_leader,
        )
    assert refused.value.field == "approved_by"
    scene.do(
        petition, "extend", h, "2026-04-20", days=20, reason="需会商", approved_by=scene.people.bureau_leader
    )
    assert petition.extension_days == 20
    # A transferred matter's extension stays with the unit's own head.
    transferred = scene.drive("accepted")
    scene.do(
        transferred,
        "extend",
        h,
        "2026-04-20",
        days=10,
        reason="需会商",
        approved_by=scene.people.township_leader,
    )
    assert transferred.extension_days == 10
