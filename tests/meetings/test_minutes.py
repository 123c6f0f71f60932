"""Meeting minutes as docx and PDF: the items, decisions (lead and supporting units, action, deadline) and
escalations read back from both files; an accused unit's copy leaves the accusation's item out."""

from __future__ import annotations

import io

import docx
import pypdf
from django.test import Client

from tests import factories as f
from tests.scenes import day, make_leaders, when
from xinfang.meetings import services
from xinfang.meetings.services import ItemInput


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _pdf_text(data: bytes) -> str:
    # Glyph runs may be split by spaces or lines when extracted; the texts compared carry no spaces.
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())


def test_minutes_list_items_decisions_and_escalations(scene, people, org, frozen_clock):
    one, two = scene.transferred(), scene.transferred()
    frozen_clock(when("2026-03-06 15:00"))
    meeting = services.hold_meeting(
        people.township_leader, level="township", kind="regular", held_on=day("2026-03-06"),
        title="清波街道联席会议", attendees="街道、住建局",
        items=[ItemInput("征收补偿", petition=one), ItemInput("物业维修", petition=two)],
    )  # fmt: skip
    first, second = meeting.items.order_by("position")
    services.decide(first, people.township_leader, lead_unit=org.qingbo_unit, supporting_units=[org.housing],
                    action="联合核查补偿标准", deadline=day("2026-03-20"))  # fmt: skip
    services.escalate_item(second, people.township_leader, target="county_meeting", reason="涉及县级政策")
    client = Client()
    client.force_login(people.township_leader)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/minutes.docx" in page and f"/meetings/{meeting.pk}/minutes.pdf" in page

    response = client.get(f"/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = _docx_text(response.content)
    for expected in ("清波街道联席会议纪要", "一、征收补偿", "二、物业维修", "议定：联合核查补偿标准",
                     f"牵头单位：{org.qingbo_unit.name}", f"配合单位：{org.housing.name}",
                     "办理时限：2026年3月20日", "提请县联席会议研究，理由：涉及县级政策", one.registration_number):  # fmt: skip
        assert expected in text, expected

    response = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    for expected in (
        "清波街道联席会议纪要",
        "联合核查补偿标准",
        org.housing.name,
        "2026年3月20日",
        "涉及县级政策",
    ):
        assert expected in text, expected
    assert client.get(f"/meetings/{meeting.pk}/minutes.txt").status_code == 404


def test_the_township_minutes_show_what_the_county_meeting_did(scene, people, org, frozen_clock):
    petition = scene.transferred()
    frozen_clock(when("2026-03-06 15:00"))
    township = services.hold_meeting(
        people.township_leader, level="township", kind="regular", held_on=day("2026-03-06"),
        title="清波街道联席会议", attendees="a", items=[ItemInput("征收补偿", petition=petition)],
    )  # fmt: skip
    item = township.items.get()
    services.escalate_item(item, people.township_leader, target="county_meeting", reason="涉及县级政策")
    county = services.hold_meeting(
        people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"), title="县联席会议",
        attendees="b", items=[ItemInput("征收补偿（乡镇提请）", escalated_from=item)],
    )  # fmt: skip
    services.settle_item(county.items.get(), people.bureau_leader, note="明确补偿标准，签订协议")
    client = Client()
    client.force_login(people.township_leader)
    expected = "县联席会议办理情况：已化解，明确补偿标准，签订协议"
    assert expected in client.get(f"/meetings/{township.pk}/").content.decode()
    assert expected in _docx_text(client.get(f"/meetings/{township.pk}/minutes.docx").content)


def test_the_accused_units_minutes_leave_the_accusation_out(people, org, frozen_clock):
    leaders = make_leaders(org)
    frozen_clock(when("2026-03-06 15:00"))
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=leaders.committee)
    meeting = services.hold_meeting(people.bureau_leader, level="county", kind="ad_hoc", held_on=day("2026-03-06"),
                                    title="县联席会议", attendees="a",
                                    items=[ItemInput("检举某领导", petition=accusation), ItemInput("其他议题")])  # fmt: skip
    client = Client()
    client.force_login(leaders.secretary)
    text = _docx_text(client.get(f"/meetings/{meeting.pk}/minutes.docx").content)
    assert "其他议题" in text and "检举某领导" not in text and accusation.registration_number not in text
    # Not "two items": the count does not betray the one left out.
    assert "研究了一项议题" in text
    client.force_login(people.bureau_leader)
    assert "检举某领导" in _docx_text(client.get(f"/meetings/{meeting.pk}/minutes.docx").content)


def test_minutes_of_a_meeting_out_of_scope_are_not_found(people, frozen_clock):
    frozen_clock(when("2026-03-06 15:00"))
    meeting = services.hold_meeting(people.township_leader, level="township", kind="regular",
                                    held_on=day("2026-03-06"), title="清波街道联席会议", attendees="a",
                                    items=[ItemInput("议题")])  # fmt: skip
    client = Client()
    client.force_login(people.other_township_handler)
    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
