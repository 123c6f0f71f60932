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
from xinfang.orgs.models import Level, OrgUnit, Region, Role

from . import attachments as attachment_checks
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


def next_registration_number(region_code: str, year: int) -> str:
    """Allocate `XF-<region>-<year>-<sequence>`; safe under concurrent intake.

    The increment is one UPDATE, which takes the row lock on PostgreSQL and runs under SQLite's write lock
    (IMMEDIATE transactions), so two registrations can never read the same value.
    """
    try:
        with transaction.atomic():
            RegistrationSequence.objects.get_or_create(region_code=region_code, year=year)
    except IntegrityError:  # another transaction created the row first; it exists now
        pass
    RegistrationSequence.objects.filter(region_code=region_code, year=year).update(last=F("last") + 1)
    last = RegistrationSequence.objects.get(region_code=region_code, year=year).last
    return f"XF-{region_code}-{year}-{last:06d}"


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
    # An ID number already on file under another name is a typo or someone else's number: never merge the
    # two people silently.
    known = dict(Petitioner.objects.filter(id_number__in=ids).values_list("id_number", "name")) if ids else {}
    for index, party in enumerate(cleaned):
        if party.id_number in known and known[party.id_number] != party.name:
            _add(
                errors,
                f"parties.{index}.id_number",
                "该身份证号码已登记在另一姓名下，请核对姓名和身份证号码。",
            )
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


def validate(reg: Registration, actor) -> tuple[dict[str, list[str]], list[PartyInput], list]:
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

    if reg.external_id and Petition.objects.filter(external_id=reg.external_id).exists():
        _add(errors, "external_id", f"外部编号“{reg.external_id}”已经导入过，不再重复登记。")
    if reg.repeat_of is not None and not visible_to(actor).filter(pk=reg.repeat_of.pk).exists():
        _add(errors, "repeat_of", "关联的原信访事项不存在。")

    checked = []
    for upload in reg.attachments:
        try:
            checked.append(attachment_checks.check_upload(upload.name, upload.content))
        except ValidationError as exc:
            _add(errors, "attachments", exc.messages[0])
    return errors, parties, checked


def _receiving_unit(reg: Registration, actor) -> OrgUnit:
    if reg.receiving_unit is not None:
        return reg.receiving_unit
    if actor is None or actor.unit is None or not actor.has_role(Role.REGISTRAR):
        raise ValidationError({"__all__": ["只有登记员可以登记信访事项。"]})
    return actor.unit


def _find_or_create_petitioner(party: PartyInput, at: dt.datetime, actor, petition: Petition) -> Petitioner:
    """The same person across petitions: by ID number, else by name and phone."""
    person = None
    if party.id_number:
        person = Petitioner.objects.filter(id_number=party.id_number).first()
    elif party.phone:
        person = Petitioner.objects.filter(name=party.name, phone=party.phone).first()
    if person is None:
        person = Petitioner.objects.create(
            name=party.name,
            id_number=party.id_number or None,
            phone=party.phone,
            address=party.address,
            created_at=at,
        )
        audit.record(action="create_petitioner", target=person, petition=petition, actor=actor, at=at)
        return person
    before = audit.snapshot(person, ["phone", "address"])
    # The latest contact details win: the petitioner follows the case, and gets its messages, by the phone
    # they gave this time. The old values stay in the audit row.
    if party.phone:
        person.phone = party.phone
    if party.address:
        person.address = party.address
    changes = audit.diff(before, audit.snapshot(person, ["phone", "address"]))
    if changes:
        person.save(update_fields=list(changes))
        audit.record(
            action="update_petitioner", target=person, petition=petition, actor=actor, at=at, changes=changes
        )
    return person


def register(reg: Registration, actor, *, ip_address: str | None = None) -> Registered:
    """Register a petition; raise ValidationError (a dict of field → Chinese messages) and write nothing."""
    receiving_unit = _receiving_unit(reg, actor)
    errors, parties, checked_files = validate(reg, actor)
    if errors:
        raise ValidationError(errors)
    try:
        return _write_registration(reg, actor, receiving_unit, parties, checked_files, ip_address)
    except IntegrityError:
        # Two imports of the same external id at the same instant: the unique index decided; say so plainly.
        if reg.external_id and Petition.objects.filter(external_id=reg.external_id).exists():
            raise ValidationError(
                {"external_id": [f"外部编号“{reg.external_id}”已经导入过，不再重复登记。"]}
            ) from None
        raise


def _write_registration(reg, actor, receiving_unit, parties, checked_files, ip_address) -> Registered:
    person_count = reg.person_count if reg.person_count is not None else len(parties)
    now = clock.now()
    query_code = new_query_code()
    with transaction.atomic():
        year = clock.local_date(reg.received_at).year
        petition = Petition.objects.create(
            registration_number=next_registration_number(receiving_unit.region.code, year),
            external_id=reg.external_id or None,
            query_code_hash=hash_query_code(query_code),
            channel=reg.channel,
            source=reg.source,
            source_level=reg.source_level if reg.source == Source.REFERRED_FROM_ABOVE else "",
            source_action=reg.source_action if reg.source == Source.REFERRED_FROM_ABOVE else "",
            received_at=reg.received_at,
            registered_at=now,
            registered_by=actor if getattr(actor, "pk", None) else None,
            receiving_unit=receiving_unit,
            receiving_region_code=receiving_unit.region.code,
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
        audit.record(
            action="register",
            target=petition,
            petition=petition,
            actor=actor,
            at=reg.received_at,
            ip_address=ip_address,
            to_status=Status.REGISTERED,
            changes=audit.diff({}, audit.snapshot(petition, SNAPSHOT_FIELDS)),
        )
        from xinfang.workflow.services import on_registered  # the route/notify periods start at receipt

        on_registered(petition)
        for position, party in enumerate(parties):
            person = _find_or_create_petitioner(party, now, actor, petition)
            row = PetitionParty.objects.create(
                petition=petition, petitioner=person, role=party.role, position=position
            )
            audit.record(
                action="add_party",
                target=row,
                petition=petition,
                actor=actor,
                at=now,
                ip_address=ip_address,
                data={"petitioner": person.pk, "role": party.role},
            )
        for checked in checked_files:
            _attach(petition, checked, actor, now, ip_address)
    return Registered(petition=petition, query_code=query_code)


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


def _attach(petition: Petition, checked, actor, at: dt.datetime, ip_address: str | None) -> Attachment:
    path = attachment_checks.store(checked)
    row = Attachment.objects.create(
        petition=petition,
        file=path,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=at,
    )
    audit.record(
        action="add_attachment",
        target=row,
        petition=petition,
        actor=actor,
        at=at,
        ip_address=ip_address,
        data={"name": checked.name, "sha256": checked.sha256, "size": checked.size},
    )
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
