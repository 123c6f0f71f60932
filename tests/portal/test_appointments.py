"""The portal's reception days and appointments (约访): published days, a request proved by an SMS code or a
query code, the refusals (nothing written, the form kept), the limits, and the answer the petitioner reads.
No page shows another person's appointment or anyone's identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.leaders.conftest import leaders  # noqa: F401 - the scene's leaders
from xinfang.leaders.models import Appointment, AppointmentStatus, ReceptionKind
from xinfang.leaders.services import appointments, reception
from xinfang.notifications import sms as sms_gateway
from xinfang.orgs.models import Level

pytestmark = pytest.mark.django_db
PHONE = "13955556666"


@pytest.fixture
def days(portal, now, people, leaders):  # noqa: F811
    def make(leader, day, **extra):
        return reception.create_session(
            people.registrar,
            kind=ReceptionKind.DESCEND,
            leader=leader,
            leader_post=extra.pop("post", "区委副书记"),
            leader_level=Level.COUNTY,
            place="清波街道便民服务中心",
            date=day,
            start_time=dt.time(9),
            end_time=dt.time(12),
            topics="征地拆迁、城市建设",
        )

    return make(leaders.county, dt.date(2026, 3, 9)), make(
        leaders.county2, dt.date(2026, 3, 16), post="副区长"
    )


def last_code(phone: str) -> str:
    return next(sms.params["code"] for to, sms in reversed(sms_gateway.outbox) if to == phone)


def form(session, **extra) -> dict:
    data = {
        "leader": str(session.leader_id),
        "date": session.date.isoformat(),
        "matter_kind": "new",
        "matter": "小区旁工地夜间施工噪声扰民",
        "phone": PHONE,
        "query_code": "",
        "code": "",
    }
    return data | extra


def ask_new(browser: Client, session, **extra):
    browser.post("/portal/appointments/new/", form(session, send_code="1", **extra))
    return browser.post("/portal/appointments/new/", form(session, code=last_code(PHONE), **extra))


def test_the_coming_days_are_published_without_any_appointment(days, leaders, people):  # noqa: F811
    first, second = days
    appointments.request_appointment(
        first.bureau, leader=leaders.county, date=first.date, phone="13900009999", matter="别人的约访事项"
    )
    reception.cancel_session(second, people.registrar, reason="领导临时公务")
    page = Client().get("/portal/reception/").content.decode()
    assert "陈副书记（区委副书记）" in page and "2026年3月9日" in page and "征地拆迁、城市建设" in page
    assert "清波街道便民服务中心" in page and f"?session={first.pk}" in page
    assert "周副区长" not in page  # the cancelled day is no longer published
    assert "别人的约访事项" not in page and "13900009999" not in page and "待确认" not in page
    assert "领导接访日" in Client().get("/portal/").content.decode()


def test_a_new_matter_with_an_sms_code_then_the_answer_on_the_portal(days, people):
    first, second = days
    browser = Client()
    prefilled = browser.get(f"/portal/appointments/new/?session={first.pk}").content.decode()
    assert 'value="2026-03-09"' in prefilled
    sent = browser.post("/portal/appointments/new/", form(first, send_code="1"))
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    assert not Appointment.objects.exists()
    assert "小区旁工地夜间施工噪声扰民" in sent.content.decode()  # what was typed comes back
    wrong = browser.post(
        "/portal/appointments/new/", form(first, code="000000" if last_code(PHONE) != "000000" else "111111")
    )
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    done = browser.post("/portal/appointments/new/", form(first, code=last_code(PHONE)))
    assert done.status_code == 302 and done.url == "/portal/appointments/done/"
    receipt = browser.get(done.url).content.decode()
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.REQUESTED and appointment.session == first
    assert "待确认" in receipt and "约访查询码" in receipt
    code = receipt.split('id="appointment-code">')[1].split("<")[0]

    appointments.move(
        appointment, people.registrar, session=second, reason="陈副书记当日另有公务，改约周副区长"
    )
    other = Client()
    wrong_phone = other.post("/portal/appointments/check/", {"query_code": code, "phone": "13900001234"})
    assert wrong_phone.status_code == 400 and "查询码或手机号码不正确" in wrong_phone.content.decode()
    assert other.get(f"/portal/appointments/{appointment.pk}/").status_code == 404
    found = other.post("/portal/appointments/check/", {"query_code": code, "phone": PHONE})
    assert found.status_code == 302
    page = other.get(found.url).content.decode()
    assert "已改期" in page and "2026年3月16日" in page and "改约周副区长" in page
    assert "139****6666" in page and PHONE not in page


def test_an_existing_matter_by_query_code(days, filed):
    first, _ = days
    result = filed()
    browser = Client()
    data = form(first, matter_kind="existing", matter="", phone=result.phone, query_code=result.code)
    response = browser.post("/portal/appointments/new/", data)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.petition == result.petition and appointment.matter == ""
    wrong = Client().post(
        "/portal/appointments/new/", data | {"query_code": "ABCD-EFGH-JKMN", "phone": "13900002468"}
    )
    assert wrong.status_code == 400 and "查询码或手机号码不正确" in wrong.content.decode()
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2026-03-10"}, "没有安排接访"),
        ({"date": "2026-02-27"}, "约访日期已过"),
        ({"date": "2026-13-01"}, "约访日期不存在"),
        ({"matter": ""}, "请简要说明约访要反映的事项"),
        ({"leader": ""}, "请选择接访领导"),
    ],
)
def test_refusals_keep_the_form_and_write_nothing(days, change, message):
    first, _ = days
    browser = Client()
    response = ask_new(browser, first, **change)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert not Appointment.objects.exists()
    assert PHONE in page  # the form comes back as typed


def test_a_leader_outside_the_jurisdiction_is_not_offered_nor_accepted(days, leaders):  # noqa: F811
    first, _ = days
    response = ask_new(Client(), first, leader=str(leaders.other.pk))
    assert response.status_code == 400 and not Appointment.objects.exists()
    assert "请选择公示的接访领导" in response.content.decode()


def test_a_second_request_while_one_is_pending(days):
    first, second = days
    browser = Client()
    assert ask_new(browser, first).status_code == 302
    again = ask_new(Client(), second, matter="另一件事")
    assert again.status_code == 400 and "已有一项待确认的约访" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_requests_made_are_rate_limited_and_the_form_is_kept(days, people, settings):
    settings.XF_PORTAL_LIMITS = {"appoint_phone": (1, 24 * 3600)}
    first, second = days
    assert ask_new(Client(), first).status_code == 302
    appointments.decline(Appointment.objects.get(), people.registrar, reason="已在依法办理")
    refused = ask_new(Client(), second, matter="第二次约访")
    page = refused.content.decode()
    assert refused.status_code == 429 and "该手机号码提出的约访已达上限" in page and "第二次约访" in page
    assert "提交约访" in page and Appointment.objects.count() == 1


def test_a_code_is_sent_only_to_a_well_formed_phone_and_within_the_limits(days, sms_outbox, settings):
    first, _ = days
    bad = Client().post("/portal/appointments/new/", form(first, send_code="1", phone="12345"))
    assert bad.status_code == 400 and "联系电话格式不正确" in bad.content.decode() and not sms_outbox
    settings.XF_PORTAL_LIMITS = {"otp_phone": (1, 3600)}
    assert Client().post("/portal/appointments/new/", form(first, send_code="1")).status_code == 200
    assert Client().post("/portal/appointments/new/", form(first, send_code="1")).status_code == 429
    assert [sms.template for _, sms in sms_outbox] == ["portal_appointment_otp"]


def test_the_appointment_check_is_limited_per_phone_like_the_follow_page(days, settings):
    """One gate (portal.throttle.prove) for every page taking a code and a phone: the per-phone query limit
    holds here too, from any address, and a miss counts against the code, the phone and the address."""
    settings.XF_PORTAL_LIMITS = {"query_phone": (2, 600), "fail_phone": (100, 1800), "fail_ip": (100, 1800)}
    first, _ = days
    appointment, code = appointments.request_appointment(
        first.bureau, leader=first.leader, date=first.date, phone=PHONE, matter="噪声扰民"
    )
    for wrong in ("2222-3333-4444", "5555-6666-7777"):
        missed = Client().post("/portal/appointments/check/", {"query_code": wrong, "phone": PHONE})
        assert missed.status_code == 400
    refused = Client().post("/portal/appointments/check/", {"query_code": code, "phone": PHONE})
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert Client().get(f"/portal/appointments/{appointment.pk}/").status_code == 404
