"""The campaign endpoints: create, batch, import twice (the second skipped), screen (out needs a reason),
resolve, figures with the sentence and ranking; scoped like petitions."""

from __future__ import annotations

import json

from rest_framework.test import APIClient

from tests import factories as f
from tests.scenes import when
from xinfang.campaigns.models import CampaignCase

URL = "/api/v1/campaigns/"


def client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


def test_a_campaign_through_the_api(org, people, frozen_clock):
    frozen_clock(when("2026-03-01 09:00"))
    bureau = client(people.bureau_handler)
    created = bureau.post(
        URL,
        {"name": "问题楼盘化解攻坚", "assigning_body": "city", "assigned_on": "2026-03-01", "deadline": "2026-06-30",
         "criteria": ["办证问题已解决", "信访人息诉罢访"]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    criteria = [c["id"] for c in created.json()["criteria"]]
    batch = bureau.post(
        f"{URL}{pk}/batches/",
        {"name": "第一批", "assigned_on": "2026-03-01", "due_on": "2026-04-30"},
        format="json",
    )
    assert batch.status_code == 201
    petitions = [f.register(people.registrar) for _ in range(3)]
    lines = "\n".join(
        json.dumps(
            {"registration_number": p.registration_number, "batch": "第一批", "responsible_unit": "330102001"}
        )
        for p in petitions
    )
    first = bureau.post(f"{URL}{pk}/import/", {"lines": lines}, format="json")
    assert first.json() == {"added": 3, "skipped_present": 0, "repeated_list": False, "message": "导入3件。"}
    second = bureau.post(f"{URL}{pk}/import/", {"lines": lines}, format="json")
    assert second.status_code == 200 and second.json()["repeated_list"] is True
    assert CampaignCase.objects.count() == 3

    case_ids = list(CampaignCase.objects.order_by("id").values_list("pk", flat=True))
    refused = bureau.post(f"/api/v1/campaign-cases/{case_ids[2]}/screen/", {"included": False}, format="json")
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/problem+json")
    assert (
        bureau.post(
            f"/api/v1/campaign-cases/{case_ids[2]}/screen/",
            {"included": False, "reason": "重复交办"},
            format="json",
        ).status_code
        == 200
    )
    for case_id in case_ids[:2]:
        assert (
            bureau.post(
                f"/api/v1/campaign-cases/{case_id}/screen/", {"included": True}, format="json"
            ).status_code
            == 200
        )
    frozen_clock(when("2026-04-10 09:00"))
    done = client(people.township_handler).post(
        f"/api/v1/campaign-cases/{case_ids[0]}/resolve/",
        {"resolved_on": "2026-04-10", "criteria_met": criteria, "note": "已办证"},
        format="json",
    )
    assert done.status_code == 200, done.content

    body = client(people.bureau_leader).get(f"{URL}{pk}/figures/").json()
    assert (
        body["total"]["cases"] == 2
        and body["total"]["resolved"] == 1
        and body["total"]["resolution_rate"] == 50.0
    )
    assert body["sentence"] == "市联席办共交办我区2个案件，涉及1个乡镇办，已化解1案，化解率50%"
    assert body["batches"]["第一批"]["screened_out"] == 1
    assert body["ranking"] == [
        {"rank": 1, "unit": "清波街道办事处", "cases": 2, "resolved": 1, "resolution_rate": 50.0}
    ]
    # The case screened out no longer concerns the township, nor does its petition (never sent there).
    assert len(client(people.township_handler).get("/api/v1/campaign-cases/").json()["results"]) == 2
    assert client(people.other_township_handler).get(f"{URL}{pk}/").status_code == 404
    assert client(people.other_township_handler).get("/api/v1/campaign-cases/").json()["results"] == []
