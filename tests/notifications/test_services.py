"""notify(): rows with the cause, e-mail and SMS only after it commits; SMS through the pluggable backend."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from tests import factories as f
from xinfang.notifications import services
from xinfang.notifications.models import Kind, Notification, SmsMessage, SmsStatus
from xinfang.notifications.sms import Sms, SmsError, send_sms
from xinfang.orgs.models import Role


@pytest.fixture
def handler(org):
    return f.UserFactory(
        username="zhao",
        unit=org.qingbo_unit,
        roles=[Role.HANDLER],
        email="zhao@example.cn",
        phone="13912345678",
    )


def test_rows_are_written_at_once_and_mail_goes_only_after_commit(
    handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = services.notify([handler], kind=Kind.GENERAL, title="测试通知", body="正文", url="/petitions/")
        assert len(rows) == 1
        assert mail.outbox == []
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["测试通知"]
    assert mail.outbox[0].to == ["zhao@example.cn"]
    assert "/petitions/" in mail.outbox[0].body
    assert Notification.objects.get(recipient=handler).title == "测试通知"


def test_a_rolled_back_cause_sends_nothing(handler, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify([handler], kind=Kind.GENERAL, title="不会发出", sms=True)
        raise RuntimeError("the cause failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not SmsMessage.objects.exists()


def test_duplicates_inactive_users_and_none_are_dropped(handler, org):
    gone = f.UserFactory(username="gone", unit=org.qingbo_unit, is_active=False)
    rows = services.notify([handler, handler, None, gone], kind=Kind.GENERAL, title="一次", email=False)
    assert [row.recipient for row in rows] == [handler]


def test_sms_goes_after_commit_through_the_configured_backend(handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([handler], kind=Kind.GENERAL, title="短信测试", email=False, sms=True)
    sms = SmsMessage.objects.get()
    assert sms.phone == "13912345678"
    assert "短信测试" in sms.text
    assert sms.backend.endswith("LocmemSmsBackend")
    assert mail.outbox == []


def test_logging_backend_masks_the_phone_and_the_code_in_the_log(caplog, settings, db):
    settings.XF_SMS_BACKEND = "xinfang.notifications.sms.LoggingSmsBackend"
    with caplog.at_level(logging.INFO, logger="xinfang.notifications.sms"):
        assert send_sms("13912345678", Sms("portal_otp", {"code": "482913"})) is True
    assert "139****5678" in caplog.text
    assert "13912345678" not in caplog.text
    assert "482913" not in caplog.text and "验证码为****" in caplog.text
    record = SmsMessage.objects.get()
    assert record.status == SmsStatus.SENT and record.backend.endswith("LoggingSmsBackend")
    assert "482913" not in record.text


class RefusingBackend:
    def send(self, phone, sms):
        raise SmsError(f"网关拒绝：{sms.text}")


def test_a_failing_gateway_is_recorded_not_raised(settings, db, caplog):
    settings.XF_SMS_BACKEND = "tests.notifications.test_services.RefusingBackend"
    assert send_sms("13912345678", "测试") is False
    failed = SmsMessage.objects.get()
    assert failed.status == SmsStatus.FAILED
    assert "网关拒绝" in failed.error
    assert "13912345678" not in caplog.text


def test_a_gateway_error_echoing_the_code_is_masked(settings, db):
    settings.XF_SMS_BACKEND = "tests.notifications.test_services.RefusingBackend"
    assert send_sms("13912345678", Sms("portal_otp", {"code": "482913"})) is False
    failed = SmsMessage.objects.get()
    assert "网关拒绝" in failed.error and "482913" not in failed.error
    assert failed.params == {"code": "****"}


def test_several_messages_for_one_person_make_one_digest_mail(handler, django_capture_on_commit_callbacks):
    messages = [services.Message(handler, Kind.GENERAL, f"第{n}条") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify_each(messages, sms=True)
    assert len(rows) == 3
    assert len(mail.outbox) == 1
    assert "3条" in mail.outbox[0].subject
    assert all(f"第{n}条" in mail.outbox[0].body for n in range(3))
    assert SmsMessage.objects.count() == 1


def test_notify_petitioner_texts_the_principal_after_commit(people, django_capture_on_commit_callbacks):
    petition = f.register(people.registrar, parties=[f.person(42)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.notify_petitioner(petition, "您反映的事项已转送清波街道办理。") is True
    assert not SmsMessage.objects.exists()
    for callback in callbacks:
        callback()
    sms = SmsMessage.objects.get()
    assert sms.phone == f.person(42).phone
    assert "已转送清波街道办理" in sms.text
    assert petition.registration_number in sms.text
    assert "查询码" in sms.text


def test_notify_petitioner_without_a_mobile_number_sends_nothing(people, django_capture_on_commit_callbacks):
    party = f.person(43)
    party.phone = "0571-87654321"
    petition = f.register(people.registrar, parties=[party])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_petitioner(petition, "测试") is False
    assert not SmsMessage.objects.exists()


def test_mark_read_touches_only_the_users_own_rows(handler, people):
    mine = services.notify([handler], kind=Kind.GENERAL, title="我的", email=False)[0]
    theirs = services.notify([people.township_handler], kind=Kind.GENERAL, title="别人的", email=False)[0]
    assert services.unread_count(handler) == 1
    assert services.mark_read(handler, [mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert services.unread_count(handler) == 0


def test_sms_record_blanks_the_query_code(db):
    from xinfang.notifications.models import SmsMessage
    from xinfang.notifications.sms import send_sms

    send_sms("13800138000", "您的查询码为 ABCD-EFGH-JK23，请妥善保管。")
    assert SmsMessage.objects.get().text == "【信访】您的查询码为 ****-****-****，请妥善保管。"
