"""Appointments (约访) through the service and the bureau's pages: refusals write nothing, every change is one
audit event, a confirmed appointment appears in its session's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from xinfang.audit.models import Event
from xinfang.leaders.models import Appointment, AppointmentStatus, ReceptionKind
from xinfang.leaders.services import appointments, reception
from xinfang.orgs.models import Level
from xinfang.petitions.models import digest_phone

from ..conftest import stop_clock
from .conftest import at

D = dt.date
PHONE = "13900001111"
pytestmark = pytest.mark.django_db


def session(people, leader, day, **overrides):
    fields = {
        "kind": ReceptionKind.DESCEND,
        "leader": leader,
        "leader_post": "区委副书记",
        "leader_level": Level.COUNTY,
        "place": "清波街道便民服务中心",
        "date": day,
        "start_time": dt.time(9),
        "end_time": dt.time(12),
        "topics": "征地拆迁",
    }
    return reception.create_session(people.registrar, **(fields | overrides))


def ask(org, leader, day, phone=PHONE, **extra):
    return appointments.request_appointment(
        org.bureau, leader=leader, date=day, phone=phone, matter=extra.pop("matter", "房屋征收补偿"), **extra
    )


@pytest.fixture
def day8(people, leaders):
    stop_clock(at(D(2025, 9, 1)))
    return session(people, leaders.county, D(2025, 9, 8))


def test_request_then_confirm_each_one_audited_and_listed_at_the_session(org, people, leaders, day8, client):
    appointment, code = ask(org, leaders.county, D(2025, 9, 8))
    assert appointment.status == AppointmentStatus.REQUESTED and appointment.session == day8
    assert len(code) == 12 and appointment.code_hash != code
    assert appointments.appointment_for(code, PHONE) == appointment
    assert appointments.appointment_for(code, "13900002222") is None
    event = Event.objects.get(action="request_appointment")
    assert event.actor is None and PHONE not in str(event.data) and event.data["session"] == day8.pk
    assert appointments.expected_at(day8).count() == 0

    appointments.confirm(appointment, people.registrar)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED and appointment.decided_by == people.registrar
    assert Event.objects.filter(action="confirm_appointment", target_id=str(appointment.pk)).count() == 1
    assert list(appointments.expected_at(day8)) == [appointment]

    client.force_login(people.registrar)
    page = client.get(reverse("leaders:session", args=[day8.pk])).content.decode()
    assert "已确认的约访（1）" in page and "房屋征收补偿" in page
    with pytest.raises(ValidationError, match="已答复"):
        appointments.confirm(appointment, people.registrar)


@pytest.mark.parametrize(
    ("day", "who", "message"),
    [
        (D(2025, 9, 9), "county", "没有安排接访"),
        (D(2025, 8, 8), "county", "约访日期已过"),
        (D(2025, 9, 8), "other", "不在本信访部门的管辖范围内"),
    ],
)
def test_refusals_write_nothing(org, leaders, day8, day, who, message):
    events = Event.objects.count()
    with pytest.raises(ValidationError, match=message):
        ask(org, getattr(leaders, who), day)
    assert Appointment.objects.count() == 0 and Event.objects.count() == events


def test_second_request_while_one_is_pending_is_refused(org, people, leaders, day8):
    first, _ = ask(org, leaders.county, D(2025, 9, 8))
    with pytest.raises(ValidationError, match="已有一项待确认的约访"):
        ask(org, leaders.county, D(2025, 9, 8), matter="另一件事")
    assert Appointment.objects.count() == 1
    appointments.decline(first, people.registrar, reason="该事项已在依法办理中")
    second, _ = ask(org, leaders.county, D(2025, 9, 8), matter="另一件事")
    assert second.status == AppointmentStatus.REQUESTED
    assert Appointment.objects.filter(phone_digest=digest_phone(PHONE)).count() == 2


def test_bad_input_names_the_fields(org, leaders, day8):
    with pytest.raises(ValidationError) as caught:
        appointments.request_appointment(org.bureau, leader=None, date=None, phone="123", matter="")
    assert set(caught.value.message_dict) == {"leader", "date", "phone", "matter"}


def test_the_petitioner_is_texted_that_there_is_an_answer(
    org, people, leaders, day8, sms_outbox, django_capture_on_commit_callbacks
):
    appointment, _ = ask(org, leaders.county, D(2025, 9, 8))
    with django_capture_on_commit_callbacks(execute=True):
        appointments.confirm(appointment, people.registrar)
    assert [(to, sms.text) for to, sms in sms_outbox] == [
        (PHONE, "【信访】您的约访已有答复，请凭约访查询码在网上信访平台查看。")
    ]


def test_move_and_decline_carry_the_reason_the_petitioner_reads(org, people, leaders, day8):
    later = session(people, leaders.county2, D(2025, 9, 15), leader_post="副区长")
    appointment, _ = ask(org, leaders.county, D(2025, 9, 8))
    with pytest.raises(ValidationError) as caught:
        appointments.move(appointment, people.registrar, session=later, reason=" ")
    assert "reason" in caught.value.message_dict
    moved = appointments.move(appointment, people.registrar, session=later, reason="领导临时公务，改约下周")
    assert moved.status == AppointmentStatus.MOVED and moved.session == later
    assert moved.requested_session == day8
    assert list(appointments.expected_at(later)) == [moved] and not appointments.expected_at(day8).exists()
    declined = appointments.decline(moved, people.registrar, reason="已通过法定途径处理")
    assert declined.reason == "已通过法定途径处理"
    assert not appointments.expected_at(later).exists()
    actions = list(
        Event.objects.filter(target_type="appointment", target_id=str(appointment.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["decline_appointment", "move_appointment", "request_appointment"]
    with pytest.raises(ValidationError):
        appointments.move(declined, people.registrar, session=day8, reason="再改")


def test_only_the_bureau_of_the_area_answers(org, people, leaders, day8):
    appointment, _ = ask(org, leaders.county, D(2025, 9, 8))
    for outsider in (people.other_county_registrar, people.township_handler):
        with pytest.raises(PermissionDenied):
            appointments.confirm(appointment, outsider)
    assert Appointment.objects.get().status == AppointmentStatus.REQUESTED


def test_bureau_pages_confirm_and_refuse_with_messages(org, people, leaders, day8, client):
    appointment, _ = ask(org, leaders.county, D(2025, 9, 8))
    client.force_login(people.registrar)
    listing = client.get(reverse("leaders:appointments")).content.decode()
    assert "待确认的约访（1）" in listing and PHONE not in listing
    refused = client.post(
        reverse("leaders:appointment_decline", args=[appointment.pk]), {"decline-reason": ""}
    )
    assert refused.status_code == 400 and "请填写不予安排的原因" in refused.content.decode()
    done = client.post(reverse("leaders:appointment_confirm", args=[appointment.pk]))
    assert done.status_code == 302
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
    again = client.post(reverse("leaders:appointment_confirm", args=[appointment.pk]))
    assert again.status_code == 400 and "已答复" in again.content.decode()


def test_other_units_see_no_appointment(org, people, leaders, day8, client):
    appointment, _ = ask(org, leaders.county, D(2025, 9, 8))
    appointments.confirm(appointment, people.registrar)
    reception.set_attending_units(day8, people.registrar, [org.qingbo_unit])
    client.force_login(people.township_handler)
    assert client.get(reverse("leaders:appointment", args=[appointment.pk])).status_code == 404
    page = client.get(reverse("leaders:session", args=[day8.pk])).content.decode()
    assert "房屋征收补偿" not in page and "已确认的约访（0）" in page
    client.force_login(people.other_county_registrar)
    assert client.get(reverse("leaders:appointment", args=[appointment.pk])).status_code == 404
    client.force_login(leaders.county)
    assert client.get(reverse("leaders:appointment", args=[appointment.pk])).status_code == 200
