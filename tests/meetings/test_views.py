"""The meeting pages: a township meeting of two petitions and a dispute, a decision, one item sent up and
settled by the county meeting; the supporting unit finds the decision in its list."""

from __future__ import annotations

from django.test import Client

from tests.scenes import day, when
from xinfang.disputes import services as disputes
from xinfang.meetings.models import AgendaItem, Decision, JointMeeting


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_township_meeting_through_the_pages(scene, people, org, frozen_clock):
    one, two = scene.transferred(), scene.transferred()
    frozen_clock(when("2026-03-06 15:00"))
    dispute = disputes.record_dispute(
        people.township_handler, kind="requisition", region=org.qingbo, title="征迁纠纷", parties="三户居民",
        matter="补偿", risk_level="high", found_via="visit", found_on=day("2026-03-04"), level="township",
    )  # fmt: skip
    township = logged_in(people.township_leader)
    items = f"{one.registration_number} 征收补偿\n{two.registration_number} 物业维修\n纠纷编号{dispute.pk} 征迁纠纷"
    form = {
        "level": "township",
        "kind": "regular",
        "held_on": "2026-03-06",
        "title": "清波街道联席会议",
        "attendees": "各站所",
    }
    bad = township.post("/meetings/new/", {**form, "items": "XF-NOPE 不存在"}, follow=True).content.decode()
    assert "不存在或无权查看" in bad and not JointMeeting.objects.exists()
    township.post("/meetings/new/", {**form, "items": items})
    meeting = JointMeeting.objects.get()
    first, _, third = meeting.items.order_by("position")
    refused = township.post(
        f"/meetings/{meeting.pk}/items/{first.pk}/decide/", {"action": "重新评估"}, follow=True
    )
    assert "请明确牵头单位" in refused.content.decode()
    township.post(f"/meetings/{meeting.pk}/items/{first.pk}/decide/", {
        "action": "重新评估", "lead_unit": org.qingbo_unit.pk, "supporting_units": [org.housing.pk], "deadline": "2026-03-20",
    })  # fmt: skip
    township.post(
        f"/meetings/{meeting.pk}/items/{third.pk}/escalate/",
        {"target": "county_meeting", "reason": "涉及县级政策"},
    )
    county = logged_in(people.bureau_leader)
    county.post("/meetings/new/", {"level": "county", "kind": "ad_hoc", "held_on": "2026-03-06", "title": "县联席会议",
                                   "attendees": "分管副县长", "items": f"议题编号{third.pk} 征迁纠纷（乡镇提请）"})  # fmt: skip
    taken = AgendaItem.objects.get(escalated_from=third)
    county.post(f"/meetings/{taken.meeting_id}/items/{taken.pk}/settle/", {"note": "明确补偿标准，签订协议"})
    taken.refresh_from_db()
    assert taken.status == "settled" and taken.dispute == dispute
    page = logged_in(people.department_handler).get("/meetings/").content.decode()
    assert "重新评估" in page and Decision.objects.get().lead_unit == org.qingbo_unit
    assert "征迁纠纷" in county.get(f"/meetings/{taken.meeting_id}/").content.decode()
    assert logged_in(people.other_township_handler).get(f"/meetings/{meeting.pk}/").status_code == 404
