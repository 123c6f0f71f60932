"""Writing petitions in the exchange format (exchange-format.md), their events rebuilt from the audit trail.

Every workflow transition and supervision writes one audit ``Event`` whose ``data`` keeps what the action
took, so a petition's history is its events in time order, mapped back to the format's keys. Importing
the output into an empty instance replays the same history and so reproduces the same petitions, events,
deadlines and statistics (exchange.md has the rules: registration numbers, ``external_id``, what is not
carried).

Petitions are streamed oldest first, in chunks with their parties and events prefetched, so memory stays
flat however many are exported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce

from xinfang import clock
from xinfang.audit.models import Event
from xinfang.orgs.models import OrgUnit, Region
from xinfang.petitions.models import Category, Petition, PetitionParty
from xinfang.petitions.selectors import visible_to
from xinfang.stats.scope import code_within
from xinfang.workflow.transitions import TABLE

from .actors import ExchangeUnit

CHUNK_SIZE = 500
REASON = "=reason"  # the event's ``reason`` column rather than a key of its data
HEARING = "=hearing"  # hearing days added by this event (the data keeps the running total)
UNIT_PK = "=unit"  # a unit's primary key in the data, written as its code

# For each audited action: the format's key ← the event data's key. Empty values are left out.
FIELDS: dict[str, dict[str, str]] = {
    "transfer": {"to_unit": "to_unit"},
    "assign": {"to_unit": "to_unit", "report_due": "report_due"},
    "handle_self": {"track": "track", "ground": "ground"},
    "accept": {"track": "track", "ground": "ground"},
    "direct_to_legal_route": {"legal_route": "legal_route", "body": "body", "text": "text"},
    "conclude_on_spot": {"text": "text", "outcome": "outcome"},
    "decline": {"reason": "reason", "text": REASON},
    "object": {"reason": REASON},
    "extend": {"days": "days", "reason": "reason", "approved_by": "approved_by"},
    "switch_to_simplified": {"ground": "ground", "reason": REASON},
    "switch_to_ordinary": {"reason": REASON},
    "reply": {"opinion": "opinion", "text": "text", "form": "form"},
    "deliver": {"method": "method", "received_on": "received_on"},
    "rate": {"target": "target", "rating": "value", "reason": REASON, "via": "via"},
    "request_review": {"text": REASON, "via": "via"},
    "review_opinion": {"decision": "decision", "text": "text", "received_on": "received_on"},
    "request_re_review": {"text": REASON, "via": "via"},
    "record_hearing": {"hearing_days": HEARING, "text": REASON},
    "re_review_opinion": {
        "decision": "decision",
        "text": "text",
        "received_on": "received_on",
        "hearing_days": HEARING,
    },
    "resolve": {"text": REASON},
    "set_co_handlers": {"lead_unit": "lead_unit", "supporting_units": "supporting_units", "text": REASON},
    "add_support_opinion": {"text": REASON},
    "record_settlement": {"settlement": "settlement", "text": REASON},
    "sign_for": {"text": "text"},
    "urge": {"text": "text"},
    "add_supplement": {"text": "text"},
    "confirm_conclusion": {"text": "text"},
    "return_for_rework": {"reason": REASON},
    "merge_into": {"survivor": "survivor_ref", "text": REASON},
    "open_supervision": {
        "unit": UNIT_PK,
        "reason_kind": "reason_kind",
        "text": REASON,
        "response_due": "response_due",
        "is_listed": "is_listed",
    },
    "answer_supervision": {"text": REASON},
}
# Audit action → the format's event name, where they differ.
EVENT_NAMES = {"open_supervision": "supervise", "answer_supervision": "supervision_answer"}
# Values an import gives when the key is left out, so they need not be written: an ordinary track, a written
# reply, an unlisted supervision, and "import" (or, for staff, "staff") as the way a petitioner's action came.
DEFAULTS = {"track": {"ordinary"}, "form": {"written"}, "is_listed": {False}, "via": {"import", "staff"}}
EXPORTED_ACTIONS = sorted(set(FIELDS) & (set(TABLE) | set(EVENT_NAMES)))


def select(
    *,
    unit: str | None = None,
    region: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Petition]:
    """The petitions to export: those a unit sees (``visible_to``, so never an accusation against it), or
    those received by or now the responsibility of a unit inside a region, or all; received between ``start``
    and ``end`` (dates in Asia/Shanghai, both included). Raises LookupError for an unknown code."""
    if unit:
        found = OrgUnit.objects.select_related("region").filter(code=unit).first()
        if found is None:
            raise LookupError(f"单位“{unit}”不存在。")
        petitions = visible_to(ExchangeUnit(found))
    else:
        # The whole instance or a jurisdiction: an administrator's export on the server, not a user's view.
        petitions = Petition.objects.all()
        if region:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise LookupError(f"行政区划“{region}”不存在。")
            petitions = petitions.filter(
                code_within("receiving_region_code", found.prefix)
                | code_within("responsible_region_code", found.prefix)
            )
    if start:
        petitions = petitions.filter(received_at__gte=_midnight(start))
    if end:
        petitions = petitions.filter(received_at__lt=_midnight(end + dt.timedelta(days=1)))
    return petitions


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), clock.SHANGHAI)


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(clock.SHANGHAI).isoformat()


class _Names:
    """Codes of units and paths of categories by primary key: a few thousand rows, read once."""

    def __init__(self):
        self.units = dict(OrgUnit.objects.values_list("pk", "code"))
        self.categories = dict(Category.objects.values_list("pk", "path"))

    def unit(self, pk) -> str | None:
        if pk in (None, ""):
            return None
        return self.units.get(int(pk))


def _event_record(event: Event, names: _Names, hearing: dict) -> dict:
    data = event.data or {}
    record = {"action": EVENT_NAMES.get(event.action, event.action), "at": _iso(event.at)}
    if data.get("by_unit"):
        record["by_unit"] = data["by_unit"]
    elif event.actor_unit_id:
        record["by_unit"] = names.unit(event.actor_unit_id)
    for key, source in FIELDS[event.action].items():
        if source == REASON:
            value = event.reason
        elif source == UNIT_PK:
            value = names.unit(data.get("unit"))
        elif source == HEARING:
            total = data.get("hearing_days")
            value = None if total is None else total - hearing["total"]
            hearing["total"] = max(total or 0, hearing["total"])
        else:
            value = data.get(source)
        if isinstance(value, list):  # the format's values are scalars: codes joined, as the import reads them
            value = ",".join(str(item) for item in value)
        if value not in (None, "", 0) and value not in DEFAULTS.get(key, ()):
            record[key] = value
    if data.get("note"):
        record["note"] = data["note"]
    return record


def _party_record(party: PetitionParty) -> dict:
    person = party.petitioner
    record = {"name": person.name}
    for key in ("id_number", "phone", "address"):
        if getattr(person, key):
            record[key] = getattr(person, key)
    record["role"] = party.role
    return record


def petition_record(petition: Petition, names: _Names) -> dict:
    """One petition as the format's object (its ``exchanged_events`` and ``parties`` prefetched)."""
    record = {
        # exchange.md: a petition without an external id is known elsewhere by its registration number.
        "external_id": petition.external_id or petition.registration_number,
        "registration_number": petition.registration_number,
        "channel": petition.channel,
        "source": petition.source,
    }
    if petition.source_level:
        record["source_level"] = petition.source_level
    if petition.source_action:
        record["source_action"] = petition.source_action
    record["received_at"] = _iso(petition.received_at)
    record["receiving_unit"] = names.unit(petition.receiving_unit_id)
    if petition.visit_level:
        record["visit_level"] = petition.visit_level
    record["person_count"] = petition.person_count
    record["petitioners"] = [_party_record(party) for party in petition.parties.all()]
    record["petition_class"] = petition.petition_class
    record["category"] = names.categories[petition.category_id]
    record["issue_region"] = petition.issue_region_code
    record["subject_unit"] = names.unit(petition.subject_unit_id)
    if petition.subject_person:
        record["subject_person"] = petition.subject_person
    record["summary"] = petition.summary
    record["content"] = petition.content
    record["repeat_of"] = petition.repeat_ref
    if petition.identity_confidential:
        record["identity_confidential"] = True
    if petition.addressed_leader_id:
        record["addressed_leader"] = petition.addressed_leader_username
        if petition.addressed_leader_post:
            record["addressed_leader_post"] = petition.addressed_leader_post
    hearing = {"total": 0}
    record["events"] = [_event_record(event, names, hearing) for event in petition.exchanged_events]
    return record


def export_petitions(petitions: QuerySet[Petition] | None = None) -> Iterator[str]:
    """The petitions (default: all), oldest first, one JSON line each."""
    petitions = Petition.objects.all() if petitions is None else petitions
    names = _Names()
    events = Event.objects.filter(action__in=EXPORTED_ACTIONS).order_by("at", "pk")
    parties = PetitionParty.objects.select_related("petitioner").order_by("position", "pk")
    rows = (
        petitions.annotate(
            repeat_ref=Coalesce("repeat_of__external_id", "repeat_of__registration_number"),
            addressed_leader_username=F("addressed_leader__username"),
        )
        .prefetch_related(
            Prefetch("parties", queryset=parties),
            Prefetch("events", queryset=events, to_attr="exchanged_events"),
        )
        .order_by("received_at", "pk")
    )
    for petition in rows.iterator(chunk_size=CHUNK_SIZE):
        yield json.dumps(petition_record(petition, names), ensure_ascii=False)


def event_record(event: Event) -> dict:
    """One audited action as the format's event object (the federation sends it to a peer)."""
    return _event_record(event, _Names(), {"total": 0})


def record_of(petition: Petition) -> dict:
    """One petition as the format's object without its history (what a peer registers when it is sent down)."""
    row = (
        Petition.objects.filter(pk=petition.pk)
        .annotate(
            repeat_ref=Coalesce("repeat_of__external_id", "repeat_of__registration_number"),
            addressed_leader_username=F("addressed_leader__username"),
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PetitionParty.objects.select_related("petitioner").order_by("position", "pk"),
            )
        )
        .get()
    )
    row.exchanged_events = []
    record = petition_record(row, _Names())
    del record["events"]
    return record
