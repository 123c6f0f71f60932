"""On PostgreSQL the suite runs as the application's role (make test-pg): it may read and append the audit
trail, never change, delete or empty it, and it owns nothing."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from xinfang.audit.models import Event

from .. import factories as f
from ..dbroles import owner_settings

pytestmark = pytest.mark.skipif(
    owner_settings() is None,
    reason="PostgreSQL as the restricted role only (XF_MIGRATE_DATABASE_URL, make test-pg)",
)


def _refused(sql: str, params: list | None = None) -> None:
    with pytest.raises(DatabaseError) as failure, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    assert isinstance(failure.value.__cause__, psycopg.errors.InsufficientPrivilege), failure.value


@pytest.fixture
def event(people):
    return f.register(people.registrar).events.get(action="register")


def test_the_application_role_may_not_update_delete_or_truncate_the_audit_table(event):
    assert connection.settings_dict["USER"] != owner_settings()["USER"]
    _refused("UPDATE audit_event SET reason = 'x' WHERE id = %s", [event.pk])
    _refused("DELETE FROM audit_event WHERE id = %s", [event.pk])
    _refused("TRUNCATE audit_event CASCADE")
    _refused("DELETE FROM audit_chainhead")
    _refused("TRUNCATE audit_chainhead")
    assert Event.objects.filter(pk=event.pk, reason="").exists()


def test_the_application_role_reads_and_appends_and_owns_nothing(event):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_event")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("SELECT current_user")
        (role,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
            [role],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
        assert cursor.fetchone() == (False, False, False)
    _refused("CREATE TABLE xf_intruder (id int)")
    _refused("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
