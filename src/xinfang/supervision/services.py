"""Supervision (督办, process.md §6): open, answer, close and remind. Each writes one audit event.

* ``open_supervision(actor, *, unit=None, petition=None, reason_kind, text, response_due, is_listed=False,
  deadline=None, at=None, ip_address=None) -> Supervision``
* ``answer(supervision, actor, *, text, at=None, ip_address=None) -> Supervision``
* ``close(supervision, actor, *, note="", at=None, ip_address=None) -> Supervision``
* ``send_reminders(today=None) -> int``
* ``can_open(user, unit)``, ``units_to_supervise(user)``, ``can_answer(user, supervision)``, ``can_close(user, supervision)``

A supervision presses a unit; it never changes the petition's state (only the workflow does that).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from xinfang import clock
from xinfang.audit.services import record
from xinfang.documents import services as documents
from xinfang.notifications import services as notifications
from xinfang.notifications.models import Kind
from xinfang.notifications.recipients import staff_by_unit
from xinfang.orgs.models import OrgUnit, Role, UnitKind
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.workflow.models import Routing

from .models import ReasonKind, Supervision, SupervisionReminder, SupervisionStatus

logger = logging.getLogger(__name__)

OPENING_ROLES = (Role.SUPERVISOR, Role.BUREAU_LEADER)
ANSWERING_ROLES = (Role.HANDLER, Role.UNIT_LEADER)
# Reminders go out when this many days (or fewer) are left, once per threshold, and once more when overdue.
REMINDER_DAYS = (3, 1, 0)


def _reminder_days() -> tuple[int, ...]:
    return tuple(sorted(getattr(settings, "XF_SUPERVISION_REMINDER_DAYS", REMINDER_DAYS), reverse=True))


def detail_url(supervision: Supervision) -> str:
    return reverse("supervision:detail", args=[supervision.pk])


# --- who may ------------------------------------------------------------------------------------------------


def can_open(user, unit: OrgUnit | None = None) -> bool:
    """Supervisors and leaders of a bureau, over units inside the bureau's region, the bureau itself included:
    a petition the bureau handles itself (直接受理) has deadlines its own office can miss."""
    bureau = getattr(user, "unit", None)
    if bureau is None or bureau.kind != UnitKind.BUREAU or not user.has_role(*OPENING_ROLES):
        return False
    return unit is None or bureau.region.contains(unit.region)


def units_to_supervise(user):
    """The active units `user`'s bureau may supervise (see `can_open`), the bureau among them."""
    return OrgUnit.objects.filter(
        region__code__startswith=user.unit.region.prefix, is_active=True
    ).select_related("region")


def can_answer(user, supervision: Supervision) -> bool:
    return (
        supervision.status == SupervisionStatus.OPEN
        and getattr(user, "unit_id", None) == supervision.unit_id
        and user.has_role(*ANSWERING_ROLES)
    )


def can_close(user, supervision: Supervision) -> bool:
    return (
        supervision.status != SupervisionStatus.CLOSED
        and getattr(user, "unit_id", None) == supervision.bureau_id
        and user.has_role(*OPENING_ROLES)
    )


def _handles(unit: OrgUnit, petition: Petition) -> bool:
    """Whether the unit has the petition in hand (and so may be pressed about it, and can see it)."""
    return unit.pk in (petition.responsible_unit_id, petition.receiving_unit_id) or (
        Routing.objects.filter(petition=petition, to_unit=unit).exists()
    )


# --- open ---------------------------------------------------------------------------------------------------


def open_supervision(
    actor,
    *,
    reason_kind: str,
    text: str,
    response_due: dt.date,
    unit: OrgUnit | None = None,
    petition: Petition | None = None,
    is_listed: bool = False,
    deadline=None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Supervision:
    at = at or clock.now()
    if petition is not None and unit is None:
        unit = petition.responsible_unit
    if unit is None:
        raise ValidationError({"unit": "请选择被督办单位。"})
    if not can_open(actor, None):
        raise PermissionDenied("只有信访部门的督查人员或局领导可以督办。")
    if not can_open(actor, unit):
        raise PermissionDenied("被督办单位不在本信访部门的管辖范围内。")
    if petition is not None:
        if not visible_to(actor).filter(pk=petition.pk).exists():
            raise PermissionDenied("无权督办该信访事项。")
        if petition.petition_class == PetitionClass.ACCUSATION and petition.subject_unit_id == unit.pk:
            raise ValidationError({"unit": "检举控告事项不得向被检举单位督办（《信访工作条例》第三十条）。"})
        if not _handles(unit, petition):
            raise ValidationError({"unit": "该单位未承办此信访事项。"})
    if deadline is not None and (petition is None or deadline.petition_id != petition.pk):
        raise ValidationError({"deadline": "期限与信访事项不符。"})
    errors = {}
    if reason_kind not in ReasonKind.values:
        errors["reason_kind"] = "请选择督办事由。"
    if not (text or "").strip():
        errors["text"] = "请填写督办意见。"
    if response_due is None or response_due < clock.local_date(at):
        errors["response_due"] = "回复期限不能早于督办当日。"
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        supervision = Supervision.objects.create(
            petition=petition,
            unit=unit,
            bureau=actor.unit,
            deadline=deadline,
            opened_by=actor,
            opened_at=at,
            reason_kind=reason_kind,
            text=text.strip(),
            response_due=response_due,
            is_listed=is_listed,
        )
        letter = _issue_letter(supervision, actor, at)
        if letter is not None:
            supervision.letter = letter
            supervision.save(update_fields=["letter"])
        record(
            action="open_supervision",
            target=supervision,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=supervision.text,
            data={
                "unit": unit.pk,
                "reason_kind": reason_kind,
                "response_due": response_due,
                "is_listed": is_listed,
                "letter": letter.pk if letter is not None else None,
                "deadline": deadline.pk if deadline is not None else None,
            },
        )
        listed = "挂牌督办" if is_listed else "督办"
        notifications.notify(
            staff_by_unit([unit.pk], ANSWERING_ROLES)[unit.pk],
            kind=Kind.SUPERVISION,
            title=f"{actor.unit.name}{listed}：{_subject(supervision)}",
            body=f"{supervision.text}\n请于{response_due:%Y年%m月%d日}前书面回复。",
            petition=petition,
            url=detail_url(supervision),
        )
    return supervision


def _subject(supervision: Supervision) -> str:
    if supervision.petition is not None:
        return f"信访事项{supervision.petition.registration_number}"
    return supervision.get_reason_kind_display()


# What the letter says after "经督查，" for each reason.
LETTER_REASONS = {
    ReasonKind.DEADLINE_MISSED: "该事项已超过办理期限仍未办结",
    ReasonKind.SHIRKED_OR_DELAYED: "该事项办理中存在推诿扯皮、敷衍拖延的问题",
    ReasonKind.DECISION_NOT_CARRIED_OUT: "该事项的处理意见尚未落实到位",
    ReasonKind.LEADER_INSTRUCTION: "领导已对该事项作出批示",
}


def _issue_letter(supervision: Supervision, actor, at: dt.datetime):
    """The 督办函. A letter is a record on a petition, so a supervision of a unit without a petition has none."""
    if supervision.petition is None:
        return None
    return documents.issue(
        supervision.petition,
        "supervision_letter",
        unit=supervision.bureau,
        actor=actor,
        at=at,
        context={
            "addressee_unit": supervision.unit.name,
            "response_date": supervision.response_due,
            "reason": LETTER_REASONS.get(supervision.reason_kind, ""),
            "requirements": ("本事项列为挂牌督办。\n" if supervision.is_listed else "") + supervision.text,
        },
    )


# --- answer and close ---------------------------------------------------------------------------------------


def _locked(supervision: Supervision) -> Supervision:
    return (
        # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the petition.
        Supervision.objects.select_for_update(of=("self",))
        .select_related("petition", "unit", "bureau")
        .get(pk=supervision.pk)
    )


def answer(
    supervision: Supervision,
    actor,
    *,
    text: str,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Supervision:
    at = at or clock.now()
    if getattr(actor, "unit_id", None) != supervision.unit_id or not actor.has_role(*ANSWERING_ROLES):
        raise PermissionDenied("只有被督办单位的承办人员或负责人可以回复督办。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写回复内容。"})
    with transaction.atomic():
        locked = _locked(supervision)
        if locked.status != SupervisionStatus.OPEN:
            raise ValidationError("该督办已回复或已结束，不能再次回复。")
        locked.status = SupervisionStatus.ANSWERED
        locked.answer_text = text.strip()
        locked.answered_at = at
        locked.answered_by = actor
        locked.answered_on_time = clock.local_date(at) <= locked.response_due
        locked.save(update_fields=["status", "answer_text", "answered_at", "answered_by", "answered_on_time"])
        record(
            action="answer_supervision",
            target=locked,
            petition=locked.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=locked.answer_text,
            data={"on_time": locked.answered_on_time, "unit": locked.unit_id},
        )
        notifications.notify(
            [locked.opened_by],
            kind=Kind.SUPERVISION_ANSWERED,
            title=f"{locked.unit.name}已回复督办：{_subject(locked)}",
            body=locked.answer_text,
            petition=locked.petition,
            url=detail_url(locked),
        )
    return locked


def close(
    supervision: Supervision, actor, *, note: str = "", at: dt.datetime | None = None, ip_address=None
) -> Supervision:
    at = at or clock.now()
    if getattr(actor, "unit_id", None) != supervision.bureau_id or not actor.has_role(*OPENING_ROLES):
        raise PermissionDenied("只有督办单位的督查人员或局领导可以结束督办。")
    with transaction.atomic():
        locked = _locked(supervision)
        if locked.status == SupervisionStatus.CLOSED:
            raise ValidationError("该督办已结束。")
        previous = locked.status
        locked.status = SupervisionStatus.CLOSED
        locked.closed_at = at
        locked.closed_by = actor
        locked.close_note = (note or "").strip()
        locked.save(update_fields=["status", "closed_at", "closed_by", "close_note"])
        record(
            action="close_supervision",
            target=locked,
            petition=locked.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=locked.close_note,
            data={"previous": previous, "unit": locked.unit_id},
        )
    return locked


# --- reminders ----------------------------------------------------------------------------------------------


def _threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The reminder due at ``days_left``: the smallest threshold not below it, or OVERDUE once past."""
    if days_left < 0:
        return SupervisionReminder.OVERDUE
    due = [t for t in thresholds if t >= days_left]
    return min(due) if due else None


def send_reminders(today: dt.date | None = None) -> int:
    """Remind the supervised units of open supervisions whose response date nears or has passed; each
    threshold once. Returns the number of reminders sent."""
    today = today or clock.today()
    thresholds = _reminder_days()
    horizon = today + dt.timedelta(days=max(thresholds, default=0))
    candidates = list(
        Supervision.objects.filter(status=SupervisionStatus.OPEN, response_due__lte=horizon)
        .select_related("petition", "unit", "opened_by")
        .prefetch_related("reminders")
    )
    due = []
    for supervision in candidates:
        key = _threshold((supervision.response_due - today).days, thresholds)
        sent = {r.days_before for r in supervision.reminders.all()}
        if key is not None and key not in sent:
            due.append((supervision, key))
    if not due:
        return 0
    now = clock.now()
    with transaction.atomic():
        unit_ids = {s.unit_id for s, _ in due}
        staff = staff_by_unit(unit_ids, ANSWERING_ROLES)
        reminders = []
        for supervision, key in due:
            people = staff.get(supervision.unit_id, [])
            overdue = key == SupervisionReminder.OVERDUE
            if overdue:
                people = [*people, supervision.opened_by]
                title = f"督办已逾期未回复：{_subject(supervision)}"
            else:
                title = f"督办催办：{_subject(supervision)}，请于{supervision.response_due:%m月%d日}前回复"
            sent = notifications.notify(
                people,
                kind=Kind.SUPERVISION_REMINDER,
                title=title,
                body=supervision.text,
                petition=supervision.petition,
                url=detail_url(supervision),
            )
            reminders.append(
                SupervisionReminder(
                    supervision=supervision, days_before=key, sent_at=now, recipients=len(sent)
                )
            )
            record(
                action="remind_supervision",
                target=supervision,
                petition=supervision.petition,
                at=now,
                data={"days_before": key, "recipients": len(sent), "unit": supervision.unit_id},
            )
        SupervisionReminder.objects.bulk_create(reminders)
    return len(due)
