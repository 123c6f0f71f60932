"""The petitioner's rating (process.md §7): eligible, in the window, once per target."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.scenes import when
from tests.workflow.conftest import snapshot
from xinfang.evaluation.models import Rating
from xinfang.workflow.actors import PetitionerActor, UnitActor
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.models import DeadlineStatus
from xinfang.workflow.services import perform


def test_the_petitioner_rates_bureau_and_unit_through_the_portal(scene, org):
    petition = scene.concluded()  # reply received 04-03; window to 05-06
    event = scene.do(petition, "rate", None, "2026-04-05", target="unit", rating="satisfied")
    assert event.actor is None and event.data["via"] == "portal"
    assert petition.status == "concluded"
    scene.do(
        petition, "rate", PetitionerActor(), "2026-04-05 10:01", target="bureau", rating="basically_satisfied"
    )
    ratings = {r.target: r for r in Rating.objects.filter(petition=petition)}
    assert (ratings["unit"].unit, ratings["unit"].rating, ratings["unit"].via) == (
        org.qingbo_unit,
        "satisfied",
        "portal",
    )
    assert (ratings["bureau"].unit, ratings["bureau"].rating) == (org.bureau, "basically_satisfied")
    assert ratings["bureau"].is_satisfied
    windows = petition.deadlines.filter(stage="rating")
    assert {(w.rating_target, w.status, w.on_time) for w in windows} == {
        ("bureau", "met", True),
        ("unit", "met", True),
    }


def test_dissatisfied_needs_a_reason_and_is_flagged(scene):
    petition = scene.concluded()
    scene.move(when("2026-04-05"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "rate", None, target="unit", rating="dissatisfied")
    assert refused.value.field == "reason"
    assert snapshot(petition) == before
    event = perform(petition, "rate", None, target="unit", rating="dissatisfied", reason="补偿未落实")
    assert event.data["dissatisfied"] is True
    assert event.reason == "补偿未落实"


def test_phone_follow_up_by_bureau_staff(scene, people):
    petition = scene.concluded()
    scene.do(
        petition, "rate", people.bureau_handler, "2026-04-10", target="unit", rating="satisfied", via="phone"
    )
    rating = Rating.objects.get(petition=petition)
    assert (rating.via, rating.recorded_by) == ("phone", people.bureau_handler)
    # Staff of the unit being rated may not record its rating, nor another county's bureau.
    for stranger in (people.township_handler, people.other_county_registrar):
        with pytest.raises(TransitionRefused) as refused:
            perform(petition, "rate", stranger, target="bureau", rating="satisfied")
        assert refused.value.code in ("unit", "role")


def test_once_per_target(scene):
    petition = scene.concluded()
    scene.do(petition, "rate", None, "2026-04-05", target="unit", rating="satisfied")
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="只能评价一次"):
        perform(petition, "rate", None, target="unit", rating="dissatisfied", reason="改主意")
    assert snapshot(petition) == before


def test_rating_before_delivery_is_refused(scene):
    petition = scene.drive("replied")
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "rate", None, target="unit", rating="satisfied")
    assert refused.value.code == "state"
    assert snapshot(petition) == before
    assert not Rating.objects.exists()


def test_rating_dated_before_the_reply_was_received_is_refused(scene):
    petition = scene.drive("replied")  # replied 04-01
    scene.do(
        petition,
        "deliver",
        scene.people.township_handler,
        "2026-04-09",
        method="post",
        received_on="2026-04-08",
    )
    scene.move(when("2026-06-01"))
    with pytest.raises(TransitionRefused, match="不能早于"):
        perform(
            petition,
            "rate",
            UnitActor(scene.org.bureau),
            at=when("2026-04-07"),
            target="unit",
            rating="satisfied",
        )


def test_rating_window_closes(scene):
    petition = scene.concluded()  # window ends 05-06 (05-03 was a Sunday in the Labour Day holiday)
    scene.do(petition, "rate", None, "2026-05-06 23:59", target="unit", rating="satisfied")
    scene.move(when("2026-05-07 00:00"))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="评价期已于2026年05月06日结束") as refused:
        perform(petition, "rate", None, target="bureau", rating="satisfied")
    assert refused.value.code == "window"
    assert snapshot(petition) == before


def test_expired_windows_count_as_not_rated(scene):
    from xinfang.workflow.petition_deadlines import expire_windows

    petition = scene.concluded()
    scene.do(petition, "rate", None, "2026-04-05", target="unit", rating="satisfied")
    assert expire_windows(dt.date(2026, 5, 6)) == 0
    assert expire_windows(dt.date(2026, 5, 7)) == 1
    windows = {w.rating_target: w for w in petition.deadlines.filter(stage="rating")}
    assert (windows["bureau"].status, windows["bureau"].on_time) == (DeadlineStatus.MISSED, False)
    assert windows["unit"].status == DeadlineStatus.MET


def test_legal_route_and_accusations_are_not_rated(scene, org, people):
    accusation = scene.petition(
        petition_class="accusation", subject_unit=org.housing, category=f.category("纪检监察")
    )
    scene.do(accusation, "transfer", people.registrar, "2026-03-03", to_unit=org.discipline)
    scene.do(accusation, "accept", people.discipline_handler, "2026-03-04")
    scene.do(accusation, "reply", people.discipline_handler, "2026-04-01", opinion="explain", text="x")
    scene.do(
        accusation,
        "deliver",
        people.discipline_handler,
        "2026-04-02",
        method="post",
        received_on="2026-04-02",
    )
    with pytest.raises(TransitionRefused, match="不参加满意度评价"):
        perform(accusation, "rate", None, target="unit", rating="satisfied")
    closed = scene.drive("closed")
    with pytest.raises(TransitionRefused) as refused:
        perform(closed, "rate", None, target="unit", rating="satisfied")
    assert refused.value.code == "state"


def test_bad_target_or_value(scene):
    petition = scene.concluded()
    scene.move(when("2026-04-05"))
    with pytest.raises(TransitionRefused, match="评价对象"):
        perform(petition, "rate", None, target="leader", rating="satisfied")
    with pytest.raises(TransitionRefused, match="满意、基本满意或不满意"):
        perform(petition, "rate", None, target="unit", rating="great")


def test_the_petitioner_may_rate_while_the_review_is_under_way(scene):
    petition = scene.drive("under_review")  # requested 04-10
    scene.do(petition, "rate", None, "2026-04-12", target="unit", rating="dissatisfied", reason="不服")
    assert petition.status == "under_review"


def test_a_petitioner_channel_must_be_known(scene):
    petition = scene.concluded()
    scene.move(when("2026-04-05"))
    with pytest.raises(TransitionRefused, match="渠道无效"):
        perform(petition, "rate", None, target="unit", rating="satisfied", via="carrier_pigeon")
    perform(petition, "rate", None, target="unit", rating="satisfied", via="reception")
    assert Rating.objects.get(petition=petition).via == "reception"
