"""Reception schedules and sessions (`Reception`, process.md §10). Each change writes one audit event.

* ``create_schedule(actor, **fields) -> ReceptionSchedule`` / ``update_schedule(schedule, actor, **fields)``
* ``make_sessions(schedule, actor, *, until) -> list[ReceptionSession]`` (the dates the rule gives on the
  official working calendar, once each)
* ``create_session(actor, **fields) -> ReceptionSession`` (ad hoc: 约访, 下访 ...)
* ``cancel_session(session, actor, *, reason)``, ``record_work(session, actor, *, note)``
* ``link_petition(session, petition, actor)``: the petition was registered at this session
* ``set_outcome(session, petition, actor, *, outcome, unit=None, due=None, note="")``
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from xinfang import clock
from xinfang.audit.services import diff, record, snapshot
from xinfang.deadlines import services as deadline_rules
from xinfang.petitions.models import Channel, Petition, PetitionClass
from xinfang.petitions.selectors import visible_to

from .. import recurrence
from ..models import (
    HolidayRule,
    Outcome,
    ReceptionKind,
    ReceptionSchedule,
    ReceptionSession,
    Recurrence,
    SessionPetition,
    SessionStatus,
)
from . import appointments
from .common import check_leader, check_units, raise_if, require_bureau, text

# How far ahead sessions may be made from a schedule at once: a year of 村级接访 is 52 rows.
MAX_SPAN_DAYS = 400
SCHEDULE_FIELDS = [
    "kind",
    "leader",
    "leader_post",
    "leader_level",
    "place",
    "topics",
    "recurrence",
    "day_of_month",
    "weekday",
    "holiday_rule",
    "start_time",
    "end_time",
    "starts_on",
    "ends_on",
    "is_active",
]


def _check_common(errors: dict, bureau, data: dict) -> None:
    if data.get("kind") not in ReceptionKind.values:
        errors["kind"] = "请选择接访方式。"
    check_leader(errors, bureau, data.get("leader"), data.get("leader_post"), data.get("leader_level"))
    if not text(data.get("place")):
        errors["place"] = "请填写接访地点。"
    start, end = data.get("start_time"), data.get("end_time")
    if start is None or end is None:
        errors["start_time"] = "请填写接访时间。"
    elif end <= start:
        errors["end_time"] = "结束时间须晚于开始时间。"


def _check_schedule(bureau, data: dict) -> None:
    errors: dict = {}
    _check_common(errors, bureau, data)
    rule = data.get("recurrence")
    if rule == Recurrence.MONTHLY:
        day = data.get("day_of_month")
        if day is None or not 1 <= day <= 31:
            errors["day_of_month"] = "每月接访日须在1日至31日之间。"
    elif rule == Recurrence.WEEKLY:
        if data.get("weekday") is None or not 0 <= data["weekday"] <= 6:
            errors["weekday"] = "请选择每周接访的星期。"
    else:
        errors["recurrence"] = "请选择重复规则。"
    if data.get("holiday_rule") not in HolidayRule.values:
        errors["holiday_rule"] = "请选择遇节假日的处理方式。"
    if data.get("starts_on") is None:
        errors["starts_on"] = "请填写起始日期。"
    elif data.get("ends_on") is not None and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = "截止日期不能早于起始日期。"
    raise_if(errors)


def _clean_rule(data: dict) -> dict:
    data = dict(data)
    data["place"], data["leader_post"], data["topics"] = (
        text(data.get("place")),
        text(data.get("leader_post")),
        text(data.get("topics")),
    )
    # Only the field the rule reads is kept, so a schedule never carries a stale day or weekday.
    if data.get("recurrence") == Recurrence.MONTHLY:
        data["weekday"] = None
    else:
        data["day_of_month"] = None
    return data


def _may_edit(actor, bureau) -> None:
    mine = require_bureau(actor)
    if mine.pk != bureau.pk:
        raise PermissionDenied("只能维护本信访部门的接访安排。")


def create_schedule(actor, *, at: dt.datetime | None = None, ip_address: str | None = None, **fields):
    at = at or clock.now()
    bureau = require_bureau(actor)
    data = _clean_rule({"topics": "", "holiday_rule": HolidayRule.NEXT, "is_active": True, **fields})
    unknown = set(data) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _check_schedule(bureau, data)
    with transaction.atomic():
        schedule = ReceptionSchedule.objects.create(bureau=bureau, created_by=actor, created_at=at, **data)
        record(
            action="create_reception_schedule",
            target=schedule,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data=snapshot(schedule),
        )
    return schedule


def update_schedule(schedule: ReceptionSchedule, actor, *, at=None, ip_address=None, **fields):
    at = at or clock.now()
    _may_edit(actor, schedule.bureau)
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
        before = snapshot(locked)
        data = _clean_rule({name: getattr(locked, name) for name in SCHEDULE_FIELDS} | fields)
        _check_schedule(locked.bureau, data)
        for name, value in data.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked))
        if not changes:
            return locked
        locked.save()
        record(
            action="update_reception_schedule",
            target=locked,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes=changes,
        )
    return locked


def planned_dates(schedule: ReceptionSchedule, start: dt.date, end: dt.date) -> list[recurrence.Occurrence]:
    """The receptions the schedule gives for nominal dates in [start, end] (within its own span)."""
    start = max(start, schedule.starts_on)
    if schedule.ends_on is not None:
        end = min(end, schedule.ends_on)
    return recurrence.occurrences(
        schedule.recurrence,
        schedule.holiday_rule,
        start,
        end,
        deadline_rules.get_calendar(),
        day_of_month=schedule.day_of_month,
        weekday=schedule.weekday,
    )


def make_sessions(
    schedule: ReceptionSchedule,
    actor,
    *,
    until: dt.date,
    start: dt.date | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> list[ReceptionSession]:
    """Sessions for the schedule's dates from ``start`` (today) to ``until``; dates already made are left as
    they are (a cancelled one stays cancelled). One audit event per session made."""
    at = at or clock.now()
    _may_edit(actor, schedule.bureau)
    start = start or clock.local_date(at)
    if not schedule.is_active:
        raise ValidationError("该接访安排已停用。")
    if until < start:
        raise ValidationError({"until": "截止日期不能早于开始日期。"})
    if (until - start).days > MAX_SPAN_DAYS:
        raise ValidationError({"until": f"一次最多生成{MAX_SPAN_DAYS}天内的接访场次。"})
    made = []
    with transaction.atomic():
        ReceptionSchedule.objects.select_for_update().filter(pk=schedule.pk).first()
        existing = set(
            ReceptionSession.objects.filter(schedule=schedule).values_list("scheduled_for", flat=True)
        )
        for occurrence in planned_dates(schedule, start, until):
            if occurrence.nominal in existing:
                continue
            session = ReceptionSession.objects.create(
                schedule=schedule,
                scheduled_for=occurrence.nominal,
                bureau=schedule.bureau,
                kind=schedule.kind,
                leader=schedule.leader,
                leader_post=schedule.leader_post,
                leader_level=schedule.leader_level,
                place=schedule.place,
                topics=schedule.topics,
                date=occurrence.date,
                start_time=schedule.start_time,
                end_time=schedule.end_time,
                created_by=actor,
                created_at=at,
            )
            record(
                action="create_reception_session",
                target=session,
                actor=actor,
                at=at,
                ip_address=ip_address,
                data={
                    "schedule": schedule.pk,
                    "scheduled_for": occurrence.nominal,
                    "date": occurrence.date,
                    "leader": schedule.leader_id,
                },
            )
            made.append(session)
    return made


def create_session(
    actor,
    *,
    kind: str,
    leader,
    leader_post: str,
    leader_level: str,
    place: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    topics: str = "",
    attending_units=(),
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> ReceptionSession:
    """An ad hoc session (约访, 下访, or a reception outside any schedule)."""
    at = at or clock.now()
    bureau = require_bureau(actor)
    data = {
        "kind": kind,
        "leader": leader,
        "leader_post": text(leader_post),
        "leader_level": leader_level,
        "place": text(place),
        "start_time": start_time,
        "end_time": end_time,
    }
    errors: dict = {}
    _check_common(errors, bureau, data)
    if date is None:
        errors["date"] = "请填写接访日期。"
    units = list(attending_units)
    check_units(errors, bureau, units, "attending_units")
    raise_if(errors)
    with transaction.atomic():
        session = ReceptionSession.objects.create(
            bureau=bureau, date=date, topics=text(topics), created_by=actor, created_at=at, **data
        )
        session.attending_units.set(units)
        record(
            action="create_reception_session",
            target=session,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"date": date, "leader": leader.pk, "kind": kind, "attending_units": [u.pk for u in units]},
        )
    return session


def _locked(session: ReceptionSession) -> ReceptionSession:
    return ReceptionSession.objects.select_for_update().select_related("bureau").get(pk=session.pk)


def set_attending_units(session: ReceptionSession, actor, units, *, at=None, ip_address=None):
    at = at or clock.now()
    _may_edit(actor, session.bureau)
    units = list(units)
    errors: dict = {}
    check_units(errors, session.bureau, units, "attending_units")
    raise_if(errors)
    with transaction.atomic():
        locked = _locked(session)
        before = sorted(locked.attending_units.values_list("pk", flat=True))
        after = sorted(unit.pk for unit in units)
        if before == after:
            return locked
        locked.attending_units.set(units)
        record(
            action="set_reception_units",
            target=locked,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes={"attending_units": [before, after]},
        )
    return locked


def cancel_session(session: ReceptionSession, actor, *, reason: str, at=None, ip_address=None):
    at = at or clock.now()
    _may_edit(actor, session.bureau)
    if not text(reason):
        raise ValidationError({"reason": "请填写取消原因。"})
    with transaction.atomic():
        locked = _locked(session)
        if locked.is_cancelled:
            raise ValidationError("该接访场次已取消。")
        if locked.links.exists():
            raise ValidationError("本次接访已登记信访事项，不能取消。")
        locked.status = SessionStatus.CANCELLED
        locked.cancel_reason = text(reason)
        locked.save(update_fields=["status", "cancel_reason"])
        record(
            action="cancel_reception_session",
            target=locked,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=locked.cancel_reason,
            from_status=SessionStatus.PLANNED,
            to_status=SessionStatus.CANCELLED,
        )
    return locked


def record_work(session: ReceptionSession, actor, *, note: str, at=None, ip_address=None):
    """What was done at a session nobody came to (无访说案: 约访, 研判 ...)."""
    at = at or clock.now()
    _may_edit(actor, session.bureau)
    if not text(note):
        raise ValidationError({"note": "请填写开展的工作。"})
    with transaction.atomic():
        locked = _locked(session)
        if locked.is_cancelled:
            raise ValidationError("该接访场次已取消。")
        before = locked.work_note
        locked.work_note = text(note)
        locked.save(update_fields=["work_note"])
        record(
            action="record_reception_work",
            target=locked,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes={"work_note": [before, locked.work_note]},
        )
    return locked


def link_petition(
    session: ReceptionSession, petition: Petition, actor, *, appointment=None, at=None, ip_address=None
):
    """The petition was registered at this session (在本次接访中登记); with the appointment (约访) the petitioner
    came by, which becomes attended (已接待) in the same transaction."""
    at = at or clock.now()
    _may_edit(actor, session.bureau)
    if not visible_to(actor).filter(pk=petition.pk).exists():
        raise PermissionDenied("无权查看该信访事项。")
    if session.is_cancelled:
        raise ValidationError("该接访场次已取消，不能登记。")
    expected = Channel.VIDEO if session.kind == ReceptionKind.VIDEO else Channel.VISIT
    if petition.channel != expected:
        raise ValidationError(
            {"petition": f"只有{Channel(expected).label}登记的信访事项才能关联到本次接访。"}
        )
    if clock.local_date(petition.received_at) != session.date:
        raise ValidationError({"petition": "该信访事项的受理日期与接访日期不一致，不能关联到本次接访。"})
    with transaction.atomic():
        locked = _locked(session)
        if locked.is_cancelled:
            raise ValidationError("该接访场次已取消，不能登记。")
        try:
            with transaction.atomic():
                link = SessionPetition.objects.create(
                    session=locked, petition=petition, linked_by=actor, linked_at=at
                )
        except IntegrityError:
            raise ValidationError({"petition": "该信访事项已关联到一次接访。"}) from None
        record(
            action="link_reception_petition",
            target=link,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"session": locked.pk, "date": locked.date, "leader": locked.leader_id},
        )
        if appointment is not None:
            appointments.attend(appointment, locked, petition, actor, at=at, ip_address=ip_address)
    return link


def set_outcome(
    session: ReceptionSession,
    petition: Petition,
    actor,
    *,
    outcome: str,
    unit=None,
    due: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> SessionPetition:
    at = at or clock.now()
    _may_edit(actor, session.bureau)
    errors: dict = {}
    if outcome not in (Outcome.ON_SPOT, Outcome.TIME_LIMITED, Outcome.ROUTED):
        errors["outcome"] = "请选择接访结果。"
    if outcome == Outcome.TIME_LIMITED:
        if unit is None:
            errors["unit"] = "限期化解须指定责任单位。"
        elif not session.bureau.region.contains(unit.region):
            errors["unit"] = "责任单位不在本信访部门的管辖范围内。"
        elif petition.petition_class == PetitionClass.ACCUSATION and petition.subject_unit_id == unit.pk:
            errors["unit"] = "检举控告事项不得交由被检举单位办理（《信访工作条例》第三十条）。"
        if due is None:
            errors["due"] = "限期化解须填写化解期限。"
        elif due < session.date:
            errors["due"] = "化解期限不能早于接访日期。"
    else:
        unit, due = None, None
    raise_if(errors)
    with transaction.atomic():
        link = SessionPetition.objects.select_for_update().filter(session=session, petition=petition).first()
        if link is None:
            raise ValidationError({"petition": "该信访事项未在本次接访中登记。"})
        before = snapshot(link, ["outcome", "outcome_unit_id", "outcome_due", "note"])
        link.outcome, link.outcome_unit, link.outcome_due, link.note = outcome, unit, due, text(note)
        changes = diff(before, snapshot(link, ["outcome", "outcome_unit_id", "outcome_due", "note"]))
        if not changes:
            return link
        link.save(update_fields=["outcome", "outcome_unit", "outcome_due", "note"])
        record(
            action="set_reception_outcome",
            target=link,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes=changes,
            reason=link.note,
        )
    return link
