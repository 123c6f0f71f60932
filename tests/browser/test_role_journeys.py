"""Each role's daily path through the workbench, and the petitioner's through the portal on a phone, walked in
chromium with no console error and no uncaught script error on any page (issue 13, "Done when").

The data each journey starts from is built on the server side (tests/scenes.py, the real workflow), then the
person drives the pages: the registrar registers a visit and transfers it; the township handler accepts and
replies; the township leader approves an extension; the supervisor starts a 督办 and reads the board; the
reviewer answers a review request; the bureau leader drills a dashboard figure down to a petition; the county
party secretary answers a 阅批 submission with an instruction; the petitioner, on a 390 px phone, files, finds
the case by its query code, reads the decision and rates it. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.portal.test_phone import fill_filing_form, watch
from tests.browser.test_intake import fill_matter, fill_party
from tests.browser.test_workflow_journey import open_action
from tests.conftest import silence
from tests.portal import conftest as portal_scenes
from tests.scenes import Scene, make_leaders
from xinfang.evaluation.models import Rating
from xinfang.leaders.models import InstructionTarget
from xinfang.leaders.services import instructions
from xinfang.orgs.models import Role
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Petition, Status
from xinfang.supervision.models import Supervision
from xinfang.workflow.models import Extension

# The portal's bureau, its staff side and its clock, borrowed for the petitioner's journey.
portal, staff, now = portal_scenes.portal, portal_scenes.staff, portal_scenes.now
_fresh_state = portal_scenes._fresh_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = dt.date(2026, 4, 20)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def errors(page):
    """Console errors and uncaught exceptions on any page the journey opens."""
    return watch(page)


@pytest.fixture
def scene(org, people, monkeypatch):
    """The county bureau on 2026-04-20 (18:00); transitions issue no notice PDFs (the documents tests' job)."""
    silence(monkeypatch)
    return Scene(org, people, today=TODAY)


def lands_on_todo(page) -> None:
    expect(page).to_have_url(re.compile(r"/workflow/todo/$"))
    expect(page.get_by_role("heading", name="我的待办", exact=True)).to_be_visible()


def todo_row(page, petition):
    return page.locator("#todo-table tbody tr", has_text=petition.registration_number)


def clean(page, errors) -> None:
    assert errors == [], errors
    assert not page.failed_requests, page.failed_requests


def done(page, text: str) -> None:
    expect(page.locator(".alert-success")).to_contain_text(text)


def test_registrar_lands_on_the_todo_list_registers_a_visit_and_transfers_it(
    page, errors, shoot, log_in, org, people, scene
):
    log_in(people.registrar)
    lands_on_todo(page)
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_role("link", name="来访登记（个访/集体访）").click()
    expect(page.get_by_role("heading", name="来访登记")).to_be_visible()
    page.locator("#id_visit_level").select_option("county")
    page.get_by_label("来访人数（人次）").fill("1")
    fill_party(
        page,
        0,
        name="陈建国",
        id_number=make_id_number("330102", dt.date(1968, 4, 12), 101),
        phone="13800001111",
        role="principal",
    )
    fill_matter(page, "清波街道某小区加装电梯纠纷")
    shoot("visit-form")
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("#registration-receipt")).to_contain_text("登记成功")
    petition = Petition.objects.get()
    expect(page.locator("#receipt-number")).to_have_text(petition.registration_number)

    form = open_action(page, "转送")
    form.get_by_label("接收单位").select_option(str(org.qingbo_unit.pk))
    form.get_by_role("button", name="转送").click()
    done(page, "已转送。当前状态：已转送。")
    shoot("transferred")
    petition.refresh_from_db()
    assert (petition.channel, petition.status, petition.responsible_unit) == (
        "visit",
        Status.TRANSFERRED,
        org.qingbo_unit,
    )
    clean(page, errors)


def test_handler_finds_the_petition_in_the_todo_list_accepts_and_replies(
    page, errors, shoot, log_in, people, scene
):
    petition = scene.transferred(
        received="2026-04-16 09:30", on="2026-04-17", summary="南山路沿街商铺噪声扰民"
    )
    log_in(people.township_handler)
    lands_on_todo(page)
    row = todo_row(page, petition)
    expect(row).to_contain_text("受理并告知")
    shoot("todo")
    row.get_by_role("link", name=petition.registration_number).click()

    form = open_action(page, "受理")
    expect(form.get_by_label("普通程序")).to_be_checked()
    form.get_by_role("button", name="受理").click()
    done(page, "当前状态：办理中")

    form = open_action(page, "答复")
    form.get_by_role("button", name="答复").click()  # nothing chosen: refused, nothing written
    form = page.locator("#action-panel form")
    expect(form.get_by_label("意见内容")).to_have_attribute("aria-invalid", "true")
    shoot("reply-refused")
    assert Petition.objects.get(pk=petition.pk).status == Status.ACCEPTED
    form.get_by_label("予以支持").check()
    form.get_by_label("意见内容").fill("经调查核实，噪声超标属实，已责令商铺限期整改。")
    form.get_by_role("button", name="答复").click()
    done(page, "当前状态：已答复")
    shoot("replied")
    petition.refresh_from_db()
    assert petition.status == Status.REPLIED
    clean(page, errors)


def test_unit_leader_approves_an_extension_from_the_todo_list(page, errors, shoot, log_in, people, scene):
    petition = scene.accepted(
        "2026-04-01 10:00", "2026-04-02", "2026-04-03", summary="河坊街雨污管网改造进度"
    )
    log_in(people.township_leader)
    lands_on_todo(page)
    row = todo_row(page, petition)
    expect(row).to_contain_text("办理")
    row.get_by_role("link", name=petition.registration_number).click()

    form = open_action(page, "延期")
    # The leader approves it as the unit's head: the approver defaults to the one who is signed in.
    expect(form.get_by_label("批准人")).to_have_value(str(people.township_leader.pk))
    form.get_by_label("延长天数").fill("20")
    form.get_by_label("延期理由").fill("涉及多个部门协调，需进一步核实管网改造方案。")
    shoot("extension-form")
    form.get_by_role("button", name="延期").click()
    done(page, "已延期。当前状态：办理中。")
    shoot("extended")
    extension = Extension.objects.get(petition=petition)
    assert (extension.days, extension.approved_by) == (20, people.township_leader)
    clean(page, errors)


def test_supervisor_starts_a_supervision_from_the_board(page, errors, shoot, log_in, org, people, scene):
    supervisor = f.UserFactory(
        username="supervisor", unit=org.bureau, roles=[Role.SUPERVISOR], full_name="孙督查"
    )
    overdue = scene.transferred(
        received="2026-03-02 09:30", on="2026-03-03", summary="清河坊社区停车位划分争议"
    )
    log_in(supervisor)
    lands_on_todo(page)
    page.get_by_role("link", name="督查督办", exact=True).click()
    expect(page.get_by_role("heading", name="督查督办")).to_be_visible()
    row = page.locator("tr", has_text=overdue.registration_number)
    expect(row).to_contain_text("超期")
    shoot("board")
    row.get_by_role("link", name="督办", exact=True).click()

    expect(page.get_by_role("heading", name="发起督办")).to_be_visible()
    page.get_by_label("被督办单位").select_option(str(org.qingbo_unit.pk))
    page.get_by_label("督办意见").fill("该事项已超过受理期限，请于期限内受理并书面回复。")
    page.get_by_label("回复期限").fill("2026-04-27")
    shoot("open-form")
    page.get_by_role("button", name="发出督办").click()
    done(page, "已发出督办。")
    shoot("opened")
    supervision = Supervision.objects.get()
    assert (supervision.petition, supervision.unit) == (overdue, org.qingbo_unit)

    page.get_by_role("link", name="返回督办件").click()
    listed = page.locator("tr", has_text=overdue.registration_number)
    expect(listed).to_contain_text("清波街道办事处")
    expect(listed).to_contain_text("2026-04-27")
    page.get_by_role("link", name="四色预警", exact=True).click()
    expect(page.locator("tr", has_text=overdue.registration_number)).to_contain_text("超期")
    shoot("board-after")
    clean(page, errors)


def test_reviewer_finds_a_review_request_in_the_todo_list_and_records_the_opinion(
    page, errors, shoot, log_in, people, scene
):
    petition = scene.concluded(summary="南山社区物业费收取标准异议")
    scene.do(
        petition, "request_review", people.reviewer, "2026-04-10", text="信访人不服处理意见，来信请求复查。"
    )
    for d in (14, 15, 16):  # the bureau's other work: petitions waiting to be routed
        scene.petition(f"2026-04-{d} 09:30", summary=f"四月第{d}件来信")
    log_in(people.reviewer)
    lands_on_todo(page)
    expect(page.locator("#todo-total")).to_have_text("4")
    # The review request is one task among the bureau's: the stage's link shows it alone.
    review = page.locator("#todo-stage-review")
    expect(review.locator(".xf-stage-count")).to_have_text("1")
    review.click()
    expect(page.locator("#todo-total")).to_have_text("1")
    row = todo_row(page, petition)
    expect(row).to_contain_text("复查")
    shoot("todo-review-stage")
    row.get_by_role("link", name=petition.registration_number).click()

    form = open_action(page, "复查意见")
    form.get_by_label("维持原处理意见").check()
    form.get_by_label("意见内容").fill("经复查，原处理意见认定事实清楚，予以维持。")
    form.get_by_label("信访人收到日期").fill("2026-04-20")
    form.get_by_role("button", name="出具复查意见").click()
    done(page, "已复查意见。")
    shoot("reviewed")
    petition.refresh_from_db()
    assert petition.status == Status.REVIEWED
    clean(page, errors)


def test_bureau_leader_drills_a_dashboard_figure_down_to_a_petition(
    page, errors, shoot, log_in, people, scene
):
    petitions = [scene.petition(f"2026-04-{d:02d} 09:30", summary=f"四月第{d}件") for d in (7, 8, 9)]
    log_in(people.bureau_leader)
    lands_on_todo(page)
    page.get_by_role("link", name="统计分析", exact=True).click()
    page.wait_for_selector("body[data-charts-ready='1']")
    shoot("dashboard")
    card = page.locator(".xf-figure").first
    expect(card).to_have_text("3")
    card.click()
    expect(page.locator("#drill-total")).to_have_text("3")
    shoot("drill-down")
    page.locator("#drill-table").get_by_role("link", name=petitions[0].registration_number).click()
    expect(page.get_by_role("heading", name=re.compile(petitions[0].registration_number))).to_be_visible()
    clean(page, errors)


def test_party_leader_answers_a_submission_with_an_instruction(
    page, errors, shoot, log_in, org, people, scene
):
    leaders = make_leaders(org)
    petition = scene.transferred(
        received="2026-04-15 09:30", on="2026-04-16", summary="老旧小区加装电梯资金分摊争议"
    )
    instructions.submit(people.registrar, petition=petition, leader=leaders.secretary, note="请书记阅示。")
    log_in(leaders.secretary)
    lands_on_todo(page)
    page.get_by_role("link", name="领导接访与包案", exact=True).click()
    page.get_by_role("link", name="领导阅批", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("待我批阅"))).to_be_visible()
    shoot("queue")
    page.get_by_role("link", name=petition.registration_number).click()
    page.get_by_label("批示内容").fill("请清波街道牵头，一个月内拿出分摊方案并回复。")
    page.get_by_label("承办单位").select_option(str(org.qingbo_unit.pk))
    page.get_by_label("回复期限").fill("2026-05-20")
    shoot("instruction-form")
    page.get_by_role("button", name="发出批示").click()
    done(page, "批示已发出。")
    expect(page.locator("main")).to_contain_text("请清波街道牵头，一个月内拿出分摊方案并回复。")
    shoot("instructed")
    # The dated instruction goes to the unit and is supervised until it answers.
    target = InstructionTarget.objects.select_related("supervision").get()
    assert (target.instruction.leader, target.unit) == (leaders.secretary, org.qingbo_unit)
    assert target.supervision.response_due == dt.date(2026, 5, 20)
    clean(page, errors)


def test_petitioner_on_a_phone_files_finds_the_case_reads_the_decision_and_rates(
    page, errors, shoot, portal, staff, now
):
    page.set_viewport_size(PHONE)
    person = portal_scenes.identity(5)
    page.goto("/portal/")
    page.get_by_role("link", name="开始填写").click()
    fill_filing_form(page, person)
    shoot("filled")
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_role("heading", name="提交成功，已登记").wait_for()
    code = page.locator("#query-code").inner_text().strip()
    number = re.search(r"XF-\d{6}-\d{4}-\d{6}", page.locator("main").inner_text()).group(0)
    shoot("filed")

    staff.conclude(Petition.objects.get(registration_number=number))
    page.context.clear_cookies()  # weeks later
    page.goto("/portal/")
    page.get_by_role("link", name="查询办理", exact=True).click()
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码").fill(person["phone"])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="办理进度")).to_be_visible()
    decision = page.locator("#decision")
    expect(decision).to_contain_text("经核查，补偿标准符合规定，现解释说明如下。")
    shoot("decision")
    page.locator("fieldset", has_text="对信访部门的评价").get_by_label("满意", exact=True).check()
    page.locator("fieldset", has_text="对责任单位的评价").get_by_label("基本满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价，已记录。")).to_be_visible()
    shoot("rated")
    assert {r.target: r.rating for r in Rating.objects.all()} == {
        "bureau": "satisfied",
        "unit": "basically_satisfied",
    }
    clean(page, errors)
