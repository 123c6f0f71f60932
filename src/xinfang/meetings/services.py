"""Joint-meeting changes, each one transaction and one audit event.

* ``hold_meeting(actor, *, level, kind, held_on, title, attendees, items, minutes="") -> JointMeeting``
  (``items``: ``ItemInput``s; one that continues an item a township meeting sent up names it)
* ``decide(item, actor, *, lead_unit, supporting_units, action, deadline) -> Decision``
* ``complete_decision(decision, actor, *, done_on, note) -> Decision``
* ``escalate_item(item, actor, *, target, reason) -> AgendaItem``
* ``settle_item(item, actor, *, note) -> AgendaItem``
* ``supervise_decision(decision, actor, *, text, response_due, is_listed=False) -> Supervision``
A meeting never moves a petition or a dispute: their own services do that. A decision on a petition that is
with a unit names its lead and supporting units through the workflow (``co_handling.apply_decision``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit.services import record
from xinfang.disputes.models import Dispute
from xinfang.disputes.selectors import disputes_visible_to
from xinfang.orgs.models import OrgUnit, Role, UnitKind
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.supervision import services as supervision
from xinfang.supervision.models import ReasonKind, Supervision

from .co_handling import apply_decision
from .models import (
    AgendaItem,
    Decision,
    DecisionSupervision,
    EscalationTarget,
    ItemStatus,
    JointMeeting,
    MeetingKind,
    MeetingLevel,
)

CONVENING_KINDS = {
    MeetingLevel.TOWNSHIP: {UnitKind.TOWNSHIP},
    MeetingLevel.COUNTY: {UnitKind.BUREAU, UnitKind.LEADERSHIP},
}
STAFF_ROLES = (Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.PARTY_LEADER, Role.SUPERVISOR)
# Where an item a meeting cannot settle goes (process.md §10).
NEXT_UP = {
    MeetingLevel.TOWNSHIP: {EscalationTarget.COUNTY_MEETING},
    MeetingLevel.COUNTY: {EscalationTarget.GOVERNMENT, EscalationTarget.PARTY_COMMITTEE},
}
COUNTY_DIGITS = 6


@dataclass
class ItemInput:
    summary: str
    petition: Petition | None = None
    dispute: Dispute | None = None
    escalated_from: AgendaItem | None = None


def _text(value) -> str:
    return (value or "").strip()


def county_prefix(unit: OrgUnit) -> str:
    return unit.region.code[:COUNTY_DIGITS]


def may_convene(user) -> bool:
    """Whether the user may record a joint meeting at any level (what `hold_meeting` checks per level)."""
    unit = getattr(user, "unit", None)
    return (
        unit is not None
        and any(unit.kind in kinds for kinds in CONVENING_KINDS.values())
        and user.has_role(*STAFF_ROLES)
    )


def can_run(user, meeting: JointMeeting) -> bool:
    """Staff of the convening unit, or of a bureau or leadership unit whose region holds it."""
    unit = getattr(user, "unit", None)
    if unit is None or not user.has_role(*STAFF_ROLES):
        return False
    return unit.pk == meeting.unit_id or (
        unit.sees_jurisdiction and unit.region.contains(meeting.unit.region)
    )


def _check_item(actor, item: ItemInput, level: str, unit: OrgUnit, position: int) -> str:
    if not _text(item.summary):
        return f"第{position}项议题：请填写议题。"
    if item.petition is not None and item.dispute is not None:
        return f"第{position}项议题：一项议题只涉及一件信访事项或一件矛盾纠纷。"
    if item.petition is not None and not visible_to(actor).filter(pk=item.petition.pk).exists():
        return f"第{position}项议题：信访事项不存在或无权查看。"
    if item.dispute is not None and not disputes_visible_to(actor).filter(pk=item.dispute.pk).exists():
        return f"第{position}项议题：矛盾纠纷不存在或无权查看。"
    source = item.escalated_from
    if source is not None:
        # As it stands now: the caller's copy may predate the escalation.
        source = item.escalated_from = AgendaItem.objects.select_related("meeting__unit__region").get(
            pk=source.pk
        )
        if level != MeetingLevel.COUNTY or source.escalated_to != EscalationTarget.COUNTY_MEETING:
            return f"第{position}项议题：只有提请县联席会议的议题可以由县联席会议接续研究。"
        if AgendaItem.objects.filter(escalated_from=source).exists():
            return f"第{position}项议题：该议题已由县联席会议接续研究。"
        if county_prefix(source.meeting.unit) != county_prefix(unit):
            return f"第{position}项议题：该议题不属于本县。"
    return ""


def hold_meeting(
    actor,
    *,
    level: str,
    kind: str,
    held_on: dt.date,
    title: str,
    attendees: str,
    items: list[ItemInput],
    minutes: str = "",
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> JointMeeting:
    at = at or clock.now()
    unit = getattr(actor, "unit", None)
    if level not in MeetingLevel.values:
        raise ValidationError({"level": "请选择会议层级。"})
    if unit is None or unit.kind not in CONVENING_KINDS[level] or not actor.has_role(*STAFF_ROLES):
        raise PermissionDenied("乡镇（街道）联席会议由乡镇（街道）召集，县联席会议由信访部门或党委政府召集。")
    errors = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型。"
    if held_on is None or held_on > clock.local_date(at):
        errors["held_on"] = "召开日期不能晚于今天。"
    if not _text(title):
        errors["title"] = "请填写会议名称。"
    if not _text(attendees):
        errors["attendees"] = "请填写参会单位和领导。"
    problems = [p for i, item in enumerate(items or [], 1) if (p := _check_item(actor, item, level, unit, i))]
    if not items:
        problems.append("请至少列出一项议题。")
    if problems:
        errors["items"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = JointMeeting.objects.create(
            level=level, kind=kind, unit=unit, held_on=held_on, title=_text(title), attendees=_text(attendees),
            minutes=_text(minutes), recorded_by=actor, recorded_at=at,
        )  # fmt: skip
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=i,
                petition=item.petition or (item.escalated_from.petition if item.escalated_from else None),
                dispute=item.dispute or (item.escalated_from.dispute if item.escalated_from else None),
                summary=_text(item.summary),
                escalated_from=item.escalated_from,
            )
            for i, item in enumerate(items, 1)
        )
        record(
            action="hold_joint_meeting",
            target=meeting,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={
                "level": level,
                "kind": kind,
                "held_on": held_on,
                "items": [
                    {"petition": getattr(i.petition, "pk", None), "dispute": getattr(i.dispute, "pk", None),
                     "escalated_from": getattr(i.escalated_from, "pk", None)}
                    for i in items
                ],
            },
        )  # fmt: skip
    return meeting


def _locked_item(item: AgendaItem) -> AgendaItem:
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__unit__region", "petition")
        .get(pk=item.pk)
    )


def _unit_problem(item: AgendaItem, unit: OrgUnit) -> str:
    if not unit.region.code.startswith(county_prefix(item.meeting.unit)):
        return f"{unit.name}不在本县范围内。"
    petition = item.petition
    if (
        petition is not None
        and petition.petition_class == PetitionClass.ACCUSATION
        and petition.subject_unit_id == unit.pk
    ):
        return "检举控告事项不得交由被检举单位办理。"
    return ""


def decide(
    item: AgendaItem,
    actor,
    *,
    lead_unit: OrgUnit | None,
    supporting_units: list[OrgUnit],
    action: str,
    deadline: dt.date | None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Decision:
    at = at or clock.now()
    with transaction.atomic():
        item = _locked_item(item)
        if not can_run(actor, item.meeting):
            raise PermissionDenied("无权记录该会议的议定事项。")
        if item.status not in (ItemStatus.OPEN, ItemStatus.DECIDED):
            raise ValidationError({"item": "该议题已提请上级研究或已化解。"})
        errors = {}
        if lead_unit is None:
            errors["lead_unit"] = "请明确牵头单位。"
        elif problem := _unit_problem(item, lead_unit):
            errors["lead_unit"] = problem
        supporting = [u for u in supporting_units or [] if lead_unit is None or u.pk != lead_unit.pk]
        if problems := [p for u in supporting if (p := _unit_problem(item, u))]:
            errors["supporting_units"] = problems
        if not _text(action):
            errors["action"] = "请填写议定事项。"
        if deadline is None:
            errors["deadline"] = "请明确办理时限。"
        elif deadline < item.meeting.held_on:
            errors["deadline"] = "办理时限不能早于会议召开日期。"
        if errors:
            raise ValidationError(errors)
        decision = Decision.objects.create(
            item=item, lead_unit=lead_unit, action=_text(action), deadline=deadline
        )
        decision.supporting_units.set(supporting)
        item.status = ItemStatus.DECIDED
        item.save(update_fields=["status"])
        apply_decision(item, decision, supporting, actor, at)
        record(
            action="decide_meeting_item",
            target=decision,
            petition=item.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"item": item.pk, "lead_unit": lead_unit.pk, "supporting_units": [u.pk for u in supporting],
                  "deadline": deadline},
        )  # fmt: skip
    return decision


def complete_decision(
    decision: Decision,
    actor,
    *,
    done_on: dt.date,
    note: str,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Decision:
    at = at or clock.now()
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("item__meeting")
            .get(pk=decision.pk)
        )
        if getattr(actor, "unit_id", None) != decision.lead_unit_id or not actor.has_role(*STAFF_ROLES):
            raise PermissionDenied("只有牵头单位可以报告落实情况。")
        errors = {}
        if decision.done_on is not None:
            errors["done_on"] = "已报告落实。"
        elif done_on is None or done_on > clock.local_date(at) or done_on < decision.item.meeting.held_on:
            errors["done_on"] = "落实日期应在会议之后、不晚于今天。"
        if not _text(note):
            errors["note"] = "请填写落实情况。"
        if errors:
            raise ValidationError(errors)
        decision.done_on, decision.done_note = done_on, _text(note)
        decision.save(update_fields=["done_on", "done_note"])
        record(
            action="complete_meeting_decision",
            target=decision,
            petition=decision.item.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"done_on": done_on, "on_time": done_on <= decision.deadline},
        )
    return decision


def escalate_item(
    item: AgendaItem,
    actor,
    *,
    target: str,
    reason: str,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> AgendaItem:
    at = at or clock.now()
    with transaction.atomic():
        item = _locked_item(item)
        if not can_run(actor, item.meeting):
            raise PermissionDenied("无权处理该会议议题。")
        errors = {}
        if item.status in (ItemStatus.ESCALATED, ItemStatus.SETTLED):
            errors["item"] = "该议题已提请上级研究或已化解。"
        if target not in NEXT_UP[item.meeting.level]:
            allowed = "、".join(t.label for t in NEXT_UP[item.meeting.level])
            errors["target"] = f"{item.meeting.get_level_display()}的议题只能提请{allowed}研究。"
        if not _text(reason):
            errors["reason"] = "请说明本级会议无法解决的原因。"
        if errors:
            raise ValidationError(errors)
        item.status, item.escalated_to, item.escalation_reason = ItemStatus.ESCALATED, target, _text(reason)
        item.save(update_fields=["status", "escalated_to", "escalation_reason"])
        record(
            action="escalate_meeting_item",
            target=item,
            petition=item.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=item.escalation_reason,
            data={"target": target},
        )
    return item


def settle_item(
    item: AgendaItem, actor, *, note: str, at: dt.datetime | None = None, ip_address: str | None = None
) -> AgendaItem:
    """The item settled at this meeting, or (an item sent to 常务会 / 常委会) by what that meeting decided."""
    at = at or clock.now()
    with transaction.atomic():
        item = _locked_item(item)
        if not can_run(actor, item.meeting):
            raise PermissionDenied("无权处理该会议议题。")
        high = item.status == ItemStatus.ESCALATED and item.escalated_to != EscalationTarget.COUNTY_MEETING
        if item.status == ItemStatus.SETTLED or (item.status == ItemStatus.ESCALATED and not high):
            raise ValidationError({"item": "该议题已化解，或已由县联席会议接续研究。"})
        if not _text(note):
            raise ValidationError({"note": "请填写化解情况。"})
        before = item.status
        item.status, item.settled_note = ItemStatus.SETTLED, _text(note)
        if high:
            item.escalation_outcome = item.settled_note
        item.save(update_fields=["status", "settled_note", "escalation_outcome"])
        record(
            action="settle_meeting_item",
            target=item,
            petition=item.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=before,
            to_status=item.status,
            reason=item.settled_note,
        )
    return item


def supervise_decision(
    decision: Decision,
    actor,
    *,
    text: str,
    response_due: dt.date | None,
    is_listed: bool = False,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Supervision:
    """A 督办 (reason 处理意见未落实) pressing the lead unit of a decision, opened through the supervision
    service (its audit event, letter and notice); the link says which decision it presses."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("item__meeting", "lead_unit__region")
            .get(pk=decision.pk)
        )
        if decision.done_on is not None:
            raise ValidationError({"decision": "该议定事项已落实，无需督办。"})
        opened = supervision.open_supervision(
            actor,
            unit=decision.lead_unit,
            reason_kind=ReasonKind.DECISION_NOT_CARRIED_OUT,
            text=_text(text),
            response_due=response_due,
            is_listed=is_listed,
            at=at,
            ip_address=ip_address,
        )
        DecisionSupervision.objects.create(decision=decision, supervision=opened)
    return opened
