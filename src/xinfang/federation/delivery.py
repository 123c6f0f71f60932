"""Sending the outbox (docs/federation.md, "Delivery"): per peer, the due events in sequence order per
petition, in batches; each answer is stored on its row (acked, held at the peer, or quarantined there with
the peer's reason). A transport failure retries the batch with exponential backoff; after
``FEDERATION_MAX_ATTEMPTS`` tries an event is dead, listed by ``xinfang federation dead-letters`` until an
administrator replays it. A later event of a petition is never sent before an earlier pending one.

Transport A posts JSON to ``<base_url>/federation/v1/events/`` with signed headers; transport B writes and
reads signed JSON Lines bundles (``export_bundle`` / ``import_bundle``) for networks without a direct path.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit

from . import inbox, signing
from .models import OutboxEvent, OutboxStatus, Peer, RemoteLink

log = logging.getLogger("xinfang.federation")
PATH = "/federation/v1/events/"
BATCH = 100


class TransportError(Exception):
    pass


def _due(peer: Peer, now: dt.datetime) -> list[OutboxEvent]:
    """The pending events to send now: per petition, its earliest pending events in order, up to the
    first one still waiting for its retry time (none after it goes ahead of it)."""
    rows = list(
        OutboxEvent.objects.filter(peer=peer, status=OutboxStatus.PENDING).order_by("petition_id", "seq")[
            : BATCH * 5
        ]
    )
    blocked, due = set(), []
    for row in rows:
        if row.petition_id in blocked:
            continue
        if row.next_attempt_at > now:
            blocked.add(row.petition_id)
            continue
        due.append(row)
        if len(due) >= BATCH:
            break
    return due


def post(peer: Peer, envelopes: list[dict]) -> list[dict]:
    """Transport A: one signed POST; the peer's answers in order. Raises ``TransportError``."""
    body = json.dumps({"events": envelopes}, ensure_ascii=False).encode()
    base = peer.base_url.rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise TransportError("对端地址应以 https:// 或 http:// 开头。")
    url = base + PATH
    path = (urlsplit(base).path.rstrip("/") or "") + PATH
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    for name, value in signing.headers(
        peer.outbound_key_id, peer.outbound_secret, "POST", path, body
    ).items():
        request.add_header(name, value)
    try:
        # The scheme was checked above: only http(s) to the administrator's registered address.
        timeout = settings.FEDERATION_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            answer = json.loads(response.read().decode())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:500]
        raise TransportError(f"对端拒绝请求（HTTP {exc.code}）：{detail}") from None
    except (OSError, ValueError) as exc:
        raise TransportError(f"无法连接对端：{exc}") from None
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(envelopes):
        raise TransportError("对端应答格式不正确。")
    return results


def deliver(peer: Peer | None = None, *, send=post) -> dict:
    """One run: every active peer (or ``peer``), until nothing is due. Returns counts."""
    counts = {"acked": 0, "held": 0, "quarantined": 0, "failed": 0, "dead": 0}
    peers = [peer] if peer is not None else list(Peer.objects.filter(is_active=True).exclude(base_url=""))
    for one in peers:
        while True:
            rows = _due(one, clock.now())
            if not rows:
                break
            try:
                results = send(one, [json.loads(row.payload) for row in rows])
            except TransportError as exc:
                log.warning("federation delivery to %s failed: %s", one.name, exc)
                _failed(rows, str(exc), counts)
                break
            _answered(one, rows, results, counts)
    inbox.release_all()
    return counts


def _failed(rows: list[OutboxEvent], error: str, counts: dict) -> None:
    now = clock.now()
    with transaction.atomic():
        for row in rows:
            row.attempts += 1
            row.last_error = error
            if row.attempts >= settings.FEDERATION_MAX_ATTEMPTS:
                row.status = OutboxStatus.DEAD
                counts["dead"] += 1
            else:
                delay = settings.FEDERATION_BACKOFF_SECONDS * 2 ** (row.attempts - 1)
                row.next_attempt_at = now + dt.timedelta(seconds=min(delay, 6 * 3600))
                counts["failed"] += 1
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _answered(peer: Peer, rows: list[OutboxEvent], results: list[dict], counts: dict) -> None:
    now = clock.now()
    with transaction.atomic():
        for row, result in zip(rows, results, strict=True):
            status = result.get("status") if isinstance(result, dict) else None
            row.attempts += 1
            row.sent_at = now
            if status == "applied":
                row.status, row.last_error = OutboxStatus.ACKED, ""
                counts["acked"] += 1
                _remember_ref(peer, row, result)
            elif status == "held":
                row.status, row.last_error = OutboxStatus.SENT, str(result.get("reason") or "")
                counts["held"] += 1
            elif status == "quarantined":
                row.status, row.last_error = OutboxStatus.QUARANTINED, str(result.get("reason") or "")
                counts["quarantined"] += 1
            else:
                row.last_error = f"对端应答无效：{result!r}"[:500]
                row.next_attempt_at = now + dt.timedelta(seconds=settings.FEDERATION_BACKOFF_SECONDS)
                counts["failed"] += 1
            row.save(update_fields=["attempts", "sent_at", "status", "last_error", "next_attempt_at"])


def _remember_ref(peer: Peer, row: OutboxEvent, result: dict) -> None:
    ref = result.get("ref")
    if isinstance(ref, str) and ref:
        RemoteLink.objects.filter(peer=peer, petition_id=row.petition_id, remote_number="").update(
            remote_number=ref[:40], remote_petition_id=result.get("petition_id")
        )


def replay(row: OutboxEvent, actor) -> None:
    """Requeue a dead or quarantined event (audited): sent again at the next run, same idempotency key."""
    with transaction.atomic():
        before = row.status
        row.status, row.attempts, row.next_attempt_at = OutboxStatus.PENDING, 0, clock.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit.record(
            action="federation_replay",
            target=row,
            petition=row.petition,
            actor=actor,
            data={"peer": row.peer.name, "seq": row.seq, "type": row.type, "was": before},
        )


# --- transport B: signed JSON Lines bundles --------------------------------------------------------------


def export_bundle(peer: Peer, stream) -> int:
    """Write the peer's pending events to ``stream`` (one header line, then one signed event a line), in
    order; they are marked sent. Returns how many."""
    rows = list(
        OutboxEvent.objects.filter(peer=peer, status=OutboxStatus.PENDING).order_by("petition_id", "seq")
    )
    header = {
        "bundle": "xinfang-federation/1",
        "key": peer.outbound_key_id,
        "created": clock.now().isoformat(),
    }
    stream.write(json.dumps(header, ensure_ascii=False) + "\n")
    for row in rows:
        envelope = json.loads(row.payload)
        line = {"event": envelope, "signature": signing.sign_line(peer.outbound_secret, envelope)}
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")
    with transaction.atomic():
        OutboxEvent.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=OutboxStatus.SENT, sent_at=clock.now(), last_error="已写入交换文件"
        )
    return len(rows)


def import_bundle(lines) -> list[dict]:
    """Read a bundle: the header's key names the peer; each line's signature is checked before it is read.
    Raises ``signing.Refused`` for an unknown peer or a bad header; a line with a bad signature is refused
    (answered, logged) and the rest are read."""
    lines = iter(lines)
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError):
        raise signing.Refused("交换文件格式不正确：缺少文件头。") from None
    key = header.get("key") if isinstance(header, dict) else None
    peer = Peer.objects.filter(inbound_key_id=key or "", is_active=True).first()
    if peer is None:
        log.warning("federation bundle from unknown key %r refused", key)
        raise signing.Refused("交换文件来自未登记或已停用的联网实例，拒收。")
    answers = []
    for number, text in enumerate(lines, start=2):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            signing.verify_line(peer.inbound_secret, line["event"], line.get("signature"))
        except (ValueError, KeyError, TypeError, signing.Refused) as exc:
            reason = exc.reason if isinstance(exc, signing.Refused) else "该行不是有效的事件。"
            log.warning("federation bundle line %s from %s refused: %s", number, peer.name, reason)
            answers.append({"line": number, "status": "refused", "reason": reason})
            continue
        answers.append({"line": number, **inbox.receive(peer, line["event"])})
    return answers
