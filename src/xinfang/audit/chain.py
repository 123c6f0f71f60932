"""The hash chain over the audit trail: what makes a changed, deleted or inserted row detectable.

Each event's ``hash`` is SHA-256 over the previous event's hash and a canonical serialisation of the event's
own fields, ``seq`` included; the first event's predecessor is ``GENESIS``. The serialisation is frozen: a
change to it would make every stored hash unverifiable, so a new field or format needs a new version prefix
(``v1``), never an edit of this one. It is computed from plain values (ids, ISO instants), so the same function
serves the model, the migration that chained existing rows, ``verify`` over raw rows and ``check-archive`` over
an exported file with no database at all.

Keyed links (``v2``, issue 12): from the chain head's ``keyed_from`` on, a link is HMAC-SHA256 under
``XF_AUDIT_KEY`` (kept outside the database, like the field keys) instead of a bare SHA-256, so someone who
can write the table but has not the key cannot recompute a valid chain. Rows before ``keyed_from`` (written
before the key existed) keep their ``v1`` hashes; the first keyed row links to the last of them, so a change
to an old row breaks a keyed link too.

This module imports nothing from Django models: ``check-archive`` and the migration use it as is.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import json
from typing import Any

VERSION = "v1"
KEYED_VERSION = "v2"
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


def serialise(row: dict[str, Any], version: str = VERSION) -> bytes:
    # sort_keys: jsonb reorders object keys; ensure_ascii off so Chinese text is hashed as UTF-8 once.
    return (
        version + json.dumps(canonical(row), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    ).encode()


def link(previous: str, row: dict[str, Any], key: bytes | None = None) -> str:
    """The hash of ``row`` chained after ``previous``: SHA-256 (``v1``), or with ``key`` HMAC-SHA256 (``v2``)."""
    if key is None:
        digest = hashlib.sha256()
        digest.update(previous.encode("ascii"))
        digest.update(b"\n")
        digest.update(serialise(row))
        return digest.hexdigest()
    mac = hmac.new(key, previous.encode("ascii") + b"\n", hashlib.sha256)
    mac.update(serialise(row, KEYED_VERSION))
    return mac.hexdigest()


def key_for(seq: int, keyed_from: int | None, key: bytes | None) -> bytes | None:
    """The key a row's link is made with: ``key`` from ``keyed_from`` on, none before."""
    if keyed_from is None or seq < keyed_from:
        return None
    if not key:
        raise MissingKey(f"留痕链自第 {keyed_from} 号起以密钥保护，但未配置 XF_AUDIT_KEY。")
    return key


class MissingKey(RuntimeError):
    pass


def row_of(event) -> dict[str, Any]:
    """The field values of an ``Event`` instance, saved or not."""
    return {name: getattr(event, name) for name in FIELDS}
