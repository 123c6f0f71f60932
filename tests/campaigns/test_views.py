"""The campaign pages: create, batch, import (twice), screen, resolve, and the sentence and ranking shown."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories as f
from tests.scenes import when
from xinfang.campaigns.models import Campaign, CampaignCase


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_campaign_through_the_pages(org, people, frozen_clock):
    frozen_clock(when("2026-03-01 09:00"))
    bureau = logged_in(people.bureau_handler)
    bureau.post("/campaigns/new/", {"name": "巡视反馈问题整改", "assigning_body": "inspection", "assigned_on": "2026-03-01",
                                    "deadline": "2026-05-31", "criteria": "问题已整改\n信访人认可"})  # fmt: skip
    campaign = Campaign.objects.get()
    bureau.post(
        f"/campaigns/{campaign.pk}/batch/",
        {"name": "第一批", "assigned_on": "2026-03-01", "due_on": "2026-04-30"},
    )
    petitions = [f.register(people.registrar) for _ in range(2)]
    text = "\n".join(
        json.dumps(
            {
                "registration_number": p.registration_number,
                "batch": "第一批",
                "responsible_unit": "330102-ZJJ",
            }
        )
        for p in petitions
    )
    upload = SimpleUploadedFile("list.jsonl", text.encode())
    assert (
        "导入2件"
        in bureau.post(f"/campaigns/{campaign.pk}/import/", {"file": upload}, follow=True).content.decode()
    )
    again = bureau.post(f"/campaigns/{campaign.pk}/import/", {"lines": text}, follow=True).content.decode()
    assert "已导入过" in again and CampaignCase.objects.count() == 2
    first, second = CampaignCase.objects.order_by("id")
    refused = bureau.post(
        f"/campaigns/cases/{second.pk}/screen/", {"included": "out", "reason": ""}, follow=True
    )
    assert "须说明理由" in refused.content.decode()
    bureau.post(f"/campaigns/cases/{second.pk}/screen/", {"included": "out", "reason": "不属于巡视反馈问题"})
    bureau.post(f"/campaigns/cases/{first.pk}/screen/", {"included": "in"})
    frozen_clock(when("2026-04-01 09:00"))
    criteria = [str(pk) for pk in campaign.criteria.values_list("pk", flat=True)]
    department = logged_in(people.department_handler)
    department.post(
        f"/campaigns/cases/{first.pk}/resolve/",
        {"resolved_on": "2026-04-01", "criteria_met": criteria, "note": "已整改"},
    )
    first.refresh_from_db()
    assert first.resolved_on is not None
    page = bureau.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "巡视组共交办我区1个案件，涉及1个区直单位，已化解1案，化解率100%" in page
    assert "上城区住房和城乡建设局" in page
    assert logged_in(people.other_township_handler).get(f"/campaigns/{campaign.pk}/").status_code == 404
