"""Applying a peer's events here, each exactly once, in its sender's order (docs/federation.md).

``receive(peer, envelope)`` answers one event: ``applied`` (also for a repeated idempotency key, which is
not applied again), ``held`` (its predecessor in the sender's sequence has not arrived; applied when it
does) or ``quarantined`` (malformed, or refused by a rule of the workflow: the Chinese reason goes back to
the sender, and the stream goes on). An event is applied through ``petitions.services.register`` (a matter
sent down) and ``workflow.services.perform``, in one transaction with its ``InboxEvent`` row, as the peer's
service user acting for the peer's unit that holds the matter here.
"""

from __future__ import annotations

import contextlib
import json
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.exchange import parsing
from xinfang.exchange.actors import ExchangeUnit
from xinfang.orgs.importer import LineError
from xinfang.orgs.models import Level, OrgUnit
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Petition, Source
from xinfang.workflow import hooks
from xinfang.workflow.actors import PETITIONER_VIAS, PetitionerActor
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform
from xinfang.workflow.units import assigning_routing, current_routing

from . import reporting, visits
from .models import InboxEvent, InboxStatus, LinkDirection, Peer, RemoteLink
from .outbox import DOWN_ACTIONS, EVENT_TYPES, REPORT, SEND_ACTIONS, SKIP_LEVEL_VISIT, applying_from

PETITIONER_ACTIONS = parsing.PETITIONER_ACTIONS
SOURCE_LEVELS = (Level.NATIONAL, Level.PROVINCE, Level.CITY)  # a level that sends matters down
DONE = (InboxStatus.APPLIED, InboxStatus.QUARANTINED)


class Quarantine(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _answer(row: InboxEvent) -> dict:
    return {
        "id": row.key,
        "status": row.status,
        "reason": row.reason,
        "ref": row.petition.registration_number if row.petition_id else "",
        "petition_id": row.petition_id,
    }


def receive(peer: Peer, envelope) -> dict:
    """Take one event from ``peer``; returns the answer the sender stores."""
    key = envelope.get("id") if isinstance(envelope, dict) else None
    try:
        key = str(uuid.UUID(str(key)))
    except ValueError:
        return _quarantine_new(peer, f"bad-{uuid.uuid4()}", envelope, "事件缺少有效的幂等键（id）。")
    existing = InboxEvent.objects.filter(peer=peer, key=key).select_related("petition").first()
    if existing is not None:
        return _answer(existing)
    problem = _shape_problem(envelope)
    if problem:
        return _quarantine_new(peer, key, envelope, problem)
    stream, seq = envelope["sender_ref"], envelope["seq"]
    if seq > 1 and not _done(peer, stream, seq - 1):
        try:
            with transaction.atomic():
                row = _row(peer, key, envelope, InboxStatus.HELD, "前序事件尚未到达，暂存待办。")
        except IntegrityError:  # the same key, just written by a concurrent delivery
            return _answer(InboxEvent.objects.get(peer=peer, key=key))
        return _answer(row)
    answer = _apply_new(peer, key, envelope)
    release(peer, stream)
    return answer


def release(peer: Peer, stream: str) -> int:
    """Apply the held events of ``stream`` whose predecessor is now done; returns how many."""
    count = 0
    while True:
        held = (
            InboxEvent.objects.filter(peer=peer, stream=stream, status=InboxStatus.HELD)
            .order_by("seq", "pk")
            .first()
        )
        if held is None or not _done(peer, stream, held.seq - 1):
            return count
        _apply_held(held)
        count += 1


def release_all() -> int:
    """Every held event that can go now (the delivery run sweeps, so none waits on a lost race)."""
    count = 0
    streams = set(InboxEvent.objects.filter(status=InboxStatus.HELD).values_list("peer_id", "stream"))
    for peer_id, stream in streams:
        count += release(Peer.objects.get(pk=peer_id), stream)
    return count


def _done(peer: Peer, stream: str, seq: int) -> bool:
    return InboxEvent.objects.filter(peer=peer, stream=stream, seq=seq, status__in=DONE).exists()


def _shape_problem(envelope: dict) -> str:
    seq = envelope.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "事件序号（seq）应为正整数。"
    if envelope.get("type") not in EVENT_TYPES:
        return f"未知的事件类型“{envelope.get('type')}”。"
    if not isinstance(envelope.get("sender_ref"), str) or not envelope["sender_ref"].strip():
        return "事件缺少发送方登记编号（sender_ref）。"
    if not isinstance(envelope.get("event"), dict):
        return "事件缺少办理内容（event）。"
    if envelope["type"] in SEND_ACTIONS and not isinstance(envelope.get("record"), dict):
        return "转送、交办事件缺少信访事项内容（record）。"
    return ""


def _row(peer, key, envelope, status, reason="", petition=None) -> InboxEvent:
    now = clock.now()
    good = isinstance(envelope, dict)
    seq = envelope.get("seq") if good else 0
    return InboxEvent.objects.create(
        peer=peer,
        key=key,
        stream=str(envelope.get("sender_ref") or "")[:40] if good else "",
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0 else 0,
        type=str(envelope.get("type") or "")[:40] if good else "",
        petition=petition,
        status=status,
        reason=reason,
        payload=json.dumps(envelope, ensure_ascii=False, default=str),
        received_at=now,
        applied_at=now if status == InboxStatus.APPLIED else None,
    )


def _quarantine_new(peer, key, envelope, reason) -> dict:
    with transaction.atomic():
        row = _row(peer, key, envelope, InboxStatus.QUARANTINED, reason)
        _audit_quarantine(peer, row)
    return _answer(row)


def _audit_quarantine(peer: Peer, row: InboxEvent) -> None:
    audit.record(
        action="federation_quarantine",
        target=row,
        petition=row.petition,
        actor=peer.service_user,
        reason=row.reason,
        data={"peer": peer.name, "key": row.key, "type": row.type, "seq": row.seq},
    )


def _apply_new(peer: Peer, key: str, envelope: dict) -> dict:
    try:
        with transaction.atomic():
            petition, note = _apply(peer, envelope)
            row = _row(peer, key, envelope, InboxStatus.APPLIED, note, petition)
        return _answer(row)
    except IntegrityError:
        existing = InboxEvent.objects.filter(peer=peer, key=key).first()
        if existing is not None:
            return _answer(existing)
        return _quarantine_new(peer, key, envelope, "事件写入失败（数据冲突）。")
    except Quarantine as exc:
        return _quarantine_new(peer, key, envelope, exc.reason)


def _apply_held(held: InboxEvent) -> None:
    envelope = json.loads(held.payload)
    try:
        with transaction.atomic():
            petition, note = _apply(held.peer, envelope)
            held.status, held.reason, held.petition, held.applied_at = (
                InboxStatus.APPLIED,
                note,
                petition,
                clock.now(),
            )
            held.save(update_fields=["status", "reason", "petition", "applied_at"])
    except Quarantine as exc:
        with transaction.atomic():
            held.status, held.reason = InboxStatus.QUARANTINED, exc.reason
            held.save(update_fields=["status", "reason"])
            _audit_quarantine(held.peer, held)


@contextlib.contextmanager
def _no_notices():
    """The notice of a peer's action was issued where it was taken; here it is recorded only."""
    saved = hooks.notice_issuers[:]
    hooks.notice_issuers[:] = []
    try:
        yield
    finally:
        hooks.notice_issuers[:] = saved


def _apply(peer: Peer, envelope: dict) -> tuple[Petition, str]:
    """Apply one event; raises ``Quarantine`` (after rolling back its savepoint) when it cannot be."""
    try:
        with transaction.atomic(), applying_from(peer.pk), _no_notices():
            return _dispatch(peer, envelope)
    except Quarantine:
        raise
    except LineError as exc:
        raise Quarantine(str(exc)) from None
    except TransitionRefused as exc:
        where = f"（{exc.field}）" if exc.field else ""
        raise Quarantine(f"{_label(envelope)}被拒绝：{exc.reason}{where}") from None
    except ValidationError as exc:
        raise Quarantine(f"{_label(envelope)}被拒绝：{'；'.join(exc.messages)}") from None
    except PermissionDenied as exc:
        raise Quarantine(f"{_label(envelope)}被拒绝：{exc}") from None


def _label(envelope: dict) -> str:
    return f"事件（{envelope.get('type')}，序号{envelope.get('seq')}）"


def _local_unit(peer: Peer, code) -> OrgUnit:
    """The unit here standing for the peer's unit ``code``; the peer's first unit for one not kept here."""
    codes = list(peer.unit_codes)
    if code not in codes:
        code = peer.primary_code
    unit = OrgUnit.objects.select_related("region").filter(code=code).first()
    if unit is None:
        raise Quarantine(f"本实例没有代表对端单位“{code}”的单位，请管理员补充。")
    return unit


def _actor(peer: Peer, unit: OrgUnit) -> ExchangeUnit:
    return ExchangeUnit(unit, name=f"{peer.name}（联网）", person=peer.service_user)


def _dispatch(peer: Peer, envelope: dict) -> tuple[Petition, str]:
    kind = envelope["type"]
    event = dict(envelope["event"])
    if event.get("action") != kind:
        raise Quarantine(f"事件类型“{kind}”与办理内容“{event.get('action')}”不一致。")
    if kind in SEND_ACTIONS:
        return _sent_down(peer, envelope, event), ""
    if kind == SKIP_LEVEL_VISIT:
        visits.record(peer, envelope)
        return None, ""
    petition = _linked(peer, envelope)
    if kind == REPORT:
        _store_facts(peer, petition, envelope)
        return petition, ""
    if kind in DOWN_ACTIONS:
        routing = assigning_routing(petition)
        if routing is None or routing.from_unit.code not in peer.unit_codes:
            # The matter was passed on from here: the upper bureau's act is recorded, not performed.
            _note(peer, petition, kind, event)
            return petition, "本级已另行交办、转送，上级的此项操作已记录，不再办理。"
        unit = routing.from_unit
    else:
        routing = current_routing(petition)
        held_by = routing.to_unit if routing is not None else petition.responsible_unit
        unit = _local_unit(peer, held_by.code if held_by is not None else None)
    if kind in PETITIONER_ACTIONS and not event.get("by_unit"):
        via = event.pop("via", None)
        actor = PetitionerActor(via=via if via in PETITIONER_VIAS else "import")
    else:
        event["by_unit"] = unit.code
        actor = _actor(peer, unit)
    line = parsing.event_line(1, event, parsing.Lookups())
    data = dict(line.data)
    if isinstance(actor, PetitionerActor):
        data.pop("via", None)
    perform(petition, kind, actor, at=line.at, **data)
    if "facts" in envelope:
        _store_facts(peer, petition, envelope)
    return petition, ""


def _store_facts(peer: Peer, petition: Petition, envelope: dict) -> None:
    try:
        reporting.store(peer, petition, envelope.get("facts"))
    except reporting.BadFacts as exc:
        raise Quarantine(f"{_label(envelope)}被拒绝：{exc}") from None


def _linked(peer: Peer, envelope: dict) -> Petition:
    ref = envelope.get("ref") or ""
    link = None
    if ref:
        link = RemoteLink.objects.filter(peer=peer, petition__registration_number=ref).select_related(
            "petition"
        )
        link = link.first()
    if link is None:
        link = (
            RemoteLink.objects.filter(peer=peer, remote_number=envelope["sender_ref"])
            .select_related("petition")
            .first()
        )
    if link is None:
        raise Quarantine(f"本实例没有与对端事项“{envelope['sender_ref']}”对应的信访事项。")
    if not link.remote_number:
        link.remote_number = envelope["sender_ref"]
        link.remote_petition_id = envelope.get("sender_id")
        link.save(update_fields=["remote_number", "remote_petition_id"])
    return link.petition


def _sent_down(peer: Peer, envelope: dict, event: dict) -> Petition:
    """A matter a peer transferred or assigned to a unit here: registered as received by the peer's unit
    (the first time), then routed by that unit as the peer routed it."""
    sender_unit = _local_unit(peer, event.get("by_unit"))
    link = (
        RemoteLink.objects.filter(peer=peer, remote_number=envelope["sender_ref"])
        .select_related("petition")
        .first()
    )
    actor = _actor(peer, sender_unit)
    if link is None:
        record = _as_referred(envelope, sender_unit)
        if record.get("subject_unit") and not OrgUnit.objects.filter(code=record["subject_unit"]).exists():
            record["subject_unit"] = None  # a unit of the peer's not kept here; the peer checked the routing
        external_id = parsing.external_id_of(record)
        line = parsing.parse(1, record, external_id, parsing.Lookups())
        petition = petitions.register(line.registration, actor).petition
        RemoteLink.objects.create(
            petition=petition,
            peer=peer,
            direction=LinkDirection.FROM_PEER,
            remote_number=envelope["sender_ref"],
            remote_petition_id=envelope.get("sender_id"),
            created_at=clock.now(),
        )
        visits.sent_down(peer, envelope["sender_ref"], petition)
    else:
        petition = link.petition
    event["by_unit"] = sender_unit.code
    line = parsing.event_line(1, event, parsing.Lookups())
    perform(petition, envelope["type"], actor, at=line.at, **line.data)
    return petition


def _as_referred(envelope: dict, sender_unit: OrgUnit) -> dict:
    """The sender's record as registered here: received by the unit standing for the sender, and, for a
    matter the sender took in itself, referred from above by the sender's level (上级转送交办), so this
    instance's figures of matters sent down count it; a matter already referred keeps its first level."""
    record = dict(envelope["record"])
    record["receiving_unit"] = sender_unit.code
    level = sender_unit.region.level
    if record.get("source") != Source.REFERRED_FROM_ABOVE and level in SOURCE_LEVELS:
        record.update(source=Source.REFERRED_FROM_ABOVE, source_level=level, source_action=envelope["type"])
    return record


def _note(peer: Peer, petition: Petition, kind: str, event: dict) -> None:
    audit.record(
        action="federation_upper_act",
        target=petition,
        petition=petition,
        actor=peer.service_user,
        data={"peer": peer.name, "type": kind, "text": event.get("text") or event.get("reason") or ""},
    )
