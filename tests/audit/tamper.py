"""Changing the audit table behind the application's back, as an attacker with the database would: the
triggers lifted (SQLite: dropped and put back; PostgreSQL: disabled by the owner) for one statement, which
runs committed, on the owner's connection when the suite runs as the restricted role."""

from __future__ import annotations

from django.db import connection

from xinfang.audit import guard

from ..dbroles import owner_connection, owner_settings


def tamper(sql: str, params: list | None = None) -> None:
    params = params or []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in guard.SQLITE_TRIGGER_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            try:
                cursor.execute(sql, params)
            finally:
                for trigger in guard.SQLITE_TRIGGERS:
                    cursor.execute(trigger)
        return
    statements = [
        ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only", []),
        (sql, params),
        # Django's foreign keys are deferred: their checks must run before the table can be altered again.
        ("SET CONSTRAINTS ALL IMMEDIATE", []),
        ("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only", []),
    ]
    owner = owner_settings()
    if owner is None:
        with connection.cursor() as cursor:
            for statement, values in statements:
                cursor.execute(statement, values)
        return
    with (
        owner_connection(connection.settings_dict, owner) as conn,
        conn.transaction(),
        conn.cursor() as cursor,
    ):
        for statement, values in statements:
            cursor.execute(statement, values)
