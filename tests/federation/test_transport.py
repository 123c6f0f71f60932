"""Transports: the signed endpoint refuses forged, stale, replayed and unknown requests (logged, audited);
delivery retries with backoff, dead-letters after the limit, keeps order per petition and stores the peer's
answers; bundles carry signed lines and a tampered line is refused while the rest is read."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from tests.federation.conftest import SECRET_IN_PROVINCE, Sender
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.federation import delivery, signing
from xinfang.federation.models import InboxEvent, OutboxEvent, OutboxStatus, Peer
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db
PATH = "/federation/v1/events/"


def _assign(sender: Sender) -> dict:
    due = (clock.local_date(clock.now()) + dt.timedelta(days=40)).isoformat()
    return sender.envelope("assign", {"by_unit": "330000-XFJ", "to_unit": "330100-XFJ", "report_due": due})


def _post(body: bytes, headers: dict) -> object:
    extra = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return Client().post(PATH, data=body, content_type="application/json", **extra)


def test_a_signed_request_is_answered_per_event(fed, province_record):
    body = json.dumps({"events": [_assign(Sender("XF-330000-2026-000001", province_record))]}).encode()
    response = _post(body, signing.headers("province-to-city", SECRET_IN_PROVINCE, "POST", PATH, body))
    assert response.status_code == 200
    (answer,) = response.json()["results"]
    assert answer["status"] == "applied" and answer["ref"]
    assert Petition.objects.filter(external_id="XF-330000-2026-000001").exists()


@pytest.mark.parametrize("case", ["forged", "unknown", "stale", "disabled", "replayed"])
def test_bad_requests_are_refused_logged_and_audited(fed, province_record, case, caplog):
    body = json.dumps({"events": [_assign(Sender("XF-330000-2026-000001", province_record))]}).encode()
    key, secret = "province-to-city", SECRET_IN_PROVINCE
    if case == "forged":
        secret = "x" * 40
    if case == "unknown":
        key = "somebody"
    headers = signing.headers(key, secret, "POST", PATH, body)
    if case == "stale":
        headers[signing.TIME_HEADER] = str(int(clock.now().timestamp()) - 3600)
        headers[signing.SIGNATURE_HEADER] = signing.sign(
            secret, "POST", PATH, headers[signing.TIME_HEADER], headers[signing.NONCE_HEADER], body
        )
    if case == "disabled":
        Peer.objects.filter(pk=fed.province.pk).update(is_active=False)
    if case == "replayed":
        assert _post(body, headers).status_code == 200
    response = _post(body, headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "拒收" in response.json()["detail"]
    assert "federation request refused" in caplog.text
    if case in ("forged", "stale", "replayed"):
        assert Event.objects.filter(action="federation_refused", target_id=str(fed.province.pk)).exists()
    expected = 1 if case == "replayed" else 0
    assert InboxEvent.objects.count() == expected


def _queue(fed, count=3):
    """Events to the county peer for one petition, as the outbox writes them (built directly)."""
    petition = Petition.objects.first()
    rows = []
    for seq in range(1, count + 1):
        payload = {"id": f"00000000-0000-4000-8000-00000000000{seq}", "seq": seq, "type": "urge"}
        rows.append(
            OutboxEvent.objects.create(
                peer=fed.county,
                petition=petition,
                seq=seq,
                key=payload["id"],
                type="urge",
                payload=json.dumps(payload),
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )
    return rows


def test_failures_back_off_then_dead_letter_and_replay_requeues(fed, people, settings, frozen_clock):
    from tests import factories as f

    start = frozen_clock(clock.now())
    f.register(people.city_registrar, received_at=start - dt.timedelta(hours=1))
    settings.FEDERATION_MAX_ATTEMPTS = 3
    settings.FEDERATION_BACKOFF_SECONDS = 10
    rows = _queue(fed)

    def down(peer, envelopes):
        raise delivery.TransportError("无法连接对端：connection refused")

    assert delivery.deliver(fed.county, send=down)["failed"] == 3
    row = OutboxEvent.objects.get(pk=rows[0].pk)
    assert (row.attempts, row.next_attempt_at) == (1, start + dt.timedelta(seconds=10))
    assert delivery.deliver(fed.county, send=down) == {
        "acked": 0,
        "held": 0,
        "quarantined": 0,
        "failed": 0,
        "dead": 0,
    }
    frozen_clock(start + dt.timedelta(seconds=10))
    delivery.deliver(fed.county, send=down)
    assert OutboxEvent.objects.get(pk=rows[0].pk).next_attempt_at == start + dt.timedelta(seconds=30)
    frozen_clock(start + dt.timedelta(seconds=30))
    assert delivery.deliver(fed.county, send=down)["dead"] == 3
    out = io.StringIO()
    call_command("federation", "dead-letters", stdout=out)
    assert out.getvalue().count("发送失败") == 3 and "connection refused" in out.getvalue()
    call_command("federation", "replay", str(rows[0].pk), stdout=io.StringIO())
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == OutboxStatus.PENDING
    assert Event.objects.filter(action="federation_replay", target_id=str(rows[0].pk)).count() == 1
    sent = []

    def up(peer, envelopes):
        sent.append([e["seq"] for e in envelopes])
        return [{"status": "applied", "ref": "XF-330102-2026-000001", "petition_id": 9} for _ in envelopes]

    assert delivery.deliver(fed.county, send=up)["acked"] == 1
    assert sent == [[1]]
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == OutboxStatus.ACKED


def test_a_later_event_never_goes_before_an_earlier_pending_one(fed, people, frozen_clock):
    from tests import factories as f

    start = frozen_clock(clock.now())
    f.register(people.city_registrar, received_at=start - dt.timedelta(hours=1))
    rows = _queue(fed)
    OutboxEvent.objects.filter(pk=rows[0].pk).update(next_attempt_at=start + dt.timedelta(minutes=5))
    sent = []

    def up(peer, envelopes):
        sent.extend(e["seq"] for e in envelopes)
        answers = {1: "applied", 2: "held", 3: "quarantined"}
        return [{"status": answers[e["seq"]], "reason": "理由" if e["seq"] == 3 else ""} for e in envelopes]

    delivery.deliver(fed.county, send=up)
    assert sent == []
    frozen_clock(start + dt.timedelta(minutes=5))
    delivery.deliver(fed.county, send=up)
    assert sent == [1, 2, 3]
    statuses = [OutboxEvent.objects.get(pk=r.pk) for r in rows]
    assert [s.status for s in statuses] == [OutboxStatus.ACKED, OutboxStatus.SENT, OutboxStatus.QUARANTINED]
    assert statuses[2].last_error == "理由"  # the peer's reason, kept on the row


def test_a_bundle_round_trip_and_a_tampered_line(fed, province_record, tmp_path):
    sender = Sender("XF-330000-2026-000001", province_record)
    first = _assign(sender)
    urge = sender.envelope("urge", {"by_unit": "330000-XFJ", "text": "请抓紧。"})
    header = {"bundle": "xinfang-federation/1", "key": "province-to-city"}
    good = {"event": first, "signature": signing.sign_line(SECRET_IN_PROVINCE, first)}
    tampered = {
        "event": {**urge, "seq": 2},
        "signature": signing.sign_line(SECRET_IN_PROVINCE, {**urge, "seq": 9}),
    }
    path = tmp_path / "bundle.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (header, good, tampered)) + "\n")
    out = io.StringIO()
    call_command("federation", "import-bundle", str(path), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["status"] for line in lines] == ["applied", "refused"]
    assert Petition.objects.filter(external_id="XF-330000-2026-000001").exists()
    assert InboxEvent.objects.count() == 1


def test_export_bundle_writes_pending_events_signed_and_marks_them_sent(fed, people, tmp_path):
    from tests import factories as f

    f.register(people.city_registrar, received_at=clock.now() - dt.timedelta(hours=1))
    _queue(fed, 2)
    call_command("federation", "export-bundle", "--peer", "county", str(tmp_path), stdout=io.StringIO())
    (path,) = tmp_path.iterdir()
    header, *lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert header["key"] == "city-to-county"
    assert [line["event"]["seq"] for line in lines] == [1, 2]
    for line in lines:
        signing.verify_line(fed.county.outbound_secret, line["event"], line["signature"])
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
