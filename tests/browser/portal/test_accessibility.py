"""Every portal page passes axe-core (served from our own static files) without serious or critical findings,
at phone width, including pages full of error messages and the case page with its rating and review forms."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.browser.portal.conftest import serious_violations
from tests.browser.portal.test_phone import fill_filing_form
from tests.portal.conftest import identity, when
from xinfang.notifications import sms as sms_gateway
from xinfang.petitions import services as intake
from xinfang.petitions.models import Channel
from xinfang.portal.models import PortalSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check(page, camera, name: str) -> None:
    assert serious_violations(page) == [], name
    camera.snap(page, name)


def test_portal_pages_have_no_serious_accessibility_violations(new_page, camera, portal, staff, now):
    person = identity(1)
    registered = intake.register(
        f.registration(
            channel=Channel.ONLINE,
            parties=[intake.PartyInput(**person)],
            receiving_unit=portal.unit,
            received_at=when("2026-03-02 09:30"),
        ),
        None,
    )
    petition, code = registered.petition, intake.format_query_code(registered.query_code)
    page = new_page()
    for url, name in (
        ("/portal/", "home"),
        ("/portal/file/", "file"),
        ("/portal/follow/", "follow"),
        ("/portal/account/", "account"),
    ):
        page.goto(url)
        check(page, camera, name)

    page.goto("/portal/file/")
    page.get_by_label("身份证号码").first.fill("330102197001010000")
    page.get_by_role("button", name="添加联名人").click()
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_text("填写的内容有误").wait_for()
    check(page, camera, "file-errors")

    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill("ABCD-EFGH-JKLM")
    page.get_by_label("手机号码").fill(person["phone"])
    page.get_by_role("button", name="查询").click()
    page.get_by_text("查询码或手机号码不正确").wait_for()
    check(page, camera, "follow-error")

    staff.conclude(petition)
    page = new_page()
    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码").fill(person["phone"])
    page.get_by_role("button", name="查询").click()
    page.get_by_role("button", name="提交评价").wait_for()
    check(page, camera, "case-with-forms")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("请选择对信访部门的评价").wait_for()
    check(page, camera, "case-rating-errors")

    page.goto("/portal/account/")
    page.get_by_label("手机号码").fill(person["phone"])
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码").wait_for()
    check(page, camera, "account-verify")
    code_sent = next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == person["phone"])
    page.get_by_label("短信验证码").fill("000000" if code_sent != "000000" else "111111")
    page.get_by_role("button", name="确认").click()
    page.get_by_text("验证码不正确或已过期").wait_for()
    check(page, camera, "account-verify-error")
    page.get_by_label("短信验证码").fill(code_sent)
    page.get_by_role("button", name="确认").click()
    page.get_by_role("heading", name="我的信访").wait_for()
    check(page, camera, "account-list")
    page.goto(f"/portal/case/{petition.pk + 1000}/")
    check(page, camera, "not-found")


def test_filing_confirmation_limit_review_and_lockout_pages_pass_axe(
    new_page, camera, portal, staff, now, settings
):
    """The pages the first test does not reach: the receipt, the 429 form (filled in), the review request and
    its errors, the lockout, the closed portal."""
    settings.XF_PORTAL_LIMITS = {"file_ip": (1, 3600)}
    page = new_page()
    page.goto("/portal/file/")
    page.evaluate("document.querySelector('[data-xf-co-add]').click()")  # a co-signer row added on the page
    page.get_by_text("联名人 1", exact=True).wait_for()
    check(page, camera, "file-with-co-signer-row")
    fill_filing_form(page, identity(7))
    page.get_by_label("您的诉求").fill("长" * 201)  # over the limit: counted, refused, kept
    check(page, camera, "file-over-the-limit")
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_text("您的诉求不超过200字（现有201字）").wait_for()
    check(page, camera, "file-over-the-limit-refused")
    page.get_by_label("您的诉求").fill("请求依法重新评估房屋征收补偿")
    page.get_by_label("我承诺所反映的情况真实").check()
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_role("heading", name="提交成功，已登记").wait_for()
    check(page, camera, "filed")

    other = new_page()
    other.goto("/portal/file/")
    fill_filing_form(other, identity(8))
    other.get_by_role("button", name="提交信访事项").click()
    other.locator("#limit-message").wait_for()
    assert "请于 2026年3月2日 10:30 后再点击" in other.locator("#limit-message").inner_text()
    assert other.get_by_label("姓名", exact=True).first.input_value() == identity(8)["name"]  # filled in
    check(other, camera, "file-limit-429")

    person = identity(9)
    registered = intake.register(
        f.registration(
            channel=Channel.ONLINE,
            parties=[intake.PartyInput(**person)],
            receiving_unit=portal.unit,
            received_at=when("2026-03-02 09:30"),
        ),
        None,
    )
    staff.conclude(registered.petition)
    page = new_page()
    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill(intake.format_query_code(registered.query_code))
    page.get_by_label("手机号码").fill(person["phone"])
    page.get_by_role("button", name="查询").click()
    page.get_by_role("button", name="提交复查请求").click()
    page.get_by_text("请说明您不服处理意见的事实和理由。").wait_for()
    check(page, camera, "case-review-errors")
    page.get_by_label("请求的事实和理由").fill("处理意见认定事实不清，请求复查。")
    page.get_by_role("button", name="提交复查请求").click()
    page.get_by_text("您的复查请求已提交。").wait_for()
    check(page, camera, "case-under-review")

    locked = new_page()
    for _ in range(5):
        locked.goto("/portal/follow/")
        locked.get_by_label("查询码").fill("ABCD-EFGH-JKLM")
        locked.get_by_label("手机号码").fill(person["phone"])
        locked.get_by_role("button", name="查询").click()
    locked.get_by_text("尝试次数过多").wait_for()
    check(locked, camera, "locked")

    PortalSettings(receiving_unit=portal.unit, is_open=False).save()
    locked.goto("/portal/file/")
    locked.get_by_text("网上提交暂未开放").wait_for()
    check(locked, camera, "closed")
