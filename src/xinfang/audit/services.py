"""Writing the trail. Callers are services already inside their own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from xinfang import clock

from .models import Event


def jsonable(value: Any) -> Any:
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
    return {
        key: [jsonable(before.get(key)), jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if jsonable(before.get(key)) != jsonable(after.get(key))
    }


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [f.attname for f in instance._meta.concrete_fields if f.attname != "id"]
    return {name: jsonable(getattr(instance, name)) for name in names}


def record(**kwargs) -> Event:
    """Write one event (see ``build`` for the arguments)."""
    event = build(**kwargs)
    event.save()
    return event


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
    """An unsaved event, for bulk paths that insert many at once (``petitions.services.register_many``)."""
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
