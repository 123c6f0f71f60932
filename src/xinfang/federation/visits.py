"""Skip-level visits sent down (docs/federation.md "Skip-level visits"): a visit registered here at a level
above the county (到市访 at a city) about a matter whose issue region lies in a jurisdiction a peer serves
is a 越级访 of that jurisdiction. It is notified to the peer in the registration's transaction (a
``skip_level_visit`` event, first of the petition's stream to that peer), and the peer records it as a
count (``NotifiedVisit``), not as a matter to handle: the visit was registered, and is handled, here.

No personal data travels: the visit's receipt, level, class, category, issue region and counts. An
accusation is never notified (the accused may be the jurisdiction's own unit).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Max

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.orgs.models import PREFIX_LENGTH, Level, OrgUnit, Region
from xinfang.petitions.models import Category, Channel, Petition, PetitionClass, Source

from . import registry
from .models import NotifiedVisit, OutboxEvent, Peer
from .outbox import SKIP_LEVEL_VISIT

SKIP_LEVELS = (Level.NATIONAL, Level.PROVINCE, Level.CITY)
VISIT_FIELDS = ("visit_level", "source", "source_level", "source_action", "petition_class")


def _served_regions() -> list[tuple[str, int]]:
    """(region prefix, peer id) of every unit standing for an active peer."""
    peers = registry.active()
    codes = {code: peer.id for peer in peers for code in peer.codes}
    if not codes:
        return []
    rows = OrgUnit.objects.filter(code__in=codes).values_list("code", "region__prefix")
    return sorted(((prefix, codes[code]) for code, prefix in rows), key=lambda r: -len(r[0]))


def peer_for(petition: Petition, served: list[tuple[str, int]]) -> int | None:
    """The peer a visit concerns: the one serving the most precise region that holds its issue region and
    lies below the level the visit was made at."""
    if petition.channel != Channel.VISIT or petition.visit_level not in SKIP_LEVELS:
        return None
    if petition.petition_class == PetitionClass.ACCUSATION or not petition.issue_region_code:
        return None
    above = PREFIX_LENGTH[Level(petition.visit_level)]
    for prefix, peer_id in served:
        if len(prefix) > above and petition.issue_region_code.startswith(prefix):
            return peer_id
    return None


def after_insert(petitions: list[Petition]) -> None:
    """``petitions.hooks`` after-insert: notify each skip-level visit to the peer it concerns."""
    if not registry.active():
        return
    served = _served_regions()
    for petition in petitions:
        peer_id = peer_for(petition, served)
        if peer_id is not None:
            _enqueue(petition, peer_id)


def visit_record(petition: Petition) -> dict:
    record = {name: getattr(petition, name) for name in VISIT_FIELDS}
    record.update(
        received_at=petition.received_at.isoformat(),
        category=petition.category.path,
        issue_region=petition.issue_region_code,
        person_count=petition.person_count,
        is_collective=petition.is_collective,
        is_repeat=petition.is_repeat,
    )
    return record


def _enqueue(petition: Petition, peer_id: int) -> None:
    # The petition was inserted in this very transaction: nobody else numbers its events yet.
    last = OutboxEvent.objects.filter(peer_id=peer_id, petition=petition).aggregate(m=Max("seq"))["m"] or 0
    key, now = uuid.uuid4(), clock.now()
    envelope = {
        "id": str(key),
        "seq": last + 1,
        "type": SKIP_LEVEL_VISIT,
        "sender_ref": petition.registration_number,
        "sender_id": petition.pk,
        "ref": "",
        "event": {"action": SKIP_LEVEL_VISIT, "at": petition.received_at.isoformat()},
        "visit": visit_record(petition),
    }
    OutboxEvent.objects.create(
        peer_id=peer_id,
        petition=petition,
        seq=last + 1,
        key=key,
        type=SKIP_LEVEL_VISIT,
        payload=json.dumps(envelope, ensure_ascii=False, default=str),
        next_attempt_at=now,
        created_at=now,
    )


def record(peer: Peer, envelope: dict) -> NotifiedVisit:
    """Record a visit notified by ``peer`` (once per its registration number); ``ValidationError`` with the
    Chinese reason when it cannot be (the inbox quarantines the event with it)."""
    visit = envelope.get("visit")
    if not isinstance(visit, dict):
        raise ValidationError("越级访通报缺少来访内容（visit）。")
    existing = NotifiedVisit.objects.filter(peer=peer, sender_ref=envelope["sender_ref"]).first()
    if existing is not None:
        return existing
    code = str(visit.get("issue_region") or "")
    if not Region.objects.filter(code=code).exists():
        raise ValidationError(f"本实例没有问题属地“{code}”，无法记录该越级访。")
    if visit.get("visit_level") not in SKIP_LEVELS:
        raise ValidationError(f"来访层级“{visit.get('visit_level')}”不是越级访。")
    category = Category.objects.filter(path=str(visit.get("category") or "")).first()
    if category is None:
        raise ValidationError(f"本实例没有内容分类“{visit.get('category')}”。")
    if (
        visit.get("petition_class") not in PetitionClass.values
        or visit["petition_class"] == PetitionClass.ACCUSATION
    ):
        raise ValidationError("越级访通报的信访类别无效。")
    try:
        received_at = dt.datetime.fromisoformat(str(visit.get("received_at")))
        persons = int(visit.get("person_count") or 1)
    except (TypeError, ValueError):
        raise ValidationError("越级访通报的来访时间或人数无效。") from None
    if received_at.tzinfo is None or persons < 1:
        raise ValidationError("越级访通报的来访时间须带时区，人数须为正整数。")
    sender = OrgUnit.objects.filter(code=peer.primary_code).select_related("region").first()
    row = NotifiedVisit.objects.create(
        peer=peer,
        sender_ref=envelope["sender_ref"],
        received_at=received_at,
        visit_level=visit["visit_level"],
        petition_class=visit["petition_class"],
        # Here it came from above, notified by the peer's bureau (neither transferred nor assigned), as a
        # matter the peer sends down is referred from above here (inbox._as_referred).
        source=Source.REFERRED_FROM_ABOVE,
        source_level=sender.region.level if sender is not None else "",
        source_action="",
        category=category,
        issue_region_code=code,
        person_count=persons,
        is_collective=bool(visit.get("is_collective")),
        is_repeat=bool(visit.get("is_repeat")),
        recorded_at=clock.now(),
    )
    audit.record(
        action="federation_skip_level_visit",
        target=row,
        actor=peer.service_user,
        at=received_at,
        data={
            "peer": peer.name,
            "sender_ref": row.sender_ref,
            "visit_level": row.visit_level,
            "issue_region": code,
        },
    )
    return row


def sent_down(peer: Peer, sender_ref: str, petition: Petition) -> None:
    """The notified visit's matter has now been sent here: the petition counts it from now on."""
    NotifiedVisit.objects.filter(peer=peer, sender_ref=sender_ref, petition__isnull=True).update(
        petition=petition
    )


def notified():
    """The visits that count here as notified (``stats.peer_figures``): those not sent down since, from an
    active peer; None (no query at all) on an instance without one."""
    active = [peer.id for peer in registry.active()]
    if not active:
        return None
    return NotifiedVisit.objects.filter(peer_id__in=active, petition__isnull=True)
