"""The optional petitioner account: phone + SMS one-time code lists all of one's petitions."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.conftest import identity
from xinfang.notifications import sms as sms_gateway
from xinfang.notifications.models import SmsMessage

pytestmark = pytest.mark.django_db

SENT = "如果该号码登记过信访事项，您将在几分钟内收到6位验证码"


def last_code(phone: str) -> str:
    # The gateway got the code; the SMS record masks it.
    # The record's phone is encrypted: no lookup by it, so find the latest to this phone in Python.
    record = next(
        m for m in SmsMessage.objects.filter(template="portal_otp").order_by("-id") if m.phone == phone
    )
    assert record.params == {"code": "****"}
    return next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == phone)


def sign_in(browser: Client, phone: str) -> None:
    assert browser.post("/portal/account/", {"phone": phone}).status_code == 302
    response = browser.post("/portal/account/verify/", {"code": last_code(phone)})
    assert response.status_code == 302 and response.url == "/portal/account/"


def test_the_account_lists_my_petitions_only(portal, now, filed):
    first = filed()
    second = filed(request_text="请求修复小区道路")
    other = filed(**identity(5))
    browser = Client()
    sign_in(browser, first.phone)
    page = browser.get("/portal/account/").content.decode()
    assert first.petition.registration_number in page and second.petition.registration_number in page
    assert other.petition.registration_number not in page
    assert "139****0001" in page and first.phone not in page
    # Opening one of them needs no query code.
    assert browser.get(f"/portal/case/{second.petition.pk}/").status_code == 200
    assert browser.get(f"/portal/case/{other.petition.pk}/").status_code == 404


def test_an_unknown_phone_gets_the_same_answer_and_no_message(portal, now):
    browser = Client()
    response = browser.post("/portal/account/", {"phone": "13911112222"}, follow=True)
    assert SENT in response.content.decode()
    assert not SmsMessage.objects.exists()


def test_a_wrong_code_is_refused_and_five_lock_the_phone(portal, now, filed):
    result = filed()
    browser = Client()
    browser.post("/portal/account/", {"phone": result.phone})
    right = last_code(result.phone)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        response = browser.post("/portal/account/verify/", {"code": wrong})
        assert response.status_code == 400 and "验证码不正确或已过期" in response.content.decode()
    response = browser.post("/portal/account/verify/", {"code": wrong})
    assert response.status_code == 429
    assert browser.post("/portal/account/verify/", {"code": right}).status_code == 429
    # The lock covers following by query code with that phone too.
    response = Client().post("/portal/follow/", {"query_code": result.code, "phone": result.phone})
    assert response.status_code == 429


def test_a_code_expires_after_ten_minutes_and_is_used_once(portal, now, filed):
    result = filed()
    browser = Client()
    browser.post("/portal/account/", {"phone": result.phone})
    code = last_code(result.phone)
    now("2026-03-02 09:41")
    assert browser.post("/portal/account/verify/", {"code": code}).status_code == 400
    browser.post("/portal/account/", {"phone": result.phone})
    code = last_code(result.phone)
    assert browser.post("/portal/account/verify/", {"code": code}).status_code == 302
    other = Client()
    other.session  # noqa: B018 - a fresh session
    other.post("/portal/account/", {"phone": "13911112222"})
    assert other.post("/portal/account/verify/", {"code": code}).status_code == 400


def test_codes_are_rate_limited_per_phone(portal, now, filed, settings):
    settings.XF_PORTAL_LIMITS = {"otp_phone": (2, 3600)}
    result = filed()
    for _ in range(2):
        assert Client().post("/portal/account/", {"phone": result.phone}).status_code == 302
    assert Client().post("/portal/account/", {"phone": result.phone}).status_code == 429
    assert SmsMessage.objects.filter(text__contains="验证码").count() == 2


def test_verify_without_a_phone_goes_back(portal, now):
    assert Client().get("/portal/account/verify/").status_code == 302
