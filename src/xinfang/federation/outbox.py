"""Writing the events a peer must know, in the transaction of the change itself (``workflow.hooks``'s
``in_transaction``): a matter routed to a unit a peer serves goes down with its record; what is done here on
a matter that came from a peer goes up; the assigning bureau's hand on a matter it sent down goes down.

An event applied from a peer's inbox is never echoed back to that peer, but it is relayed to the other peer
of the matter (a county's acceptance, applied at the city, goes on up to the province), except the reply to
an assignment the city made itself: that reaches the province when the city confirms it (审核认定办结), as
the city's result, so a rework stays between the city and the county.

Every event sent up carries this instance's statistics facts of the matter (``reporting.facts``), and a
change of a matter from above that sends nothing up (an assignment inside the county, a rework applied
from above, a reply held for review) sends a ``report`` of the facts alone: the instance above ranks this
one by them (docs/federation.md "Reporting up").
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import uuid

from django.db.models import Max

from xinfang import clock
from xinfang.exchange.exporter import event_record, record_of
from xinfang.petitions.models import Attachment
from xinfang.workflow.hooks import Performed
from xinfang.workflow.models import Reply
from xinfang.workflow.units import assigning_routing

from . import registry, reporting
from .models import LinkDirection, OutboxEvent, Peer, RemoteLink
from .reporting import REPORT, SKIP_LEVEL_VISIT

SEND_ACTIONS = frozenset({"transfer", "assign"})
UP_ACTIONS = frozenset(
    {
        "sign_for",
        "object",
        "accept",
        "decline",
        "direct_to_legal_route",
        "extend",
        "reply",
        "deliver",
        "rate",
        "request_review",
        "review_opinion",
        "request_re_review",
        "re_review_opinion",
    }
)
DOWN_ACTIONS = frozenset({"confirm_conclusion", "return_for_rework", "urge", "add_supplement"})
EVENT_TYPES = SEND_ACTIONS | UP_ACTIONS | DOWN_ACTIONS | {REPORT, SKIP_LEVEL_VISIT}

_source: contextvars.ContextVar[int | None] = contextvars.ContextVar("federation_source", default=None)


@contextlib.contextmanager
def applying_from(peer_id: int):
    """Inside: the transitions performed are a peer's events, so none goes back to it."""
    token = _source.set(peer_id)
    try:
        yield
    finally:
        _source.reset(token)


def on_transition(performed: Performed) -> None:
    peers = registry.active()  # a cache hit, or one query when cold
    if not peers:
        return
    source = _source.get()
    petition, action = performed.petition, performed.action
    if action in SEND_ACTIONS:
        code = performed.data.get("to_unit")
        peer = next((p for p in peers if code in p.codes), None)
        if peer is not None and peer.id != source:
            _send_down(Peer.objects.get(pk=peer.id), performed)
    active_ids = {p.id for p in peers}
    links = RemoteLink.objects.filter(petition=petition, peer_id__in=active_ids).select_related("peer")
    for link in links:
        if link.direction == LinkDirection.FROM_PEER:
            # Every change of a matter from above reaches it: as the event itself with this instance's
            # statistics facts, or, when the event stays here, as a report of the facts alone.
            if link.peer_id == source or not _send_up(link, performed, source):
                _report(link, performed)
        elif action in DOWN_ACTIONS and link.peer_id != source:
            _enqueue(link, performed, action, event_record(performed.event))


def _send_up(link: RemoteLink, performed: Performed, source) -> bool:
    petition, action = performed.petition, performed.action
    if action == "confirm_conclusion":
        event = _reply_event(petition, performed)
        _enqueue(link, performed, "reply", event, facts=reporting.facts(petition, link.peer))
        return True
    if action == "object" and source is not None:
        return False  # a lower unit's objection returns the matter here, not further up
    if action in UP_ACTIONS and not _held_for_review(petition, action, link):
        _enqueue(
            link, performed, action, event_record(performed.event), facts=reporting.facts(petition, link.peer)
        )
        return True
    return False


def _report(link: RemoteLink, performed: Performed) -> None:
    facts = reporting.facts(performed.petition, link.peer)
    if facts is not None:
        event = {"action": REPORT, "at": performed.event.at.isoformat()}
        _enqueue(link, performed, REPORT, event, facts=facts)


def _held_for_review(petition, action: str, link: RemoteLink) -> bool:
    """A reply to an assignment made here waits for this instance's own review before it goes up."""
    if action != "reply":
        return False
    routing = assigning_routing(petition)
    return routing is not None and routing.from_unit.code not in link.peer.unit_codes


def _reply_event(petition, performed: Performed) -> dict:
    reply = Reply.objects.filter(petition=petition).order_by("-replied_at", "-pk").first()
    event = event_record(performed.event)
    event.update({"action": "reply", "opinion": reply.opinion, "text": reply.text})
    if reply.form != "written":
        event["form"] = reply.form
    event.pop("note", None)
    return event


def _send_down(peer: Peer, performed: Performed) -> None:
    petition = performed.petition
    link, _ = RemoteLink.objects.get_or_create(
        petition=petition,
        peer=peer,
        defaults={"direction": LinkDirection.TO_PEER, "created_at": clock.now()},
    )
    if link.direction != LinkDirection.TO_PEER:
        link.direction = LinkDirection.TO_PEER
        link.save(update_fields=["direction"])
    record = record_of(petition)
    attachments = [
        {"name": a.original_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
        for a in Attachment.objects.filter(petition=petition).order_by("pk")
    ]
    _enqueue(link, performed, performed.action, event_record(performed.event), record, attachments)


def _enqueue(
    link: RemoteLink, performed: Performed, type_: str, event: dict, record=None, attachments=None, facts=None
):
    petition = performed.petition
    # The petition row is locked by ``perform``, so no other transaction numbers this petition's events now.
    last = OutboxEvent.objects.filter(peer=link.peer, petition=petition).aggregate(m=Max("seq"))["m"] or 0
    key = uuid.uuid4()
    envelope = {
        "id": str(key),
        "seq": last + 1,
        "type": type_,
        "sender_ref": petition.registration_number,
        "sender_id": petition.pk,
        "ref": link.remote_number,
        "event": event,
    }
    if record is not None:
        envelope["record"] = record
        envelope["attachments"] = attachments or []
    if facts is not None:
        envelope["facts"] = facts
    now = clock.now()
    OutboxEvent.objects.create(
        peer=link.peer,
        petition=petition,
        seq=last + 1,
        key=key,
        type=type_,
        payload=json.dumps(envelope, ensure_ascii=False, default=str),
        next_attempt_at=now,
        created_at=now,
    )
