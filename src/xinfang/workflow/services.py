"""The one service that changes a petition's state: ``perform``.

    perform(petition, action, actor, *, at=None, expected_version=None, ip_address=None, **data) -> Event

It looks the action up in the transition table, locks the petition row, refuses a stale version, checks the
state, the actor's role and unit and the event's time, lets the action's effect (``effects``) check its own
rules and write its records (routing, reply, extension, rating, review, deadlines), then saves the petition with its
new state and version and writes one audit event, all in one transaction. A refusal raises
``TransitionRefused`` (``StaleVersion`` for a stale version) and changes nothing. Notices are issued inside the
transaction (``hooks.notice_issuers``: number and text; their files are rendered after commit), and so is
what ``hooks.in_transaction`` writes (the federation's outbox); notifications run after commit
(``hooks.after_transition``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.deadlines.services import rules_checked_once
from xinfang.petitions.models import Petition

from . import actors, hooks
from . import petition_deadlines as deadlines
from .effects import EFFECTS, Context
from .errors import StaleVersion, TransitionRefused
from .transitions import TABLE, Transition
from .units import unit_may_act

# A browser's or client's clock may run slightly ahead of the server's (the same tolerance as registration).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
COMMON_KEYS = frozenset({"note"})

# The petition fields an event's ``changes`` shows.
TRACKED_FIELDS = [
    "status",
    "track",
    "version",
    "responsible_unit_id",
    "routed_at",
    "accepted_at",
    "accepted_on_time",
    "handling_due_on",
    "extension_days",
    "replied_at",
    "replied_on_time",
    "reply_opinion",
    "reply_received_on",
    "concluded_at",
    "rating_window_ends_on",
    "closed_at",
    "closed_reason",
    "legal_route",
    "terminated_at",
    "is_resolved",
    "resolved_at",
    "settlement",
    "settled_at",
    "merged_into_id",
    "next_due_on",
    "next_due_stage",
]


NOTE_MAX_LENGTH = 2000  # an action's internal note (备注); the action forms count against it
# A missing required key says what is missing where the bare "请填写此项" would not (an API answer's detail).
REQUIRED_MESSAGES = {
    "lead_unit": "请指定主办单位。",
    "supporting_units": "请至少指定一个协办单位。",
    "settlement": "请选择案结事了的方式。",
}


def perform(
    petition: Petition,
    action: str,
    actor,
    *,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
    ip_address: str | None = None,
    **data,
) -> Event:
    """Take ``action`` on ``petition`` as ``actor`` at ``at`` (default: now). Returns the audit event.

    ``actor`` is a ``User``, a ``PetitionerActor`` (or None: the petitioner through the portal) or a
    ``UnitActor``. ``data`` holds the action's keys (see the transition table). The caller's ``petition``
    object is refreshed afterwards.
    """
    row = TABLE.get(action)
    effect = EFFECTS.get(action)
    if row is None or effect is None:
        raise TransitionRefused(f"未知的操作“{action}”。", code="action")
    if actor is None:
        actor = actors.PetitionerActor(via=data.get("via") or "portal")
    if actors.is_petitioner(actor) and actor.via not in actors.PETITIONER_VIAS:
        raise TransitionRefused("信访人办理渠道无效。", code="data", field="via")
    at = at or clock.now()
    if timezone.is_naive(at):
        raise TransitionRefused("操作时间须带时区。", code="time")
    _check_keys(row, data)
    if len(str(data.get("note") or "")) > NOTE_MAX_LENGTH:
        # Refused, never cut: the caller keeps the note and shows the count.
        count = len(str(data["note"]))
        raise TransitionRefused(
            f"备注不超过{NOTE_MAX_LENGTH}字（现有{count}字）。", code="data", field="note"
        )
    if expected_version is not None:
        try:
            expected_version = int(expected_version)
        except (TypeError, ValueError):
            raise StaleVersion() from None

    with transaction.atomic(), rules_checked_once():
        locked = (
            Petition.objects.select_for_update(of=("self",))
            .select_related("responsible_unit__region", "receiving_unit__region", "subject_unit")
            .get(pk=petition.pk)
        )
        if expected_version is not None and expected_version != locked.version:
            raise StaleVersion()
        from_status = locked.status
        if not row.allows_state(from_status):
            raise TransitionRefused(
                f"该事项当前状态为“{locked.get_status_display()}”，不能{row.label}。", code="state"
            )
        _check_actor(row, locked, actor)
        _check_time(locked, at)

        before = audit.snapshot(locked, TRACKED_FIELDS)
        loaded = _field_values(locked)
        ctx = Context(petition=locked, row=row, actor=actor, at=at, data=data, notice=row.notice)
        with deadlines.tracking(locked):  # its open deadlines read once
            effect(ctx)
            deadlines.refresh_petition(locked)
        locked.status = row.resulting_state(from_status)
        locked.version += 1
        locked.last_transition_at = at
        # Only the fields that changed: a save naming no indexed field does not rewrite the search document.
        locked.save(
            update_fields=[name for name, value in _field_values(locked).items() if value != loaded[name]]
        )
        record = {**actors.describe(actor), **ctx.record}
        if data.get("note"):
            record["note"] = str(data["note"])
        if ctx.notice:
            record["notice"] = ctx.notice
        event = audit.record(
            action=action,
            target=locked,
            petition=locked,
            actor=actors.audited(actor),
            at=at,
            ip_address=ip_address,
            changes=audit.diff(before, audit.snapshot(locked, TRACKED_FIELDS)),
            from_status=from_status,
            to_status=locked.status,
            reason=ctx.reason,
            data=record,
        )
        if ctx.notice:
            hooks.issue_notice(locked, ctx.notice, event, actor)
        if ctx.delivered:
            hooks.record_notice_delivery(locked, ctx.delivered, event, actor)
        performed = hooks.Performed(
            petition=locked,
            event=event,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=locked.status,
            notice=ctx.notice,
            data=record,
        )
        hooks.run_in_transaction(performed)
        hooks.schedule_after_commit(performed)
    _copy_state(locked, petition)
    return event


def perform_for_mechanism(petition: Petition, action: str, user, *, name: str, at=None, **data) -> Event:
    """``perform`` on behalf of a mechanism above the workflow (a joint meeting's decision, an assistance
    grant): as ``user`` when the row lets that user act, else as the petition's bureau (a ``UnitActor``
    named ``name``), since the bureau is where those mechanisms' offices sit (联席办, the assistance fund).
    The petition's event still names ``user`` and their unit as actor (``data.by_unit`` says the bureau's
    authority), so its history shows who did it."""
    row = TABLE[action]
    unit = getattr(user, "unit", None)
    actor = user
    if row.unit is None or not user.has_role(*row.roles) or not unit_may_act(row.unit, petition, unit):
        receiving = petition.receiving_unit
        actor = actors.UnitActor(receiving.bureau() or receiving, name=name, person=user)
    return perform(petition, action, actor, at=at, **data)


def _field_values(petition: Petition) -> dict:
    return {field.attname: getattr(petition, field.attname) for field in _SAVED_FIELDS}


_SAVED_FIELDS = [field for field in Petition._meta.concrete_fields if not field.primary_key]


def _copy_state(locked: Petition, petition: Petition) -> None:
    """What ``petition.refresh_from_db()`` would do, from the saved ``locked`` instance (no query): every
    field's value; cached related objects dropped (or taken from ``locked`` where it holds the same one)."""
    if petition is locked:
        return
    for field in Petition._meta.concrete_fields:
        value = getattr(locked, field.attname)
        setattr(petition, field.attname, value)
        if field.is_relation and field.is_cached(petition):
            field.delete_cached_value(petition)
        if field.is_relation and value is not None and field.is_cached(locked):
            field.set_cached_value(petition, field.get_cached_value(locked))
    for relation in Petition._meta.related_objects:
        if relation.is_cached(petition):
            relation.delete_cached_value(petition)
    petition._prefetched_objects_cache = {}
    petition._state.db = locked._state.db
    petition._state.adding = False


def _check_keys(row: Transition, data: dict) -> None:
    unknown = set(data) - set(row.required) - set(row.optional) - COMMON_KEYS
    if unknown:
        raise TransitionRefused(f"“{row.label}”不接受这些参数：{'、'.join(sorted(unknown))}。", code="data")
    for key in row.required:
        value = data.get(key)
        if value in (None, "") or (isinstance(value, (list, tuple, set)) and not value):
            raise TransitionRefused(REQUIRED_MESSAGES.get(key, "请填写此项。"), code="data", field=key)


def _check_actor(row: Transition, petition: Petition, actor) -> None:
    if actors.is_petitioner(actor):
        if not row.petitioner:
            raise TransitionRefused(f"信访人不能{row.label}。", code="role")
        return
    if not getattr(actor, "is_active", True) or not hasattr(actor, "has_role"):
        raise TransitionRefused("请先登录。", code="role")
    if row.unit is None or not actor.has_role(*row.roles):
        raise TransitionRefused(f"您的角色无权{row.label}。", code="role")
    if not unit_may_act(row.unit, petition, getattr(actor, "unit", None)):
        raise TransitionRefused(f"只有{row.unit.label}可以{row.label}。", code="unit")


def _check_time(petition: Petition, at: dt.datetime) -> None:
    if at > clock.now() + FUTURE_TOLERANCE:
        raise TransitionRefused("操作时间不能晚于当前时间。", code="time")
    previous = petition.last_transition_at or petition.received_at
    if at < previous:
        local = previous.astimezone(clock.SHANGHAI)
        raise TransitionRefused(
            f"操作时间不能早于该事项上一次办理的时间（{local:%Y-%m-%d %H:%M}）。", code="time"
        )


__all__ = [
    "StaleVersion",
    "TransitionRefused",
    "perform",
    "perform_for_mechanism",
]
