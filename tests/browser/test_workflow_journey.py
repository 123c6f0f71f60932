"""A petition goes from the county bureau to a township and back to the petitioner, as the staff would do it:
the registrar transfers it; the township handler finds it in 我的待办, accepts, replies and delivers; the detail
page then shows it concluded with the handling opinion. Screenshots of every step go to test-artifacts/workflow/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.test_accessibility import serious_violations
from xinfang.petitions.models import Petition, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "workflow"


@pytest.fixture
def snap(page, request):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(step: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}-{next(counter):02d}-{step}.png"), full_page=True)

    return take


def open_action(page, label: str):
    """Click an action button on the detail page; htmx loads its form into the panel."""
    page.locator("#workflow-actions").get_by_role("link", name=label, exact=True).click()
    form = page.locator("#action-panel form")
    expect(form).to_be_visible()
    return form


def test_transfer_accept_reply_deliver(page, log_in, snap, org, people):
    petition = f.register(people.registrar, summary="清波街道某小区加装电梯纠纷")
    number = petition.registration_number

    # The registrar at the county bureau transfers it to the township.
    log_in(people.registrar)
    page.goto(f"/petitions/{petition.pk}/")
    expect(page.locator("#petition-colour")).to_contain_text("登记后分类处理")
    form = open_action(page, "转送")
    expect(page.locator("#action-panel")).to_contain_text("检举控告事项不得转送被检举控告的单位")
    form.get_by_label("接收单位").select_option(label="清波街道办事处（乡镇(街道)）")
    assert serious_violations(page) == []
    snap("transfer-form")
    form.get_by_role("button", name="转送").click()
    expect(page.locator(".alert-success")).to_contain_text("已转送。当前状态：已转送。")
    expect(page.locator("#workflow-documents")).to_contain_text("转送告知书")
    snap("transferred")

    # The township handler finds it among the unit's tasks.
    page.context.clear_cookies()
    log_in(people.township_handler)
    page.get_by_role("link", name="我的待办").click()
    row = page.locator("#todo-table tr", has_text=number)
    expect(row).to_contain_text("签收")  # first duty: sign for it within one working day
    expect(row).to_contain_text("黄色")
    snap("my-tasks")
    row.get_by_role("link", name=number).click()

    form = open_action(page, "签收")
    form.get_by_role("button", name="签收").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已转送")
    expect(page.locator("#petition-colour")).to_contain_text("受理并告知")

    form = open_action(page, "受理")
    expect(form.get_by_label("普通程序")).to_be_checked()
    snap("accept-form")
    form.get_by_role("button", name="受理").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：办理中")
    expect(page.locator("#petition-deadlines")).to_contain_text("办理")

    form = open_action(page, "答复")
    form.get_by_label("予以支持").check()
    form.get_by_label("意见内容").fill("经调查核实，小区加装电梯符合规定，予以支持，由街道协调施工。")
    snap("reply-form")
    form.get_by_role("button", name="答复").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已答复")
    expect(page.locator(".alert-success")).to_contain_text("信访处理意见书")

    form = open_action(page, "送达")
    form.get_by_label("送达方式").select_option("in_person")
    snap("deliver-form")
    form.get_by_role("button", name="登记送达").click()
    expect(page.locator(".alert-success")).to_contain_text("当前状态：已办结")

    expect(page.locator("h1 .badge", has_text="已办结")).to_be_visible()
    documents = page.locator("#workflow-documents")
    expect(documents).to_contain_text("信访处理意见书")
    expect(documents.get_by_role("link", name=re.compile("下载信访处理意见书 PDF"))).to_be_visible()
    assert serious_violations(page) == []
    snap("concluded")

    petition.refresh_from_db()
    assert petition.status == Status.CONCLUDED
    assert list(
        petition.events.filter(action__in=["transfer", "accept", "reply", "deliver"]).values_list(
            "action", flat=True
        )
    ) == [
        "transfer",
        "accept",
        "reply",
        "deliver",
    ]
    assert not page.failed_requests, page.failed_requests


def test_a_stale_form_tells_the_user_to_reload(page, log_in, snap, org, people):
    petition = f.register(people.registrar)
    log_in(people.registrar)
    page.goto(f"/petitions/{petition.pk}/")
    form = open_action(page, "转送")
    form.get_by_label("接收单位").select_option(label="湖滨街道办事处（乡镇(街道)）")
    # Meanwhile a colleague transferred it elsewhere.
    from xinfang.workflow.services import perform

    perform(Petition.objects.get(pk=petition.pk), "transfer", people.registrar, to_unit=org.qingbo_unit)
    form.get_by_role("button", name="转送").click()
    alert = page.locator("#action-panel .alert-warning")
    expect(alert).to_contain_text("该信访事项已被他人更新，请刷新后重试")
    snap("stale")
    alert.get_by_role("link", name="刷新页面").click()
    expect(page.locator("h1 .badge", has_text="已转送")).to_be_visible()
    petition.refresh_from_db()
    assert petition.responsible_unit == org.qingbo_unit
