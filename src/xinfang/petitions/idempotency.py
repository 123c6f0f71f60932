"""Registration under retries: one key, one petition (issue 12).

A client that lost the answer to a registration (a timeout, a dropped connection, a double click) sends it
again with the same key and gets the first registration back, writing nothing. The key row is inserted first,
in the registration's transaction: a concurrent request with the same key waits on the unique index
(PostgreSQL) or the write lock (SQLite) until the first commits, then finds the row and replays it; a
registration refused by validation rolls the key back with it, so the corrected form can use it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from xinfang import clock, sealing

from .intake import Registered, Registration
from .models import RegistrationKey
from .registration import register

KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 128
KEY_REUSED = "该幂等键（Idempotency-Key）已用于另一份登记内容，请为新的登记使用新的键。"


class KeyReused(Exception):
    """The key names an earlier registration with a different body."""

    def __init__(self, message: str = KEY_REUSED):
        super().__init__(message)


@dataclass(frozen=True)
class Outcome:
    registered: Registered
    replayed: bool


def is_valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def register_once(
    reg: Registration,
    actor,
    *,
    scope: str,
    key: str,
    fingerprint: str = "",
    ip_address: str | None = None,
) -> Outcome:
    """`register`, unless `key` (within `scope`) already registered: then that registration, replayed.

    With a `fingerprint`, a replay must carry the same one (else KeyReused); without one (a form's token)
    the first registration is shown whatever was sent again. Raises what `register` raises.
    """
    now = clock.now()
    with transaction.atomic():
        earlier = _claim(scope, key, fingerprint, now)
        if earlier is not None:
            if fingerprint and earlier.fingerprint != fingerprint:
                raise KeyReused()
            code = sealing.unseal(earlier.sealed_query_code) or ""
            return Outcome(Registered(petition=earlier.petition, query_code=code), replayed=True)
        registered = register(reg, actor, ip_address=ip_address)
        RegistrationKey.objects.filter(scope=scope, key=key).update(
            petition=registered.petition, sealed_query_code=sealing.seal(registered.query_code)
        )
        # Housekeeping while this transaction writes anyway: a replay writes nothing.
        RegistrationKey.objects.filter(expires_at__lte=now).delete()
    return Outcome(registered, replayed=False)


def _claim(scope: str, key: str, fingerprint: str, now: dt.datetime) -> RegistrationKey | None:
    """Insert the key (None), or return the committed row that holds it. An expired row is given up."""
    for _ in range(3):
        try:
            with transaction.atomic():
                RegistrationKey.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + KEY_LIFETIME,
                )
            return None
        except IntegrityError:
            row = RegistrationKey.objects.select_related("petition").filter(scope=scope, key=key).first()
            if row is None:  # expired and deleted by another request in the meantime: claim it again
                continue
            if row.expires_at <= now or row.petition is None:
                row.delete()
                continue
            return row
    raise IntegrityError(f"registration key {scope}/{key} could not be claimed")


def is_used(scope: str, key: str) -> bool:
    """Whether `key` already registered a petition that a retry would replay (a read; writes nothing)."""
    return RegistrationKey.objects.filter(
        scope=scope, key=key, petition__isnull=False, expires_at__gt=clock.now()
    ).exists()
