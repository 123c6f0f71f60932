"""The outbox is written in the transaction of the change: a matter assigned to a unit a peer serves goes
down with its record; acting on a matter that came from a peer goes up; nothing is written for a refused
transition; personal data is never stored in clear."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from tests import factories as f
from tests.federation.conftest import Sender
from xinfang import clock
from xinfang.federation import inbox
from xinfang.federation.models import LinkDirection, OutboxEvent, RemoteLink
from xinfang.petitions.models import Petition
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform

pytestmark = pytest.mark.django_db


def _due() -> str:
    return (clock.local_date(clock.now()) + dt.timedelta(days=30)).isoformat()


def test_assigning_to_a_peer_unit_writes_the_send_event_in_the_same_transaction(fed, org, people):
    petition = f.register(people.city_registrar, received_at=clock.now() - dt.timedelta(hours=2))
    perform(petition, "assign", fed.city_handler, to_unit=org.bureau, report_due=_due())
    (row,) = OutboxEvent.objects.filter(peer=fed.county)
    envelope = json.loads(row.payload)
    assert (row.seq, row.type, row.status) == (1, "assign", "pending")
    assert envelope["sender_ref"] == petition.registration_number
    assert envelope["event"]["to_unit"] == "330102-XFJ"
    assert envelope["record"]["petitioners"][0]["id_number"] == petition.parties.first().petitioner.id_number
    assert RemoteLink.objects.get(petition=petition).direction == LinkDirection.TO_PEER
    # At rest the payload is a Fernet token: no ID number or phone in the column.
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM federation_outboxevent WHERE id = %s", [row.pk])
        (raw,) = cursor.fetchone()
    person = petition.parties.first().petitioner
    assert person.id_number not in raw and person.phone not in raw and "330102" not in raw


def test_a_refused_transition_writes_no_event(fed, org, people):
    petition = f.register(people.city_registrar, received_at=clock.now() - dt.timedelta(hours=2))
    with pytest.raises(TransitionRefused):
        perform(petition, "assign", fed.city_handler, to_unit=org.bureau)  # no report deadline
    assert not OutboxEvent.objects.exists()


def test_a_unit_not_served_by_a_peer_sends_nothing(fed, org, people):
    petition = f.register(people.city_registrar, received_at=clock.now() - dt.timedelta(hours=2))
    perform(petition, "transfer", fed.city_handler, to_unit=org.other_bureau)
    assert not OutboxEvent.objects.exists()


def test_acting_on_a_matter_from_a_peer_goes_up_in_sequence(fed, org, province_record):
    sender = Sender("XF-330000-2026-000001", province_record)
    due = _due()
    inbox.receive(
        fed.province,
        sender.envelope("assign", {"by_unit": "330000-XFJ", "to_unit": "330100-XFJ", "report_due": due}),
    )
    petition = Petition.objects.get(external_id="XF-330000-2026-000001")
    perform(petition, "sign_for", fed.city_handler)
    perform(petition, "accept", fed.city_handler)
    rows = list(OutboxEvent.objects.filter(peer=fed.province).order_by("seq"))
    # The assignment applied here is not echoed; this instance's facts after it go up as a report.
    assert [(r.seq, r.type) for r in rows] == [(1, "report"), (2, "sign_for"), (3, "accept")]
    envelope = json.loads(rows[1].payload)
    accepted = {d["stage"]: d["status"] for d in json.loads(rows[2].payload)["facts"]["deadlines"]}
    assert accepted["accept"] == "met" and accepted["handle"] == "open"
    assert envelope["ref"] == "XF-330000-2026-000001"  # the province's own number: it finds its petition
    assert envelope["event"]["by_unit"] == "330100-XFJ"
    assert "record" not in envelope


def test_the_city_passing_an_assigned_matter_down_reports_the_result_up_only_after_its_review(
    fed, org, province_record
):
    """Province → city (assign) → county (assign): the county's reply reaches the province as the city's
    result when the city confirms it; the rework in between stays between the city and the county."""
    sender = Sender("XF-330000-2026-000001", province_record)
    due = _due()
    inbox.receive(
        fed.province,
        sender.envelope("assign", {"by_unit": "330000-XFJ", "to_unit": "330100-XFJ", "report_due": due}),
    )
    petition = Petition.objects.get(external_id="XF-330000-2026-000001")
    perform(petition, "assign", fed.city_handler, to_unit=org.bureau, report_due=due)
    down = OutboxEvent.objects.get(peer=fed.county)
    county = Sender("XF-330102-2026-000007")
    county.ours = petition.registration_number
    for type_, event in [
        ("sign_for", {}),
        ("accept", {}),
        ("reply", {"opinion": "support", "text": "经核查，予以支持。"}),
    ]:
        assert (
            inbox.receive(fed.county, county.envelope(type_, {"by_unit": "330102-XFJ", **event}))["status"]
            == "applied"
        )
    up = [r.type for r in OutboxEvent.objects.filter(peer=fed.province).order_by("seq")]
    # Relayed; the reply waits for the city's review (only the city's facts after it go up, as a report).
    assert [t for t in up if t != "report"] == ["sign_for", "accept"] and up[-1] == "report"
    perform(petition, "return_for_rework", fed.city_handler, reason="事实未查清。")
    assert OutboxEvent.objects.filter(peer=fed.county).order_by("seq").last().type == "return_for_rework"
    reply = county.envelope(
        "reply", {"by_unit": "330102-XFJ", "opinion": "explain", "text": "重新核查后解释说明。"}
    )
    assert inbox.receive(fed.county, reply)["status"] == "applied"
    perform(petition, "confirm_conclusion", fed.city_handler)
    rows = list(OutboxEvent.objects.filter(peer=fed.province).exclude(type="report").order_by("seq"))
    assert [r.type for r in rows] == ["sign_for", "accept", "reply"]
    result = json.loads(rows[-1].payload)["event"]
    assert (result["opinion"], result["text"]) == ("explain", "重新核查后解释说明。")
    assert down.seq == 1
    assert [r.type for r in OutboxEvent.objects.filter(peer=fed.county).exclude(type="report")] == [
        "assign",
        "return_for_rework",
        "confirm_conclusion",
    ]


def test_a_lower_units_objection_stops_at_the_instance_it_returns_to(fed, org, province_record):
    sender = Sender("XF-330000-2026-000001", province_record)
    due = _due()
    event = {"by_unit": "330000-XFJ", "to_unit": "330100-XFJ", "report_due": due}
    inbox.receive(fed.province, sender.envelope("assign", event))
    petition = Petition.objects.get(external_id="XF-330000-2026-000001")
    perform(petition, "assign", fed.city_handler, to_unit=org.bureau, report_due=due)
    county = Sender("XF-330102-2026-000007")
    county.ours = petition.registration_number
    answer = inbox.receive(
        fed.county, county.envelope("object", {"by_unit": "330102-XFJ", "reason": "不属本级职责。"})
    )
    assert answer["status"] == "applied"
    petition.refresh_from_db()
    assert petition.status == "registered"
    assert not OutboxEvent.objects.filter(peer=fed.province).exclude(type="report").exists()
