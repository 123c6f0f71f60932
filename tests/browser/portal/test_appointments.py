"""Appointments (约访) on a phone (390 px): the published days, the request with an SMS code, the answer.
Every page is axe clean, its radios and buttons are at least 44 px tall and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.portal.conftest import PHONE_390, serious_violations
from tests.browser.portal.test_phone import Shots, assert_buttons_tall, assert_phone_rows, watch
from tests.leaders.conftest import leaders  # noqa: F401 - the scene's leaders
from xinfang.leaders.models import Appointment, AppointmentStatus, ReceptionKind
from xinfang.leaders.services import appointments, reception
from xinfang.notifications import sms as sms_gateway
from xinfang.orgs.models import Level

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = "13955556666"


def test_a_petitioner_asks_for_an_appointment_on_a_phone(new_page, portal, now, people, leaders, request):  # noqa: F811
    shot = Shots(request.node.name)
    reception.create_session(
        people.registrar,
        kind=ReceptionKind.DESCEND,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        place="清波街道便民服务中心",
        date=dt.date(2026, 3, 9),
        start_time=dt.time(9),
        end_time=dt.time(12),
        topics="征地拆迁、城市建设",
    )
    page = new_page(viewport=PHONE_390)
    errors = watch(page)
    page.goto("/portal/")
    page.get_by_role("link", name="查看接访日和预约").click()
    page.get_by_role("heading", name="领导接访日").wait_for()
    assert "陈副书记（区委副书记）" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    shot(page, "reception-days")
    page.get_by_role("link", name=re.compile("预约此次接访.*2026年3月9日.*陈副书记")).click()
    page.get_by_role("heading", name="预约领导接访（约访）").wait_for()
    assert page.get_by_label("约访日期").input_value() == "2026-03-09"
    assert assert_phone_rows(page, "main") == 2
    assert_buttons_tall(page, "main")
    page.get_by_label("约访要反映的问题").fill("小区旁工地夜间施工噪声扰民")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="提交约访").click()
    page.get_by_text("请填写短信验证码。").wait_for()
    assert serious_violations(page) == []
    shot(page, "no-code")
    page.get_by_role("button", name="获取短信验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    code = next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == PHONE)
    assert page.get_by_label("约访要反映的问题").input_value() == "小区旁工地夜间施工噪声扰民"
    page.get_by_label("短信验证码").fill(code)
    shot(page, "filled")
    page.get_by_role("button", name="提交约访").click()
    page.get_by_role("heading", name="约访已提交").wait_for()
    assert serious_violations(page) == []
    shot(page, "requested")
    appointment_code = page.locator("#appointment-code").inner_text().strip()
    appointment = Appointment.objects.get()
    appointments.confirm(appointment, people.registrar)

    later = new_page(viewport=PHONE_390)
    errors += watch(later)
    later.goto("/portal/appointments/check/")
    later.get_by_label("约访查询码").fill(appointment_code)
    later.get_by_label("手机号码").fill(PHONE)
    later.get_by_role("button", name="查询").click()
    later.get_by_role("heading", name="我的约访").wait_for()
    body = later.locator("main").inner_text()
    assert "已确认" in body and "请按时到达" in body and PHONE not in body
    assert serious_violations(later) == []
    shot(later, "confirmed")
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
    # A refused form answers 400 on purpose (the browser logs that); anything else is an error.
    errors = [e for e in errors if "status of 400" not in e]
    assert errors == [] and not page.server_errors and not later.server_errors
