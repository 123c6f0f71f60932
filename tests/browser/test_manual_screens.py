"""The operating manual's screenshots (docs/manual/screens/), taken from the pages as they are.

One scene (a county bureau on 2026-04-20, with a petition at each stage a chapter describes) and one walk
through every role's pages: each page is checked for the heading and button labels its chapter names, then
photographed at a fixed 1280x800 viewport into docs/manual/screens/<role>-<page>.png. When a page changes, this
test fails where the manual has become untrue, and a passing run rewrites the pictures.

Every role is walked even when an earlier one fails, so one run lists every page that disagrees with the manual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import traceback
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import PASSWORD
from tests.conftest import silence
from tests.portal.conftest import identity, portal  # noqa: F401 (the portal's bureau and villages)
from tests.scenes import Scene, make_leaders, when
from xinfang.orgs.models import Role
from xinfang.petitions import services as intake
from xinfang.petitions.models import Channel
from xinfang.supervision import services as supervision

# Where a login lands: a working role on its to-do list, the administrators on the petition list.
LANDINGS = ("/workflow/todo/", "/petitions/")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "manual" / "screens"
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}  # the portal's pages are kept as a phone shows them too (issue 13)
TODAY = dt.date(2026, 4, 20)
SETTLE_TRIES = 15
NOISE_PIXELS = 100


def build_scene(org, people, portal_settings):
    """The petitions the chapters talk about, each brought to its stage through the real workflow."""
    scene = Scene(org, people, today=TODAY)
    leaders = make_leaders(org)
    supervisor = f.UserFactory(
        username="supervisor", unit=org.bureau, roles=[Role.SUPERVISOR], full_name="孙督查"
    )
    admin = f.UserFactory(
        username="sysadmin",
        unit=org.bureau,
        roles=[Role.ADMIN],
        full_name="系统管理员",
        is_staff=True,
        is_superuser=True,
    )
    fresh = scene.petition("2026-04-20 09:30", summary="清波街道某小区加装电梯纠纷")
    to_accept = scene.transferred(
        received="2026-04-16 09:30", on="2026-04-17", summary="南山路沿街商铺噪声扰民"
    )
    handling = scene.accepted(
        "2026-04-01 10:00", "2026-04-02", "2026-04-03", summary="河坊街老旧小区雨污管网改造进度"
    )
    overdue = scene.transferred(
        received="2026-03-02 09:30", on="2026-03-03", summary="清河坊社区停车位划分争议"
    )
    under_review = scene.concluded(summary="南山社区物业费收取标准异议")
    scene.do(
        under_review,
        "request_review",
        people.reviewer,
        "2026-04-10",
        text="信访人不服处理意见，来信请求复查。",
    )
    supervision.open_supervision(
        supervisor,
        reason_kind="deadline_missed",
        text="该事项已超过受理期限，请于期限内受理并书面回复。",
        response_due=dt.date(2026, 4, 27),
        petition=overdue,
        at=when("2026-04-20 10:00"),
    )
    person = identity(1)
    registration = f.registration(
        channel=Channel.ONLINE,
        parties=[intake.PartyInput(**person)],
        receiving_unit=portal_settings.unit,
        received_at=when("2026-04-18 09:30"),
        summary="请求依法重新评估房屋征收补偿",
    )
    online = intake.register(registration, None)
    scene.transfer(online.petition, "2026-04-19")
    return SimpleNamespace(
        fresh=fresh,
        to_accept=to_accept,
        handling=handling,
        overdue=overdue,
        under_review=under_review,
        leaders=leaders,
        supervisor=supervisor,
        admin=admin,
        online=online.petition,
        query_code=intake.format_query_code(online.query_code),
        phone=person["phone"],
    )


class Walk:
    """Opens pages as one person after another, checks them and keeps the pictures."""

    def __init__(self, page):
        self.page = page
        self.failures: list[str] = []
        self.role = ""
        SCREENS.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def as_role(self, role: str, user=None):
        """The pages of one chapter; a failure is noted and the walk goes on to the next role."""
        self.role = role
        self.page.context.clear_cookies()
        try:
            if user is not None:
                self.log_in(user)
            yield
        except Exception:  # noqa: BLE001 (every kind of mismatch is reported at the end)
            self.failures.append(f"{role}: {traceback.format_exc(limit=3)}")

    def log_in(self, user):
        page = self.page
        page.goto("/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: url.endswith(LANDINGS))  # to-do list, or petitions for admins

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def shows(self, *texts: str):
        main = self.page.locator("body")
        for text in texts:
            expect(main).to_contain_text(text)

    def heading(self, name: str):
        expect(self.page.get_by_role("heading", name=name).first).to_be_visible()

    def button(self, name: str):
        expect(self.page.get_by_role("button", name=name).first).to_be_visible()

    def link(self, name: str):
        expect(self.page.get_by_role("link", name=name, exact=True).first).to_be_visible()

    def action(self, label: str):
        """Open an action's form from the detail page's 办理 panel (htmx loads it into the panel)."""
        self.page.locator("#workflow-actions").get_by_role("link", name=label, exact=True).click()
        form = self.page.locator("#action-panel form")
        expect(form).to_be_visible()
        form.scroll_into_view_if_needed()
        return form

    def snap(self, name: str, *, top: bool = True, full_page: bool = False):
        """Keep the page once it has settled (charts animate in, htmx swaps fade): two equal pictures in a row."""
        # A form scrolled into view can stop between pixels, and its rounded corners then come out differently.
        self.page.evaluate(
            "window.scrollTo(0, 0)" if top else "window.scrollTo(0, Math.round(window.scrollY))"
        )
        self.page.mouse.move(0, 0)  # no hover highlight in the picture
        previous = None
        for _ in range(SETTLE_TRIES):
            picture = self.page.screenshot(animations="disabled", full_page=full_page)
            if picture == previous:
                break
            previous = picture
            self.page.wait_for_timeout(200)
        keep(SCREENS / f"{self.role}-{name}.png", picture)

    def phone(self, name: str):
        """Keep the whole page as a 390 px phone shows it."""
        self.page.set_viewport_size(PHONE)
        try:
            self.snap(f"{name}-390", full_page=True)
        finally:
            self.page.set_viewport_size(VIEWPORT)


def keep(path: Path, picture: bytes) -> None:
    """Write the picture, in 256 colours (a third of the bytes, no visible loss on these pages), unless it
    differs from the one already there only by a few pixels: chromium draws the antialiased edge of a rounded
    card slightly differently from run to run, and that is no reason to commit a new image."""
    new = Image.open(io.BytesIO(picture)).convert("RGB")
    new = new.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    if path.exists():
        old = Image.open(path).convert("RGB")
        if old.size == new.size:
            unchanged = ImageChops.difference(old, new.convert("RGB")).convert("L").histogram()[0]
            if new.width * new.height - unchanged <= NOISE_PIXELS:
                return
    new.save(path, "PNG", optimize=True)


@pytest.fixture
def walk(browser, live_server, monkeypatch):
    silence(monkeypatch)  # notice PDFs are the documents tests' business; the pages list none here
    # Generated names (工作人员N, 群众N) count across the whole test run: start them afresh, so that the
    # pictures do not change with the tests that ran before. Requested before `people`, so it runs first.
    f.UserFactory.reset_sequence(1)
    monkeypatch.setattr(f, "_people", itertools.count(1))
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=VIEWPORT
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    walk = Walk(page)
    # A picture without its stylesheet (no node_modules: `npm ci`) or with a broken script would mislead.
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and walk.failures.append(f"{walk.role}: {r.status} {r.url}")
        ),
    )
    yield walk
    context.close()


def test_every_role_sees_the_pages_its_chapter_describes(walk, org, people, portal):  # noqa: F811
    s = build_scene(org, people, portal)
    w = walk

    with w.as_role("registrar", people.registrar):
        w.heading("我的待办")  # where a login lands
        w.open("/petitions/")
        w.heading("信访事项")
        w.link("来访登记")
        w.link("来信登记")
        w.button("查询")
        w.shows(s.fresh.registration_number, "清波街道某小区加装电梯纠纷")
        w.snap("list")
        w.open("/petitions/register/letter/")
        w.heading("来信登记")
        w.shows("基本信息", "信访人", "事项内容", "附件", "既往信访（重复件核查）")
        w.button("提交登记")
        w.snap("register")
        w.open(f"/petitions/{s.fresh.pk}/")
        w.shows("登记信息", "办理记录", "登记后分类处理")
        for label in ("转送", "交办", "直接受理", "导入法定途径"):
            w.link(label)
        w.snap("detail")
        form = w.action("转送")
        expect(form).to_contain_text("接收单位")
        w.shows("检举控告事项不得转送被检举控告的单位")
        w.snap("transfer", top=False)
        w.page.get_by_role("button", name="帮助").click()
        w.page.get_by_role("link", name="操作手册").click()
        w.heading("操作手册")
        w.shows("登记员操作指南", "群众网上信访指南", "您的角色")
        w.snap("help")

    with w.as_role("handler", people.township_handler):
        w.open("/workflow/todo/")
        w.heading("我的待办")
        w.shows(s.to_accept.registration_number, "受理并告知", s.handling.registration_number)
        w.snap("todo")
        w.open(f"/petitions/{s.to_accept.pk}/")
        w.link("受理")
        w.link("提出异议")
        form = w.action("受理")
        expect(form.get_by_label("普通程序")).to_be_checked()
        expect(form).to_contain_text("适用简易办理的情形")
        w.snap("accept", top=False)
        w.open(f"/petitions/{s.handling.pk}/")
        form = w.action("答复")
        for text in ("处理意见", "意见内容", "解释说明", "不予支持", "调解协议"):
            expect(form).to_contain_text(text)
        expect(form.get_by_label("予以支持")).to_be_visible()
        expect(form.get_by_role("button", name="答复")).to_be_visible()
        w.snap("reply", top=False)

    with w.as_role("unit-leader", people.township_leader):
        w.open("/workflow/todo/")
        w.heading("我的待办")
        w.shows(s.handling.registration_number)
        w.snap("todo")
        w.open(f"/petitions/{s.handling.pk}/")
        w.link("延期")
        form = w.action("延期")
        for text in ("延长天数", "延期理由", "批准人"):
            expect(form).to_contain_text(text)
        expect(form.get_by_role("button", name="延期")).to_be_visible()
        w.snap("extend", top=False)

    with w.as_role("supervisor", s.supervisor):
        w.open("/supervision/")
        w.heading("督查督办")
        w.button("筛选")
        w.shows(
            "四色预警",
            "督办件",
            "红色（超期）",
            "黄色（临期）",
            "绿色（近30日办结）",
            s.overdue.registration_number,
        )
        w.link("督办")
        w.snap("board")
        w.open("/supervision/supervisions/")
        w.link("发起督办")
        w.shows("清波街道办事处")
        w.snap("list")
        w.open(f"/supervision/supervisions/open/?petition={s.overdue.pk}")
        w.heading("发起督办")
        w.shows("被督办单位", "督办事由", "督办意见", "回复期限", "挂牌督办")
        w.button("发出督办")
        w.snap("open")

    with w.as_role("reviewer", people.reviewer):
        w.open(f"/petitions/{s.under_review.pk}/")
        w.shows("复查中")
        w.link("复查意见")
        form = w.action("复查意见")
        for text in (
            "复查结论",
            "维持原处理意见",
            "变更原处理意见",
            "撤销原处理意见",
            "意见内容",
            "信访人收到日期",
        ):
            expect(form).to_contain_text(text)
        expect(form.get_by_role("button", name="出具复查意见")).to_be_visible()
        w.snap("review-opinion", top=False)

    with w.as_role("bureau-leader", people.bureau_leader):
        w.open("/stats/")
        w.shows("统计分析：", "三率及相关指标")
        w.link("导出统计表（Excel）")
        w.link("通报")
        w.link("月度考评")
        w.snap("dashboard")
        w.open("/stats/assessment/")
        w.shows("信访工作考评")
        w.snap("assessment")
        w.open("/stats/bulletins/")
        w.shows("通报", "编发通报")
        w.button("生成 Word 和 PDF")
        w.snap("bulletins")

    with w.as_role("party-leader", s.leaders.secretary):
        w.heading("我的待办")  # where a login lands: the county's units' tasks
        w.open("/petitions/")
        w.heading("信访事项")
        w.shows(s.overdue.registration_number)
        w.snap("list")
        w.open("/stats/")
        w.shows("统计分析：")
        w.snap("dashboard")
        w.open("/supervision/")
        w.heading("督查督办")
        w.snap("board")

    with w.as_role("admin", s.admin):
        w.open("/admin/")
        w.shows("信访业务系统管理", "用户", "单位", "行政区划")
        w.snap("index")
        w.open("/admin/orgs/user/")
        w.shows("registrar", "qingbo_handler")
        w.snap("users")
        w.open("/admin/orgs/orgunit/")
        w.shows("上城区信访局", "清波街道办事处")
        w.snap("units")

    with w.as_role("petitioner"):
        w.open("/portal/")
        w.heading("群众网上信访")
        w.shows("我要信访", "查询办理进度", "我的信访", "办理流程和时限")
        w.link("开始填写")
        w.snap("home")
        w.phone("home")
        w.open("/portal/file/")
        w.heading("我要信访")
        w.shows("1. 您的身份", "2. 反映的事项", "3. 问题发生地", "4. 证明材料", "6. 确认提交")
        w.button("提交信访事项")
        w.snap("file")
        w.phone("file")
        w.open("/portal/follow/")
        w.heading("查询办理进度")
        w.snap("follow")  # empty: a query code is random
        w.phone("follow")
        w.page.get_by_label("查询码").fill(s.query_code)
        w.page.get_by_label("手机号码").fill(s.phone)
        w.page.get_by_role("button", name="查询").click()
        w.heading("办理进度")
        w.shows("您的信访事项", "当前状态", "办理过程", "清波街道办事处")
        w.button("退出查询")
        w.snap("case")
        w.phone("case")

    assert w.failures == [], "\n\n".join(w.failures)
    assert sorted(p.name for p in SCREENS.glob("*.png")) == sorted(EXPECTED_SCREENS)


EXPECTED_SCREENS = [
    f"{name}.png"
    for name in (
        "registrar-list",
        "registrar-register",
        "registrar-detail",
        "registrar-transfer",
        "registrar-help",
        "handler-todo",
        "handler-accept",
        "handler-reply",
        "unit-leader-todo",
        "unit-leader-extend",
        "supervisor-board",
        "supervisor-list",
        "supervisor-open",
        "reviewer-review-opinion",
        "bureau-leader-dashboard",
        "bureau-leader-assessment",
        "bureau-leader-bulletins",
        "party-leader-list",
        "party-leader-dashboard",
        "party-leader-board",
        "admin-index",
        "admin-users",
        "admin-units",
        "petitioner-home",
        "petitioner-file",
        "petitioner-follow",
        "petitioner-case",
        "petitioner-home-390",
        "petitioner-file-390",
        "petitioner-follow-390",
        "petitioner-case-390",
    )
]
