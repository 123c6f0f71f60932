"""Petitioners' journeys through the portal in a real browser, with the staff side acting through the
workflow service at chosen times (the clock is shared with the live server's thread)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories as f
from tests.portal.conftest import PNG, identity, when
from xinfang.evaluation.models import Rating
from xinfang.petitions import services as intake
from xinfang.petitions.models import Channel, Petition, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def file_online(
    page, camera, person: dict, *, request: str = "请求依法重新评估房屋征收补偿"
) -> tuple[str, str]:
    """Fill in and submit the filing form; returns (registration number, query code)."""
    page.goto("/portal/")
    camera.snap(page, "home")
    page.get_by_role("link", name="开始填写").click()
    page.get_by_label("姓名", exact=True).first.fill(person["name"])
    page.get_by_label("身份证号码").first.fill(person["id_number"])
    page.get_by_label("手机号码", exact=True).fill(person["phone"])
    page.get_by_label("联系地址").fill("上城区清波街道南山路1号")
    page.get_by_label("申诉求决").check()
    page.get_by_label("问题分类").select_option(label="征收拆迁")
    page.get_by_label("您的诉求").fill(request)
    page.get_by_label("事实和理由").fill(
        "本人房屋于2026年1月被征收，补偿标准明显低于周边同类项目。<script>alert(1)</script>"
    )
    page.get_by_label("问题发生地：乡镇(街道)").select_option(label="清波街道")
    page.get_by_label("村(社区)").select_option(label="南山社区")
    page.get_by_label("证明材料（附件）").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("我承诺所反映的情况真实").check()
    camera.snap(page, "form-filled")
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_role("heading", name="提交成功，已登记").wait_for()
    camera.snap(page, "confirmation")
    body = page.locator("main").inner_text()
    assert "2026年3月17日前" in body  # the bureau routes it within 15 days of 2026-03-02
    number = re.search(r"XF-\d{6}-\d{4}-\d{6}", body).group(0)
    return number, page.locator("#query-code").inner_text().strip()


def follow(page, code: str, phone: str) -> None:
    page.goto("/portal/follow/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="查询").click()


def test_file_online_then_follow_download_and_rate(new_page, camera, portal, staff, now):
    person = identity(1)
    page = new_page()
    number, code = file_online(page, camera, person)
    petition = Petition.objects.get(registration_number=number)
    assert petition.channel == Channel.ONLINE and petition.receiving_unit == portal.unit
    assert petition.attachments.count() == 1

    # The staff side: the registrar routes it, the township accepts, replies and delivers the reply.
    staff.conclude(petition)

    later = new_page()  # weeks later, on another device
    follow(later, code, person["phone"])
    later.get_by_role("heading", name="办理进度").wait_for()
    camera.snap(later, "timeline")
    text = later.locator("main").inner_text()
    for step in (
        "收到并登记",
        "已转送",
        "转送至清波街道办事处办理。",
        "已受理",
        "作出处理意见",
        "处理意见已送达",
    ):
        assert step in text, step
    assert "王登记" not in text and "赵承办" not in text and person["id_number"] not in text

    with later.expect_download() as download:
        later.locator(".pt-doc", has_text="《信访处理意见书》").get_by_role("link", name="下载PDF").click()
    saved = Path(download.value.path())
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.startswith("信访处理意见书-")

    later.locator("fieldset", has_text="对信访部门的评价").get_by_label("满意", exact=True).check()
    later.locator("fieldset", has_text="对责任单位的评价").get_by_label("基本满意").check()
    camera.snap(later, "rating-filled")
    later.get_by_role("button", name="提交评价").click()
    later.get_by_text("感谢您的评价，已记录。").wait_for()
    camera.snap(later, "rated")
    assert {r.target: r.rating for r in Rating.objects.filter(petition=petition)} == {
        "bureau": "satisfied",
        "unit": "basically_satisfied",
    }
    assert not page.server_errors and not later.server_errors


def register_online(person: dict, unit) -> tuple[Petition, str]:
    """A petition filed online earlier (the filing form has its own journey)."""
    registration = f.registration(
        channel=Channel.ONLINE,
        parties=[intake.PartyInput(**person)],
        receiving_unit=unit,
        received_at=when("2026-03-02 09:30"),
    )
    registered = intake.register(registration, None)
    return registered.petition, intake.format_query_code(registered.query_code)


def test_dissatisfied_review_then_re_review_until_termination(new_page, camera, portal, staff, now):
    person = identity(2)
    petition, code = register_online(person, portal.unit)
    staff.conclude(petition)

    page = new_page()
    follow(page, code, person["phone"])
    page.locator("fieldset", has_text="对信访部门的评价").get_by_label("基本满意").check()
    page.locator("fieldset", has_text="对责任单位的评价").get_by_label("不满意").check()
    page.get_by_role("button", name="提交评价").click()
    assert "您对责任单位不满意，请说明理由。" in page.locator("main").inner_text()
    camera.snap(page, "reason-required")
    page.locator("fieldset", has_text="对责任单位的评价").get_by_label(
        "基本满意"
    ).check()  # keeps the layout simple
    page.locator("fieldset", has_text="对责任单位的评价").get_by_label("不满意").check()
    page.get_by_label("理由（选择“不满意”时必填）").nth(1).fill("补偿标准没有重新评估。")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()

    now("2026-04-10")
    page = new_page()
    follow(page, code, person["phone"])
    review = page.locator("section", has=page.get_by_role("heading", name="请求复查"))
    assert "2026年5月6日 前请求复查，由上城区信访局复查" in review.inner_text()
    page.get_by_label("请求的事实和理由").fill("处理意见认定事实不清，请求复查。")
    camera.snap(page, "review-request")
    page.get_by_role("button", name="提交复查请求").click()
    page.get_by_text("您的复查请求已提交。").wait_for()
    assert "上城区信访局应于 2026年5月11日 前作出复查意见" in page.locator("#progress").inner_text()
    camera.snap(page, "under-review")

    staff.review(petition)
    now("2026-04-25")
    page = new_page()
    follow(page, code, person["phone"])
    assert "作出复查意见" in page.locator("main").inner_text()
    page.get_by_label("请求的事实和理由").fill("复查意见仍未解决问题，请求复核。")
    camera.snap(page, "re-review-request")
    page.get_by_role("button", name="提交复核请求").click()
    page.get_by_text("您的复核请求已提交。").wait_for()

    staff.re_review(petition)
    page = new_page()
    follow(page, code, person["phone"])
    final = page.locator("section", has=page.get_by_role("heading", name="信访程序已终结"))
    assert "第三十六条" in final.inner_text() and "不再受理" in final.inner_text()
    assert "《复核意见书》" in page.locator("main").inner_text()
    camera.snap(page, "terminated")
    petition.refresh_from_db()
    assert petition.status == Status.TERMINATED


def test_wrong_codes_lock_out_and_another_persons_petition_reveals_nothing(new_page, camera, portal, now):
    me, other = identity(3), identity(4)
    mine, my_code = register_online(me, portal.unit)
    theirs, _their_code = register_online(other, portal.unit)

    page = new_page()
    follow(page, "ABCD-EFGH-JKLM", me["phone"])
    page.get_by_text("查询码或手机号码不正确，请核对后重试。").wait_for()
    camera.snap(page, "wrong-code")
    for _ in range(4):
        follow(page, "ABCD-EFGH-JKLM", me["phone"])
    page.get_by_text("尝试次数过多").wait_for()
    camera.snap(page, "locked")
    follow(page, my_code, me["phone"])  # locked for the right code too
    assert "尝试次数过多" in page.locator("main").inner_text()

    now("2026-03-02 10:05")  # 35 minutes later
    follow(page, my_code, me["phone"])
    page.get_by_role("heading", name="办理进度").wait_for()
    page.goto(f"/portal/case/{theirs.pk}/")
    text = page.locator("main").inner_text()
    assert "未找到该信访事项" in text
    assert theirs.registration_number not in page.content() and other["name"] not in page.content()
    camera.snap(page, "other-persons-case")
