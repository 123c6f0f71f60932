"""The receiving end of transport A: ``POST /federation/v1/events/`` from a registered peer, signed.

A request from an unknown or disabled key, with a bad or stale signature, or replayed, is refused (403 with
a Chinese problem detail), logged and audited; a signed request is answered event by event (``inbox``)."""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xinfang.audit import services as audit
from xinfang.http import client_ip

from . import inbox, signing
from .models import Peer

log = logging.getLogger("xinfang.federation")
MAX_EVENTS = 500


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": "拒收", "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _refuse(request, peer: Peer | None, key_id: str, reason: str) -> JsonResponse:
    ip = client_ip(request)
    log.warning("federation request refused (key %r, from %s): %s", key_id, ip, reason)
    if peer is not None:
        audit.record(
            action="federation_refused",
            target=peer,
            actor=peer.service_user,
            ip_address=ip,
            reason=reason,
            data={"key": key_id, "path": request.path},
        )
    return _problem(403, reason)


@csrf_exempt
@require_POST
def events(request):
    key_id = request.headers.get(signing.KEY_HEADER, "")
    peer = (
        Peer.objects.select_related("service_user").filter(inbound_key_id=key_id).first() if key_id else None
    )
    if peer is None or not peer.is_active:
        return _refuse(request, peer, key_id, "请求来自未登记或已停用的联网实例，拒收。")
    got = {
        name: request.headers.get(name, "")
        for name in (signing.TIME_HEADER, signing.NONCE_HEADER, signing.SIGNATURE_HEADER)
    }
    try:
        signing.verify(peer.inbound_secret, request.method, request.path, got, request.body)
    except signing.Refused as exc:
        return _refuse(request, peer, key_id, exc.reason)
    try:
        body = json.loads(request.body.decode())
        envelopes = body["events"]
        if not isinstance(envelopes, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _problem(400, '请求内容应为 {"events": [...]}。')
    if len(envelopes) > MAX_EVENTS:
        return _problem(400, f"每次最多{MAX_EVENTS}个事件。")
    results = [inbox.receive(peer, envelope) for envelope in envelopes]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
