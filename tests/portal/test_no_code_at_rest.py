"""Query codes and one-time codes leave the building by SMS and the one receipt page; they never rest in the
database in clear: not in the SMS record, not in the session rows (decoded), not anywhere else."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from xinfang.notifications.models import SmsMessage

pytestmark = pytest.mark.django_db


def database_text() -> str:
    """Every row of every table as text, and each session decoded as the application would read it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    chunks.extend(repr(SessionStore().decode(s.session_data)) for s in Session.objects.all())
    return "\n".join(chunks)


def test_neither_the_query_code_nor_the_one_time_code_is_stored(portal, now, filed, sms_outbox):
    result = filed()
    browser = Client()
    assert browser.post("/portal/account/", {"phone": result.phone}).status_code == 302
    otp = next(sms.params["code"] for phone, sms in sms_outbox if sms.template == "portal_otp")
    assert len(otp) == 6 and SmsMessage.objects.count() == 2

    stored = database_text()
    assert result.petition.registration_number in stored  # the dump does see the data
    for secret in (
        result.code,
        result.code.replace("-", ""),
        f"验证码为{otp}",
        f"'code': '{otp}'",
        f'"code": "{otp}"',
    ):
        assert secret not in stored
    # The one-time code still works: the hash is what was kept.
    response = browser.post("/portal/account/verify/", {"code": otp})
    assert response.status_code == 302 and response.url == "/portal/account/"
