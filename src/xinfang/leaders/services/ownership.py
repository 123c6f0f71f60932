"""Case ownership (`CaseOwnership`, 包案, "五个一"). Each change writes one audit event.

* ``open_ownership(actor, *, petitions, problem, leader, leader_post, leader_level, team_users, team_units,
  steps, resolution_due, handed_from=None) -> CaseOwnership``
* ``add_progress(ownership, actor, *, note) -> ProgressEntry``
* ``resolve(ownership, actor, *, standards, note) -> CaseOwnership``: judged against the standard's items
* ``hand_on(ownership, actor, *, leader, leader_post, leader_level, resolution_due, note, ...)``: ends this
  ownership and opens the next leader's, with the same matters (e.g. city → county)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from xinfang import clock
from xinfang.audit.services import record
from xinfang.notifications import services as notifications
from xinfang.notifications.models import Kind
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to

from .. import access
from ..models import CaseOwnership, OwnershipStatus, PlanStep, ProgressEntry, ResolutionStandard
from .common import check_leader, check_units, raise_if, require_bureau, text


@dataclass(frozen=True)
class Step:
    text: str
    due_on: dt.date


def _check(actor, bureau, data: dict, at: dt.datetime, *, check_visible: bool = True) -> dict:
    errors: dict = {}
    petitions = list(data["petitions"])
    if not petitions:
        errors["petitions"] = "请选择包案的信访事项。"
    elif check_visible:
        seen = set(visible_to(actor).filter(pk__in=[p.pk for p in petitions]).values_list("pk", flat=True))
        if len(seen) != len({p.pk for p in petitions}):
            raise PermissionDenied("无权查看所选的信访事项。")
    if not text(data["problem"]):
        errors["problem"] = "请写明包案化解的问题。"
    check_leader(errors, bureau, data["leader"], data["leader_post"], data["leader_level"])
    units = list(data["team_units"])
    check_units(errors, bureau, units, "team_units")
    accused = {p.subject_unit_id for p in petitions if p.petition_class == PetitionClass.ACCUSATION}
    if any(unit.pk in accused for unit in units):
        errors["team_units"] = "检举控告事项不得交由被检举单位办理（《信访工作条例》第三十条）。"
    steps = [Step(text(s.text), s.due_on) for s in data["steps"] if text(s.text) or s.due_on]
    due = data["resolution_due"]
    today = clock.local_date(at)
    if due is None:
        errors["resolution_due"] = "请填写化解时限。"
    elif due < today:
        errors["resolution_due"] = "化解时限不能早于今天。"
    if not steps:
        errors["steps"] = "请制定化解方案（至少一个工作步骤及完成时间）。"
    elif any(not s.text or s.due_on is None for s in steps):
        errors["steps"] = "每个工作步骤都须写明内容和完成时间。"
    elif due is not None and any(s.due_on > due or s.due_on < today for s in steps):
        errors["steps"] = "工作步骤的完成时间须在今天至化解时限之间。"
    raise_if(errors)
    return {"petitions": petitions, "units": units, "steps": steps}


def _create(actor, bureau, data: dict, checked: dict, at, handed_from=None) -> CaseOwnership:
    ownership = CaseOwnership.objects.create(
        bureau=bureau,
        problem=text(data["problem"]),
        leader=data["leader"],
        leader_post=text(data["leader_post"]),
        leader_level=data["leader_level"],
        resolution_due=data["resolution_due"],
        handed_from=handed_from,
        opened_by=actor,
        opened_at=at,
    )
    ownership.petitions.set(checked["petitions"])
    ownership.team_users.set(list(data["team_users"]))
    ownership.team_units.set(checked["units"])
    PlanStep.objects.bulk_create(
        [
            PlanStep(ownership=ownership, text=s.text, due_on=s.due_on, order=i)
            for i, s in enumerate(checked["steps"])
        ]
    )
    return ownership


def open_ownership(
    actor,
    *,
    petitions,
    problem: str,
    leader,
    leader_post: str,
    leader_level: str,
    resolution_due: dt.date | None,
    steps=(),
    team_users=(),
    team_units=(),
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CaseOwnership:
    at = at or clock.now()
    bureau = require_bureau(actor)
    data = {
        "petitions": petitions,
        "problem": problem,
        "leader": leader,
        "leader_post": leader_post,
        "leader_level": leader_level,
        "resolution_due": resolution_due,
        "steps": steps,
        "team_users": team_users,
        "team_units": team_units,
    }
    checked = _check(actor, bureau, data, at)
    with transaction.atomic():
        ownership = _create(actor, bureau, data, checked, at)
        record(
            action="open_ownership",
            target=ownership,
            petition=checked["petitions"][0],
            actor=actor,
            at=at,
            ip_address=ip_address,
            data=_summary(ownership, checked),
        )
        _tell_owner(ownership, list(team_users))
    return ownership


def _tell_owner(ownership: CaseOwnership, team_users) -> None:
    """The leader and the team hear of the case in their workbench (我的包案)."""
    notifications.notify(
        [ownership.leader, *team_users],
        kind=Kind.GENERAL,
        title=f"领导包案：{ownership.problem}",
        body=f"包案领导{ownership.leader}，化解时限{ownership.resolution_due:%Y年%m月%d日}。",
        petition=_first_petition(ownership),
        url=reverse("leaders:ownership", args=[ownership.pk]),
    )


def _summary(ownership: CaseOwnership, checked: dict) -> dict:
    return {
        "petitions": [p.pk for p in checked["petitions"]],
        "leader": ownership.leader_id,
        "leader_level": ownership.leader_level,
        "resolution_due": ownership.resolution_due,
        "team_units": [u.pk for u in checked["units"]],
        "steps": [[s.text, s.due_on] for s in checked["steps"]],
    }


def can_record(user, ownership: CaseOwnership) -> bool:
    """The leader, the team and the bureau that assigned it record progress and end it."""
    if not getattr(user, "pk", None):
        return False
    if user.pk == ownership.leader_id:
        return True
    if ownership.team_users.filter(pk=user.pk).exists():
        return True
    bureau = access.bureau_of(user)
    return bureau is not None and bureau.pk == ownership.bureau_id


def _locked(ownership: CaseOwnership) -> CaseOwnership:
    return CaseOwnership.objects.select_for_update().get(pk=ownership.pk)


def _first_petition(ownership: CaseOwnership):
    return ownership.petitions.order_by("pk").first()


def add_progress(ownership: CaseOwnership, actor, *, note: str, at=None, ip_address=None) -> ProgressEntry:
    at = at or clock.now()
    body = text(note)
    if not can_record(actor, ownership):
        raise PermissionDenied("只有包案领导、工作专班或安排单位可以记录进展。")
    if not body:
        raise ValidationError({"note": "请填写工作进展。"})
    with transaction.atomic():
        locked = _locked(ownership)
        if not locked.is_open:
            raise ValidationError("该包案已结束，不能再记录进展。")
        entry = ProgressEntry.objects.create(ownership=locked, text=body, at=at, by=actor)
        record(
            action="record_ownership_progress",
            target=locked,
            petition=_first_petition(locked),
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=body,
            data={"entry": entry.pk},
        )
    return entry


def resolve(ownership: CaseOwnership, actor, *, standards, note: str, at=None, ip_address=None):
    """化解: every active item of the resolution standard must be met (ticked), with a written account."""
    at = at or clock.now()
    if not can_record(actor, ownership):
        raise PermissionDenied("只有包案领导、工作专班或安排单位可以办结包案。")
    required = list(ResolutionStandard.objects.filter(is_active=True))
    ticked = {getattr(item, "pk", item) for item in standards}
    errors: dict = {}
    missing = [item.text for item in required if item.pk not in ticked]
    if missing:
        errors["standards"] = f"尚未达到化解标准：{'；'.join(missing)}。"
    if not text(note):
        errors["note"] = "请填写化解情况。"
    raise_if(errors)
    with transaction.atomic():
        locked = _locked(ownership)
        if not locked.is_open:
            raise ValidationError("该包案已结束。")
        locked.status = OwnershipStatus.RESOLVED
        locked.ended_at, locked.ended_by, locked.end_note = at, actor, text(note)
        locked.standards_met = [item.text for item in required]
        locked.resolved_on_time = clock.local_date(at) <= locked.resolution_due
        locked.save(
            update_fields=["status", "ended_at", "ended_by", "end_note", "standards_met", "resolved_on_time"]
        )
        record(
            action="resolve_ownership",
            target=locked,
            petition=_first_petition(locked),
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=OwnershipStatus.OPEN,
            to_status=OwnershipStatus.RESOLVED,
            reason=locked.end_note,
            data={"standards_met": locked.standards_met, "on_time": locked.resolved_on_time},
        )
    return locked


def hand_on(
    ownership: CaseOwnership,
    actor,
    *,
    leader,
    leader_post: str,
    leader_level: str,
    resolution_due: dt.date | None,
    note: str,
    steps=(),
    team_users=(),
    team_units=(),
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CaseOwnership:
    """Ends this ownership as handed on and opens the next leader's on the same matters (one event, on the
    ownership handed on, naming the new one)."""
    at = at or clock.now()
    if not can_record(actor, ownership):
        raise PermissionDenied("只有包案领导、工作专班或安排单位可以移交包案。")
    bureau = ownership.bureau
    if not text(note):
        raise ValidationError({"note": "请填写移交原因。"})
    if leader is not None and leader.pk == ownership.leader_id:
        raise ValidationError({"leader": "请选择另一位领导。"})
    petitions = list(ownership.petitions.all())
    data = {
        "petitions": petitions,
        "problem": ownership.problem,
        "leader": leader,
        "leader_post": leader_post,
        "leader_level": leader_level,
        "resolution_due": resolution_due,
        "steps": steps,
        "team_users": team_users,
        "team_units": team_units,
    }
    # The next leader is checked against the bureau that assigned the case, whoever hands it on; the matters
    # are the ownership's own, which the actor reached through it.
    checked = _check(actor, bureau, data, at, check_visible=False)
    with transaction.atomic():
        locked = _locked(ownership)
        if not locked.is_open:
            raise ValidationError("该包案已结束，不能移交。")
        locked.status = OwnershipStatus.HANDED_ON
        locked.ended_at, locked.ended_by, locked.end_note = at, actor, text(note)
        locked.save(update_fields=["status", "ended_at", "ended_by", "end_note"])
        successor = _create(actor, bureau, data, checked, at, handed_from=locked)
        record(
            action="hand_on_ownership",
            target=locked,
            petition=petitions[0],
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=OwnershipStatus.OPEN,
            to_status=OwnershipStatus.HANDED_ON,
            reason=locked.end_note,
            data={"successor": successor.pk} | _summary(successor, checked),
        )
        _tell_owner(successor, list(team_users))
    return successor
