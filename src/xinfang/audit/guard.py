"""SQLite's append-only triggers and the one switch the test suite's flush needs.

PostgreSQL needs neither: its row trigger (migration 0003) refuses UPDATE and DELETE, and the application's
role has no UPDATE, DELETE or TRUNCATE on the table (scripts/pg-app-role).

SQLite has no roles, so the triggers are the guard, and Django's test flush empties tables with DELETE. The
DELETE trigger therefore asks a function the application registers on each of its connections,
``xf_audit_delete_allowed()``, which answers 1 only inside ``allow_flush()`` (the test suite wraps its flush
with it, tests/conftest.py) or ``allow_purge()`` (``audit purge``, the one path in ``src``). This guards against mistakes in application code
and raw SQL through the application; whoever can write the database file can drop a trigger, which is why
``xinfang audit verify`` (the hash chain) exists.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

SQLITE_TRIGGER_NAMES = ("audit_event_no_update", "audit_event_no_delete")
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "WHEN NOT xf_audit_delete_allowed() "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
)

_state = threading.local()


@contextmanager
def _allowing(reason: str) -> Iterator[None]:
    _state.allowed = reason
    try:
        yield
    finally:
        _state.allowed = None


def allow_flush():
    """For emptying a whole test database only."""
    return _allowing("flush")


def allow_purge():
    """For ``audit.purge`` only: removing rows older than the retention period, already archived."""
    return _allowing("purge")


def _delete_allowed() -> int:
    return 1 if getattr(_state, "allowed", None) else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the function the DELETE trigger asks."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("xf_audit_delete_allowed", 0, _delete_allowed)
