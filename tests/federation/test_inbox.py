"""The inbox: a matter sent down is registered and routed once; repeats are acked without applying; a gap
holds the later events until the earlier arrives; a malformed or refused event is quarantined with its
reason while the rest of the stream flows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.federation.conftest import Sender
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.federation import inbox
from xinfang.federation.models import InboxEvent, InboxStatus, LinkDirection, OutboxEvent, RemoteLink
from xinfang.petitions.models import Petition, Status
from xinfang.workflow.models import Routing

pytestmark = pytest.mark.django_db


def _assign(sender: Sender, to_unit: str = "330100-XFJ") -> dict:
    due = (clock.local_date(clock.now()) + dt.timedelta(days=40)).isoformat()
    return sender.envelope("assign", {"by_unit": "330000-XFJ", "to_unit": to_unit, "report_due": due})


def test_a_matter_assigned_down_is_registered_and_routed_once(fed, province_record, org):
    sender = Sender("XF-330000-2026-000001", province_record)
    envelope = _assign(sender)
    answers = [inbox.receive(fed.province, envelope) for _ in range(3)]  # delivered three times
    assert [a["status"] for a in answers] == ["applied"] * 3
    assert len({a["ref"] for a in answers}) == 1
    petition = Petition.objects.get(external_id="XF-330000-2026-000001")
    assert petition.registration_number == answers[0]["ref"]
    assert petition.status == Status.ASSIGNED
    assert petition.receiving_unit == fed.province_bureau
    routing = Routing.objects.get(petition=petition)
    assert (routing.from_unit, routing.to_unit, routing.action) == (
        fed.province_bureau,
        org.city_bureau,
        "assign",
    )
    link = RemoteLink.objects.get(petition=petition)
    assert (link.peer, link.direction, link.remote_number) == (
        fed.province,
        LinkDirection.FROM_PEER,
        "XF-330000-2026-000001",
    )
    assert InboxEvent.objects.filter(peer=fed.province).count() == 1
    assert Event.objects.filter(petition=petition, action="assign").count() == 1
    # Applied as the peer's service user, for the province's bureau; the assignment is not echoed back up,
    # only this instance's statistics facts of the matter are reported (the city bureau's open periods).
    event = Event.objects.get(petition=petition, action="assign")
    assert event.actor == fed.province.service_user
    (report,) = OutboxEvent.objects.filter(peer=fed.province)
    facts = json.loads(report.payload)["facts"]
    assert report.type == "report" and facts["region"] == org.city.code
    assert {d["stage"] for d in facts["deadlines"]} >= {"sign_for", "accept"}
    # Registered here as referred from above by the province (上级交办), whatever the province's own source.
    assert (petition.source, petition.source_level, petition.source_action) == (
        "referred_from_above",
        "province",
        "assign",
    )


def test_out_of_order_events_are_held_until_their_predecessor_arrives(fed, province_record):
    sender = Sender("XF-330000-2026-000001", province_record)
    first = _assign(sender)
    urge = sender.envelope("urge", {"by_unit": "330000-XFJ", "text": "请加快办理。"})
    supplement = sender.envelope("add_supplement", {"by_unit": "330000-XFJ", "text": "信访人补充了材料。"})
    assert inbox.receive(fed.province, supplement)["status"] == "held"
    assert inbox.receive(fed.province, urge)["status"] == "held"
    assert not Petition.objects.filter(external_id="XF-330000-2026-000001").exists()
    assert inbox.receive(fed.province, first)["status"] == "applied"
    petition = Petition.objects.get(external_id="XF-330000-2026-000001")
    rows = InboxEvent.objects.filter(peer=fed.province).order_by("seq")
    assert [(r.seq, r.status) for r in rows] == [(1, "applied"), (2, "applied"), (3, "applied")]
    actions = list(Event.objects.filter(petition=petition).order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["assign", "urge", "add_supplement"]
    # The held one answers "applied" once it is, so a sender retrying it learns the outcome.
    assert inbox.receive(fed.province, supplement)["status"] == "applied"


def test_a_rule_breaking_event_is_quarantined_with_its_reason_and_the_rest_flows(fed, province_record):
    sender = Sender("XF-330000-2026-000001", province_record)
    assert inbox.receive(fed.province, _assign(sender))["status"] == "applied"
    # Confirming a result that was never reported: the workflow refuses it.
    refused = inbox.receive(fed.province, sender.envelope("confirm_conclusion", {"by_unit": "330000-XFJ"}))
    assert refused["status"] == "quarantined"
    assert "不能审核认定办结" in refused["reason"]
    urge = inbox.receive(fed.province, sender.envelope("urge", {"by_unit": "330000-XFJ", "text": "请抓紧。"}))
    assert urge["status"] == "applied"
    row = InboxEvent.objects.get(peer=fed.province, seq=2)
    assert row.status == InboxStatus.QUARANTINED
    assert Event.objects.filter(action="federation_quarantine", target_id=str(row.pk)).count() == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "explode"}, "未知的事件类型"),
        ({"seq": "one"}, "序号"),
        ({"sender_ref": ""}, "sender_ref"),
        ({"record": None}, "record"),
        ({"id": "not-a-uuid"}, "幂等键"),
    ],
)
def test_malformed_events_are_quarantined(fed, province_record, change, reason):
    sender = Sender("XF-330000-2026-000001", province_record)
    envelope = {**_assign(sender), **change}
    answer = inbox.receive(fed.province, envelope)
    assert answer["status"] == "quarantined"
    assert reason in answer["reason"]
    assert not Petition.objects.filter(external_id="XF-330000-2026-000001").exists()


def test_an_event_for_an_unknown_matter_is_quarantined(fed):
    sender = Sender("XF-330000-2026-000099")
    answer = inbox.receive(
        fed.province, sender.envelope("urge", {"by_unit": "330000-XFJ", "text": "请抓紧。"})
    )
    assert answer["status"] == "quarantined"
    assert "没有与对端事项" in answer["reason"]


def test_a_record_that_breaks_registration_rules_is_quarantined_whole(fed, province_record):
    province_record["category"] = "不存在/的分类"
    sender = Sender("XF-330000-2026-000001", province_record)
    answer = inbox.receive(fed.province, _assign(sender))
    assert answer["status"] == "quarantined"
    assert "内容分类" in answer["reason"]
    assert not Petition.objects.filter(external_id="XF-330000-2026-000001").exists()
