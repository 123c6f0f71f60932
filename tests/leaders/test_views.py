"""The leaders pages: forms post to the services, errors come back in Chinese, scope holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.leaders.models import (
    CaseOwnership,
    OwnershipStatus,
    ReceptionSchedule,
    ReceptionSession,
    ResolutionStandard,
    SessionPetition,
    Submission,
)
from xinfang.petitions.models import Channel
from xinfang.workflow.services import perform

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_schedule_form_sessions_and_registration_at_a_session(client, people, leaders, org):
    stop_clock(at(D(2025, 9, 25)))
    login(client, people.registrar)
    data = {
        "kind": "descend",
        "leader": leaders.county.pk,
        "leader_post": "区委副书记",
        "leader_level": "county",
        "place": "清波街道便民服务中心",
        "topics": "征地拆迁",
        "recurrence": "monthly",
        "day_of_month": "8",
        "weekday": "",
        "holiday_rule": "next",
        "start_time": "09:00",
        "end_time": "12:00",
        "starts_on": "2025-10-01",
        "ends_on": "",
        "is_active": "on",
    }
    bad = client.post(reverse("leaders:schedule_new"), data | {"day_of_month": "40"})
    assert bad.status_code == 400 and "每月接访日须在1日至31日之间。" in bad.content.decode()
    response = client.post(reverse("leaders:schedule_new"), data)
    schedule = ReceptionSchedule.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("leaders:schedule", args=[schedule.pk])).content.decode()
    assert "2025-10-09（原定10-08，遇节假日调整）" in page
    client.post(reverse("leaders:schedule", args=[schedule.pk]), {"until": "2025-10-31"})
    session = ReceptionSession.objects.get()
    assert session.date == D(2025, 10, 9)
    # Edited by the bureau: moved to another place, then stopped (no more sessions are made from it).
    edit = reverse("leaders:schedule_edit", args=[schedule.pk])
    assert 'value="清波街道便民服务中心"' in client.get(edit).content.decode()
    client.post(edit, data | {"place": "湖滨街道便民服务中心"})
    client.post(edit, {k: v for k, v in data.items() if k != "is_active"} | {"place": "湖滨街道便民服务中心"})
    schedule.refresh_from_db()
    assert (schedule.place, schedule.is_active) == ("湖滨街道便民服务中心", False)
    stopped = client.post(reverse("leaders:schedule", args=[schedule.pk]), {"until": "2025-12-31"})
    assert stopped.status_code == 400 and "该接访安排已停用。" in stopped.content.decode()

    stop_clock(at(D(2025, 10, 9), 11))
    petition = f.register(people.registrar, channel=Channel.VISIT, received_at=at(D(2025, 10, 9), 9))
    url = reverse("leaders:session_link", args=[session.pk])
    missing = client.post(url, {"registration_number": "XF-0"})
    assert missing.status_code == 400 and "未找到该登记编号的信访事项。" in missing.content.decode()
    client.post(url, {"registration_number": petition.registration_number})
    assert SessionPetition.objects.get().petition == petition
    outcome_url = reverse("leaders:session_outcome", args=[session.pk, petition.pk])
    prefix = f"o{petition.pk}"
    bad = client.post(outcome_url, {f"{prefix}-outcome": "time_limited"})
    assert bad.status_code == 400 and "限期化解须指定责任单位。" in bad.content.decode()
    client.post(
        outcome_url,
        {
            f"{prefix}-outcome": "time_limited",
            f"{prefix}-unit": org.qingbo_unit.pk,
            f"{prefix}-due": "2025-10-30",
        },
    )
    assert SessionPetition.objects.get().outcome == "time_limited"
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "限期化解，清波街道办事处2025-10-30前化解" in detail

    # The neighbouring county's staff do not reach the session.
    login(client, people.other_county_registrar)
    assert client.get(reverse("leaders:session", args=[session.pk])).status_code == 404
    assert session.place not in client.get(reverse("leaders:sessions")).content.decode()


def test_ownership_pages_from_the_petition_to_resolution(client, people, leaders, silence_notices):
    ResolutionStandard.objects.all().delete()
    standard = ResolutionStandard.objects.create(text="合理诉求已解决")
    stop_clock(at(D(2025, 10, 9)))
    petition = f.register(people.registrar)
    login(client, people.bureau_leader)
    url = reverse("leaders:ownership_new")
    base = {
        "petition": petition.pk,
        "problem": "征收补偿争议",
        "leader": leaders.county.pk,
        "leader_post": "区委副书记",
        "leader_level": "county",
        "resolution_due": "2025-12-31",
    }
    bad = client.post(url, base)
    assert bad.status_code == 400 and "请制定化解方案" in bad.content.decode()
    client.post(url, base | {"step_0_text": "调阅档案", "step_0_due": "2025-10-20"})
    ownership = CaseOwnership.objects.get()
    login(client, leaders.county)
    mine = client.get(reverse("leaders:ownerships")).content.decode()
    assert "征收补偿争议" in mine
    client.post(reverse("leaders:ownership_progress", args=[ownership.pk]), {"note": "已约见信访人"})
    bad = client.post(reverse("leaders:ownership_resolve", args=[ownership.pk]), {"note": "已化解"})
    assert bad.status_code == 400 and "尚未达到化解标准：合理诉求已解决。" in bad.content.decode()
    client.post(
        reverse("leaders:ownership_resolve", args=[ownership.pk]),
        {"note": "已化解", "standards": [standard.pk]},
    )
    ownership.refresh_from_db()
    assert ownership.status == OwnershipStatus.RESOLVED
    login(client, people.bureau_leader)
    detail = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "包案领导：陈副书记（区委副书记）" in detail and "化解时限2025-12-31" in detail
    login(client, people.township_handler)
    assert client.get(reverse("leaders:ownership", args=[ownership.pk])).status_code == 404


def test_queue_instruction_and_the_units_answer(client, people, leaders, org, silence_notices):
    stop_clock(at(D(2025, 10, 9)))
    petition = f.register(people.registrar)
    perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit)
    login(client, people.bureau_handler)
    client.post(
        reverse("leaders:submit"), {"petition": petition.pk, "leader": leaders.county.pk, "note": "请阅"}
    )
    submission = Submission.objects.get()
    login(client, leaders.county)
    assert petition.registration_number in client.get(reverse("leaders:queue")).content.decode()
    url = reverse("leaders:instruct", args=[submission.pk])
    bad = client.post(url, {"text": "", "units": [org.qingbo_unit.pk]})
    assert bad.status_code == 400 and "请填写批示内容。" in bad.content.decode()
    client.post(
        url, {"text": "请依法处理并报结果", "units": [org.qingbo_unit.pk], "response_due": "2025-10-31"}
    )
    target = submission.instruction.targets.get()
    assert target.supervision is not None
    login(client, people.township_handler)
    page = client.get(reverse("leaders:unit_instructions")).content.decode()
    assert "请依法处理并报结果" in page
    client.post(reverse("leaders:answer", args=[target.pk]), {"text": "已办结"})
    target.refresh_from_db()
    assert target.answered_on_time is True
    # Another leader does not see the submission.
    login(client, leaders.county2)
    assert client.get(reverse("leaders:submission", args=[submission.pk])).status_code == 404


def test_the_visit_form_registers_at_a_session_or_writes_nothing(client, people, leaders):
    from xinfang.audit.models import Event
    from xinfang.leaders.services import reception
    from xinfang.petitions.models import Petition

    from ..petitions.test_views_register import form_data

    stop_clock(at(D(2025, 10, 9), 8))
    session = reception.create_session(
        people.registrar,
        kind="sitting",
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level="county",
        place="区信访局",
        date=D(2025, 10, 9),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    stop_clock(at(D(2025, 10, 9), 11))
    login(client, people.registrar)
    url = reverse("petitions:register", args=["visit"])
    page = client.get(url, {"session": session.pk}).content.decode()
    assert "在本次接访中登记" in page and f'value="{session.pk}" selected' in page
    wrong_day = form_data("visit", received_at="2025-10-08T10:00", reception_session=session.pk)
    refused = client.post(url, wrong_day)
    assert "收到时间与所选领导接访的日期不一致。" in refused.content.decode()
    assert not Petition.objects.exists()
    response = client.post(url, form_data("visit", reception_session=session.pk))
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert SessionPetition.objects.get().petition == petition
    assert Event.objects.filter(petition=petition, action="link_reception_petition").count() == 1

    # A session cancelled between the form and the link: the form no longer offers it.
    ReceptionSession.objects.filter(pk=session.pk).update(status="cancelled")
    gone = client.post(url, form_data("visit", reception_session=session.pk))
    assert "请选择本单位近期未取消的领导接访。" in gone.content.decode()
    assert Petition.objects.count() == 1


def test_a_refused_link_rolls_the_registration_back(client, people, leaders, monkeypatch):
    from django.core.exceptions import ValidationError

    from xinfang.leaders.services import reception
    from xinfang.petitions.models import Petition

    from ..petitions.test_views_register import form_data

    stop_clock(at(D(2025, 10, 9), 8))
    session = reception.create_session(
        people.registrar,
        kind="sitting",
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level="county",
        place="区信访局",
        date=D(2025, 10, 9),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    stop_clock(at(D(2025, 10, 9), 11))

    def refuse(*args, **kwargs):
        raise ValidationError("该接访场次已取消，不能登记。")

    monkeypatch.setattr(reception, "link_petition", refuse)
    login(client, people.registrar)
    response = client.post(
        reverse("petitions:register", args=["visit"]), form_data("visit", reception_session=session.pk)
    )
    assert "该接访场次已取消，不能登记。" in response.content.decode()
    assert not Petition.objects.exists()


def test_the_other_pages_render_for_the_bureau_and_refuse_a_unit(client, people, leaders):
    stop_clock(at(D(2025, 10, 9)))
    petition = f.register(people.registrar)
    login(client, people.registrar)
    pages = {
        reverse("leaders:schedules"): "接访安排",
        reverse("leaders:session_new"): "安排一次接访",
        f"{reverse('leaders:submit')}?petition={petition.pk}": "提交领导阅批",
        f"{reverse('leaders:ownership_new')}?petition={petition.pk}": "五个一",
        reverse("leaders:ownerships") + "?all=1": "辖区领导包案",
        reverse("leaders:queue"): "待我批阅",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
    login(client, people.township_handler)
    for url in (reverse("leaders:schedules"), reverse("leaders:session_new")):
        assert client.get(url).status_code == 403
    assert client.get(f"{reverse('leaders:submit')}?petition={petition.pk}").status_code == 403
