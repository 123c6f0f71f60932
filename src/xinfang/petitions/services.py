"""Registering petitions (登记) and correcting their details. The one write path for intake.

The UI forms, the API, the portal and the importer all call `register`; it validates everything first and
then writes the petition, its parties and attachments and their audit rows in one transaction, so a
rejected registration leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.orgs.models import Level, OrgUnit, Region, Role

from . import attachments as attachment_checks
from . import bulk
from .identity import IdentityError, validate_id_number, validate_phone
from .models import (
    COLLECTIVE_MIN_PERSONS,
    MAX_REPRESENTATIVES,
    Attachment,
    Category,
    Channel,
    PartyRole,
    Petition,
    PetitionClass,
    Petitioner,
    PetitionParty,
    RegistrationSequence,
    Source,
    SourceAction,
    Status,
)
from .selectors import visible_to

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by people
QUERY_CODE_LENGTH = 12  # 60 bits: not guessable within any rate limit


@dataclass
class PartyInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    role: str = PartyRole.PRINCIPAL


@dataclass
class AttachmentInput:
    name: str
    content: bytes


@dataclass
class Registration:
    channel: str
    received_at: dt.datetime
    petition_class: str
    category: Category
    issue_region: Region
    summary: str
    content: str
    parties: list[PartyInput]
    person_count: int | None = None
    visit_level: str = ""
    source: str = Source.DIRECT
    source_level: str = ""
    source_action: str = ""
    subject_unit: OrgUnit | None = None
    subject_person: str = ""
    repeat_of: Petition | None = None
    identity_confidential: bool = False
    external_id: str | None = None
    attachments: list[AttachmentInput] = field(default_factory=list)
    receiving_unit: OrgUnit | None = None  # the importer names it; otherwise the registrar's unit


@dataclass(frozen=True)
class Registered:
    petition: Petition
    query_code: str


def hash_query_code(code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def reserve_registration_numbers(region_code: str, year: int, count: int) -> list[str]:
    """Allocate ``count`` consecutive numbers `XF-<region>-<year>-<sequence>`; safe under concurrent intake.

    The increment is one UPDATE, which takes the row lock on PostgreSQL and runs under SQLite's write lock
    (IMMEDIATE transactions), so two registrations (or batches) can never read the same value; the lock is
    held until the enclosing transaction ends, which ``register_many`` keeps short. A batch reserves its block
    with one UPDATE.
    """
    sequence = RegistrationSequence.objects.filter(region_code=region_code, year=year)
    if not sequence.update(last=F("last") + count):
        try:
            with transaction.atomic():
                RegistrationSequence.objects.create(region_code=region_code, year=year)
        except IntegrityError:  # another transaction created the row first; it exists now
            pass
        sequence.update(last=F("last") + count)
    last = sequence.values_list("last", flat=True).get()
    return [f"XF-{region_code}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_registration_number(region_code: str, year: int) -> str:
    return reserve_registration_numbers(region_code, year, 1)[0]


# --- validation: one code path for one registration and for a batch -------------------------------------


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check_parties(reg: Registration, errors: dict[str, list[str]]) -> list[PartyInput]:
    cleaned: list[PartyInput] = []
    if not reg.parties:
        _add(errors, "parties", "请至少填写一名信访人。")
    for index, party in enumerate(reg.parties):
        key = f"parties.{index}"
        name = party.name.strip()
        if not name:
            _add(errors, f"{key}.name", "请填写信访人姓名。")
        elif len(name) > 50:
            _add(errors, f"{key}.name", "姓名过长。")
        id_number = ""
        if party.id_number.strip():
            try:
                id_number = validate_id_number(party.id_number, clock.today())
            except IdentityError as exc:
                _add(errors, f"{key}.id_number", str(exc))
        phone = ""
        if party.phone.strip():
            try:
                phone = validate_phone(party.phone)
            except IdentityError as exc:
                _add(errors, f"{key}.phone", str(exc))
        if party.role not in PartyRole.values:
            _add(errors, f"{key}.role", "信访人身份无效。")
        cleaned.append(PartyInput(name, id_number, phone, party.address.strip()[:200], party.role))
    ids = [p.id_number for p in cleaned if p.id_number]
    if len(ids) != len(set(ids)):
        _add(errors, "parties", "同一身份证号码在本次登记中出现了多次。")
    representatives = sum(1 for p in cleaned if p.role == PartyRole.REPRESENTATIVE)
    if representatives > MAX_REPRESENTATIVES:
        _add(
            errors,
            "parties",
            f"集体访推选的代表不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条）。",
        )
    if cleaned and not any(p.role == PartyRole.PRINCIPAL for p in cleaned):
        if representatives:
            # A collective visit lists its representatives; the first of them signs for the matter.
            first = next(p for p in cleaned if p.role == PartyRole.REPRESENTATIVE)
            cleaned.remove(first)
            cleaned.insert(0, first)
        else:
            _add(errors, "parties", "请指定一名信访人。")
    return cleaned


def _check_fields(reg: Registration) -> tuple[dict[str, list[str]], list[PartyInput], list]:
    """Everything that can be judged from the registration alone (no database)."""
    errors: dict[str, list[str]] = {}
    now = clock.now()
    if reg.channel not in Channel.values:
        _add(errors, "channel", "信访形式无效。")
    if reg.received_at is None:
        _add(errors, "received_at", "请填写收到时间。")
    elif reg.received_at > now + dt.timedelta(minutes=5):
        _add(errors, "received_at", "收到时间不能晚于当前时间。")
    elif reg.received_at.year < 2000:
        _add(errors, "received_at", "收到时间不合理。")
    if reg.petition_class not in PetitionClass.values:
        _add(errors, "petition_class", "请选择信访类别（建议意见、检举控告或申诉求决）。")
    if reg.category is None or not reg.category.is_active:
        _add(errors, "category", "请选择有效的内容分类。")
    if reg.issue_region is None:
        _add(errors, "issue_region", "请选择问题属地。")
    if not reg.summary.strip():
        _add(errors, "summary", "请填写事项摘要。")
    elif len(reg.summary) > 200:
        _add(errors, "summary", "事项摘要不超过200字。")
    if not reg.content.strip():
        _add(errors, "content", "请填写诉求内容、事实和理由。")
    elif len(reg.content) > 20000:
        _add(errors, "content", "诉求内容不超过2万字，更多材料请作为附件上传。")

    parties = _check_parties(reg, errors)
    person_count = reg.person_count if reg.person_count is not None else max(len(parties), 1)
    if person_count < 1:
        _add(errors, "person_count", "人次至少为1。")
    elif person_count < len(parties):
        _add(errors, "person_count", "人次不能少于登记的信访人数。")
    elif person_count > 10000:
        _add(errors, "person_count", "人次不合理。")
    is_collective = reg.channel == Channel.VISIT and person_count >= COLLECTIVE_MIN_PERSONS
    if any(p.role == PartyRole.REPRESENTATIVE for p in parties) and not is_collective:
        _add(errors, "parties", f"只有{COLLECTIVE_MIN_PERSONS}人以上的集体访才推选代表。")

    if reg.channel == Channel.VISIT:
        if reg.visit_level not in Level.values:
            _add(errors, "visit_level", "来访请选择来访层级。")
    elif reg.visit_level:
        _add(errors, "visit_level", "只有来访才填写来访层级。")

    if reg.source not in Source.values:
        _add(errors, "source", "来源无效。")
    elif reg.source == Source.REFERRED_FROM_ABOVE:
        if reg.source_level not in (Level.NATIONAL, Level.PROVINCE, Level.CITY):
            _add(errors, "source_level", "上级转送交办的事项请选择来自国家、省或市。")
        if reg.source_action not in SourceAction.values:
            _add(errors, "source_action", "请选择转送或交办。")

    checked = []
    for upload in reg.attachments:
        try:
            checked.append(attachment_checks.check_upload(upload.name, upload.content))
        except ValidationError as exc:
            _add(errors, "attachments", exc.messages[0])
    return errors, parties, checked


class OnFile:
    """What the checks against earlier registrations read from the database: read once for a whole batch
    (one query each, whatever its size), then kept up to date as the batch accepts registrations, so the
    k-th item of a batch is checked against the items before it exactly as if they had been written."""

    def __init__(self, items: list[tuple[Registration, object, list[PartyInput]]]):
        ids = {p.id_number for _, _, parties in items for p in parties if p.id_number}
        externals = {reg.external_id for reg, _, _ in items if reg.external_id}
        # Petitioner rows by ID number: for the name check here and the matching in the write phase.
        self.people: dict[str, Petitioner] = {
            person.id_number: person for person in _chunked(Petitioner.objects.all(), "id_number", ids)
        }
        self.names = {id_number: person.name for id_number, person in self.people.items()}
        self.external_ids: set[str] = set(
            _chunked(Petition.objects.values_list("external_id", flat=True), "external_id", externals)
        )
        self.visible: dict[object, set[int]] = {}
        wanted: dict[object, set[int]] = {}
        for reg, actor, _ in items:
            if reg.repeat_of is not None:
                wanted.setdefault(_actor_key(actor), (actor, set()))[1].add(reg.repeat_of.pk)
        for key, (actor, pks) in wanted.items():
            self.visible[key] = set(_chunked(visible_to(actor).values_list("pk", flat=True), "pk", pks))

    def check(self, reg: Registration, actor, parties: list[PartyInput], errors: dict) -> None:
        # An ID number already on file under another name is a typo or someone else's number: never merge
        # the two people silently.
        for index, party in enumerate(parties):
            if party.id_number in self.names and self.names[party.id_number] != party.name:
                _add(
                    errors,
                    f"parties.{index}.id_number",
                    "该身份证号码已登记在另一姓名下，请核对姓名和身份证号码。",
                )
        if reg.external_id and reg.external_id in self.external_ids:
            _add(errors, "external_id", f"外部编号“{reg.external_id}”已经导入过，不再重复登记。")
        if reg.repeat_of is not None and reg.repeat_of.pk not in self.visible.get(_actor_key(actor), ()):
            _add(errors, "repeat_of", "关联的原信访事项不存在。")

    def accept(self, reg: Registration, parties: list[PartyInput]) -> None:
        for party in parties:
            if party.id_number:
                self.names.setdefault(party.id_number, party.name)
        if reg.external_id:
            self.external_ids.add(reg.external_id)


LOOKUP_CHUNK = 900  # values per IN (...): under SQLite's historical limit of 999 parameters


def _chunked(queryset, field: str, values: set):
    values = sorted(values, key=str)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field}__in": values[start : start + LOOKUP_CHUNK]})


def _actor_key(actor):
    try:
        hash(actor)
    except TypeError:
        return id(actor)
    return actor


def validate(reg: Registration, actor, on_file: OnFile | None = None):
    """All the checks of one registration: (errors, cleaned parties, checked attachments)."""
    errors, parties, checked = _check_fields(reg)
    on_file = on_file or OnFile([(reg, actor, parties)])
    on_file.check(reg, actor, parties, errors)
    return errors, parties, checked


def _receiving_unit(reg: Registration, actor) -> OrgUnit:
    if reg.receiving_unit is not None:
        return reg.receiving_unit
    if actor is None or actor.unit is None or not actor.has_role(Role.REGISTRAR):
        raise ValidationError({"__all__": ["只有登记员可以登记信访事项。"]})
    return actor.unit


# --- registering: one registration is a batch of one -------------------------------------------------------


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
    deadlines: list = field(default_factory=list)
    people: list = field(
        default_factory=list
    )  # (Petitioner, "create_petitioner" | "update_petitioner" | "", changes)


def register_many(
    registrations: list[Registration], actor, *, ip_address: str | None = None
) -> list[Registered | ValidationError]:
    """Register petitions in one go: the same checks and the same rows as ``register`` one by one.

    ``actor`` is one actor for all, or a list with one actor per registration (the importer's receiving
    units). Returns, per registration and in order, a ``Registered`` or the ``ValidationError`` that refused
    it; a refused registration writes nothing, the others are written together in one transaction (numbers
    reserved per region and year with one UPDATE, petitioners matched with one query, every table written
    with a few multi-row INSERTs; see ``petitions.bulk``), so the query count does not grow with the batch.
    Each registration is checked against the ones before it in the list as if they had been written (ID
    number under another name, external id, same petitioner). A database error (e.g. a unique index hit by a
    concurrent transaction) rolls the whole batch back and propagates.
    """
    registrations = list(registrations)
    actors = list(actor) if isinstance(actor, list | tuple) else [actor] * len(registrations)
    if len(actors) != len(registrations):
        raise ValueError("one actor per registration")
    outcomes: list[Registered | ValidationError | None] = [None] * len(registrations)
    checked = []
    for index, (reg, who) in enumerate(zip(registrations, actors, strict=True)):
        try:
            unit = _receiving_unit(reg, who)
        except ValidationError as exc:
            outcomes[index] = exc
            continue
        errors, parties, files = _check_fields(reg)
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
            # Inside the caller's transaction (an import batch): numbers reserved with the rows, so a batch
            # rolled back leaves no gap.
            with transaction.atomic():
                _number(written)
                _write(written, on_file, ip_address)
        else:
            # Numbers in their own short transaction: the sequence row is locked for one UPDATE, not for
            # the whole write, so concurrent intake does not queue behind it (measured: 72 ms of waiting per
            # registration under load). Numbers are gap-tolerant (design.md): a write that then fails on a
            # database error leaves its numbers unused.
            with transaction.atomic():
                _number(written)
            with transaction.atomic():
                _write(written, on_file, ip_address)
        for index, item in items:
            outcomes[index] = Registered(petition=item.petition, query_code=item.query_code)
    return outcomes


def _number(items: list[_Item]) -> None:
    """Each item's registration number (one block per region and year, in input order) and query code."""
    blocks: dict[tuple[str, int], list[_Item]] = {}
    for item in items:
        year = clock.local_date(item.reg.received_at).year
        blocks.setdefault((item.unit.region.code, year), []).append(item)
    for (region_code, year), members in blocks.items():
        numbers = reserve_registration_numbers(region_code, year, len(members))
        for item, number in zip(members, numbers, strict=True):
            item.number = number
            item.query_code = new_query_code()


def _write(items: list[_Item], on_file: OnFile, ip_address: str | None) -> None:
    from xinfang.search.index import index_bulk
    from xinfang.workflow.models import Deadline
    from xinfang.workflow.services import on_registered  # the route/notify periods start at receipt

    now = clock.now()
    for item in items:
        item.petition = _petition_row(item, item.number, now)
    petitions = [item.petition for item in items]
    for item, rows in zip(items, on_registered(petitions), strict=True):
        item.deadlines = rows

    people = _People(on_file.people, [party for item in items for party in item.parties])
    for item in items:
        item.people = [people.find_or_make(party, now) for party in item.parties]
    bulk.insert(Petitioner, people.made)
    Petitioner.objects.bulk_update(people.changed(), ["phone", "address"])
    bulk.insert(Petition, petitions)

    parties, deadlines, attachments = [], [], []
    for item in items:
        for position, (party, (person, _, _)) in enumerate(zip(item.parties, item.people, strict=True)):
            parties.append(
                PetitionParty(petition=item.petition, petitioner=person, role=party.role, position=position)
            )
        for row in item.deadlines:
            row.petition = item.petition
            deadlines.append(row)
        attachments += [_attachment_row(item.petition, f, item.actor, now) for f in item.files]
    bulk.insert(PetitionParty, parties)
    bulk.insert(Deadline, deadlines, returning=False)
    bulk.insert(Attachment, attachments)

    # The audit rows in the order ``register`` writes them one by one: the registration, then per party its
    # petitioner (created or updated) and the party, then the attachments.
    events = []
    parties_left, attachments_left = iter(parties), iter(attachments)
    for item in items:
        petition, actor = item.petition, item.actor
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
                        action=action, target=person, petition=petition, actor=actor, at=now, changes=changes
                    )
                )
            row = next(parties_left)
            events.append(
                audit.build(
                    action="add_party",
                    target=row,
                    petition=petition,
                    actor=actor,
                    at=now,
                    ip_address=ip_address,
                    data={"petitioner": person.pk, "role": row.role},
                )
            )
        for checked in item.files:
            events.append(_attachment_event(next(attachments_left), checked, actor, now, ip_address))
    bulk.insert(Event, events, returning=False)
    # Bulk inserts send no post_save, so the search documents are written here, in the same transaction.
    index_bulk(petitions)


def _petition_row(item: _Item, number: str, now: dt.datetime) -> Petition:
    reg, unit, actor = item.reg, item.unit, item.actor
    person_count = reg.person_count if reg.person_count is not None else len(item.parties)
    return Petition(
        registration_number=number,
        external_id=reg.external_id or None,
        query_code_hash=hash_query_code(item.query_code),
        channel=reg.channel,
        source=reg.source,
        source_level=reg.source_level if reg.source == Source.REFERRED_FROM_ABOVE else "",
        source_action=reg.source_action if reg.source == Source.REFERRED_FROM_ABOVE else "",
        received_at=reg.received_at,
        registered_at=now,
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
        summary=reg.summary.strip(),
        content=reg.content.strip(),
        repeat_of=reg.repeat_of,
        is_repeat=reg.repeat_of is not None,
        identity_confidential=reg.identity_confidential,
        status=Status.REGISTERED,
    )


class _People:
    """The same person across petitions — by ID number, else by name and phone — for a whole batch.

    Starts from the rows on file (by ID number, read by ``OnFile``; by phone, one query here) and follows the
    batch in order: a person first seen in the batch is made once and found again by the later items; the
    latest phone and address win, each change giving the item's petition an ``update_petitioner`` row with
    the old values, exactly as registering the items one by one would."""

    def __init__(self, by_id: dict[str, Petitioner], parties: list[PartyInput]):
        self.by_id = dict(by_id)
        phones = {p.phone for p in parties if p.phone and not p.id_number}
        on_file = {person.pk: person for person in self.by_id.values()}
        on_file.update((person.pk, person) for person in _chunked(Petitioner.objects.all(), "phone", phones))
        self.by_contact: dict[tuple[str, str], list[Petitioner]] = {}
        for person in sorted(on_file.values(), key=lambda p: p.pk):  # ``.first()``: the lowest key
            self.by_contact.setdefault((person.name, person.phone), []).append(person)
            if person.id_number:
                self.by_id[person.id_number] = person
        self.made: list[Petitioner] = []
        self._changed: dict[int, Petitioner] = {}

    def find_or_make(self, party: PartyInput, at: dt.datetime) -> tuple[Petitioner, str, dict]:
        person = None
        if party.id_number:
            person = self.by_id.get(party.id_number)
        elif party.phone:
            key = (party.name, party.phone)
            # Found by the values it has now: a person whose phone changed earlier in the batch moved key.
            person = next((p for p in self.by_contact.get(key, ()) if (p.name, p.phone) == key), None)
        if person is None:
            person = Petitioner(
                name=party.name,
                id_number=party.id_number or None,
                phone=party.phone,
                address=party.address,
                created_at=at,
            )
            person._made = len(self.made)  # order among the people made in this batch
            self.made.append(person)
            self._index(person)
            return person, "create_petitioner", {}
        before = audit.snapshot(person, ["phone", "address"])
        # The latest contact details win: the petitioner follows the case, and gets its messages, by the phone
        # they gave this time. The old values stay in the audit row.
        if party.phone:
            person.phone = party.phone
        if party.address:
            person.address = party.address
        changes = audit.diff(before, audit.snapshot(person, ["phone", "address"]))
        if not changes:
            return person, "", {}
        if person.pk is not None:
            self._changed[person.pk] = person
        self._index(person)
        return person, "update_petitioner", changes

    def _index(self, person: Petitioner) -> None:
        if person.id_number:
            self.by_id[person.id_number] = person
        found = self.by_contact.setdefault((person.name, person.phone), [])
        if person not in found:
            # Rows on file come first, by key; people made in this batch after them, in order made.
            found.append(person)
            if len(found) > 1:
                found.sort(key=lambda p: (p.pk is None, p.pk or 0, getattr(p, "_made", 0)))

    def changed(self) -> list[Petitioner]:
        return list(self._changed.values())


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
SNAPSHOT_FIELDS = [
    "registration_number",
    "channel",
    "source",
    "received_at",
    "receiving_unit_id",
    "is_collective",
    "is_repeat",
    *EDITABLE_FIELDS,
]


def _attachment_row(petition: Petition, checked, actor, at: dt.datetime) -> Attachment:
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


def _attachment_event(row: Attachment, checked, actor, at: dt.datetime, ip_address: str | None):
    return audit.build(
        action="add_attachment",
        target=row,
        petition=row.petition,
        actor=actor,
        at=at,
        ip_address=ip_address,
        data={"name": checked.name, "sha256": checked.sha256, "size": checked.size},
    )


def _attach(petition: Petition, checked, actor, at: dt.datetime, ip_address: str | None) -> Attachment:
    row = _attachment_row(petition, checked, actor, at)
    row.save()
    _attachment_event(row, checked, actor, at, ip_address).save()
    return row


def add_attachment(petition: Petition, upload: AttachmentInput, actor, *, ip_address: str | None = None):
    checked = attachment_checks.check_upload(upload.name, upload.content)
    with transaction.atomic():
        return _attach(petition, checked, actor, clock.now(), ip_address)


def correct_details(petition: Petition, changes: dict, actor, *, reason: str, ip_address: str | None = None):
    """Correct registration details (not the state), with a reason, as one audited change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": [f"不能修改这些字段：{'、'.join(sorted(unknown))}。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请填写修改理由。"]})
    if not actor.has_role(Role.REGISTRAR, Role.ADMIN):
        raise ValidationError({"__all__": ["只有登记员可以更正登记信息。"]})
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        before = audit.snapshot(locked, list(changes))
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.is_repeat = locked.repeat_of_id is not None
        if "issue_region_id" in changes:
            locked.issue_region_code = Region.objects.get(pk=locked.issue_region_id).code
        locked.is_collective = (
            locked.channel == Channel.VISIT and locked.person_count >= COLLECTIVE_MIN_PERSONS
        )
        diff = audit.diff(before, audit.snapshot(locked, list(changes)))
        if not diff:
            return locked
        locked.full_clean(exclude=["registration_number", "query_code_hash", "external_id"])
        locked.save()
        audit.record(
            action="correct_details",
            target=locked,
            petition=locked,
            actor=actor,
            ip_address=ip_address,
            changes=diff,
            reason=reason.strip(),
        )
    return locked


def record_identity_disclosure(petition: Petition, user, *, via: str, ip_address: str | None = None) -> None:
    """Log each showing of a protected identity (process.md §11): an accuser's, or one the petitioner asked
    to keep confidential. Ordinary petitions are not logged on every view; their masking is by role."""
    if petition.identity_confidential or petition.petition_class == PetitionClass.ACCUSATION:
        audit.record(
            action="disclose_identity",
            target=petition,
            petition=petition,
            actor=user,
            ip_address=ip_address,
            data={"via": via},
        )
