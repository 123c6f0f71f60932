"""The leaders endpoints: the services' validation as problem details, the same scoping, in the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from xinfang.leaders.models import CaseOwnership, ReceptionSession, ResolutionStandard
from xinfang.petitions.models import Channel
from xinfang.workflow.services import perform

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def results(response) -> list:
    return response.json()["results"]


SCHEDULE = {
    "kind": "descend",
    "leader_post": "区委副书记",
    "leader_level": "county",
    "place": "清波街道便民服务中心",
    "recurrence": "monthly",
    "day_of_month": 8,
    "holiday_rule": "next",
    "start_time": "09:00",
    "end_time": "12:00",
    "starts_on": "2025-10-01",
}


def test_schedule_sessions_registration_and_outcome(people, leaders, org):
    stop_clock(at(D(2025, 9, 25)))
    client = api(people.registrar)
    bad = client.post("/api/v1/reception/schedules/", SCHEDULE | {"leader": leaders.other.pk}, format="json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"]["leader"] == ["该领导不在本信访部门的管辖范围内。"]
    made = client.post(
        "/api/v1/reception/schedules/", SCHEDULE | {"leader": leaders.county.pk}, format="json"
    )
    assert made.status_code == 201, made.json()
    schedule_id = made.json()["id"]
    sessions = client.post(
        f"/api/v1/reception/schedules/{schedule_id}/sessions/", {"until": "2025-10-31"}, format="json"
    )
    assert [s["date"] for s in sessions.json()] == ["2025-10-09"]
    session_id = sessions.json()[0]["id"]

    stop_clock(at(D(2025, 10, 9), 11))
    petition = f.register(people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), 9))
    outcome_url = f"/api/v1/reception/sessions/{session_id}/petitions/{petition.pk}/outcome/"
    early = client.post(outcome_url, {"outcome": "on_spot"}, format="json")
    assert early.status_code == 400 and early.json()["errors"]["petition"] == [
        "该信访事项未在本次接访中登记。"
    ]
    linked = client.post(
        f"/api/v1/reception/sessions/{session_id}/petitions/", {"petition": petition.pk}, format="json"
    )
    assert linked.status_code == 201
    limited = client.post(
        outcome_url,
        {"outcome": "time_limited", "unit": org.qingbo_unit.code, "due": "2025-10-30"},
        format="json",
    )
    assert (
        limited.json()["outcome"] == "time_limited" and limited.json()["outcome_unit"] == org.qingbo_unit.code
    )
    detail = client.get(f"/api/v1/reception/sessions/{session_id}/").json()
    assert detail["petitions"][0]["registration_number"] == petition.registration_number
    assert detail["leader"]["name"] == "陈副书记"
    # The leader sees the own session; the neighbouring county does not.
    assert [s["id"] for s in results(api(leaders.county).get("/api/v1/reception/sessions/"))] == [session_id]
    assert results(api(people.other_county_registrar).get("/api/v1/reception/sessions/")) == []
    assert (
        api(people.other_county_registrar).get(f"/api/v1/reception/sessions/{session_id}/").status_code == 404
    )
    # A unit's staff may not keep schedules.
    refused = api(people.township_handler).post(
        "/api/v1/reception/schedules/", SCHEDULE | {"leader": leaders.county.pk}, format="json"
    )
    assert refused.status_code == 403


def test_cancel_needs_a_reason(people, leaders):
    stop_clock(at(D(2025, 10, 9), 8))
    client = api(people.registrar)
    made = client.post(
        "/api/v1/reception/sessions/",
        {
            "kind": "appointment",
            "leader": leaders.county.pk,
            "leader_post": "区长",
            "leader_level": "county",
            "place": "区信访局",
            "date": "2025-10-09",
            "start_time": "09:00",
            "end_time": "10:00",
        },
        format="json",
    )
    session_id = made.json()["id"]
    bad = client.post(f"/api/v1/reception/sessions/{session_id}/cancel/", {"reason": ""}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["reason"] == ["请填写取消原因。"]
    done = client.post(f"/api/v1/reception/sessions/{session_id}/cancel/", {"reason": "改期"}, format="json")
    assert done.json()["status"] == "cancelled"
    assert ReceptionSession.objects.get().cancel_reason == "改期"


def test_ownership_through_the_api(people, leaders, org):
    ResolutionStandard.objects.all().delete()
    standard = ResolutionStandard.objects.create(text="合理诉求已解决")
    stop_clock(at(D(2025, 10, 9)))
    petition = f.register(people.registrar)
    client = api(people.bureau_leader)
    body = {
        "petitions": [petition.pk],
        "problem": "征收补偿争议",
        "leader": leaders.city.pk,
        "leader_post": "副市长",
        "leader_level": "city",
        "resolution_due": "2025-12-31",
        "team_units": [org.qingbo_unit.code],
    }
    bad = client.post("/api/v1/ownerships/", body, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["steps"] == ["请制定化解方案（至少一个工作步骤及完成时间）。"]
    assert not CaseOwnership.objects.exists()
    made = client.post(
        "/api/v1/ownerships/", body | {"steps": [{"text": "会商", "due_on": "2025-10-20"}]}, format="json"
    )
    assert made.status_code == 201, made.json()
    city_id = made.json()["id"]
    handed = client.post(
        f"/api/v1/ownerships/{city_id}/hand-on/",
        {
            "leader": leaders.county.pk,
            "leader_post": "区委副书记",
            "leader_level": "county",
            "resolution_due": "2025-11-30",
            "steps": [{"text": "入户", "due_on": "2025-10-20"}],
            "note": "属地化解",
        },
        format="json",
    )
    assert handed.status_code == 201, handed.json()
    county_id = handed.json()["id"]
    assert handed.json()["handed_from"] == city_id
    county_client = api(leaders.county)
    county_client.post(f"/api/v1/ownerships/{county_id}/progress/", {"note": "已入户"}, format="json")
    done = county_client.post(
        f"/api/v1/ownerships/{county_id}/resolve/",
        {"standards": [standard.pk], "note": "已化解"},
        format="json",
    )
    assert done.json()["status"] == "resolved" and done.json()["progress"][0]["note"] == "已入户"
    late = county_client.post(f"/api/v1/ownerships/{county_id}/progress/", {"note": "再访"}, format="json")
    assert late.status_code == 400 and "该包案已结束" in late.json()["errors"]["__all__"][0]
    # The city leader sees the own (handed on) ownership, not the county leader's.
    assert [o["id"] for o in results(api(leaders.city).get("/api/v1/ownerships/"))] == [city_id]


def test_submit_instruct_and_answer_through_the_api(people, leaders, org, silence_notices):
    stop_clock(at(D(2025, 10, 9)))
    petition = f.register(people.registrar)
    perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit)
    made = api(people.bureau_handler).post(
        "/api/v1/submissions/", {"petition": petition.pk, "leader": leaders.county.pk}, format="json"
    )
    assert made.status_code == 201
    submission_id = made.json()["id"]
    leader = api(leaders.county)
    assert [s["id"] for s in results(leader.get("/api/v1/submissions/?queue=1"))] == [submission_id]
    bad = leader.post(f"/api/v1/submissions/{submission_id}/instruct/", {"text": "请办理"}, format="json")
    assert bad.json()["errors"]["units"] == ["请选择批示的承办单位。"]
    other = api(leaders.county2).post(
        f"/api/v1/submissions/{submission_id}/instruct/",
        {"text": "请办理", "units": [org.qingbo_unit.code]},
        format="json",
    )
    assert other.status_code == 404  # not in that leader's queue at all
    done = leader.post(
        f"/api/v1/submissions/{submission_id}/instruct/",
        {"text": "请办理", "units": [org.qingbo_unit.code], "response_due": "2025-10-31"},
        format="json",
    )
    target = done.json()["instruction"]["targets"][0]
    assert target["supervision"] is not None
    unit = api(people.township_handler)
    assert [t["id"] for t in results(unit.get("/api/v1/instructions/"))] == [target["id"]]
    answered = unit.post(f"/api/v1/instructions/{target['id']}/answer/", {"text": "已办结"}, format="json")
    assert answered.json()["answered_on_time"] is True
    assert results(api(people.other_township_handler).get("/api/v1/instructions/")) == []


def test_the_endpoints_are_in_the_schema():
    paths = APIClient().get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/reception/schedules/",
        "/api/v1/reception/schedules/{id}/sessions/",
        "/api/v1/reception/sessions/{id}/petitions/",
        "/api/v1/reception/sessions/{id}/petitions/{petition_id}/outcome/",
        "/api/v1/ownerships/{id}/hand-on/",
        "/api/v1/submissions/{id}/instruct/",
        "/api/v1/instructions/{id}/answer/",
    } <= set(paths)
