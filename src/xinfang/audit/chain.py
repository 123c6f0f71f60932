"""The hash chain over the audit trail: what makes a changed, deleted or inserted row detectable.

Each event's ``hash`` is SHA-256 over the previous event's hash and a canonical serialisation of the event's
own fields, ``seq`` included; the first event's predecessor is ``GENESIS``. The serialisation is frozen: a
change to it would make every stored hash unverifiable, so a new field or format needs a new version prefix
(``v1``), never an edit of this one. It is computed from plain values (ids, ISO instants), so the same function
serves the model, the migration that chained existing rows, ``verify`` over raw rows and ``check-archive`` over
an exported file with no database at all.

This module imports nothing from Django models: ``check-archive`` and the migration use it as is.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
from typing import Any

VERSION = "v1"
GENESIS = "0" * 64

# The fields a hash covers, in the order they are serialised (the row's database id is not among them: an
# archive restored elsewhere gets new ids and must still verify).
FIELDS = (
    "seq",
    "petition_id",
    "target_type",
    "target_id",
    "action",
    "actor_id",
    "actor_unit_id",
    "at",
    "recorded_at",
    "ip_address",
    "from_status",
    "to_status",
    "changes",
    "reason",
    "data",
)


def instant(value: dt.datetime | str | None) -> str | None:
    """An instant as UTC ISO 8601 with microseconds, whatever the database handed back."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=4096)  # a trail has few distinct addresses; parsing each is a tenth of verify
def address(value: str | None) -> str | None:
    # PostgreSQL's inet hands back its own spelling of an IPv6 address; the compressed form is the same on both.
    if not value:
        return None
    return ipaddress.ip_address(str(value)).compressed


def _key(value: Any) -> str | None:
    return None if value is None else str(value)


def canonical(row: dict[str, Any]) -> dict[str, Any]:
    """The hashed values of one event, from a dict of its field values (attnames, as ``.values()`` gives)."""
    return {
        "seq": int(row["seq"]),
        "petition_id": _key(row.get("petition_id")),
        "target_type": row.get("target_type") or "",
        "target_id": row.get("target_id") or "",
        "action": row.get("action") or "",
        "actor_id": _key(row.get("actor_id")),
        "actor_unit_id": _key(row.get("actor_unit_id")),
        "at": instant(row.get("at")),
        "recorded_at": instant(row.get("recorded_at")),
        "ip_address": address(row.get("ip_address")),
        "from_status": row.get("from_status") or "",
        "to_status": row.get("to_status") or "",
        "changes": _json(row.get("changes")),
        "reason": row.get("reason") or "",
        "data": _json(row.get("data")),
    }


def _json(value: Any) -> Any:
    # SQLite's JSONField may hand back text when read raw; the ORM and PostgreSQL hand back the value.
    if isinstance(value, str):
        value = json.loads(value)
    return _numbers({} if value is None else value)


def _numbers(value: Any) -> Any:
    # jsonb keeps numbers as numeric: 1e20 written as a float comes back as an integer. Integral floats are
    # hashed as integers so both spellings give the same bytes.
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is list:
        return [_numbers(item) for item in value]
    if kind is dict:
        return {key: _numbers(item) for key, item in value.items()}
    return value


def serialise(row: dict[str, Any]) -> bytes:
    # sort_keys: jsonb reorders object keys; ensure_ascii off so Chinese text is hashed as UTF-8 once.
    return (
        VERSION + json.dumps(canonical(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    ).encode()


def link(previous: str, row: dict[str, Any]) -> str:
    """The hash of ``row`` chained after ``previous``."""
    digest = hashlib.sha256()
    digest.update(previous.encode("ascii"))
    digest.update(b"\n")
    digest.update(serialise(row))
    return digest.hexdigest()


def row_of(event) -> dict[str, Any]:
    """The field values of an ``Event`` instance, saved or not."""
    return {name: getattr(event, name) for name in FIELDS}
