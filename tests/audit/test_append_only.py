"""The audit trail is append-only: no update or delete path, in the ORM or in SQL."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from xinfang.audit.models import AppendOnlyError, Event

from .. import factories as f


@pytest.fixture
def event(people):
    petition = f.register(people.registrar)
    return petition.events.get(action="register")


def test_model_refuses_change_and_delete(event):
    event.reason = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_queryset_refuses_bulk_update_and_delete(event):
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(reason="篡改")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()


def test_database_refuses_raw_update(event):
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET reason = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.reason == ""


def test_database_refuses_raw_delete_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's delete guard is the ORM's (see audit migration 0003)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()
