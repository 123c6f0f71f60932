"""Writing the trail. Callers are services already inside their own transaction.

Every write path (``record``, ``record_many``) appends to the hash chain under the chain head's row lock,
so writers of the trail serialise for the rest of their transaction: keep what follows an event short.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction

from xinfang import bulk, clock

from . import chain
from .models import AppendOnlyError, ChainHead, Event

HEAD = 1


_PLAIN = frozenset({str, int, bool, float, type(None)})


def jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: answered before the isinstance checks below
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields that changed, as {field: [old, new]}."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [f.attname for f in instance._meta.concrete_fields if f.attname != "id"]
    return {name: jsonable(getattr(instance, name)) for name in names}


def record(**kwargs) -> Event:
    """Write one event (see ``build`` for the arguments)."""
    event = build(**kwargs)
    with transaction.atomic(savepoint=False):
        _chain([event])
        event.save()
    return event


def save_edited(
    instance: models.Model, fields: list[str], *, action: str, actor, changed=None, ip_address=None
):
    """Save a reference row as edited in the admin, in one transaction with one `action` event holding the
    changed `fields` as [before, after] (`data`: whether it was created, the form's changed fields)."""
    with transaction.atomic():
        created = instance.pk is None
        before = {} if created else snapshot(type(instance).objects.get(pk=instance.pk), fields)
        instance.save()
        after = snapshot(instance, fields)
        record(
            action=action,
            target=instance,
            actor=actor,
            ip_address=ip_address,
            changes={k: [before.get(k), after[k]] for k in fields if before.get(k) != after[k]},
            data={"created": created, "changed": list(changed or [])},
        )
    return instance


def record_many(events: Sequence[Event]) -> None:
    """Write unsaved events (from ``build``) in a few statements, chained in the order given. The events get
    no primary key back (COPY on PostgreSQL)."""
    if not events:
        return
    with transaction.atomic(savepoint=False):
        _chain(events)
        bulk.insert(Event, list(events), returning=False)


def chain_key() -> bytes:
    return settings.XF_AUDIT_KEY.encode()


def _chain(events: Sequence[Event]) -> None:
    head = _locked_head()
    seq, previous = head.seq, head.hash
    key = chain_key()
    for event in events:
        if event.seq is not None:
            raise AppendOnlyError("留痕记录已写入链中。")
        seq += 1
        event.seq = seq
        row_key = chain.key_for(seq, head.keyed_from, key)
        previous = event.hash = chain.link(previous, chain.row_of(event), row_key)
    ChainHead.objects.filter(pk=HEAD).update(seq=seq, hash=previous)


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=HEAD).first()
    if head is not None:
        return head
    # Migration 0004 makes the head; only an emptied database (a test flush) lacks it. With events on file
    # a missing head means someone removed it: starting again would fork the chain, so refuse.
    if Event.objects.exists():
        raise AppendOnlyError("留痕链头缺失，请运行 xinfang audit verify 检查留痕记录。")
    ChainHead.objects.bulk_create([ChainHead(pk=HEAD, seq=0, hash=chain.GENESIS)], ignore_conflicts=True)
    return ChainHead.objects.select_for_update().get(pk=HEAD)


def build(
    *,
    action: str,
    target: models.Model,
    petition=None,
    actor=None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
    changes: dict | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
) -> Event:
    """An unsaved, unchained event, for bulk paths that write many at once through ``record_many``
    (``petitions.services.register_many``)."""
    return Event(
        petition=petition,
        target_type=target._meta.model_name,
        target_id=str(target.pk),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=getattr(actor, "unit", None) if getattr(actor, "pk", None) else None,
        at=at or clock.now(),
        recorded_at=clock.now(),
        ip_address=ip_address,
        changes=jsonable(changes or {}),
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=jsonable(data or {}),
    )
