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


def test_database_refuses_raw_delete(event):
    # SQLite: the trigger of audit migration 0005 (its switch is for the test suite's flush only).
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()


def test_raw_delete_refused_even_inside_a_transaction_that_drops_nothing(event):
    """The DELETE guard asks the function the application registers; it answers no outside the flush."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_event")
        (count,) = cursor.fetchone()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event")
    assert Event.objects.count() == count
