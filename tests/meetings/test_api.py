"""The meeting endpoints: hold with items, decide (no unit or deadline is a problem), send up, settle; scoped."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.scenes import when
from xinfang.meetings.models import Decision

URL = "/api/v1/meetings/"


def client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def test_a_meeting_through_the_api(scene, people, org, frozen_clock):
    petition = scene.transferred()
    frozen_clock(when("2026-03-06 15:00"))
    township = client(people.township_leader)
    created = township.post(URL, {
        "level": "township", "kind": "regular", "held_on": "2026-03-06", "title": "清波街道联席会议",
        "attendees": "各站所", "items": [{"summary": "征收补偿", "petition": petition.registration_number}],
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    pk, item = created.json()["id"], created.json()["items"][0]
    assert item["petition"] == petition.registration_number
    bad = township.post(f"{URL}{pk}/items/{item['id']}/decide/", {"action": "核查"}, format="json")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert {"lead_unit", "deadline"} <= set(bad.json()["errors"]) and not Decision.objects.exists()
    ok = township.post(
        f"{URL}{pk}/items/{item['id']}/decide/",
        {
            "action": "核查",
            "lead_unit": "330102001",
            "supporting_units": ["330102-ZJJ"],
            "deadline": "2026-03-20",
        },
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["items"][0]["decisions"][0]["supporting_units"] == [
        "330102-ZJJ"
    ]
    up = township.post(
        f"{URL}{pk}/items/{item['id']}/escalate/", {"target": "county_meeting", "reason": "难"}, format="json"
    )
    assert up.json()["items"][0]["status"] == "escalated"
    county = client(people.bureau_leader).post(URL, {
        "level": "county", "kind": "ad_hoc", "held_on": "2026-03-06", "title": "县联席会议", "attendees": "各部门",
        "items": [{"summary": "乡镇提请", "escalated_from": item["id"]}],
    }, format="json")  # fmt: skip
    assert county.status_code == 201, county.content
    county_item = county.json()["items"][0]
    settled = client(people.bureau_leader).post(
        f"{URL}{county.json()['id']}/items/{county_item['id']}/settle/", {"note": "已化解"}, format="json"
    )
    assert settled.json()["items"][0]["status"] == "settled"
    # The supporting department sees the township meeting (it is named), not the county one.
    seen = [m["id"] for m in client(people.department_handler).get(URL).json()["results"]]
    assert seen == [pk]
    assert client(people.other_township_handler).get(f"{URL}{pk}/").status_code == 404
