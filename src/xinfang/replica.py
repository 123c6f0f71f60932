"""Reads that may go to a PostgreSQL streaming replica (`XF_REPLICA_URL`): statistics, dashboards, bulletins and
exports, and only where the code says so.

    with reads_from_replica():          # or @reads_from_replica() on a view or function
        figures = report.figures(scope, ctx)

`XF_REPLICA_URL` adds the database alias ``replica`` and installs `ReplicaRouter`. Inside
`reads_from_replica()` the router sends reads to ``replica`` when all of these hold, else to ``default``:

* the replica answered its last check (made at most once per `XF_REPLICA_CHECK_SECONDS` per process, and a
  kept connection is re-tested on entering the block, so a replica that stopped is noticed at once);
* it lags the primary by at most `XF_REPLICA_MAX_LAG_SECONDS` (``now() - pg_last_xact_replay_timestamp()``,
  or no lag at all when everything received has been replayed: an idle primary writes nothing, so the last
  replayed transaction grows old without the replica being behind);
* no transaction is open on the primary: what a transaction reads must be what it writes against.

Writes always go to the primary, and so do the reader's own session, token and login rows (`PRIMARY_ONLY`):
a replica a second behind must not log anyone out. A fallback to the primary is logged (a warning, once per
check) and changes nothing the reader sees. Without `XF_REPLICA_URL` the block does nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from contextlib import ContextDecorator
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

ALIAS = "replica"
# Apps whose rows are the reader's identity and session: always read where they were just written.
PRIMARY_ONLY = frozenset({"sessions", "authtoken", "accounts", "otp_totp", "otp_static", "django_otp"})
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn(),
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""

_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("xinfang_replica_wanted", default=False)


@dataclass
class Health:
    usable: bool
    lag: float | None  # seconds; None when unknown (down)
    reason: str
    checked: float  # time.monotonic() of the check


_lock = threading.Lock()
_health: Health | None = None


def configured() -> bool:
    return ALIAS in settings.DATABASES


def forget() -> None:
    """Drop the cached check (tests; a site after changing the replica)."""
    global _health
    with _lock:
        _health = None


def measure_lag() -> tuple[bool, float]:
    """(in recovery, lag in seconds) as the replica sees it. A server not in recovery is its own primary:
    no lag. Everything received replayed: no lag, however old the last transaction is."""
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, caught_up, seconds = cursor.fetchone()
    if not in_recovery or caught_up:
        return bool(in_recovery), 0.0
    return True, float("inf") if seconds is None else max(0.0, float(seconds))


def _close_quietly() -> None:
    with contextlib.suppress(DatabaseError):
        connections[ALIAS].close()


def check() -> Health:
    """Ask the replica now (and cache the answer)."""
    global _health
    limit = float(settings.XF_REPLICA_MAX_LAG_SECONDS)
    try:
        _, lag = measure_lag()
    except DatabaseError as exc:
        _close_quietly()
        health = Health(
            False, None, f"replica unreachable: {type(exc).__name__}: {exc}".strip(), time.monotonic()
        )
    else:
        reason = "" if lag <= limit else f"replica lags {lag:.1f} s (limit {limit:g} s)"
        health = Health(lag <= limit, lag, reason, time.monotonic())
    if not health.usable:
        log.warning("reading from the primary: %s", health.reason)
    elif _health is not None and not _health.usable:
        log.info("the replica is usable again (lag %.1f s)", health.lag)
    with _lock:
        _health = health
    return health


def _alive() -> bool:
    """The replica still answers: a kept connection passes Django's own health check (``SELECT 1``), or a new
    one opens (it would open at the block's first read anyway), so a replica stopped since the last check
    costs a fallback, not an error."""
    connection = connections[ALIAS]
    try:
        if connection.connection is None:
            connection.ensure_connection()
            return True
        if connection.is_usable():
            return True
    except DatabaseError:
        pass
    _close_quietly()
    return False


def health() -> Health:
    """The cached answer if fresh and the connection still answers, else a new check."""
    current = _health
    fresh = current is not None and time.monotonic() - current.checked < settings.XF_REPLICA_CHECK_SECONDS
    if fresh and (not current.usable or _alive()):
        return current
    return check()


class reads_from_replica(ContextDecorator):  # noqa: N801 - used like a function: with / @reads_from_replica()
    """Route this block's reads to the replica when it is usable (see the module's docstring)."""

    def _recreate_cm(self):
        return type(self)()  # one per call of a decorated function: threads must not share the token

    def __enter__(self):
        # In a transaction on the primary nothing would read the replica: no need to ask it how it is.
        self._token = _wanted.set(
            configured() and not connections["default"].in_atomic_block and health().usable
        )
        return self

    def __exit__(self, *exc):
        _wanted.reset(self._token)
        return False


def reading_replica() -> bool:
    """Whether a read made here would go to the replica."""
    return _wanted.get() and not connections["default"].in_atomic_block


class ReplicaRouter:
    """Installed only with `XF_REPLICA_URL` (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label not in PRIMARY_ONLY and reading_replica():
            return ALIAS
        return "default"  # explicitly: a row read from the replica must not pull later reads there

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same database, one copy behind

    def allow_migrate(self, db, app_label, **hints):
        return db != ALIAS  # a replica replays the primary's migrations; nothing runs on it directly


__all__ = [
    "ReplicaRouter",
    "check",
    "configured",
    "forget",
    "health",
    "reads_from_replica",
    "reading_replica",
]
