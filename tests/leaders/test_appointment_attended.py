"""A visit registered at a reception session by a petitioner with a confirmed appointment (约访) links the
appointment, which becomes attended (已接待) in the registration's transaction, with its audit event; the
figures count it as asked and held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.audit.models import Event
from xinfang.leaders import figures as fig
from xinfang.leaders.models import AppointmentStatus, SessionPetition
from xinfang.leaders.services import appointments
from xinfang.petitions.models import Petition

from ..conftest import stop_clock
from ..petitions.test_views_register import form_data
from .conftest import at
from .test_appointments import session

D = dt.date
pytestmark = pytest.mark.django_db
URL = reverse("petitions:register", args=["visit"])


@pytest.fixture
def scene(people, leaders, org):
    stop_clock(at(D(2025, 10, 1)))
    day = session(people, leaders.county, D(2025, 10, 9))
    other = session(people, leaders.county2, D(2025, 10, 9), leader_post="副区长")
    booked = appointments.request_appointment(
        org.bureau, leader=leaders.county, date=D(2025, 10, 9), phone="13900000001", matter="噪声扰民"
    )[0]
    appointments.confirm(booked, people.registrar)
    stop_clock(at(D(2025, 10, 9), 11))
    return day, other, booked


def test_registering_the_visit_marks_the_appointment_attended(client, people, scene):
    day, _, booked = scene
    client.force_login(people.registrar)
    page = client.get(URL, {"session": day.pk}).content.decode()
    assert "噪声扰民（尾号0001）" in page

    response = client.post(URL, form_data("visit", reception_session=day.pk, appointment=booked.pk))
    assert response.status_code == 302
    petition = Petition.objects.get()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.ATTENDED and booked.petition == petition
    assert SessionPetition.objects.get().petition == petition
    event = Event.objects.get(action="attend_appointment")
    assert (event.petition, event.actor, event.from_status, event.to_status) == (
        petition,
        people.registrar,
        "confirmed",
        "attended",
    )
    assert "约访已接待" in client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()

    held = fig.all_figures(D(2025, 10, 1), D(2025, 10, 31), D(2025, 10, 31), prefix="330102")["reception"]
    assert held["appointments"] == {"asked": 1, "held": 1}
    # Attended is final: it is neither moved nor declined afterwards.
    with pytest.raises(Exception, match="已接待"):
        appointments.decline(booked, people.registrar, reason="不予安排")


def test_an_appointment_of_another_session_is_refused_and_nothing_is_written(client, people, scene):
    _, other, booked = scene
    client.force_login(people.registrar)
    refused = client.post(URL, form_data("visit", reception_session=other.pk, appointment=booked.pk))
    assert refused.status_code == 200
    assert "所选约访不在所选的领导接访中，请先选择该次接访。" in refused.content.decode()
    assert not Petition.objects.exists()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED


def test_the_service_refuses_an_appointment_not_confirmed_for_the_session(people, leaders, org, scene):
    from django.core.exceptions import ValidationError

    from tests import factories as f
    from xinfang.leaders.services import reception

    day, other, booked = scene
    petition = f.register(people.registrar, channel="visit", received_at=at(D(2025, 10, 9), 10))
    with pytest.raises(ValidationError) as refused:
        reception.link_petition(other, petition, people.registrar, appointment=booked)
    assert refused.value.message_dict["appointment"] == ["只能关联本次接访中已确认的约访。"]
    assert not SessionPetition.objects.exists()  # the link rolled back with the refusal
