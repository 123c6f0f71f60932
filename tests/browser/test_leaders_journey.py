"""Issue 14's journey, as people do it: the bureau schedules a monthly 下沉接访 on the 8th and the portal
shows it; a petitioner asks for an appointment and the bureau confirms it; at the session the registrar
registers two visits linked to it, one resolved on the spot and one with a time limit for a unit; a leader
takes ownership of a backlog case with a team and plan, records progress and resolves it; the daily bulletin
names the owner and the deadline."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_intake import fill_matter, fill_party
from tests.conftest import stop_clock
from tests.leaders.conftest import leaders  # noqa: F401 - the scene's leaders
from xinfang import clock
from xinfang.leaders.models import (
    Appointment,
    AppointmentStatus,
    CaseOwnership,
    Outcome,
    OwnershipStatus,
    ReceptionSession,
    SessionPetition,
)
from xinfang.notifications import sms as sms_gateway
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import PartyRole, Petition
from xinfang.portal.models import PortalSettings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = "13955556666"


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def register_visit_at(page, session, name: str, number: int, summary: str) -> Petition:
    page.goto(f"/leaders/sessions/{session.pk}/")
    page.get_by_role("link", name="登记来访（在本次接访中登记）").click()
    page.locator("#id_visit_level").select_option("county")
    page.locator("#id_person_count").fill("1")
    fill_party(
        page,
        0,
        name=name,
        id_number=make_id_number("330102", dt.date(1970, 1, 1) + dt.timedelta(days=97 * number), number),
        phone=f"1380000{number:04d}",
        role=PartyRole.PRINCIPAL,
    )
    fill_matter(page, summary)
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("#registration-receipt")).to_contain_text("登记成功")
    return Petition.objects.get(summary=summary)


def test_reception_day_appointment_session_ownership_and_bulletin(
    page,
    browser,
    live_server,
    log_in,
    shoot,
    org,
    people,
    leaders,  # noqa: F811
):
    PortalSettings(receiving_unit=org.bureau).save()
    stop_clock(when("2025-11-20 10:00"))
    backlog = f.register(people.registrar, summary="反映小区征收补偿长期未落实")
    try:
        stop_clock(when("2026-03-02 09:30"))

        # 1. The bureau schedules a monthly 下沉接访 on the 8th (2026-03-08 is a Sunday: the next working day).
        log_in(people.registrar)
        page.goto("/leaders/schedules/new/")
        page.get_by_label("接访方式").select_option(label="下沉接访")
        page.get_by_label("领导", exact=True).select_option(label="陈副书记（中共上城区委）")
        page.get_by_label("领导职务").fill("区委副书记")
        page.get_by_label("领导层级").select_option("county")
        page.get_by_label("接访地点").fill("清波街道便民服务中心")
        page.get_by_label("接访事项范围").fill("征地拆迁、城市建设")
        page.get_by_label("重复规则").select_option("monthly")
        page.get_by_label("每月几日").fill("8")
        page.get_by_label("遇节假日").select_option("next")
        page.get_by_label("开始时间").fill("09:00")
        page.get_by_label("结束时间").fill("12:00")
        page.get_by_label("起始日期").fill("2026-03-01")
        shoot("schedule")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("接访安排已保存。")).to_be_visible()
        page.get_by_label("生成至").fill("2026-05-31")
        page.get_by_role("button", name="生成接访场次").click()
        expect(page.get_by_text("已生成3次接访。")).to_be_visible()
        session = ReceptionSession.objects.get(date=dt.date(2026, 3, 9))
        assert session.scheduled_for == dt.date(2026, 3, 8)

        # 2. The portal shows it, and a petitioner asks for an appointment (SMS code) on a phone.
        public = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
        )
        phone = public.new_page()
        phone.goto("/portal/reception/")
        days = phone.locator("main").inner_text()
        assert "2026年3月9日" in days and "陈副书记（区委副书记）" in days and "清波街道便民服务中心" in days
        assert "2026年4月8日" in days
        phone.locator(f"a[href$='?session={session.pk}']").click()
        phone.get_by_label("约访要反映的问题").fill("小区旁工地夜间施工噪声扰民")
        phone.get_by_label("手机号码").fill(PHONE)
        phone.get_by_role("button", name="获取短信验证码").click()
        phone.get_by_text("验证码已发送").wait_for()
        code = next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == PHONE)
        phone.get_by_label("短信验证码").fill(code)
        phone.get_by_role("button", name="提交约访").click()
        phone.get_by_role("heading", name="约访已提交").wait_for()
        phone.screenshot(path=str(ARTIFACTS / "leaders-journey-portal-requested-390.png"), full_page=True)

        # 3. The bureau confirms it; it is on the session's list.
        page.goto("/leaders/appointments/")
        page.get_by_role("link", name="2026-03-09 09:00").click()
        page.get_by_role("button", name="确认约访").click()
        expect(page.get_by_text("约访已确认，信访人可在门户查看。")).to_be_visible()
        assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
        phone.get_by_role("link", name="查看约访答复").click()
        expect(phone.locator("main")).to_contain_text("已确认")
        public.close()
        page.goto(f"/leaders/sessions/{session.pk}/")
        expect(page.locator("main")).to_contain_text("已确认的约访（1）")
        expect(page.locator("main")).to_contain_text("小区旁工地夜间施工噪声扰民")
        shoot("session-with-appointment")

        # 4. At the session: two visits registered there, one settled on the spot, one time-limited.
        stop_clock(when("2026-03-09 10:00"))
        noise = register_visit_at(page, session, "张三", 1, "反映工地夜间施工噪声扰民")
        road = register_visit_at(page, session, "李四", 2, "反映小区道路破损")
        assert set(SessionPetition.objects.values_list("petition_id", flat=True)) == {noise.pk, road.pk}
        page.goto(f"/leaders/sessions/{session.pk}/")
        first = page.locator(f"form[action$='/outcome/{noise.pk}/']")
        first.get_by_label("接访结果").select_option(Outcome.ON_SPOT)
        first.get_by_role("button", name="记录结果").click()
        expect(page.get_by_text("接访结果已记录。")).to_be_visible()
        second = page.locator(f"form[action$='/outcome/{road.pk}/']")
        second.get_by_label("接访结果").select_option(Outcome.TIME_LIMITED)
        second.get_by_label("限期化解单位").select_option(label="清波街道办事处")
        second.get_by_label("化解期限").fill("2026-03-31")
        second.get_by_role("button", name="记录结果").click()
        expect(page.get_by_text("接访结果已记录。")).to_be_visible()
        expect(page.locator("main")).to_contain_text("清波街道办事处，2026-03-31前化解")
        shoot("session-outcomes")
        outcomes = dict(SessionPetition.objects.values_list("petition_id", "outcome"))
        assert outcomes == {noise.pk: Outcome.ON_SPOT, road.pk: Outcome.TIME_LIMITED}

        # 5. A leader takes ownership of the backlog case with a team and a plan, records progress, resolves.
        log_in(people.bureau_leader)
        page.goto(f"/leaders/ownerships/new/?petition={backlog.pk}")
        page.get_by_label("领导", exact=True).select_option(label="陈副书记（中共上城区委）")
        page.get_by_label("领导职务").fill("区委副书记")
        page.get_by_label("领导层级").select_option("county")
        page.get_by_label("工作专班人员").select_option(label=str(people.township_handler))
        page.get_by_label("责任单位").select_option(label="清波街道办事处")
        page.get_by_label("化解时限").fill("2026-04-30")
        page.get_by_label("方案步骤1", exact=True).fill("调阅征收档案，核实补偿标准")
        page.get_by_label("步骤1完成时间").fill("2026-03-20")
        shoot("ownership-form")
        page.get_by_role("button", name="确定").click()
        expect(page.get_by_text("已确定包案领导。")).to_be_visible()
        owned = CaseOwnership.objects.get()

        stop_clock(when("2026-03-10 15:00"))
        log_in(leaders.county)
        page.goto(f"/leaders/ownerships/{owned.pk}/")
        page.get_by_label("工作进展").fill("已调阅征收档案，补偿差额已核实")
        page.get_by_role("button", name="记录进展").click()
        expect(page.locator("main")).to_contain_text("已调阅征收档案，补偿差额已核实")
        for box in page.locator("form[action$='/resolve/'] input[type=checkbox]").all():
            box.check()
        page.get_by_label("化解情况").fill("补偿差额已发放，信访人书面认可")
        page.get_by_role("button", name="化解办结").click()
        expect(page.locator("main")).to_contain_text("已化解")
        owned.refresh_from_db()
        assert owned.status == OwnershipStatus.RESOLVED and owned.resolved_on_time is True

        # 6. The daily bulletin of that day names the owner and the deadline.
        stop_clock(when("2026-03-11 09:00"))
        log_in(people.registrar)
        page.goto("/stats/bulletins/")
        page.locator("#id_kind").select_option("daily")
        page.locator("#id_bulletin_date").fill("2026-03-10")
        page.get_by_role("button", name="生成 Word 和 PDF").click()
        expect(page.get_by_text("已编发信访情况日通报")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Word").first.click()
        with open(download.value.path(), "rb") as handle:
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
        assert "五、领导包案化解情况" in text and "本期化解1件" in text
        line = next(p for p in text.splitlines() if f"（{backlog.registration_number}），包案领导" in p)
        assert "包案领导：陈副书记（区委副书记" in line and "化解时限：2026年4月30日" in line
        assert "责任单位：清波街道办事处" in line and "已于2026年3月10日化解（按期）" in line
        assert not [r for r in page.failed_requests if not r.startswith("400 ")], page.failed_requests
    finally:
        clock.reset()
