"""The petitioner on a phone (390 × 844): file (counting, not cutting; co-signers added on the page), follow,
read the decision, rate, request review. Every step is photographed at 390 px into test-artifacts/portal/
(gitignored, kept after the run); the boxes of radios and buttons are measured."""

from __future__ import annotations

import re

import pytest

from tests.browser.portal.conftest import ARTIFACTS, PHONE_390, _slug
from tests.portal.conftest import PNG, identity
from xinfang.evaluation.models import Rating, Review
from xinfang.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = PHONE_390
REQUEST = "请求依法重新评估房屋征收补偿"


class Shots:
    def __init__(self, name: str):
        self.prefix, self.counter = _slug(name), 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, step: str) -> None:
        self.counter += 1
        page.screenshot(
            path=str(ARTIFACTS / f"{self.prefix}-{self.counter:02d}-{_slug(step)}-390.png"), full_page=True
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step}: {overflow}px wider than a 390px phone"


def watch(page) -> list[str]:
    """Console errors and uncaught exceptions (CSP refusals among them)."""
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    return errors


def fill_filing_form(page, person: dict, request: str = REQUEST) -> None:
    page.get_by_label("姓名", exact=True).first.fill(person["name"])
    page.get_by_label("身份证号码").first.fill(person["id_number"])
    page.get_by_label("手机号码", exact=True).fill(person["phone"])
    page.get_by_label("申诉求决").check()
    page.get_by_label("问题分类").select_option(label="征收拆迁")
    page.get_by_label("您的诉求").fill(request)
    page.get_by_label("事实和理由").fill("本人房屋于2026年1月被征收，补偿标准明显低于周边同类项目。")
    page.get_by_label("问题发生地：乡镇(街道)").select_option(label="清波街道")
    page.get_by_label("我承诺所反映的情况真实").check()


# Each choice row: the label's box, the radio's box and the first line of its text (same row, beside).
ROWS = """(root) => Array.from(document.querySelectorAll(root + ' label.pt-radio')).map(label => {
  const box = label.getBoundingClientRect();
  const input = label.querySelector('input').getBoundingClientRect();
  const line = label.querySelector('.pt-radio-text').getClientRects()[0];
  return {text: label.innerText.trim(), height: box.height, inputRight: input.right, inputTop: input.top,
          inputBottom: input.bottom, lineLeft: line.left, lineTop: line.top, lineBottom: line.bottom};
})"""


def assert_phone_rows(page, root: str) -> int:
    rows = page.evaluate(ROWS, root)
    assert rows, root
    for row in rows:
        assert row["height"] >= 44, row  # the tap target: the whole row
        assert row["inputRight"] <= row["lineLeft"], row  # beside its text, not above it
        assert row["inputTop"] < row["lineBottom"] and row["inputBottom"] > row["lineTop"], row  # same line
    return len(rows)


def assert_buttons_tall(page, root: str) -> None:
    heights = page.evaluate(
        "(root) => Array.from(document.querySelectorAll(root + ' button')).filter(b => b.offsetParent)"
        ".map(b => [b.innerText.trim(), b.getBoundingClientRect().height])",
        root,
    )
    assert heights, root
    for text, height in heights:
        assert height >= 44, (text, height)


def test_petitioner_on_a_phone_files_follows_reads_the_decision_rates_and_asks_for_review(
    new_page, portal, staff, now, request
):
    shot = Shots(request.node.name)
    person, co = identity(5), identity(6)
    page = new_page(viewport=PHONE)
    errors = watch(page)
    page.goto("/portal/file/")
    assert_phone_rows(page, "main")  # 事项类型, 身份保密, 承诺
    assert_buttons_tall(page, "main")
    fill_filing_form(page, person, request="长" * 205)

    # Pasted text over the limit is kept whole and counted, with a message; nothing is cut.
    field = page.get_by_label("您的诉求")
    assert len(field.input_value()) == 205
    counter = page.locator("#id_request_text_counter")
    assert "已输入 205/200" in counter.inner_text() and "已超出5字" in counter.inner_text()
    shot(page, "over-the-limit")
    field.fill("长" * 185)
    assert "接近字数上限，还可输入15字" in counter.inner_text()
    field.fill(REQUEST)
    assert counter.inner_text().strip() == f"已输入 {len(REQUEST)}/200"

    # 添加联名人 adds a row on the page: no round trip, nothing typed is lost.
    page.evaluate("window.xfNoReload = true")
    page.get_by_role("button", name="添加联名人").click()
    legend = page.get_by_text("联名人 1", exact=True)
    legend.wait_for()
    assert page.evaluate("window.xfNoReload === true")
    row = page.locator("fieldset", has=legend)
    row.get_by_label("姓名").fill(co["name"])
    row.get_by_label("身份证号码").fill(co["id_number"])
    assert page.get_by_label("您的诉求").input_value() == REQUEST
    page.get_by_label("证明材料（附件）").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shot(page, "filled")
    page.get_by_role("button", name="提交信访事项").click()
    page.get_by_role("heading", name="提交成功，已登记").wait_for()
    shot(page, "filed")
    body = page.locator("main").inner_text()
    number = re.search(r"XF-\d{6}-\d{4}-\d{6}", body).group(0)
    code = page.locator("#query-code").inner_text().strip()
    petition = Petition.objects.get(registration_number=number)
    assert petition.parties.count() == 2 and petition.summary == REQUEST

    staff.conclude(petition)

    later = new_page(viewport=PHONE)
    later_errors = watch(later)  # its own list: `+=` would copy the messages so far, not the later ones
    later.goto("/portal/follow/")
    later.get_by_label("查询码").fill(code)
    later.get_by_label("手机号码").fill(person["phone"])
    later.get_by_role("button", name="查询").click()
    later.get_by_role("heading", name="办理进度").wait_for()
    shot(later, "case")
    decision = later.locator("#decision")
    assert "经核查，补偿标准符合规定，现解释说明如下。" in decision.inner_text()
    rating_form = later.locator("form[action$='/rate/']")
    review_form = later.locator("form[action$='/review/']")
    decision_box, rating_box, review_box = (x.bounding_box() for x in (decision, rating_form, review_form))
    assert decision_box["y"] + decision_box["height"] <= rating_box["y"] < review_box["y"]
    assert assert_phone_rows(later, "form[action$='/rate/']") == 6
    assert_buttons_tall(later, "main")

    later.locator("fieldset", has_text="对信访部门的评价").get_by_label("满意", exact=True).check()
    later.locator("fieldset", has_text="对责任单位的评价").get_by_label("不满意").check()
    later.get_by_label("理由（选择“不满意”时必填）").nth(1).fill("补偿标准没有重新评估。")
    shot(later, "rating")
    later.get_by_role("button", name="提交评价").click()
    later.get_by_text("感谢您的评价，已记录。").wait_for()
    assert {r.target: r.rating for r in Rating.objects.filter(petition=petition)} == {
        "bureau": "satisfied",
        "unit": "dissatisfied",
    }

    later.get_by_label("请求的事实和理由").fill("处理意见认定事实不清，请求复查。")
    shot(later, "review-request")
    later.get_by_role("button", name="提交复查请求").click()
    later.get_by_text("您的复查请求已提交。").wait_for()
    shot(later, "under-review")
    assert Review.objects.get(petition=petition).request_text == "处理意见认定事实不清，请求复查。"
    assert errors == [] and later_errors == [] and not page.server_errors and not later.server_errors
    assert list(ARTIFACTS.glob(f"{shot.prefix}-*-390.png"))
