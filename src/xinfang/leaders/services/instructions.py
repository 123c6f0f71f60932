"""Instructions (阅批, `leader_instruction`). Each change writes one audit event.

* ``submit(actor, *, petition, leader, note="") -> Submission``: the bureau puts a petition before a leader
* ``instruct(submission, actor, *, text, units, response_due=None) -> Instruction``: the leader's 批示 to
  units; with a date, a supervision (督办, reason 领导批示) is opened on each unit through the supervision
  service, which writes its own event and letter
* ``answer(target, actor, *, text) -> InstructionTarget``: the unit's written answer (and, when the
  instruction is supervised, the supervision's answer through its service)
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from xinfang import clock
from xinfang.audit.services import record
from xinfang.notifications import services as notifications
from xinfang.notifications.models import Kind
from xinfang.notifications.recipients import staff_by_unit
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.supervision import services as supervision
from xinfang.supervision.models import ReasonKind, SupervisionStatus

from .. import access
from ..models import Instruction, InstructionTarget, Submission, SubmissionStatus
from .common import check_units, raise_if, require_bureau
from .common import text as clean


def submit(actor, *, petition: Petition, leader, note: str = "", at=None, ip_address=None) -> Submission:
    at = at or clock.now()
    bureau = require_bureau(actor)
    if not visible_to(actor).filter(pk=petition.pk).exists():
        raise PermissionDenied("无权查看该信访事项。")
    if leader is None:
        raise ValidationError({"leader": "请选择呈阅的领导。"})
    if not access.leader_in_jurisdiction(bureau, leader):
        raise ValidationError({"leader": "该领导不在本信访部门的管辖范围内。"})
    if not visible_to(leader).filter(pk=petition.pk).exists():
        raise ValidationError({"leader": "该领导无权查看此信访事项（检举控告事项不呈被检举单位的领导）。"})
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                bureau=bureau,
                petition=petition,
                leader=leader,
                note=clean(note),
                submitted_by=actor,
                submitted_at=at,
            )
            record(
                action="submit_to_leader",
                target=submission,
                petition=petition,
                actor=actor,
                at=at,
                ip_address=ip_address,
                reason=submission.note,
                data={"leader": leader.pk},
            )
            notifications.notify(
                [leader],
                kind=Kind.GENERAL,
                title=f"请阅批：信访事项{petition.registration_number}",
                body=submission.note or petition.summary,
                petition=petition,
                url=reverse("leaders:submission", args=[submission.pk]),
            )
    except IntegrityError:
        raise ValidationError({"leader": "该事项已呈该领导阅批，尚未批示。"}) from None
    return submission


def _supervising_user(submission: Submission):
    """Who opens the supervision of a dated instruction: the bureau officer who submitted it when they may
    supervise, else a supervisor or leader of that bureau (a supervision is the bureau's act, not the
    leader's)."""
    if supervision.can_open(submission.submitted_by):
        return submission.submitted_by
    for user in submission.bureau.users.filter(is_active=True).order_by("id"):
        if supervision.can_open(user):
            return user
    return None


def instruct(
    submission: Submission,
    actor,
    *,
    text: str,
    units=(),
    response_due: dt.date | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Instruction:
    at = at or clock.now()
    body = clean(text)
    if actor.pk != submission.leader_id:
        raise PermissionDenied("只有呈阅的领导本人可以批示。")
    units = list(units)
    petition = submission.petition
    errors: dict = {}
    if not body:
        errors["text"] = "请填写批示内容。"
    if not units:
        errors["units"] = "请选择批示的承办单位。"
    check_units(errors, submission.bureau, units, "units")
    if petition.petition_class == PetitionClass.ACCUSATION and any(
        u.pk == petition.subject_unit_id for u in units
    ):
        errors["units"] = "检举控告事项不得批转被检举单位（《信访工作条例》第三十条）。"
    if response_due is not None and response_due < clock.local_date(at):
        errors["response_due"] = "回复期限不能早于今天。"
    raise_if(errors)
    opener = _supervising_user(submission) if response_due is not None else None
    if response_due is not None and opener is None:
        raise ValidationError({"response_due": "呈报单位没有可以督办的人员，不能设定回复期限。"})
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != SubmissionStatus.PENDING:
            raise ValidationError("该事项已批示。")
        instruction = Instruction.objects.create(
            submission=locked, leader=actor, text=body, response_due=response_due, written_at=at
        )
        locked.status = SubmissionStatus.INSTRUCTED
        locked.save(update_fields=["status"])
        targets = []
        for unit in units:
            opened = None
            if response_due is not None:
                try:
                    opened = supervision.open_supervision(
                        opener,
                        unit=unit,
                        petition=petition,
                        reason_kind=ReasonKind.LEADER_INSTRUCTION,
                        text=f"{actor}批示：{body}",
                        response_due=response_due,
                        at=at,
                    )
                except ValidationError as error:
                    raise ValidationError(
                        {"units": f"{unit.name}：{'；'.join(error.messages)}（限期批示由该单位督办落实）"}
                    ) from None
            targets.append(
                InstructionTarget.objects.create(instruction=instruction, unit=unit, supervision=opened)
            )
        record(
            action="write_instruction",
            target=instruction,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=body,
            data={
                "submission": locked.pk,
                "units": [u.pk for u in units],
                "response_due": response_due,
                "supervisions": [t.supervision_id for t in targets if t.supervision_id],
            },
        )
        # A dated instruction reaches the units as the supervision's message; an undated one, here.
        undated = [unit.pk for unit in units] if response_due is None else []
        staff = staff_by_unit(undated, access.ANSWERING_ROLES)
        notifications.notify(
            [user for pk in undated for user in staff.get(pk, [])],
            kind=Kind.GENERAL,
            title=f"{actor}批示：信访事项{petition.registration_number}",
            body=body,
            petition=petition,
            url=reverse("leaders:unit_instructions"),
        )
    return instruction


def can_answer(user, target: InstructionTarget) -> bool:
    return (
        target.answered_at is None
        and getattr(user, "unit_id", None) == target.unit_id
        and user.has_role(Role.HANDLER, Role.UNIT_LEADER)
    )


def answer(target: InstructionTarget, actor, *, text: str, at=None, ip_address=None) -> InstructionTarget:
    at = at or clock.now()
    body = clean(text)
    if getattr(actor, "unit_id", None) != target.unit_id or not actor.has_role(*access.ANSWERING_ROLES):
        raise PermissionDenied("只有批示承办单位的承办人员或负责人可以回复。")
    if not body:
        raise ValidationError({"text": "请填写办理情况。"})
    with transaction.atomic():
        locked = InstructionTarget.objects.select_for_update().select_related("instruction").get(pk=target.pk)
        if locked.answered_at is not None:
            raise ValidationError("已回复该批示。")
        due = locked.instruction.response_due
        locked.answer_text, locked.answered_at, locked.answered_by = body, at, actor
        locked.answered_on_time = None if due is None else clock.local_date(at) <= due
        locked.save(update_fields=["answer_text", "answered_at", "answered_by", "answered_on_time"])
        petition = locked.instruction.submission.petition
        record(
            action="answer_instruction",
            target=locked,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=body,
            data={"instruction": locked.instruction_id, "on_time": locked.answered_on_time},
        )
        if locked.supervision_id and locked.supervision.status == SupervisionStatus.OPEN:
            supervision.answer(locked.supervision, actor, text=body, at=at, ip_address=ip_address)
    return locked
