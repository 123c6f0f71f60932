"""Every portal page passes axe-core (served from our own static files) without serious or critical findings,
at phone width, including pages full of error messages and the case page with its rating and review forms."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.browser.portal.conftest import serious_violations
from tests.portal.conftest import identity, when
from xinfang.petitions import services as intake
from xinfang.petitions.models import Channel

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
    page.goto(f"/portal/case/{petition.pk + 1000}/")
    check(page, camera, "not-found")
