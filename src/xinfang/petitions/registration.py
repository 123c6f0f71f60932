"""Registering petitions (登记): the one write path for intake. ``register`` is ``register_many`` of one.

The UI forms, the API, the portal, the importer and the demo generator all call it; it validates everything
first and then writes the petitions, their petitioners, parties and attachments and their audit rows in one
transaction, so a rejected registration leaves nothing behind. What other apps start at registration (the
workflow's deadlines, the urgent flag) they add through ``petitions.hooks``, in the same transaction; what
need not be in the request (the search documents, the text signatures) the worker writes after commit
(``deferral``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xinfang import bulk, clock
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.orgs.models import OrgUnit

from . import attachments as attachment_checks
from . import deferral, hooks
from .intake import PartyInput, Registered, Registration
from .matching import OnFile, People
from .models import (
    COLLECTIVE_MIN_PERSONS,
    Attachment,
    Channel,
    Petition,
    Petitioner,
    PetitionParty,
    Source,
    Status,
)
from .numbers import hash_query_code, new_query_code, reserve_registration_numbers
from .validation import check_fields, check_receiving_unit, receiving_unit

# The registration fields a registrar may correct later; status and routing change only in the workflow.
EDITABLE_FIELDS = [
    "petition_class",
    "category_id",
    "issue_region_id",
    "subject_unit_id",
    "subject_person",
    "summary",
    "content",
    "person_count",
    "visit_level",
    "identity_confidential",
    "repeat_of_id",
]
# What the ``register`` event records of the new petition.
SNAPSHOT_FIELDS = [
    "registration_number",
    "channel",
    "source",
    "received_at",
    "receiving_unit_id",
    "is_collective",
    "is_repeat",
    "addressed_leader_id",
    "addressed_leader_post",
    "is_urgent",
    "urgent_phrases",
    *EDITABLE_FIELDS,
]


def register(reg: Registration, actor, *, ip_address: str | None = None) -> Registered:
    """Register a petition; raise ValidationError (a dict of field → Chinese messages) and write nothing."""
    try:
        (outcome,) = register_many([reg], actor, ip_address=ip_address)
    except IntegrityError:
        # Two imports of the same external id at the same instant: the unique index decided; say so plainly.
        if reg.external_id and Petition.objects.filter(external_id=reg.external_id).exists():
            raise ValidationError(
                {"external_id": [f"外部编号“{reg.external_id}”已经导入过，不再重复登记。"]}
            ) from None
        raise
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@dataclass
class _Item:
    """A registration that passed validation, and what the write phase makes of it."""

    reg: Registration
    actor: object
    unit: OrgUnit
    parties: list[PartyInput]
    files: list
    petition: Petition | None = None
    number: str = ""
    query_code: str = ""
    at: dt.datetime | None = None  # when it is registered: the registration's ``registered_at``, else now
    people: list = field(
        default_factory=list
    )  # (Petitioner, "create_petitioner" | "update_petitioner" | "", changes)


def register_many(
    registrations: list[Registration],
    actor,
    *,
    ip_address: str | None = None,
    query_code: Callable[[str], str] | None = None,
) -> list[Registered | ValidationError]:
    """Register petitions in one go: the same checks and the same rows as ``register`` one by one.

    ``actor`` is one actor for all, or a list with one actor per registration (the importer's receiving
    units). ``query_code`` gives the query code of a registration number (the demo's codes are reproducible
    from its seed); by default each petition gets a fresh random one. Returns, per registration and in order,
    a ``Registered`` or the ``ValidationError`` that refused it; a refused registration writes nothing, the
    others are written together in one transaction (numbers reserved per region and year with one UPDATE,
    petitioners matched with one query, every table written with a few multi-row INSERTs; see
    ``xinfang.bulk``), so the query count does not grow with the number of registrations. Each registration is
    checked against the ones before it in the list as if they had been written (ID number under another name,
    external id, same petitioner). A database error (e.g. a unique index hit by a concurrent transaction)
    rolls all of them back and propagates.
    """
    registrations = list(registrations)
    actors = list(actor) if isinstance(actor, list | tuple) else [actor] * len(registrations)
    if len(actors) != len(registrations):
        raise ValueError("one actor per registration")
    outcomes: list[Registered | ValidationError | None] = [None] * len(registrations)
    checked = []
    for index, (reg, who) in enumerate(zip(registrations, actors, strict=True)):
        try:
            unit = receiving_unit(reg, who)
        except ValidationError as exc:
            outcomes[index] = exc
            continue
        errors, parties, files = check_fields(reg)
        check_receiving_unit(reg, unit, errors)
        checked.append((index, reg, who, unit, errors, parties, files))
    on_file = OnFile([(reg, who, parties) for _, reg, who, _, _, parties, _ in checked])
    items: list[tuple[int, _Item]] = []
    for index, reg, who, unit, errors, parties, files in checked:
        on_file.check(reg, who, parties, errors)
        if errors:
            outcomes[index] = ValidationError(errors)
            continue
        on_file.accept(reg, parties)
        items.append((index, _Item(reg, who, unit, parties, files)))
    if items:
        written = [item for _, item in items]
        if transaction.get_connection().in_atomic_block:
            # Inside the caller's transaction (an import chunk): numbers reserved with the rows, so a chunk
            # rolled back leaves no gap.
            with transaction.atomic():
                _number(written, query_code)
                _write(written, on_file, ip_address)
        else:
            # Numbers in their own short transaction: the sequence row is locked for one UPDATE, not for
            # the whole write, so concurrent intake does not queue behind it (measured: 72 ms of waiting per
            # registration under load). Numbers are gap-tolerant (design.md): a write that then fails on a
            # database error leaves its numbers unused.
            with transaction.atomic():
                _number(written, query_code)
            with transaction.atomic():
                _write(written, on_file, ip_address)
        for index, item in items:
            outcomes[index] = Registered(petition=item.petition, query_code=item.query_code)
    return outcomes


def _number(items: list[_Item], query_code: Callable[[str], str] | None) -> None:
    """Each item's registration number (one block per region and year, in input order) and query code."""
    blocks: dict[tuple[str, int], list[_Item]] = {}
    for item in items:
        year = clock.local_date(item.reg.received_at).year
        blocks.setdefault((item.unit.region.code, year), []).append(item)
    for (region_code, year), members in blocks.items():
        numbers = reserve_registration_numbers(region_code, year, len(members))
        for item, number in zip(members, numbers, strict=True):
            item.number = number
            item.query_code = query_code(number) if query_code else new_query_code()


def _write(items: list[_Item], on_file: OnFile, ip_address: str | None) -> None:
    now = clock.now()
    for item in items:
        item.at = item.reg.registered_at or now
        item.petition = _petition_row(item)
    petitions = [item.petition for item in items]
    hooks.before_insert(petitions)

    people = People([party for item in items for party in item.parties])
    for item in items:
        item.people = [people.find_or_make(party, item.at) for party in item.parties]
    bulk.insert(Petitioner, people.made)
    Petitioner.objects.bulk_update(people.changed(), ["phone", "phone_digest", "address"])
    bulk.insert(Petition, petitions)

    parties, attachments = [], []
    for item in items:
        for position, (party, (person, _, _)) in enumerate(zip(item.parties, item.people, strict=True)):
            parties.append(
                PetitionParty(petition=item.petition, petitioner=person, role=party.role, position=position)
            )
        attachments += [attachment_row(item.petition, f, item.actor, item.at) for f in item.files]
    bulk.insert(PetitionParty, parties)
    bulk.insert(Attachment, attachments)
    audit.record_many(_events(items, parties, attachments, ip_address))
    hooks.after_insert(petitions)
    deferral.defer(petitions)


def _events(items: list[_Item], parties: list, attachments: list, ip_address: str | None) -> list[Event]:
    """The audit rows in the order ``register`` writes them one by one: the registration, then per party its
    petitioner (created or updated) and the party, then the attachments."""
    events = []
    parties_left, attachments_left = iter(parties), iter(attachments)
    for item in items:
        petition, actor, at = item.petition, item.actor, item.at
        events.append(
            audit.build(
                action="register",
                target=petition,
                petition=petition,
                actor=actor,
                at=item.reg.received_at,
                ip_address=ip_address,
                to_status=Status.REGISTERED,
                changes=audit.diff({}, audit.snapshot(petition, SNAPSHOT_FIELDS)),
            )
        )
        for person, action, changes in item.people:
            if action:
                events.append(
                    audit.build(
                        action=action, target=person, petition=petition, actor=actor, at=at, changes=changes
                    )
                )
            row = next(parties_left)
            events.append(
                audit.build(
                    action="add_party",
                    target=row,
                    petition=petition,
                    actor=actor,
                    at=at,
                    ip_address=ip_address,
                    data={"petitioner": person.pk, "role": row.role},
                )
            )
        for checked in item.files:
            events.append(attachment_event(next(attachments_left), checked, actor, at, ip_address))
    return events


def _petition_row(item: _Item) -> Petition:
    """The new petition, in its first state: the model's default status, ``registered`` (only the workflow
    sets a status after that)."""
    reg, unit, actor = item.reg, item.unit, item.actor
    person_count = reg.person_count if reg.person_count is not None else len(item.parties)
    return Petition(
        registration_number=item.number,
        external_id=reg.external_id or None,
        query_code_hash=hash_query_code(item.query_code),
        channel=reg.channel,
        source=reg.source,
        source_level=reg.source_level if reg.source == Source.REFERRED_FROM_ABOVE else "",
        source_action=reg.source_action if reg.source == Source.REFERRED_FROM_ABOVE else "",
        received_at=reg.received_at,
        registered_at=item.at,
        registered_by=actor if getattr(actor, "pk", None) else None,
        receiving_unit=unit,
        receiving_region_code=unit.region.code,
        visit_level=reg.visit_level,
        person_count=person_count,
        is_collective=reg.channel == Channel.VISIT and person_count >= COLLECTIVE_MIN_PERSONS,
        petition_class=reg.petition_class,
        category=reg.category,
        issue_region=reg.issue_region,
        issue_region_code=reg.issue_region.code,
        subject_unit=reg.subject_unit,
        subject_person=reg.subject_person.strip(),
        addressed_leader=reg.addressed_leader,
        addressed_leader_post=reg.addressed_leader_post.strip() if reg.addressed_leader else "",
        summary=reg.summary.strip(),
        content=reg.content.strip(),
        repeat_of=reg.repeat_of,
        is_repeat=reg.repeat_of is not None,
        identity_confidential=reg.identity_confidential,
    )


def attachment_row(petition: Petition, checked, actor, at: dt.datetime) -> Attachment:
    """An unsaved attachment row, its file already stored by content hash."""
    return Attachment(
        petition=petition,
        file=attachment_checks.store(checked),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=at,
    )


def attachment_event(row: Attachment, checked, actor, at: dt.datetime, ip_address: str | None):
    return audit.build(
        action="add_attachment",
        target=row,
        petition=row.petition,
        actor=actor,
        at=at,
        ip_address=ip_address,
        data={"name": checked.name, "sha256": checked.sha256, "size": checked.size},
    )
