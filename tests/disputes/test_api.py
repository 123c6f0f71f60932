"""The ledger's endpoints: record, escalate (a skip without reason is a problem), close, the xlsx report."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from rest_framework.test import APIClient

from xinfang.audit.models import Event
from xinfang.disputes.models import Dispute

URL = "/api/v1/disputes/"


def client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


BODY = {
    "kind": "neighbours",
    "region": "330102001",
    "title": "楼上漏水纠纷",
    "parties": "上下楼两户住户",
    "matter": "漏水损失的赔偿",
    "risk_level": "low",
    "found_via": "visit",
    "found_on": "2026-03-02",
    "level": "township",
}


def test_record_escalate_close_through_the_api(org, people, frozen_clock):
    from tests.scenes import when

    frozen_clock(when("2026-03-05 09:00"))
    created = client(people.township_handler).post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    skipped = client(people.township_handler).post(
        f"{URL}{pk}/escalate/",
        {"to_level": "leadership", "to_unit": "330102-XFJ", "reason": "难"},
        format="json",
    )
    assert skipped.status_code == 400 and skipped["Content-Type"].startswith("application/problem+json")
    assert "skip_reason" in skipped.json()["errors"]
    up = client(people.township_handler).post(
        f"{URL}{pk}/escalate/",
        {"to_level": "county_meeting", "to_unit": "330102-XFJ", "reason": "难"},
        format="json",
    )
    assert up.status_code == 200 and up.json()["escalations"][0]["to_level"] == "county_meeting"
    refused = client(people.bureau_handler).post(f"{URL}{pk}/close/", {"outcome": "resolved"}, format="json")
    assert refused.status_code == 400 and Dispute.objects.get().status == "open"
    done = client(people.bureau_handler).post(
        f"{URL}{pk}/close/", {"outcome": "legal_route", "note": "引导向区法院起诉"}, format="json"
    )
    assert done.status_code == 200 and done.json()["outcome"] == "legal_route"
    assert Event.objects.filter(target_type="dispute").count() == 3
    assert client(people.other_township_handler).get(f"{URL}{pk}/").status_code == 404


def test_the_report_is_an_xlsx_of_the_own_jurisdiction(org, people, frozen_clock):
    from tests.scenes import when

    frozen_clock(when("2026-03-05 09:00"))
    client(people.township_handler).post(URL, BODY, format="json")
    response = client(people.bureau_leader).get(
        f"{URL}report/", {"region": "330102", "year": 2026, "month": 3}
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["按乡镇和类型"].iter_rows(values_only=True))
    assert rows[2] == ("清波街道", "邻里纠纷", 1, 0, 0, 0, 1)
    other = client(people.bureau_leader).get(f"{URL}report/", {"region": "330105", "year": 2026, "month": 3})
    assert other.status_code == 403
    bad = client(people.bureau_leader).get(f"{URL}report/", {"region": "330102", "year": 2026, "month": 13})
    assert bad.status_code == 400
