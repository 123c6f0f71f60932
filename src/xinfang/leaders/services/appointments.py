"""Appointments (约访) with a leader at a published reception day (issue 14, process.md §10). Each change
writes one audit event; nothing is written when a check fails.

* ``published_sessions(bureau, *, today, days=60)``: the coming reception days the portal shows
* ``request_appointment(bureau, *, leader, date, phone, matter="", petition=None, actor=None, ...)``
  -> ``(Appointment, code)``: the code is shown once, only its hash is kept
* ``confirm(appointment, actor)``, ``move(appointment, actor, *, session, reason)``,
  ``decline(appointment, actor, *, reason)``: the bureau's answer, which the petitioner reads on the portal
* ``appointment_for(code, phone)``: the petitioner's own request, found by its code and phone together
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from xinfang import clock
from xinfang.audit.services import record
from xinfang.notifications.sms import notice, send_sms
from xinfang.petitions.identity import IdentityError, validate_phone
from xinfang.petitions.models import Petition, digest_phone
from xinfang.petitions.numbers import hash_query_code, new_query_code

from .. import access
from ..models import (
    EXPECTED,
    HELD,
    Appointment,
    AppointmentChannel,
    AppointmentStatus,
    ReceptionSession,
    SessionStatus,
)
from .common import raise_if, require_bureau, text

MATTER_LIMIT = 500
REASON_LIMIT = 200
PENDING = "您已有一项待确认的约访，请等信访部门答复后再提出新的约访。"


def published_sessions(bureau, *, today: dt.date, days: int = 60) -> QuerySet[ReceptionSession]:
    """The planned receptions of the bureau's area from today on (提前公示接访时间), soonest first."""
    return (
        ReceptionSession.objects.filter(
            status=SessionStatus.PLANNED,
            date__gte=today,
            date__lte=today + dt.timedelta(days=days),
            bureau__region__code__startswith=bureau.region.prefix,
        )
        .select_related("leader", "bureau")
        .order_by("date", "start_time", "id")
    )


def _session_for(bureau, leader, date: dt.date) -> ReceptionSession | None:
    return (
        ReceptionSession.objects.filter(
            status=SessionStatus.PLANNED,
            leader=leader,
            date=date,
            bureau__region__code__startswith=bureau.region.prefix,
        )
        .order_by("start_time", "id")
        .first()
    )


def check_request(bureau, leader, date, phone, matter, petition, today) -> tuple[ReceptionSession, str]:
    """Every refusal of a request, before anything is written (the portal asks before spending an SMS code);
    the session asked for and the normalised phone."""
    errors: dict = {}
    session = None
    if leader is None:
        errors["leader"] = "请选择接访领导。"
    elif not access.leader_in_jurisdiction(bureau, leader):
        errors["leader"] = "该领导不在本信访部门的管辖范围内，请选择公示的接访领导。"
    if date is None:
        errors["date"] = "请选择约访日期。"
    elif date < today:
        errors["date"] = "约访日期已过，请选择今天或以后公示的接访日。"
    elif "leader" not in errors:
        session = _session_for(bureau, leader, date)
        if session is None:
            errors["date"] = f"该领导{date.month}月{date.day}日没有安排接访，请选择公示的接访日。"
    try:
        phone = validate_phone(phone or "")
    except IdentityError as exc:
        errors["phone"] = str(exc)
    if petition is None and not text(matter):
        errors["matter"] = "请简要说明约访要反映的事项。"
    elif len(text(matter)) > MATTER_LIMIT:
        errors["matter"] = f"约访事项不超过{MATTER_LIMIT}字，详细情况可在接访时当面反映。"
    raise_if(errors)
    if Appointment.objects.filter(
        phone_digest=digest_phone(phone), status=AppointmentStatus.REQUESTED
    ).exists():
        raise ValidationError(PENDING)
    return session, phone


def request_appointment(
    bureau,
    *,
    leader,
    date: dt.date | None,
    phone: str,
    matter: str = "",
    petition: Petition | None = None,
    actor=None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> tuple[Appointment, str]:
    """A request from the portal (``actor`` None: the caller proved the phone or the query code) or taken
    down by the bureau's staff (``actor``; e.g. by telephone). Returns the appointment and its code."""
    at = at or clock.now()
    if actor is not None:
        bureau = require_bureau(actor)
    session, phone = check_request(bureau, leader, date, phone, matter, petition, clock.local_date(at))
    code = new_query_code()
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                bureau=session.bureau,
                session=session,
                requested_session=session,
                petition=petition,
                matter=text(matter),
                phone=phone,
                code_hash=hash_query_code(code),
                channel=AppointmentChannel.STAFF if actor is not None else AppointmentChannel.PORTAL,
                requested_at=at,
                requested_by=actor,
            )
            # The phone stays out of the trail: the event names the matter's day and leader only.
            record(
                action="request_appointment",
                target=appointment,
                petition=petition,
                actor=actor,
                at=at,
                ip_address=ip_address,
                to_status=AppointmentStatus.REQUESTED,
                data={"session": session.pk, "date": session.date, "leader": session.leader_id},
            )
    except IntegrityError:
        # Two requests from one phone at the same moment: the partial unique index lets one through.
        raise ValidationError(PENDING) from None
    return appointment, code


def appointment_for(code: str, phone: str) -> Appointment | None:
    """The appointment with this code and phone; one query whether the code exists or not."""
    return (
        Appointment.objects.filter(code_hash=hash_query_code(code), phone_digest=digest_phone(phone))
        .select_related("session__leader", "requested_session", "petition")
        .first()
    )


def _locked(appointment: Appointment, actor) -> Appointment:
    bureau = require_bureau(actor)
    locked = Appointment.objects.select_for_update().select_related("bureau__region").get(pk=appointment.pk)
    if not bureau.region.contains(locked.bureau.region):
        raise PermissionDenied("只能答复本信访部门辖区内的约访。")
    return locked


def _decide(locked: Appointment, actor, at, ip_address, *, action: str, status: str, reason: str = ""):
    before = locked.status
    locked.status, locked.reason = status, reason
    locked.decided_at, locked.decided_by = at, actor
    locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "session"])
    record(
        action=action,
        target=locked,
        petition=locked.petition,
        actor=actor,
        at=at,
        ip_address=ip_address,
        from_status=before,
        to_status=status,
        reason=reason,
        data={"session": locked.session_id, "date": locked.session.date},
    )
    # The petitioner is told there is an answer, not what it is: the portal shows it to whoever proves the code.
    phone = locked.phone
    transaction.on_commit(
        lambda: send_sms(phone, notice("您的约访已有答复，请凭约访查询码在网上信访平台查看。"))
    )
    return locked


def confirm(appointment: Appointment, actor, *, at=None, ip_address=None) -> Appointment:
    at = at or clock.now()
    with transaction.atomic():
        locked = _locked(appointment, actor)
        if not locked.is_pending:
            raise ValidationError("该约访已答复，不能再确认。")
        if locked.session.is_cancelled:
            raise ValidationError("该次接访已取消，请改约其他接访日或说明原因不予安排。")
        return _decide(
            locked, actor, at, ip_address, action="confirm_appointment", status=AppointmentStatus.CONFIRMED
        )


def move(
    appointment: Appointment,
    actor,
    *,
    session: ReceptionSession | None,
    reason: str,
    at=None,
    ip_address=None,
):
    """Another reception day (the same leader or another one), with the reason the petitioner reads."""
    at = at or clock.now()
    errors: dict = {}
    if session is None:
        errors["session"] = "请选择改约的接访场次。"
    elif session.is_cancelled:
        errors["session"] = "该接访场次已取消，请另选。"
    elif session.date < clock.local_date(at):
        errors["session"] = "不能改约到已过去的接访日。"
    if not text(reason):
        errors["reason"] = "请填写改期原因，信访人将在门户看到。"
    elif len(text(reason)) > REASON_LIMIT:
        errors["reason"] = f"原因不超过{REASON_LIMIT}字。"
    raise_if(errors)
    with transaction.atomic():
        locked = _locked(appointment, actor)
        if locked.status in (AppointmentStatus.DECLINED, AppointmentStatus.ATTENDED):
            raise ValidationError(f"该约访{locked.get_status_display()}，不能改期。")
        if session.pk == locked.session_id:
            raise ValidationError({"session": "改约的接访场次与原场次相同。"})
        if not locked.bureau.region.contains(session.bureau.region):
            raise ValidationError({"session": "该接访场次不在本信访部门辖区内。"})
        locked.session = session
        return _decide(
            locked,
            actor,
            at,
            ip_address,
            action="move_appointment",
            status=AppointmentStatus.MOVED,
            reason=text(reason),
        )


def decline(appointment: Appointment, actor, *, reason: str, at=None, ip_address=None) -> Appointment:
    at = at or clock.now()
    if not text(reason):
        raise ValidationError({"reason": "请填写不予安排的原因，信访人将在门户看到。"})
    if len(text(reason)) > REASON_LIMIT:
        raise ValidationError({"reason": f"原因不超过{REASON_LIMIT}字。"})
    with transaction.atomic():
        locked = _locked(appointment, actor)
        if locked.status == AppointmentStatus.DECLINED:
            raise ValidationError("该约访已不予安排。")
        if locked.status == AppointmentStatus.ATTENDED:
            raise ValidationError("该约访已接待，不能再不予安排。")
        return _decide(
            locked,
            actor,
            at,
            ip_address,
            action="decline_appointment",
            status=AppointmentStatus.DECLINED,
            reason=text(reason),
        )


def attend(appointment: Appointment, session: ReceptionSession, petition: Petition, actor, *, at, ip_address):
    """The petitioner came and was registered at the session (已接待): called by ``reception.link_petition``
    inside its transaction, so the link and the appointment change together or not at all."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.session_id != session.pk or locked.status not in EXPECTED:
        raise ValidationError({"appointment": "只能关联本次接访中已确认的约访。"})
    before = locked.status
    locked.status, locked.petition = AppointmentStatus.ATTENDED, petition
    locked.save(update_fields=["status", "petition"])
    record(
        action="attend_appointment",
        target=locked,
        petition=petition,
        actor=actor,
        at=at,
        ip_address=ip_address,
        from_status=before,
        to_status=locked.status,
        data={"session": session.pk, "date": session.date},
    )
    return locked


def expected_at(session: ReceptionSession) -> QuerySet[Appointment]:
    """The confirmed (or moved here) appointments of a session and those attended: its list of visits."""
    return (
        session.appointments.filter(status__in=HELD).select_related("petition").order_by("requested_at", "id")
    )
