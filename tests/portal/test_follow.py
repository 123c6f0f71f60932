"""Following a petition with its query code and phone: success, the generic refusal, lockout, rate limits,
and never anyone else's data."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.conftest import identity

pytestmark = pytest.mark.django_db

WRONG = "查询码或手机号码不正确，请核对后重试。"
LOCKED = "尝试次数过多"


def follow(browser: Client, code: str, phone: str):
    return browser.post("/portal/follow/", {"query_code": code, "phone": phone})


def flip(code: str) -> str:
    """A well-formed code that differs from `code` in its last character."""
    return code[:-1] + ("A" if code[-1] != "A" else "B")


def test_code_and_phone_open_the_case_in_a_new_browser(portal, now, filed):
    result = filed()
    browser = Client()
    assert browser.get(f"/portal/case/{result.petition.pk}/").status_code == 404
    response = follow(browser, result.code.lower().replace("-", " "), result.phone)
    assert response.status_code == 302 and response.url == f"/portal/case/{result.petition.pk}/"
    page = browser.get(response.url).content.decode()
    assert result.petition.registration_number in page
    assert "收到并登记" in page
    assert "上城区信访局" in page  # who is handling it now
    assert "2026年3月17日" in page  # the bureau's routing deadline


def test_full_width_code_is_understood(portal, now, filed):
    result = filed()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in result.code)
    assert follow(Client(), full_width, result.phone).status_code == 302


def test_wrong_code_and_wrong_phone_get_the_same_message(portal, now, filed):
    result = filed()
    wrong_code = follow(Client(), flip(result.code), result.phone)
    wrong_phone = follow(Client(), result.code, "13900000000")
    for response in (wrong_code, wrong_phone):
        assert response.status_code == 400
        page = response.content.decode()
        assert WRONG in page
        assert result.petition.registration_number not in page
        assert "张" not in page  # nobody's name


def test_malformed_code_is_explained(portal, now):
    response = follow(Client(), "12345", "13900000001")
    assert response.status_code == 400
    assert "查询码应为12位字母和数字" in response.content.decode()


def test_a_co_petitioner_can_follow_with_their_own_phone(portal, now, filed):
    co = identity(2)
    result = filed(
        **{
            "co-TOTAL_FORMS": "1",
            "co-0-name": co["name"],
            "co-0-id_number": co["id_number"],
            "co-0-phone": co["phone"],
        }
    )
    assert follow(Client(), result.code, co["phone"]).status_code == 302


def test_a_code_is_locked_after_five_failures_then_opens_after_thirty_minutes(portal, now, filed):
    result = filed()
    browser = Client()
    for attempt in range(4):
        response = follow(browser, result.code, f"1370000000{attempt}")
        assert WRONG in response.content.decode()
    response = follow(browser, result.code, "13700000009")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # Locked even for the right phone, and from another browser.
    response = follow(Client(), result.code, result.phone)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    now("2026-03-02 10:05")
    assert follow(Client(), result.code, result.phone).status_code == 302


def test_a_phone_is_locked_after_five_wrong_codes(portal, now, filed):
    result = filed()
    for n in range(5):
        follow(Client(), flip(result.code)[:-2] + "2" + "3456789ABC"[n], result.phone)
    response = follow(Client(), result.code, result.phone)
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_a_success_clears_the_failures(portal, now, filed):
    result = filed()
    for attempt in range(4):
        follow(Client(), result.code, f"1370000000{attempt}")
    assert follow(Client(), result.code, result.phone).status_code == 302
    for attempt in range(4):
        assert follow(Client(), result.code, f"1370000000{attempt}").status_code == 400


def test_lookups_are_rate_limited_per_address(portal, now, settings, filed):
    settings.XF_PORTAL_LIMITS = {"query_ip": (3, 600)}
    result = filed()
    browser = Client()
    for _ in range(3):
        assert follow(browser, "ABCD-EFGH-JKLM", "13900000001").status_code == 400
    response = follow(browser, result.code, result.phone)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_lookups_are_rate_limited_per_phone(portal, now, settings, filed):
    settings.XF_PORTAL_LIMITS = {"query_phone": (2, 600), "fail_phone": (100, 1800), "fail_ip": (100, 1800)}
    result = filed()
    follow(Client(), flip(result.code), result.phone)
    follow(Client(), flip(flip(result.code)), result.phone)
    assert follow(Client(), result.code, result.phone).status_code == 429


def test_proving_one_code_opens_nothing_else(portal, now, filed, client):
    mine = filed()
    theirs = filed(**identity(3))
    browser = Client()
    follow(browser, mine.code, mine.phone)
    assert browser.get(f"/portal/case/{mine.petition.pk}/").status_code == 200
    response = browser.get(f"/portal/case/{theirs.petition.pk}/")
    assert response.status_code == 404
    assert theirs.petition.registration_number not in response.content.decode()
    # The other petitioner's code with my phone reveals nothing either.
    assert WRONG in follow(browser, theirs.code, mine.phone).content.decode()


def test_access_lapses_after_thirty_idle_minutes(portal, now, filed):
    result = filed()
    browser = Client()
    follow(browser, result.code, result.phone)
    now("2026-03-02 10:00")
    assert browser.get(f"/portal/case/{result.petition.pk}/").status_code == 200  # use renews it
    now("2026-03-02 10:31")
    assert browser.get(f"/portal/case/{result.petition.pk}/").status_code == 404


def test_leaving_forgets_the_access(portal, now, filed):
    result = filed()
    browser = Client()
    follow(browser, result.code, result.phone)
    assert browser.post("/portal/leave/").status_code == 302
    assert browser.get(f"/portal/case/{result.petition.pk}/").status_code == 404


def test_follow_needs_the_csrf_token(portal, now, filed):
    result = filed()
    assert (
        Client(enforce_csrf_checks=True)
        .post("/portal/follow/", {"query_code": result.code, "phone": result.phone})
        .status_code
        == 403
    )
