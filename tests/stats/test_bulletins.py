"""Bulletins rendered from their templates to docx and PDF, on demand and by the scheduled task."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from xinfang import clock
from xinfang.petitions.models import Channel, PetitionClass, Source, SourceAction
from xinfang.stats import bulletins
from xinfang.stats.models import Bulletin, BulletinKind, BulletinTemplate
from xinfang.stats.periods import Period

DAY = dt.date(2026, 3, 10)


def text_of(field) -> str:
    with field.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def day_of_petitions(scene, org):
    visit = scene.petition(
        "2026-03-10 09:00",
        channel=Channel.VISIT,
        visit_level="province",
        person_count=3,
        source=Source.REFERRED_FROM_ABOVE,
        source_level="province",
        source_action=SourceAction.TRANSFER,
        summary="反映拖欠工资",
    )
    scene.transfer(visit, "2026-03-10 15:00")
    online = scene.petition("2026-03-10 10:00", channel=Channel.ONLINE, summary="反映小区噪音扰民")
    local = scene.petition(
        "2026-03-10 11:00", channel=Channel.VISIT, visit_level="county", summary="咨询低保政策"
    )
    secret = scene.petition(
        "2026-03-10 12:00",
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        summary="举报某科长收受红包",
    )
    overdue = scene.petition("2026-02-02 09:00", summary="反映道路破损")
    clock.set_source(lambda: dt.datetime(2026, 3, 11, 16, 0, tzinfo=clock.SHANGHAI))  # the next day
    return {"visit": visit, "online": online, "local": local, "secret": secret, "overdue": overdue}


def test_daily_bulletin_lists_the_days_petitions_and_red_ones(day_of_petitions, org):
    bulletin = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(DAY))
    text = text_of(bulletin.docx)
    assert "信访情况日通报" in text and "2026年第1期" in text and "2026年3月10日" in text
    assert "共登记信访4批6人次，其中越级访1批3人次（省访1批3人）" in text
    assert "【赴省】" in text and "反映拖欠工资（3人）" in text and "责任单位：清波街道办事处" in text
    assert "反映小区噪音扰民" in text and "咨询低保政策" in text
    assert "举报某科长收受红包" not in text and "检举控告类事项（内容保密）" in text
    assert "超期未办结（红牌）1件" in text and "反映道路破损" in text
    with bulletin.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert bulletin.context["red_count"] == 1


def test_reissuing_keeps_the_serial_and_replaces_the_files(day_of_petitions, org):
    first = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(DAY))
    again = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(DAY))
    assert again.pk == first.pk and again.serial == 1
    assert Bulletin.objects.count() == 1
    following = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(DAY + dt.timedelta(days=1)))
    assert following.serial == 2


def test_template_is_editable(day_of_petitions, org):
    template = BulletinTemplate.objects.get(kind=BulletinKind.DAILY)
    template.body = template.body.replace("一、越级访情况", "一、进京赴省到市上访情况")
    template.save()
    text = text_of(bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(DAY)).docx)
    assert "一、进京赴省到市上访情况" in text


def test_weekly_and_monthly_bulletins(scene, org, people):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25", unit=org.hubin_unit)
    weekly = bulletins.issue(BulletinKind.WEEKLY, org.bureau, Period.week(dt.date(2026, 3, 2)))
    text = text_of(weekly.docx)
    assert "信访要情" in text and "2026年3月2日至3月8日" in text
    assert "全区共登记信访2批2人次" in text
    monthly = bulletins.issue(BulletinKind.MONTHLY, org.bureau, Period.month(2026, 3))
    text = text_of(monthly.docx)
    assert "全区责任单位及时受理率为50%（共受理2案，及时受理1案）" in text
    assert "1. 清波街道办事处：信访1批1人次，及时受理率100%（1/1）" in text
    assert "2. 湖滨街道办事处：信访1批1人次，及时受理率0%（0/1）" in text
    assert "五、月度考评情况" in text and "第1名清波街道办事处（100.00分）" in text


def test_only_a_bureau_issues_bulletins(org):
    with pytest.raises(ValidationError):
        bulletins.issue(BulletinKind.DAILY, org.qingbo_unit, Period.day(DAY))


def test_command_and_scheduled_task(day_of_petitions, org, people, tmp_path):
    out = io.StringIO()
    call_command(
        "bulletin",
        "daily",
        "--unit",
        "330102-XFJ",
        "--from",
        "2026-03-10",
        "--to",
        "2026-03-10",
        "--out",
        str(tmp_path / "out"),
        stdout=out,
    )
    assert "上城区信访局 信访情况日通报 第1期" in out.getvalue()
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".docx", ".pdf"]

    from xinfang.stats import tasks

    clock.set_source(lambda: dt.datetime(2026, 3, 11, 16, 0, tzinfo=clock.SHANGHAI))
    summary = tasks.daily_bulletin_task.call_local()
    # Scheduled for the county and city bureaus that have staff: 上城区 (and 拱墅区, 杭州市 from the personas).
    issued = Bulletin.objects.filter(kind=BulletinKind.DAILY, period_start=DAY)
    assert {b.issuing_unit.code for b in issued} == {"330102-XFJ", "330105-XFJ", "330100-XFJ"}
    assert "330102-XFJ#1" in summary
