"""Supervision: who may open, answer and close it; reminders; counts per unit. It never moves the petition."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.scenes import day, when
from xinfang.audit.models import Event
from xinfang.notifications.models import Kind, Notification
from xinfang.orgs.models import Role
from xinfang.supervision import services
from xinfang.supervision.models import ReasonKind, Supervision, SupervisionReminder, SupervisionStatus
from xinfang.supervision.selectors import supervision_counts


@pytest.fixture
def no_letters(monkeypatch):
    """Letters are rendered by the documents app; most tests here are not about them."""
    monkeypatch.setattr(services, "_issue_letter", lambda *args: None)


@pytest.fixture
def routed(scene):
    return scene.transferred()


def open_on(petition, actor, *, unit=None, due="2026-03-25", **extra):
    return services.open_supervision(
        actor,
        petition=petition,
        unit=unit,
        reason_kind=ReasonKind.DEADLINE_MISSED,
        text="请加快办理，按期受理并告知信访人。",
        response_due=day(due),
        **extra,
    )


def test_a_bureau_supervisor_opens_one_and_the_unit_is_told(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    status, version = routed.status, routed.version
    supervision = open_on(routed, people.bureau_handler, is_listed=True)
    assert (supervision.unit, supervision.bureau) == (scene.org.qingbo_unit, scene.org.bureau)
    assert supervision.status == SupervisionStatus.OPEN and supervision.is_listed
    routed.refresh_from_db()
    assert (routed.status, routed.version) == (status, version)  # supervision never moves the petition
    event = Event.objects.get(action="open_supervision")
    assert (event.petition, event.actor, event.data["is_listed"]) == (routed, people.bureau_handler, True)
    told = set(
        Notification.objects.filter(kind=Kind.SUPERVISION).values_list("recipient__username", flat=True)
    )
    assert told == {"qingbo_handler", "qingbo_leader"}


@pytest.mark.parametrize("who", ["bureau_leader", "city_supervisor"])
def test_bureau_leaders_and_higher_bureaus_may_open(routed, people, org, scene, no_letters, who):
    actor = (
        people.bureau_leader
        if who == "bureau_leader"
        else f.UserFactory(username="city_supervisor", unit=org.city_bureau, roles=[Role.SUPERVISOR])
    )
    scene.move(when("2026-03-20 09:00"))
    assert open_on(routed, actor).bureau == actor.unit


@pytest.mark.parametrize("who", ["registrar", "township_leader", "auditor"])
def test_other_roles_are_refused(routed, people, scene, no_letters, who):
    scene.move(when("2026-03-20 09:00"))
    with pytest.raises(PermissionDenied, match="督查人员或局领导"):
        open_on(routed, getattr(people, who), unit=scene.org.qingbo_unit)
    assert not Supervision.objects.exists()


def test_a_bureau_cannot_supervise_a_unit_outside_its_region(people, org, scene, no_letters):
    neighbour = f.UserFactory(username="gs_supervisor", unit=org.other_bureau, roles=[Role.SUPERVISOR])
    with pytest.raises(PermissionDenied, match="管辖范围"):
        services.open_supervision(
            neighbour,
            unit=org.qingbo_unit,
            reason_kind=ReasonKind.SHIRKED_OR_DELAYED,
            text="推诿",
            response_due=day("2026-03-25"),
        )


def test_the_unit_must_be_handling_the_petition(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    with pytest.raises(ValidationError) as error:
        open_on(routed, people.bureau_handler, unit=scene.org.hubin_unit)
    assert "未承办" in str(error.value)


def test_an_accusation_is_never_supervised_at_the_accused_unit(scene, people, org, no_letters):
    petition = scene.transferred(
        unit=org.discipline, petition_class="accusation", subject_unit=org.housing, subject_person="某科长"
    )
    scene.move(when("2026-03-20 09:00"))
    with pytest.raises(ValidationError, match="被检举单位"):
        open_on(petition, people.bureau_handler, unit=org.housing)


def test_input_is_checked(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    with pytest.raises(ValidationError) as error:
        services.open_supervision(
            people.bureau_handler,
            petition=routed,
            reason_kind="whim",
            text=" ",
            response_due=day("2026-03-19"),
        )
    assert set(error.value.message_dict) == {"reason_kind", "text", "response_due"}


def test_a_unit_can_be_supervised_without_a_petition(people, org, scene):
    scene.move(when("2026-03-20 09:00"))
    supervision = services.open_supervision(
        people.bureau_leader,
        unit=org.housing,
        reason_kind=ReasonKind.LEADER_INSTRUCTION,
        text="按区委书记批示，集中清理积案。",
        response_due=day("2026-04-10"),
    )
    assert supervision.petition is None and supervision.letter is None
    assert Event.objects.get(action="open_supervision").petition is None


def test_opening_on_a_petition_issues_the_supervision_letter(routed, people, scene):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler, is_listed=True)
    letter = supervision.letter
    assert letter is not None and letter.kind == "supervision_letter"
    assert letter.petition == routed and letter.issuing_unit == scene.org.bureau
    assert letter.context["addressee_unit"] == "清波街道办事处"
    assert "2026年3月25日" in letter.context["response_date"]


def test_only_the_supervised_unit_answers(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler)
    for outsider in (people.other_township_handler, people.bureau_handler, people.department_handler):
        with pytest.raises(PermissionDenied, match="被督办单位"):
            services.answer(supervision, outsider, text="已办理")
    scene.move(when("2026-03-24 16:00"))
    answered = services.answer(supervision, people.township_leader, text="已于3月24日受理并告知信访人。")
    assert answered.status == SupervisionStatus.ANSWERED and answered.answered_on_time is True
    assert Event.objects.filter(action="answer_supervision", petition=routed).count() == 1
    assert Notification.objects.filter(
        recipient=people.bureau_handler, kind=Kind.SUPERVISION_ANSWERED
    ).exists()
    with pytest.raises(ValidationError, match="不能再次回复"):
        services.answer(supervision, people.township_handler, text="再次回复")


def test_an_answer_after_the_response_date_is_late(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler, due="2026-03-23")
    scene.move(when("2026-03-24 08:30"))
    assert services.answer(supervision, people.township_handler, text="迟复").answered_on_time is False


def test_only_the_opening_bureau_closes(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler)
    for outsider in (people.township_leader, people.registrar):
        with pytest.raises(PermissionDenied):
            services.close(supervision, outsider)
    closed = services.close(supervision, people.bureau_leader, note="已落实")
    assert closed.status == SupervisionStatus.CLOSED
    assert Event.objects.get(action="close_supervision").data["previous"] == "open"
    with pytest.raises(ValidationError, match="已结束"):
        services.close(supervision, people.bureau_leader)


def test_reminders_go_out_as_the_date_nears_each_once(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler, due="2026-03-27")
    sent = []
    for today in [
        "2026-03-23",
        "2026-03-24",
        "2026-03-24",
        "2026-03-25",
        "2026-03-26",
        "2026-03-27",
        "2026-03-28",
        "2026-03-29",
    ]:
        sent.append(services.send_reminders(day(today)))
    assert sent == [0, 1, 0, 0, 1, 1, 1, 0]
    keys = list(
        SupervisionReminder.objects.filter(supervision=supervision).values_list("days_before", flat=True)
    )
    assert keys == [3, 1, 0, SupervisionReminder.OVERDUE]
    reminders = Notification.objects.filter(kind=Kind.SUPERVISION_REMINDER)
    assert reminders.filter(recipient=people.township_handler).count() == 4
    # Only the overdue reminder goes back to the supervisor who opened it.
    assert reminders.filter(recipient=people.bureau_handler).count() == 1
    assert Event.objects.filter(action="remind_supervision", petition=routed).count() == 4


def test_answered_supervisions_get_no_reminders(routed, people, scene, no_letters):
    scene.move(when("2026-03-20 09:00"))
    supervision = open_on(routed, people.bureau_handler, due="2026-03-21")
    services.answer(supervision, people.township_handler, text="已办理")
    assert services.send_reminders(day("2026-03-25")) == 0


def test_counts_per_unit(scene, people, org, no_letters):
    first, second = scene.transferred(), scene.transferred(unit=org.housing)
    scene.move(when("2026-03-20 09:00"))
    on_time = open_on(first, people.bureau_handler, is_listed=True)
    late = open_on(first, people.bureau_handler, due="2026-03-21")
    open_on(second, people.bureau_leader)
    scene.move(when("2026-03-21 10:00"))
    services.answer(on_time, people.township_handler, text="已办理")
    scene.move(when("2026-03-22 10:00"))
    services.answer(late, people.township_handler, text="已办理")
    scene.move(when("2026-04-02 10:00"))
    open_on(first, people.bureau_handler, due="2026-04-09")  # outside the period

    rows = {row["unit__name"]: row for row in supervision_counts(day("2026-03-01"), day("2026-03-31"))}
    assert rows["清波街道办事处"] == {
        "unit_id": org.qingbo_unit.pk,
        "unit__name": "清波街道办事处",
        "opened": 2,
        "answered": 2,
        "answered_on_time": 1,
        "listed": 1,
    }
    assert (rows["上城区住房和城乡建设局"]["opened"], rows["上城区住房和城乡建设局"]["answered"]) == (1, 0)


def test_counts_are_one_grouped_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(supervision_counts(day("2026-03-01"), day("2026-03-31")))
