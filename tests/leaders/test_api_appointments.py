"""Appointments through the API: the service's refusals as problem details, the same scoping, in the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from xinfang.leaders.models import Appointment
from xinfang.leaders.services import appointments

from ..conftest import stop_clock
from .conftest import at
from .test_appointments import session

D = dt.date
pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_take_down_answer_and_refuse(people, leaders, org):
    stop_clock(at(D(2025, 9, 1)))
    day8 = session(people, leaders.county, D(2025, 9, 8))
    day15 = session(people, leaders.county, D(2025, 9, 15))
    client = api(people.registrar)
    body = {"leader": leaders.county.pk, "date": "2025-09-09", "phone": "13900001111", "matter": "噪声扰民"}
    bad = client.post("/api/v1/appointments/", body, format="json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert "没有安排接访" in bad.json()["errors"]["date"][0]
    outside = client.post("/api/v1/appointments/", body | {"leader": leaders.other.pk}, format="json")
    assert "不在本信访部门的管辖范围内" in outside.json()["errors"]["leader"][0]
    past = client.post("/api/v1/appointments/", body | {"date": "2025-08-08"}, format="json")
    assert "约访日期已过" in past.json()["errors"]["date"][0]
    assert not Appointment.objects.exists()

    made = client.post("/api/v1/appointments/", body | {"date": "2025-09-08"}, format="json")
    assert made.status_code == 201, made.json()
    row = made.json()
    assert row["session"] == day8.pk and row["status"] == "requested" and row["channel"] == "staff"
    assert row["masked_phone"] == "139****1111" and "13900001111" not in made.content.decode()
    second = client.post("/api/v1/appointments/", body | {"date": "2025-09-15"}, format="json")
    assert second.status_code == 400 and "已有一项待确认的约访" in second.json()["errors"]["__all__"][0]

    pk = row["id"]
    no_reason = client.post(
        f"/api/v1/appointments/{pk}/move/", {"session": day15.pk, "reason": ""}, format="json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    moved = client.post(
        f"/api/v1/appointments/{pk}/move/", {"session": day15.pk, "reason": "改约下周"}, format="json"
    )
    assert (
        moved.status_code == 200
        and moved.json()["status"] == "moved"
        and moved.json()["date"] == "2025-09-15"
    )
    confirm = client.post(f"/api/v1/appointments/{pk}/confirm/", format="json")
    assert confirm.status_code == 400 and "已答复" in confirm.json()["errors"]["__all__"][0]
    declined = client.post(f"/api/v1/appointments/{pk}/decline/", {"reason": "已依法处理"}, format="json")
    assert declined.json()["status"] == "declined" and declined.json()["reason"] == "已依法处理"


def test_scoping(people, leaders, org):
    stop_clock(at(D(2025, 9, 1)))
    session(people, leaders.county, D(2025, 9, 8))
    appointment, _ = appointments.request_appointment(
        org.bureau, leader=leaders.county, date=D(2025, 9, 8), phone="13900001111", matter="噪声扰民"
    )
    assert [r["id"] for r in api(people.registrar).get("/api/v1/appointments/").json()["results"]] == [
        appointment.pk
    ]
    assert api(leaders.county).get(f"/api/v1/appointments/{appointment.pk}/").status_code == 200
    for outsider in (people.other_county_registrar, people.township_handler, leaders.county2):
        client = api(outsider)
        assert client.get("/api/v1/appointments/").json()["results"] == []
        assert client.get(f"/api/v1/appointments/{appointment.pk}/").status_code == 404
        assert client.post(f"/api/v1/appointments/{appointment.pk}/confirm/").status_code == 404
    refused = api(people.township_handler).post(
        "/api/v1/appointments/",
        {"leader": leaders.county.pk, "date": "2025-09-08", "phone": "13900002222", "matter": "x"},
        format="json",
    )
    assert refused.status_code == 403


def test_in_the_schema(people):
    schema = api(people.registrar).get("/api/schema/?format=json").json()
    assert {"/api/v1/appointments/", "/api/v1/appointments/{id}/move/"} <= set(schema["paths"])
