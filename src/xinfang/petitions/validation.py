"""The checks of a registration: one code path for one registration and for a chunk of them.

``check_fields`` judges what the registration says on its own (no database); ``matching.OnFile`` then checks
it against what is on file. Errors are a dict of field → Chinese messages, the shape of ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from xinfang import clock, inputs
from xinfang.orgs.models import LEADER_ROLES, Level, OrgUnit, Role

from . import attachments as attachment_checks
from .identity import IdentityError, validate_id_number, validate_phone
from .intake import PartyInput, Registration
from .matching import OnFile
from .models import (
    COLLECTIVE_MIN_PERSONS,
    MAX_REPRESENTATIVES,
    Channel,
    PartyRole,
    PetitionClass,
    Source,
    SourceAction,
)

# The limits of what a registration may say; forms count against the same numbers (petitions.fields).
SUMMARY_MAX_LENGTH = 200  # Petition.summary
CONTENT_MAX_LENGTH = 20000
ADDRESS_MAX_LENGTH = 200  # Petitioner.address

# Names and summaries are read on screens and in documents: no zero-width or bidi controls in them (inputs).
INVISIBLE_CHECKED = [("summary", "事项摘要"), ("subject_person", "被反映人")]
# A browser's or client's clock may run slightly ahead of the server's.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# An accusation is never visible to the unit it accuses (Arts. 30, 46): registered there, it would vanish from
# the registrar's own view with its query code, so it is refused and sent where it belongs.
OWN_UNIT_ACCUSATION = (
    "检举控告的对象是本单位，本单位不能登记办理。请告知信访人向上一级信访工作机构或者纪检监察机关提出。"
)


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check_parties(reg: Registration, errors: dict[str, list[str]]) -> list[PartyInput]:
    cleaned: list[PartyInput] = []
    if not reg.parties:
        _add(errors, "parties", "请至少填写一名信访人。")
    for index, party in enumerate(reg.parties):
        key = f"parties.{index}"
        name = party.name.strip()
        if inputs.has_invisible(party.name):
            # Checked before blankness: a name of zero-width characters is not empty, it is invisible.
            _add(errors, f"{key}.name", inputs.invisible_message("信访人姓名"))
        elif not name:
            _add(errors, f"{key}.name", "请填写信访人姓名。")
        elif len(name) > 50:
            _add(errors, f"{key}.name", f"姓名不超过50字（现有{len(name)}字）。")
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
        address = party.address.strip()
        if len(address) > ADDRESS_MAX_LENGTH:
            # Refused, never cut: the caller shows the message and keeps what was typed.
            _add(errors, f"{key}.address", f"住址不超过{ADDRESS_MAX_LENGTH}字（现有{len(address)}字）。")
        cleaned.append(PartyInput(name, id_number, phone, address, party.role, party.region))
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


def check_fields(reg: Registration) -> tuple[dict[str, list[str]], list[PartyInput], list]:
    """Everything that can be judged from the registration alone (no database)."""
    errors: dict[str, list[str]] = {}
    now = clock.now()
    if reg.channel not in Channel.values:
        _add(errors, "channel", "信访形式无效。")
    if reg.received_at is None:
        _add(errors, "received_at", "请填写收到时间。")
    elif reg.received_at > now + FUTURE_TOLERANCE:
        _add(errors, "received_at", "收到时间不能晚于当前时间。")
    elif reg.received_at.year < 2000:
        _add(errors, "received_at", "收到时间不合理。")
    elif reg.registered_at is not None and reg.registered_at < reg.received_at:
        _add(errors, "registered_at", "登记时间不能早于收到时间。")
    if reg.registered_at is not None and reg.registered_at > now + FUTURE_TOLERANCE:
        _add(errors, "registered_at", "登记时间不能晚于当前时间。")
    if reg.petition_class not in PetitionClass.values:
        _add(errors, "petition_class", "请选择信访类别（建议意见、检举控告或申诉求决）。")
    if reg.category is None or not reg.category.is_active:
        _add(errors, "category", "请选择有效的内容分类。")
    if reg.issue_region is None:
        _add(errors, "issue_region", "请选择问题属地。")
    for field, label in INVISIBLE_CHECKED:
        if inputs.has_invisible(getattr(reg, field) or ""):
            _add(errors, field, inputs.invisible_message(label))
    if "summary" in errors:
        pass
    elif not reg.summary.strip():
        _add(errors, "summary", "请填写事项摘要。")
    elif len(reg.summary) > SUMMARY_MAX_LENGTH:
        _add(errors, "summary", f"事项摘要不超过{SUMMARY_MAX_LENGTH}字（现有{len(reg.summary)}字）。")
    if not reg.content.strip():
        _add(errors, "content", "请填写诉求内容、事实和理由。")
    elif len(reg.content) > CONTENT_MAX_LENGTH:
        _add(
            errors,
            "content",
            f"诉求内容不超过{CONTENT_MAX_LENGTH}字（现有{len(reg.content)}字），更多材料请作为附件上传。",
        )

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

    _check_addressed_leader(reg, errors)

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


def _check_addressed_leader(reg: Registration, errors: dict[str, list[str]]) -> None:
    """A letter to the leader's mailbox names the leader, whose name its reply carries; no other channel does."""
    leader = reg.addressed_leader
    if reg.channel != Channel.LEADER_MAILBOX:
        if leader is not None:
            _add(errors, "addressed_leader", "只有领导信箱来信才选择收信领导。")
        return
    if leader is None:
        _add(errors, "addressed_leader", "领导信箱来信请选择收信领导。")
    elif not leader.is_active or leader.unit_id is None or not leader.has_role(*LEADER_ROLES):
        _add(errors, "addressed_leader", "收信领导须为在职的党政领导或信访局领导。")
    if len(reg.addressed_leader_post.strip()) > 60:
        _add(errors, "addressed_leader_post", "领导职务不超过60字。")


def validate(reg: Registration, actor, on_file: OnFile | None = None):
    """All the checks of one registration: (errors, cleaned parties, checked attachments)."""
    errors, parties, checked = check_fields(reg)
    try:
        check_receiving_unit(reg, receiving_unit(reg, actor), errors)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    on_file = on_file or OnFile([(reg, actor, parties)])
    on_file.check(reg, actor, parties, errors)
    return errors, parties, checked


def receiving_unit(reg: Registration, actor) -> OrgUnit:
    if reg.receiving_unit is not None:
        return reg.receiving_unit
    if actor is None or actor.unit is None or not actor.has_role(Role.REGISTRAR):
        raise ValidationError({"__all__": ["只有登记员可以登记信访事项。"]})
    return actor.unit


def check_receiving_unit(reg: Registration, unit: OrgUnit, errors: dict[str, list[str]]) -> None:
    """An accusation may not be received by the unit it accuses: checked with the fields, so it is refused
    before any number or query code is reserved."""
    if (
        reg.petition_class == PetitionClass.ACCUSATION
        and reg.subject_unit is not None
        and reg.subject_unit.pk == unit.pk
    ):
        _add(errors, "subject_unit", OWN_UNIT_ACCUSATION)
