"""Reception schedules and sessions through the service: every change audited, bad input refused whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import Event
from xinfang.leaders.models import (
    HolidayRule,
    Outcome,
    ReceptionKind,
    ReceptionSession,
    Recurrence,
    SessionPetition,
    SessionStatus,
)
from xinfang.leaders.services import reception
from xinfang.orgs.models import Level
from xinfang.petitions.models import Channel

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
pytestmark = pytest.mark.django_db


def schedule_8th(people, leaders, **overrides):
    fields = {
        "kind": ReceptionKind.DESCEND,
        "leader": leaders.county,
        "leader_post": "区委副书记",
        "leader_level": Level.COUNTY,
        "place": "清波街道便民服务中心",
        "topics": "征地拆迁、城市建设",
        "recurrence": Recurrence.MONTHLY,
        "day_of_month": 8,
        "holiday_rule": HolidayRule.NEXT,
        "start_time": dt.time(9),
        "end_time": dt.time(12),
        "starts_on": D(2025, 9, 1),
    }
    return reception.create_schedule(people.registrar, **(fields | overrides))


def visit(people, day, hour=10):
    stop_clock(at(day, hour + 1))
    return f.register(people.registrar, channel=Channel.VISIT, received_at=at(day, hour))


def test_monthly_schedule_makes_sessions_on_working_days_once(people, leaders):
    stop_clock(at(D(2025, 8, 25)))
    schedule = schedule_8th(people, leaders)
    made = reception.make_sessions(schedule, people.registrar, until=D(2025, 11, 30))
    assert [(s.scheduled_for, s.date) for s in made] == [
        (D(2025, 9, 8), D(2025, 9, 8)),
        (D(2025, 10, 8), D(2025, 10, 9)),
        (D(2025, 11, 8), D(2025, 11, 10)),
    ]
    assert made[1].leader_post == "区委副书记" and made[1].place == "清波街道便民服务中心"
    assert reception.make_sessions(schedule, people.registrar, until=D(2025, 11, 30)) == []
    assert Event.objects.filter(action="create_reception_session").count() == 3
    assert Event.objects.filter(action="create_reception_schedule", target_id=str(schedule.pk)).count() == 1


def test_skip_rule_drops_the_holiday_session(people, leaders):
    stop_clock(at(D(2025, 8, 25)))
    schedule = schedule_8th(people, leaders, holiday_rule=HolidayRule.SKIP)
    made = reception.make_sessions(schedule, people.registrar, until=D(2025, 10, 31))
    assert [s.date for s in made] == [D(2025, 9, 8)]


def test_weekly_village_reception(people, leaders):
    stop_clock(at(D(2025, 9, 20)))
    schedule = schedule_8th(
        people,
        leaders,
        kind=ReceptionKind.VILLAGE,
        recurrence=Recurrence.WEEKLY,
        weekday=2,
        day_of_month=None,
    )
    assert schedule.day_of_month is None and schedule.rule_label == "每周三"
    made = reception.make_sessions(schedule, people.registrar, until=D(2025, 10, 15))
    assert [s.date for s in made] == [D(2025, 9, 24), D(2025, 10, 9), D(2025, 10, 15)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day_of_month": 0}, "day_of_month", "每月接访日须在1日至31日之间。"),
        ({"recurrence": Recurrence.WEEKLY, "weekday": None}, "weekday", "请选择每周接访的星期。"),
        ({"place": "  "}, "place", "请填写接访地点。"),
        ({"end_time": dt.time(8)}, "end_time", "结束时间须晚于开始时间。"),
        ({"ends_on": D(2025, 8, 1)}, "ends_on", "截止日期不能早于起始日期。"),
        ({"holiday_rule": "never"}, "holiday_rule", "请选择遇节假日的处理方式。"),
    ],
)
def test_bad_schedules_are_refused_and_nothing_is_written(people, leaders, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        schedule_8th(people, leaders, **overrides)
    assert message in error.value.message_dict[field]
    assert not Event.objects.filter(action="create_reception_schedule").exists()


def test_a_leader_outside_the_jurisdiction_is_refused(people, leaders):
    with pytest.raises(ValidationError) as error:
        schedule_8th(people, leaders, leader=leaders.other)
    assert error.value.message_dict["leader"] == ["该领导不在本信访部门的管辖范围内。"]
    # A city leader comes down to the county: allowed.
    assert schedule_8th(people, leaders, leader=leaders.city, leader_level=Level.CITY).pk


def test_only_bureau_staff_keep_schedules(people, leaders):
    with pytest.raises(PermissionDenied):
        reception.create_schedule(people.township_handler, kind=ReceptionKind.DESCEND)


def test_update_schedule_records_what_changed(people, leaders):
    schedule = schedule_8th(people, leaders)
    reception.update_schedule(schedule, people.registrar, place="湖滨街道便民服务中心")
    event = Event.objects.get(action="update_reception_schedule")
    assert event.changes == {"place": ["清波街道便民服务中心", "湖滨街道便民服务中心"]}
    with pytest.raises(ValidationError):
        reception.update_schedule(schedule, people.registrar, day_of_month=40)
    schedule.refresh_from_db()
    assert schedule.day_of_month == 8


SESSION_DAY = D(2025, 10, 9)


def _session(people, leaders, day=SESSION_DAY):
    stop_clock(at(day, 8))
    return reception.create_session(
        people.registrar,
        kind=ReceptionKind.APPOINTMENT,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        place="区信访局接待大厅",
        date=day,
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
        attending_units=[people.township_handler.unit],
    )


def test_register_two_visits_at_a_session_with_their_outcomes(people, leaders):
    session = _session(people, leaders)
    assert list(session.attending_units.all()) == [people.township_handler.unit]
    first, second = visit(people, session.date, 9), visit(people, session.date, 10)
    reception.link_petition(session, first, people.registrar)
    reception.link_petition(session, second, people.registrar)
    reception.set_outcome(session, first, people.registrar, outcome=Outcome.ON_SPOT, note="当场答复")
    link = reception.set_outcome(
        session,
        second,
        people.registrar,
        outcome=Outcome.TIME_LIMITED,
        unit=people.township_handler.unit,
        due=D(2025, 10, 31),
    )
    assert (link.outcome, link.outcome_unit, link.outcome_due) == (
        Outcome.TIME_LIMITED,
        people.township_handler.unit,
        D(2025, 10, 31),
    )
    events = Event.objects.filter(petition=second).values_list("action", flat=True)
    assert {"link_reception_petition", "set_reception_outcome"} <= set(events)


def test_bad_outcomes_are_refused(people, leaders):
    session = _session(people, leaders)
    petition = visit(people, session.date)
    with pytest.raises(ValidationError) as error:
        reception.set_outcome(session, petition, people.registrar, outcome=Outcome.ON_SPOT)
    assert error.value.message_dict["petition"] == ["该信访事项未在本次接访中登记。"]
    reception.link_petition(session, petition, people.registrar)
    with pytest.raises(ValidationError) as error:
        reception.set_outcome(session, petition, people.registrar, outcome=Outcome.TIME_LIMITED)
    assert error.value.message_dict == {
        "unit": ["限期化解须指定责任单位。"],
        "due": ["限期化解须填写化解期限。"],
    }
    with pytest.raises(ValidationError) as error:
        reception.set_outcome(
            session,
            petition,
            people.registrar,
            outcome=Outcome.TIME_LIMITED,
            unit=people.township_handler.unit,
            due=D(2025, 10, 1),
        )
    assert error.value.message_dict["due"] == ["化解期限不能早于接访日期。"]
    assert SessionPetition.objects.get(petition=petition).outcome == Outcome.PENDING
    assert not Event.objects.filter(action="set_reception_outcome").exists()


def test_a_petition_links_once_and_only_on_the_sessions_day(people, leaders):
    session = _session(people, leaders)
    petition = visit(people, session.date)
    reception.link_petition(session, petition, people.registrar)
    with pytest.raises(ValidationError) as error:
        reception.link_petition(session, petition, people.registrar)
    assert error.value.message_dict["petition"] == ["该信访事项已关联到一次接访。"]
    earlier = visit(people, D(2025, 9, 30))
    stop_clock(at(session.date, 15))
    with pytest.raises(ValidationError) as error:
        reception.link_petition(session, earlier, people.registrar)
    assert "受理日期与接访日期不一致" in error.value.message_dict["petition"][0]
    assert Event.objects.filter(action="link_reception_petition").count() == 1


def test_cancel_with_reason_and_a_session_without_visitors(people, leaders):
    session = _session(people, leaders)
    with pytest.raises(ValidationError) as error:
        reception.cancel_session(session, people.registrar, reason=" ")
    assert error.value.message_dict["reason"] == ["请填写取消原因。"]
    reception.cancel_session(session, people.registrar, reason="领导临时参加防汛会议")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "领导临时参加防汛会议"
    with pytest.raises(ValidationError):
        reception.link_petition(session, visit(people, session.date), people.registrar)
    quiet = _session(people, leaders, D(2025, 10, 10))
    reception.record_work(quiet, people.registrar, note="无访说案：约访两户拆迁群众，研判征收矛盾")
    assert ReceptionSession.objects.get(pk=quiet.pk).work_note.startswith("无访说案")


def test_attending_units_must_be_in_the_jurisdiction(people, leaders, org):
    with pytest.raises(ValidationError) as error:
        reception.create_session(
            people.registrar,
            kind=ReceptionKind.FIELD,
            leader=leaders.county,
            leader_post="区长",
            leader_level=Level.COUNTY,
            place="湖滨街道",
            date=D(2025, 10, 9),
            start_time=dt.time(9),
            end_time=dt.time(10),
            attending_units=[org.other_bureau],
        )
    assert "拱墅区信访局" in error.value.message_dict["attending_units"][0]
    assert not ReceptionSession.objects.exists()


def test_only_a_visit_is_registered_at_a_session(people, leaders):
    session = _session(people, leaders)
    stop_clock(at(session.date, 11))
    letter = f.register(people.registrar, received_at=at(session.date, 9))
    with pytest.raises(ValidationError) as error:
        reception.link_petition(session, letter, people.registrar)
    assert error.value.message_dict["petition"] == ["只有来访登记的信访事项才能关联到本次接访。"]


def test_a_time_limited_outcome_takes_the_deadline_colours(people, leaders, org):
    from xinfang.leaders.colours import outcome_colour

    session = _session(people, leaders)
    petition = visit(people, session.date)
    reception.link_petition(session, petition, people.registrar)
    link = reception.set_outcome(
        session,
        petition,
        people.registrar,
        outcome=Outcome.TIME_LIMITED,
        unit=org.qingbo_unit,
        due=D(2025, 10, 31),
    )
    assert outcome_colour(link, D(2025, 10, 10)) == "blue"
    assert outcome_colour(link, D(2025, 10, 30)) == "yellow"
    assert outcome_colour(link, D(2025, 11, 1)) == "red"
    on_spot = reception.set_outcome(session, petition, people.registrar, outcome=Outcome.ON_SPOT)
    assert outcome_colour(on_spot, D(2025, 11, 1)) == ""
