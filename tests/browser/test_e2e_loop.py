"""The whole loop through the browser, every step by a person at a page (issue 13): a petitioner files on the
portal from a phone; the registrar finds it in 我的待办 and transfers it; the township handler accepts, replies
and records the delivery; the petitioner finds the case by its query code, reads the decision, rates it and asks
for review; the reviewer finds the review request in 我的待办. No console error on any page of either browser.
The clock moves between the steps as the weeks would pass (the live server reads the same clock).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.portal.test_phone import fill_filing_form, watch
from tests.browser.test_workflow_journey import open_action
from tests.portal import conftest as portal_scenes
from xinfang.evaluation.models import Rating, Review
from xinfang.petitions.models import Petition, Status

# The portal's bureau and its clock (2026-03-02 09:30, moved by `now`).
portal, now = portal_scenes.portal, portal_scenes.now
_fresh_state = portal_scenes._fresh_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def staff_opens(page, log_in, user, petition):
    """``user`` signs in, lands on 我的待办 and opens the petition from its row."""
    page.context.clear_cookies()
    log_in(user)
    expect(page).to_have_url(re.compile(r"/workflow/todo/$"))
    page.locator("#todo-table tbody tr", has_text=petition.registration_number).get_by_role(
        "link", name=petition.registration_number
    ).click()


def test_portal_filing_to_review_request_through_the_browser(
    page, phone, log_in, shoot, org, people, portal, now
):
    errors, phone_errors = watch(page), watch(phone)
    person = portal_scenes.identity(3)

    phone.goto("/portal/file/")
    fill_filing_form(phone, person)
    phone.get_by_role("button", name="提交信访事项").click()
    phone.get_by_role("heading", name="提交成功，已登记").wait_for()
    code = phone.locator("#query-code").inner_text().strip()
    number = re.search(r"XF-\d{6}-\d{4}-\d{6}", phone.locator("main").inner_text()).group(0)
    petition = Petition.objects.get(registration_number=number)

    now("2026-03-03 09:00")
    staff_opens(page, log_in, people.registrar, petition)
    form = open_action(page, "转送")
    form.get_by_label("接收单位").select_option(str(org.qingbo_unit.pk))
    form.get_by_role("button", name="转送").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已转送")

    now("2026-03-05 09:00")
    staff_opens(page, log_in, people.township_handler, petition)
    open_action(page, "受理").get_by_role("button", name="受理").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：办理中")
    now("2026-04-01 09:00")
    page.reload()
    form = open_action(page, "答复")
    form.get_by_label("解释说明").check()
    form.get_by_label("意见内容").fill("经核查，补偿标准符合规定，现解释说明如下。")
    form.get_by_role("button", name="答复").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已答复")
    form = open_action(page, "送达")
    form.get_by_label("送达方式").select_option("online")
    form.get_by_role("button", name="登记送达").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已办结")
    shoot("concluded")

    now("2026-04-03 20:00")
    phone.context.clear_cookies()
    phone.goto("/portal/follow/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_label("手机号码").fill(person["phone"])
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("#decision")).to_contain_text("经核查，补偿标准符合规定，现解释说明如下。")
    phone.locator("fieldset", has_text="对信访部门的评价").get_by_label("基本满意").check()
    phone.locator("fieldset", has_text="对责任单位的评价").get_by_label("不满意").check()
    phone.get_by_label("理由（选择“不满意”时必填）").nth(1).fill("补偿标准没有重新评估。")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_text("感谢您的评价，已记录。")).to_be_visible()
    phone.get_by_label("请求的事实和理由").fill("处理意见认定事实不清，请求复查。")
    phone.get_by_role("button", name="提交复查请求").click()
    expect(phone.get_by_text("您的复查请求已提交。")).to_be_visible()

    now("2026-04-07 09:00")
    staff_opens(page, log_in, people.reviewer, petition)
    expect(page.locator("#workflow-actions").get_by_role("link", name="复查意见", exact=True)).to_be_visible()
    shoot("review-request")

    petition.refresh_from_db()
    assert petition.status == Status.UNDER_REVIEW
    assert {r.target: r.rating for r in Rating.objects.filter(petition=petition)} == {
        "bureau": "basically_satisfied",
        "unit": "dissatisfied",
    }
    assert Review.objects.get(petition=petition).request_text == "处理意见认定事实不清，请求复查。"
    assert errors == [] and phone_errors == [], (errors, phone_errors)
    assert not page.failed_requests, page.failed_requests
