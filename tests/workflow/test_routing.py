"""Routing rows (process.md §3): transfer, assign, handle_self, direct_to_legal_route, conclude_on_spot,
decline, accept and object, with the confidentiality rule for accusations."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.scenes import when
from xinfang.petitions.models import Channel, ClosedReason, Petition, PetitionClass, Status, Track
from xinfang.petitions.selectors import visible_to
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import DeadlineStatus, Routing
from xinfang.workflow.services import perform

from .conftest import snapshot


def deadlines(petition):
    return {(d.stage, d.unit.code if d.unit else None): d for d in petition.deadlines.all()}


def test_registration_starts_the_bureau_route_deadline(scene):
    petition = scene.petition("2026-03-02 09:30")
    route = deadlines(petition)[("route", "330102-XFJ")]
    assert (route.starts_on, route.due_on, route.status) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 17),
        "open",
    )
    assert (petition.next_due_on, petition.next_due_stage) == (dt.date(2026, 3, 17), "route")


def test_a_unit_petitioned_directly_owes_a_written_notice(scene, people):
    township_registrar = f.UserFactory(
        username="qb_registrar", unit=scene.org.qingbo_unit, roles=["registrar"]
    )
    scene.move(when("2026-03-02 10:00"))
    petition = f.register(township_registrar, received_at=when("2026-03-02 09:00"))
    assert set(deadlines(petition)) == {("notify_direct", "330102001")}
    # The unit accepts it itself; its notice deadline is met and handling starts.
    scene.do(petition, "handle_self", people.township_handler, "2026-03-04")
    assert petition.status == Status.ACCEPTED
    assert petition.accepted_on_time is True
    rows = deadlines(petition)
    assert rows[("notify_direct", "330102001")].status == DeadlineStatus.MET
    assert rows[("handle", "330102001")].due_on == dt.date(2026, 5, 6)  # 03-04 + 60 = 05-03 (Sun) → 05-06
    # Transfer and assign are for petition bureaus only.
    other = scene.petition("2026-03-05 09:00")
    with pytest.raises(TransitionRefused):
        perform(other, "transfer", people.township_handler, to_unit=scene.org.housing)


def test_transfer(scene, org, people, issued):
    petition = scene.petition()
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.qingbo_unit)
    assert petition.status == Status.TRANSFERRED
    assert petition.responsible_unit == org.qingbo_unit
    assert petition.responsible_region_code == "330102001"
    assert petition.routed_at == when("2026-03-03")
    routing = Routing.objects.get(petition=petition)
    assert (routing.action, routing.from_unit, routing.to_unit, routing.is_current) == (
        "transfer",
        org.bureau,
        org.qingbo_unit,
        True,
    )
    rows = deadlines(petition)
    assert rows[("route", "330102-XFJ")].status == DeadlineStatus.MET
    assert rows[("route", "330102-XFJ")].on_time is True
    assert rows[("accept", "330102001")].due_on == dt.date(2026, 3, 18)
    assert issued == [("transfer", "transfer_notice")]
    # The unit now sees the petition; another township does not.
    assert visible_to(people.township_handler).filter(pk=petition.pk).exists()
    assert not visible_to(people.other_township_handler).filter(pk=petition.pk).exists()


def test_transfer_to_oneself_is_refused(scene, org, people):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="不能转送、交办给本单位"):
        scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.bureau)


def test_transfer_to_an_unknown_or_inactive_unit_is_refused(scene, org, people):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="单位不存在"):
        perform(petition, "transfer", people.registrar, to_unit="NO-SUCH-UNIT")
    org.hubin_unit.is_active = False
    org.hubin_unit.save()
    with pytest.raises(TransitionRefused, match="单位不存在或已停用"):
        perform(petition, "transfer", people.registrar, to_unit=org.hubin_unit.pk)


def test_a_bureau_passes_on_what_a_higher_bureau_transferred_to_it(scene, org, people):
    city_registrar = people.city_registrar
    scene.move(when("2026-03-02 10:00"))
    petition = f.register(city_registrar, received_at=when("2026-03-02 09:00"))
    scene.do(petition, "transfer", city_registrar, "2026-03-03", to_unit=org.bureau)
    assert petition.responsible_unit == org.bureau
    # The county bureau routes it on; its own acceptance is done by routing it.
    scene.do(petition, "assign", people.registrar, "2026-03-04", to_unit=org.housing, report_days=20)
    assert petition.status == Status.ASSIGNED
    rows = deadlines(petition)
    assert rows[("accept", "330102-XFJ")].status == DeadlineStatus.MET
    assert rows[("accept", "330102-ZJJ")].status == DeadlineStatus.OPEN
    first = Routing.objects.get(petition=petition, to_unit=org.bureau)
    assert first.is_current is False and first.accepted_at == when("2026-03-04")
    # A non-bureau unit that holds it may not pass it on.
    with pytest.raises(TransitionRefused, match="持有该事项的信访部门"):
        perform(petition, "transfer", people.department_handler, to_unit=org.qingbo_unit)


def test_assign_sets_a_report_deadline(scene, org, people):
    petition = scene.petition()
    scene.do(petition, "assign", people.registrar, "2026-03-03", to_unit=org.housing, report_due="2026-04-10")
    assert petition.status == Status.ASSIGNED
    routing = Routing.objects.get(petition=petition)
    assert (routing.action, routing.report_due) == ("assign", dt.date(2026, 4, 10))
    report = deadlines(petition)[("report", "330102-ZJJ")]
    assert (report.due_on, report.fixed_due) == (dt.date(2026, 4, 10), True)
    # Report is met when the unit replies in time.
    scene.do(petition, "accept", people.department_handler, "2026-03-05")
    scene.do(petition, "reply", people.department_handler, "2026-04-09", opinion="explain", text="已解释")
    report.refresh_from_db()
    assert (report.status, report.on_time) == (DeadlineStatus.MET, True)


def test_assign_report_days_are_counted_from_assignment(scene, org, people):
    petition = scene.petition()
    scene.do(petition, "assign", people.registrar, "2026-03-03", to_unit=org.housing, report_days=30)
    assert deadlines(petition)[("report", "330102-ZJJ")].due_on == dt.date(2026, 4, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "交办须设定报结时限"),
        ({"report_due": "2026-03-03"}, "报结时限应晚于交办日期"),
        ({"report_days": 0}, "1至365"),
    ],
)
def test_assign_without_a_valid_report_date_is_refused(scene, org, people, data, message):
    petition = scene.petition()
    scene.move(when("2026-03-03"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match=message):
        perform(petition, "assign", people.registrar, to_unit=org.housing, **data)
    assert snapshot(petition) == before


def test_referred_from_above_assignment_gets_a_report_deadline(scene):
    petition = scene.petition(source="referred_from_above", source_level="city", source_action="assign")
    report = deadlines(petition)[("report", "330102-XFJ")]
    assert report.due_on == dt.date(2026, 5, 6)  # 03-02 + 60 = 05-01 (Labour Day, off to 05-05) → 05-06
    transferred = scene.petition(
        "2026-03-03 09:00", source="referred_from_above", source_level="city", source_action="transfer"
    )
    assert ("report", "330102-XFJ") not in deadlines(transferred)


def test_handle_self(scene, org, people, issued):
    petition = scene.petition()
    scene.do(
        petition,
        "handle_self",
        people.bureau_handler,
        "2026-03-03",
        track="simplified",
        ground="consultation",
    )
    assert (petition.status, petition.track, petition.responsible_unit) == (
        Status.ACCEPTED,
        Track.SIMPLIFIED,
        org.bureau,
    )
    assert petition.accepted_at == petition.routed_at == when("2026-03-03")
    simplified = deadlines(petition)[("simplified", "330102-XFJ")]
    assert simplified.due_on == dt.date(2026, 3, 17)  # 10 working days after Tue 03-03
    assert Routing.objects.get(petition=petition).action == "handle_self"
    assert issued == [("handle_self", "acceptance_notice")]


def test_handle_self_simplified_needs_a_ground(scene, people):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="简易办理的情形"):
        scene.do(petition, "handle_self", people.bureau_handler, "2026-03-03", track="simplified")


def test_direct_to_legal_route(scene, people, issued):
    petition = scene.petition()
    event = scene.do(
        petition,
        "direct_to_legal_route",
        people.registrar,
        "2026-03-04",
        legal_route="arbitration",
        body="上城区劳动人事争议仲裁委员会",
        text="请申请劳动仲裁",
    )
    assert petition.status == Status.CLOSED
    assert (petition.legal_route, petition.closed_reason) == ("arbitration", ClosedReason.LEGAL_ROUTE)
    assert event.data["body"] == "上城区劳动人事争议仲裁委员会"
    assert deadlines(petition)[("route", "330102-XFJ")].status == DeadlineStatus.MET
    assert petition.next_due_on is None
    assert issued == [("direct_to_legal_route", "non_acceptance_notice")]


def test_direct_to_legal_route_refuses_route_5_and_6(scene, people):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="法定途径"):
        scene.do(
            petition,
            "direct_to_legal_route",
            people.registrar,
            "2026-03-04",
            legal_route="petition",
            body="x",
        )


def test_a_unit_may_direct_a_transferred_matter_to_a_legal_route(scene, org, people):
    petition = scene.drive("transferred")
    scene.do(
        petition,
        "direct_to_legal_route",
        people.township_handler,
        "2026-03-06",
        legal_route="litigation",
        body="上城区人民法院",
    )
    rows = deadlines(petition)
    assert rows[("accept", "330102001")].status == DeadlineStatus.MET


def test_conclude_on_spot(scene, people):
    petition = scene.petition("2026-03-02 09:30", channel=Channel.VISIT)
    scene.do(
        petition,
        "conclude_on_spot",
        people.registrar,
        "2026-03-02 11:00",
        text="当场解释政策",
        outcome="resolved",
    )
    assert petition.status == Status.CONCLUDED
    assert petition.concluded_at == when("2026-03-02 11:00")
    assert petition.is_resolved is True
    assert petition.next_due_on is None


def test_conclude_on_spot_only_for_visits_on_the_same_day(scene, people):
    letter = scene.petition("2026-03-02 09:30")
    with pytest.raises(TransitionRefused, match="只有来访"):
        scene.do(letter, "conclude_on_spot", people.registrar, "2026-03-02 11:00", text="x")
    visit = scene.petition("2026-03-02 10:00", channel=Channel.VISIT)
    before = snapshot(visit)
    with pytest.raises(TransitionRefused, match="来访当日") as refused:
        scene.do(visit, "conclude_on_spot", people.registrar, "2026-03-03 09:00", text="x")
    assert refused.value.code == "window"
    assert snapshot(visit) == before


def test_decline_a_repeat_while_the_same_matter_is_pending(scene, people, issued):
    earlier = scene.drive("accepted")
    repeat = scene.petition("2026-03-10 09:00", repeat_of=earlier)
    scene.do(
        repeat, "decline", people.registrar, "2026-03-11", reason="same_matter_pending", text="原事项正在办理"
    )
    assert repeat.status == Status.CLOSED
    assert repeat.closed_reason == ClosedReason.SAME_MATTER_PENDING
    assert issued[-1] == ("decline", "non_acceptance_notice")


def test_decline_a_repeat_within_the_review_window(scene, people):
    earlier = scene.drive("concluded")  # reply received 04-03; review may be requested until 05-06
    repeat = scene.petition("2026-04-20 09:00", repeat_of=earlier)
    scene.do(repeat, "decline", people.registrar, "2026-04-21", reason="same_matter_pending")
    assert repeat.status == Status.CLOSED
    late = scene.petition("2026-05-07 09:00", repeat_of=earlier)
    with pytest.raises(TransitionRefused, match="已不在办理或复查复核期内"):
        scene.do(late, "decline", people.registrar, "2026-05-07 10:00", reason="same_matter_pending")


def test_decline_a_repeat_of_a_terminated_matter(scene, people, issued):
    earlier = scene.drive("terminated")
    repeat = scene.petition("2026-06-01 09:00", repeat_of=earlier)
    with pytest.raises(TransitionRefused, match="已不在办理"):
        scene.do(repeat, "decline", people.registrar, "2026-06-02", reason="same_matter_pending")
    scene.do(repeat, "decline", people.registrar, "2026-06-02", reason="matter_terminated")
    assert repeat.closed_reason == ClosedReason.MATTER_TERMINATED
    assert issued[-1] == ("decline", "no_reacceptance_notice")
    # A repeat of that repeat is still a repeat of a terminated matter.
    again = scene.petition("2026-06-05 09:00", repeat_of=repeat)
    scene.do(again, "decline", people.registrar, "2026-06-05 10:00", reason="matter_terminated")
    assert again.status == Status.CLOSED


def test_decline_needs_a_repeat_and_a_valid_reason(scene, people):
    first = scene.petition()
    with pytest.raises(TransitionRefused, match="重复信访"):
        scene.do(first, "decline", people.registrar, "2026-03-03", reason="same_matter_pending")
    with pytest.raises(TransitionRefused, match="不予受理的理由"):
        scene.do(first, "decline", people.registrar, "2026-03-03", reason="不想办")
    live = scene.drive("accepted")
    repeat = scene.petition("2026-03-10 09:00", repeat_of=live)
    with pytest.raises(TransitionRefused, match="尚未三级终结"):
        scene.do(repeat, "decline", people.registrar, "2026-03-11", reason="matter_terminated")


def test_accept(scene, org, people, issued):
    petition = scene.drive("transferred")
    scene.do(petition, "accept", people.township_leader, "2026-03-05")
    assert petition.status == Status.ACCEPTED
    assert petition.accepted_at == when("2026-03-05")
    assert petition.accepted_on_time is True
    assert petition.responsible_unit == org.qingbo_unit
    rows = deadlines(petition)
    assert (rows[("accept", "330102001")].status, rows[("accept", "330102001")].on_time) == ("met", True)
    handle = rows[("handle", "330102001")]
    assert (handle.starts_on, handle.due_on) == (dt.date(2026, 3, 5), dt.date(2026, 5, 6))
    assert petition.handling_due_on == dt.date(2026, 5, 6)
    assert Routing.objects.get(petition=petition).accepted_at == when("2026-03-05")
    assert issued[-1] == ("accept", "acceptance_notice")


def test_object_within_five_working_days_returns_it_to_the_bureau(scene, org, people):
    petition = scene.petition("2026-09-28 09:00")
    scene.do(petition, "transfer", people.registrar, "2026-09-28 11:00", to_unit=org.housing)
    # 5 working days from 09-28: 09-29, 09-30, 10-08, 10-09 and the make-up Saturday 10-10.
    event = scene.do(
        petition, "object", people.department_handler, "2026-10-10 17:00", reason="不属于本部门职责"
    )
    assert petition.status == Status.REGISTERED
    assert petition.responsible_unit is None
    assert event.reason == "不属于本部门职责"
    routing = Routing.objects.get(petition=petition)
    assert (routing.is_current, routing.objection_reason) == (False, "不属于本部门职责")
    rows = deadlines(petition)
    assert rows[("accept", "330102-ZJJ")].status == DeadlineStatus.CANCELLED
    reroute = [d for d in petition.deadlines.filter(stage="route", status="open")]
    assert len(reroute) == 1 and reroute[0].counts is False
    # The bureau routes it again; the department no longer holds it.
    with pytest.raises(TransitionRefused):
        perform(petition, "accept", people.department_handler)
    scene.do(petition, "transfer", people.registrar, "2026-10-12", to_unit=org.qingbo_unit)
    assert petition.status == Status.TRANSFERRED
    assert petition.responsible_unit == org.qingbo_unit


def test_object_after_five_working_days_is_refused(scene, org, people):
    petition = scene.petition("2026-09-28 09:00")
    scene.do(petition, "transfer", people.registrar, "2026-09-28 11:00", to_unit=org.housing)
    scene.move(when("2026-10-12 09:00"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="2026年10月10日") as refused:
        perform(petition, "object", people.department_handler, reason="不属于本部门职责")
    assert refused.value.code == "window"
    assert snapshot(petition) == before


def test_object_needs_reasons(scene, people):
    petition = scene.drive("transferred")
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "object", people.township_handler, reason="  ")
    assert refused.value.field == "reason"


# --- Accusations: never to the accused (Arts. 30, 46) -------------------------------------------------------


def accusation(scene, **overrides):
    overrides.setdefault("petition_class", PetitionClass.ACCUSATION)
    overrides.setdefault("subject_unit", scene.org.housing)
    overrides.setdefault("category", f.category("纪检监察"))
    return scene.petition(**overrides)


@pytest.mark.parametrize("action", ["transfer", "assign"])
def test_an_accusation_is_never_routed_to_its_subject_unit(scene, org, people, action):
    petition = accusation(scene)
    scene.move(when("2026-03-03"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="第三十条") as refused:
        perform(
            petition, action, people.registrar, to_unit=org.housing, report_days=10
        ) if action == "assign" else perform(petition, action, people.registrar, to_unit=org.housing)
    assert refused.value.code == "confidential"
    assert snapshot(petition) == before
    scene.do(
        petition,
        action,
        people.registrar,
        "2026-03-03",
        to_unit=org.discipline,
        **({"report_days": 10} if action == "assign" else {}),
    )
    assert petition.responsible_unit == org.discipline


def test_an_accusation_is_never_routed_to_the_unit_of_the_accused_person(scene, org, people):
    petition = accusation(scene, subject_unit=None, subject_person="赵承办")
    with pytest.raises(TransitionRefused, match="被检举控告"):
        scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.qingbo_unit)
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.hubin_unit)


def test_an_accusation_is_never_routed_below_its_subject_unit(scene, org, people):
    office = f.unit("330102-ZJJ-01", "住建局征收办", "department", org.county, org.housing)
    petition = accusation(scene)
    with pytest.raises(TransitionRefused, match="被检举控告"):
        scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=office)


def test_an_accusation_about_a_bureau_may_still_go_to_units_it_routes_to(scene, org, people):
    petition = accusation(scene, subject_unit=org.city_bureau)
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    assert petition.status == Status.TRANSFERRED


def test_an_accused_bureau_may_not_handle_it_itself(scene, org, people):
    # Registration refuses an accusation against the registrar's own unit; a row written before that rule
    # (or by SQL) is still refused by the workflow.
    petition = accusation(scene)
    Petition.objects.filter(pk=petition.pk).update(subject_unit=org.bureau)
    petition.refresh_from_db()
    with pytest.raises(TransitionRefused, match="被检举控告"):
        scene.do(petition, "handle_self", people.bureau_handler, "2026-03-03")
