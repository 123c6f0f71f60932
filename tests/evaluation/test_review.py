"""Review (复查) and re-review (复核), Arts. 35-36: windows, the unit one level up, hearings, termination."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.scenes import when
from tests.workflow.conftest import snapshot
from xinfang.evaluation.models import Review
from xinfang.petitions.models import Status
from xinfang.petitions.selectors import visible_to
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import DeadlineStatus, Routing
from xinfang.workflow.services import perform


def test_request_review_goes_one_level_above_the_original_handler(scene, org, people):
    petition = scene.concluded()  # handled by 清波街道, reply received 04-03
    event = scene.do(petition, "request_review", None, "2026-04-10", text="补偿标准不合理")
    assert petition.status == Status.UNDER_REVIEW
    review = Review.objects.get(petition=petition)
    assert (review.level, review.unit, review.original_unit) == ("review", org.bureau, org.qingbo_unit)
    assert review.request_text == "补偿标准不合理"
    deadline = petition.deadlines.get(stage="review")
    assert (deadline.unit, deadline.due_on) == (
        org.bureau,
        dt.date(2026, 5, 11),
    )  # 04-10 + 30 = 05-10 (Sun) → 05-11
    assert (petition.next_due_on, petition.next_due_stage) == (dt.date(2026, 5, 11), "review")
    assert event.data["unit"] == "330102-XFJ"
    assert Routing.objects.filter(
        petition=petition, action="review", to_unit=org.bureau, is_current=False
    ).exists()


def test_the_reviewing_unit_sees_the_petition(scene, org, people):
    department = f.unit("330100-ZJJ", "杭州市住房和城乡建设局", "department", org.city, org.city_bureau)
    housing = org.housing
    housing.parent = department
    housing.save()
    city_dept_reviewer = f.UserFactory(username="city_zjj", unit=department, roles=["reviewer"])
    petition = scene.petition()
    scene.do(petition, "transfer", people.registrar, "2026-03-03", to_unit=housing)
    scene.do(petition, "accept", people.department_handler, "2026-03-04")
    scene.do(petition, "reply", people.department_handler, "2026-04-01", opinion="support", text="x")
    scene.do(
        petition, "deliver", people.department_handler, "2026-04-03", method="post", received_on="2026-04-03"
    )
    assert not visible_to(city_dept_reviewer).filter(pk=petition.pk).exists()
    scene.do(petition, "request_review", None, "2026-04-10")
    assert visible_to(city_dept_reviewer).filter(pk=petition.pk).exists()
    scene.do(
        petition,
        "review_opinion",
        city_dept_reviewer,
        "2026-04-20",
        decision="change",
        text="变更",
        received_on="2026-04-20",
    )
    assert petition.status == Status.REVIEWED


def test_staff_of_the_reviewing_unit_may_register_a_request_received_by_letter(scene, people):
    petition = scene.concluded()
    scene.do(petition, "request_review", people.reviewer, "2026-04-10")
    assert petition.status == Status.UNDER_REVIEW
    other = scene.concluded("2026-03-02 10:00")
    with pytest.raises(TransitionRefused) as refused:
        perform(other, "request_review", people.township_handler)
    assert refused.value.code == "unit"


def test_review_requested_after_30_days_is_refused(scene):
    petition = scene.concluded()  # reply received 04-03 → 05-03 is a Labour Day holiday → last day 05-06
    scene.move(when("2026-05-07 09:00"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="已超过请求复查的期限（至2026年05月06日）") as refused:
        perform(petition, "request_review", None)
    assert refused.value.code == "window"
    assert snapshot(petition) == before
    assert not Review.objects.exists()


def test_review_requested_on_the_last_day(scene):
    petition = scene.concluded()
    scene.do(petition, "request_review", None, "2026-05-06 23:00")
    assert petition.status == Status.UNDER_REVIEW


def test_no_review_without_a_delivered_reply(scene, people):
    petition = scene.petition("2026-03-02 09:30", channel="visit")
    scene.do(petition, "conclude_on_spot", people.registrar, "2026-03-02 11:00", text="当场解释")
    with pytest.raises(TransitionRefused, match="送达后才能请求复查"):
        scene.do(petition, "request_review", None, "2026-03-03")


def test_no_review_without_a_unit_above(scene, org, people):
    petition = scene.petition()
    city_handler = f.UserFactory(username="city_handler", unit=org.city_bureau, roles=["handler"])
    city_petition = f.register(people.city_registrar, received_at=when("2026-03-02 09:00"))
    scene.do(city_petition, "handle_self", city_handler, "2026-03-03")
    scene.do(city_petition, "reply", city_handler, "2026-03-20", opinion="explain", text="x")
    scene.do(city_petition, "deliver", city_handler, "2026-03-21", method="post", received_on="2026-03-21")
    with pytest.raises(TransitionRefused, match="没有上一级单位"):
        scene.do(city_petition, "request_review", None, "2026-03-25")
    assert petition.status == Status.REGISTERED


def test_review_opinion(scene, org, people, issued):
    petition = scene.drive("under_review")  # requested 04-10 → due 05-11
    scene.do(
        petition,
        "review_opinion",
        people.reviewer,
        "2026-05-11 17:00",
        decision="uphold",
        text="维持原意见",
        received_on="2026-05-11",
    )
    assert petition.status == Status.REVIEWED
    review = Review.objects.get(petition=petition, level="review")
    assert (review.decision, review.received_on, review.decided_by) == (
        "uphold",
        dt.date(2026, 5, 11),
        people.reviewer,
    )
    deadline = petition.deadlines.get(stage="review")
    assert (deadline.status, deadline.on_time) == (DeadlineStatus.MET, True)
    assert issued[-1] == ("review_opinion", "review_opinion")


def test_review_opinion_late_and_refusals(scene, people):
    petition = scene.drive("under_review")
    scene.move(when("2026-05-12"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(
            petition,
            "review_opinion",
            people.bureau_handler,
            decision="uphold",
            text="x",
            received_on="2026-05-12",
        )
    assert refused.value.code == "role"
    with pytest.raises(TransitionRefused) as refused:
        perform(
            petition,
            "review_opinion",
            scene.city_reviewer,
            decision="uphold",
            text="x",
            received_on="2026-05-12",
        )
    assert refused.value.code == "unit"
    with pytest.raises(TransitionRefused, match="维持、变更或撤销"):
        perform(
            petition, "review_opinion", people.reviewer, decision="maybe", text="x", received_on="2026-05-12"
        )
    with pytest.raises(TransitionRefused, match="不能早于"):
        perform(
            petition, "review_opinion", people.reviewer, decision="uphold", text="x", received_on="2026-05-11"
        )
    assert snapshot(petition) == before
    perform(
        petition, "review_opinion", people.reviewer, decision="uphold", text="x", received_on="2026-05-12"
    )
    deadline = petition.deadlines.get(stage="review")
    assert (deadline.status, deadline.on_time) == (DeadlineStatus.MISSED, False)


def test_request_re_review_goes_one_level_above_the_reviewer(scene, org):
    petition = scene.drive("reviewed")  # review opinion received 04-22
    scene.do(petition, "request_re_review", None, "2026-05-20")
    assert petition.status == Status.UNDER_RE_REVIEW
    review = Review.objects.get(petition=petition, level="re_review")
    assert (review.unit, review.original_unit) == (org.city_bureau, org.bureau)
    # 05-20 + 30 = 06-19, the Dragon Boat Festival (a Friday off) → the next working day, Monday 06-22.
    assert petition.deadlines.get(stage="re_review").due_on == dt.date(2026, 6, 22)


def test_re_review_requested_after_30_days_is_refused(scene):
    petition = scene.drive("reviewed")  # review received 04-22 → 05-22 (Friday) is the last day
    scene.move(when("2026-05-23 08:00"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="已超过请求复核的期限（至2026年05月22日）"):
        perform(petition, "request_re_review", None)
    assert snapshot(petition) == before


def test_re_review_with_five_hearing_days(scene, people, issued):
    petition = scene.drive("reviewed")
    scene.do(petition, "request_re_review", None, "2026-05-21 09:00")
    deadline = petition.deadlines.get(stage="re_review")
    # 05-21 + 30 = 06-20, a Saturday after the Dragon Boat Friday → Monday 06-22.
    assert deadline.due_on == dt.date(2026, 6, 22)
    scene.do(petition, "record_hearing", scene.city_reviewer, "2026-06-10", hearing_days=5, text="举行听证")
    deadline.refresh_from_db()
    # Hearing time does not count: 05-21 + 30 + 5 = 06-25 (Thursday).
    assert (deadline.paused_days, deadline.due_on) == (5, dt.date(2026, 6, 25))
    assert petition.next_due_on == dt.date(2026, 6, 25)
    scene.do(
        petition,
        "re_review_opinion",
        scene.city_reviewer,
        "2026-06-25 16:00",
        decision="uphold",
        text="维持",
        received_on="2026-06-25",
    )
    assert petition.status == Status.TERMINATED
    assert petition.terminated_at == when("2026-06-25 16:00")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.on_time) == (DeadlineStatus.MET, True)
    assert Review.objects.get(petition=petition, level="re_review").hearing_days == 5
    assert issued[-1] == ("re_review_opinion", "re_review_opinion")


def test_hearing_days_given_with_the_opinion(scene):
    petition = scene.drive("reviewed")
    scene.do(petition, "request_re_review", None, "2026-05-21 09:00")
    # Without the hearing this would be late (due 06-22); with 5 hearing days it is due 06-25.
    scene.do(
        petition,
        "re_review_opinion",
        scene.city_reviewer,
        "2026-06-25 16:00",
        decision="revoke",
        text="撤销",
        received_on="2026-06-25",
        hearing_days=5,
    )
    deadline = petition.deadlines.get(stage="re_review")
    assert (deadline.due_on, deadline.on_time) == (dt.date(2026, 6, 25), True)


def test_re_review_late_without_hearing(scene):
    petition = scene.drive("reviewed")
    scene.do(petition, "request_re_review", None, "2026-05-21 09:00")
    scene.do(
        petition,
        "re_review_opinion",
        scene.city_reviewer,
        "2026-06-23 09:00",
        decision="uphold",
        text="维持",
        received_on="2026-06-23",
    )
    assert petition.deadlines.get(stage="re_review").status == DeadlineStatus.MISSED


def test_record_hearing_refusals(scene, people):
    petition = scene.drive("under_re_review")
    scene.move(when("2026-05-01"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="听证天数"):
        perform(petition, "record_hearing", scene.city_reviewer, hearing_days=0)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "record_hearing", people.reviewer, hearing_days=3)
    assert refused.value.code == "unit"
    assert snapshot(petition) == before


def test_terminated_matters_take_no_further_appeal(scene):
    petition = scene.drive("terminated")
    for action in ("request_review", "request_re_review"):
        with pytest.raises(TransitionRefused) as refused:
            perform(petition, action, None)
        assert refused.value.code == "state"
