"""The ledger's pages: record, escalate (skipping needs a reason), close, and the monthly report."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from tests.scenes import when
from xinfang.disputes.models import Dispute


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_dispute_through_the_pages(org, people, frozen_clock):
    frozen_clock(when("2026-03-05 09:00"))
    township = logged_in(people.township_handler)
    assert "不建立人员名单" in township.get("/disputes/new/").content.decode()
    township.post("/disputes/new/", {
        "title": "欠薪纠纷", "kind": "labour", "region": org.qingbo.pk, "parties": "某工地20名务工人员与承包方",
        "matter": "工资结算", "risk_level": "high", "found_via": "grid", "found_on": "2026-03-04", "level": "township",
    })  # fmt: skip
    dispute = Dispute.objects.get()
    skipped = township.post(
        f"/disputes/{dispute.pk}/escalate/",
        {"to_level": "leadership", "to_unit": org.bureau.pk, "reason": "金额大"},
        follow=True,
    )
    assert "须说明理由" in skipped.content.decode()
    township.post(
        f"/disputes/{dispute.pk}/escalate/",
        {"to_level": "county_meeting", "to_unit": org.bureau.pk, "reason": "金额大"},
    )
    dispute.refresh_from_db()
    assert dispute.level == "county_meeting"
    bureau = logged_in(people.bureau_handler)
    refused = bureau.post(f"/disputes/{dispute.pk}/close/", {"outcome": "resolved"}, follow=True)
    assert "须填写化解结果" in refused.content.decode()
    bureau.post(
        f"/disputes/{dispute.pk}/close/", {"outcome": "resolved", "note": "县联席会议协调，工资已结清"}
    )
    dispute.refresh_from_db()
    assert dispute.outcome == "resolved"
    assert "县联席会议" in bureau.get(f"/disputes/{dispute.pk}/").content.decode()
    xlsx = logged_in(people.bureau_leader).get("/disputes/report/", {"year": 2026, "month": 3})
    rows = list(load_workbook(io.BytesIO(xlsx.content))["按乡镇和类型"].iter_rows(values_only=True))
    assert rows[2] == ("清波街道", "劳动争议（欠薪）", 1, 1, 0, 0, 0)
    assert township.get("/disputes/report/", {"year": 2026, "month": 3}).status_code == 403
