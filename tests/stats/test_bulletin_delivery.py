"""Bulletins reach the leaders they are for (issue 14 item 5, seed 003): sent on working days only, once, to
the chosen leaders, by message and e-mail, read in the leader's inbox with a receipt; the weekly bulletin of
leaders' reception with its numbers on hand-built data."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from tests.conftest import stop_clock
from tests.scenes import make_leaders
from tests.viewtests import assert_login_required, get
from xinfang.audit.models import Event
from xinfang.leaders.models import Outcome, ReceptionKind
from xinfang.leaders.services import reception
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Level, Role, UnitKind
from xinfang.petitions.models import Channel
from xinfang.stats import bulletins, delivery, tasks
from xinfang.stats.models import Bulletin, BulletinDelivery, BulletinKind, BulletinRecipient
from xinfang.stats.periods import Period

WORKING_DAY = dt.datetime(2026, 3, 11, 16, 30)  # a Wednesday
HOLIDAY = dt.datetime(2026, 10, 2, 16, 30)  # National Day holiday, a Friday


@pytest.fixture
def bosses(org):
    return make_leaders(org)


def _sent_to(bureau) -> set[str]:
    return set(
        BulletinDelivery.objects.filter(bulletin__issuing_unit=bureau).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_daily_time_is_a_setting_read_in_shanghai_time():
    assert tasks.utc_crontab_fields("16:30") == ("30", "8")
    assert tasks.utc_crontab_fields("07:05") == ("5", "23")
    assert (tasks.DAILY_MINUTE, tasks.DAILY_HOUR) == ("30", "8")  # the default, 16:30 in Shanghai


def test_a_working_day_sends_once_and_a_retry_sends_no_duplicate(
    org, people, bosses, silence_notices, django_capture_on_commit_callbacks
):
    stop_clock(WORKING_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        first = delivery.send_scheduled(BulletinKind.DAILY)
    assert _sent_to(org.bureau) == {"secretary", "mayor", "pl_secretary"}  # the county's party leaders
    assert _sent_to(org.other_bureau) == {"gs_secretary"}  # each bureau its own region's leaders
    bulletin = Bulletin.objects.get(issuing_unit=org.bureau, kind=BulletinKind.DAILY)
    assert bulletin.period_start == dt.date(2026, 3, 10)
    assert len([d for d in first if d.bulletin_id == bulletin.pk]) == 3
    events = Event.objects.filter(action="deliver_bulletin", target_id=str(bulletin.pk))
    assert events.count() == 1 and len(events.get().data["recipients"]) == 3
    notes = Notification.objects.filter(kind="bulletin", recipient=bosses.secretary)
    assert notes.count() == 1 and notes.get().url == reverse("stats:inbox_bulletin", args=[bulletin.pk])
    assert [m.to for m in mail.outbox] == [["secretary@example.cn"]]  # e-mail only where there is an address
    issued_at = bulletin.issued_at

    stop_clock(WORKING_DAY + dt.timedelta(minutes=5))  # the worker retries the task
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.send_scheduled(BulletinKind.DAILY) == []
    assert BulletinDelivery.objects.filter(bulletin=bulletin).count() == 3
    assert Notification.objects.filter(kind="bulletin", recipient=bosses.secretary).count() == 1
    assert len(mail.outbox) == 1
    assert Event.objects.filter(action="deliver_bulletin", target_id=str(bulletin.pk)).count() == 1
    bulletin.refresh_from_db()
    assert bulletin.issued_at == issued_at  # not issued again either


def test_a_holiday_sends_none(org, people, bosses, silence_notices):
    stop_clock(HOLIDAY)
    assert delivery.send_scheduled(BulletinKind.DAILY) == []
    assert not Bulletin.objects.exists() and not BulletinDelivery.objects.exists()
    assert not Notification.objects.filter(kind="bulletin").exists() and mail.outbox == []


def test_the_command_sends_on_request(org, people, bosses, silence_notices):
    stop_clock(WORKING_DAY)
    out = io.StringIO()
    call_command("bulletin", "daily", "--unit", org.bureau.code, "--send", stdout=out)
    assert "呈送领导3人。" in out.getvalue()
    call_command("bulletin", "daily", "--unit", org.bureau.code, "--send", stdout=out)
    assert "呈送领导0人。" in out.getvalue() and BulletinDelivery.objects.count() == 3


def test_the_bureau_chooses_its_leaders_in_the_admin(org, people, bosses, silence_notices):
    BulletinRecipient.objects.create(bureau=org.bureau, user=bosses.secretary)
    stop_clock(WORKING_DAY)
    bulletin = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(dt.date(2026, 3, 10)))
    assert [d.recipient for d in delivery.deliver(bulletin)] == [bosses.secretary]
    # a leader added later gets it on the next send; those served are not sent it again
    BulletinRecipient.objects.create(bureau=org.bureau, user=bosses.mayor)
    assert [d.recipient for d in delivery.deliver(bulletin)] == [bosses.mayor]
    assert Event.objects.filter(action="deliver_bulletin", target_id=str(bulletin.pk)).count() == 2


@pytest.fixture
def sent(org, people, bosses, silence_notices):
    stop_clock(WORKING_DAY)
    delivery.send_scheduled(BulletinKind.DAILY)
    return Bulletin.objects.get(issuing_unit=org.bureau, kind=BulletinKind.DAILY)


def test_the_leader_reads_the_bulletin_on_a_phone_and_the_receipt_is_recorded(client, sent, bosses, people):
    inbox = get(client, reverse("stats:inbox"), bosses.mayor)
    assert inbox.status_code == 200
    page = inbox.content.decode()
    assert "信访情况日通报（第1期）" in page and "未读" in page
    assert f'href="{reverse("stats:inbox")}">呈送我的通报' in page  # the leader's menu leads here
    first_read = stop_clock(WORKING_DAY + dt.timedelta(hours=1))
    opened = get(client, reverse("stats:inbox_bulletin", args=[sent.pk]), bosses.mayor)
    text = opened.content.decode()
    assert opened.status_code == 200
    assert "一、越级访情况" in text and "2026年第1期" in text and 'name="viewport"' in text
    assert reverse("stats:inbox_file", args=[sent.pk, "pdf"]) in text
    pdf = get(client, reverse("stats:inbox_file", args=[sent.pk, "pdf"]), bosses.mayor)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    word = get(client, reverse("stats:inbox_file", args=[sent.pk, "docx"]), bosses.mayor)
    document = docx.Document(io.BytesIO(b"".join(word.streaming_content)))
    assert any("信访情况日通报" in p.text for p in document.paragraphs)

    stop_clock(WORKING_DAY + dt.timedelta(hours=2))
    get(client, reverse("stats:inbox_bulletin", args=[sent.pk]), bosses.mayor)  # opened again
    receipt = BulletinDelivery.objects.get(bulletin=sent, recipient=bosses.mayor)
    assert receipt.read_count == 2
    assert receipt.read_at == first_read
    assert BulletinDelivery.objects.get(bulletin=sent, recipient=bosses.secretary).read_at is None
    assert "未读" not in get(client, reverse("stats:inbox"), bosses.mayor).content.decode()

    # the bureau sees who has read it, and when
    listing = get(client, reverse("stats:bulletins"), people.registrar).content.decode()
    assert "已读1/3" in listing
    receipts = get(client, reverse("stats:bulletin_receipts", args=[sent.pk]), people.registrar)
    rows = receipts.content.decode()
    assert receipts.status_code == 200 and "区长" in rows and "2026-03-11 17:30" in rows and "未读" in rows


def test_only_the_leaders_it_was_sent_to_read_it(client, sent, bosses, people, org):
    urls = [
        reverse("stats:inbox_bulletin", args=[sent.pk]),
        reverse("stats:inbox_file", args=[sent.pk, "pdf"]),
        reverse("stats:inbox_file", args=[sent.pk, "docx"]),
    ]
    unit_user = f.UserFactory(username="housing_clerk", unit=org.housing)
    for url in urls:
        assert_login_required(client, url)
        for outsider in (bosses.other_secretary, bosses.committee_clerk, unit_user, people.registrar):
            assert get(client, url, outsider).status_code == 404, (outsider, url)
    assert "暂无呈送给您的通报" in get(client, reverse("stats:inbox"), unit_user).content.decode()
    assert not BulletinDelivery.objects.filter(read_at__isnull=False).exists()  # no receipt for a refusal
    # the receipts are the issuing bureau's: another bureau and a unit get no glimpse
    receipts = reverse("stats:bulletin_receipts", args=[sent.pk])
    other_bureau_user = f.UserFactory(username="gs_registrar", unit=org.other_bureau)
    assert get(client, receipts, other_bureau_user).status_code == 404
    assert get(client, receipts, unit_user).status_code == 403
    assert get(client, reverse("stats:inbox_file", args=[sent.pk, "exe"]), bosses.mayor).status_code == 404


# --- the weekly bulletin of leaders' reception -------------------------------------------------------------


@pytest.fixture
def reception_week(org, people, bosses, silence_notices):
    """Week of 2026-03-02: the secretary holds two sessions on Monday (one reception day) and the mayor one
    on Wednesday; a session of the mayor's on Friday is cancelled; a city leader's session is not the
    county's. The secretary receives 3 batches (2 settled on the spot, 4 persons; 1 with a time limit), the
    mayor 1 routed batch of 5 persons."""
    stop_clock(dt.datetime(2026, 2, 25, 9))

    def session(leader, post, day, level=Level.COUNTY, hour=9, by=people.registrar):
        return reception.create_session(
            by,
            kind=ReceptionKind.APPOINTMENT,
            leader=leader,
            leader_post=post,
            leader_level=level,
            place="区信访局",
            date=day,
            start_time=dt.time(hour),
            end_time=dt.time(hour + 1),
        )

    monday = dt.date(2026, 3, 2)
    first = session(bosses.secretary, "区委书记", monday)
    second = session(bosses.secretary, "区委书记", monday, hour=14)
    wednesday = session(bosses.mayor, "区长", monday + dt.timedelta(days=2))
    friday = session(bosses.mayor, "区长", monday + dt.timedelta(days=4))
    reception.cancel_session(friday, people.registrar, reason="改期")
    city_office = f.unit("330100-SW", "中共杭州市委", UnitKind.LEADERSHIP, org.city)
    city_leader = f.UserFactory(username="city_boss", unit=city_office, roles=[Role.PARTY_LEADER])
    session(city_leader, "副市长", monday, level=Level.CITY, by=people.city_registrar)

    def visit(at, persons):
        at = stop_clock(at)
        return f.register(people.registrar, channel=Channel.VISIT, received_at=at, person_count=persons)

    mon = dt.datetime(2026, 3, 2, 10)
    for target, persons, outcome in ((first, 3, Outcome.ON_SPOT), (second, 1, Outcome.ON_SPOT)):
        petition = visit(mon, persons)
        reception.link_petition(target, petition, people.registrar)
        reception.set_outcome(target, petition, people.registrar, outcome=outcome)
    limited = visit(mon, 2)
    reception.link_petition(second, limited, people.registrar)
    reception.set_outcome(
        second,
        limited,
        people.registrar,
        outcome=Outcome.TIME_LIMITED,
        unit=org.qingbo_unit,
        due=dt.date(2026, 3, 20),
    )
    routed = visit(dt.datetime(2026, 3, 4, 10), 5)
    reception.link_petition(wednesday, routed, people.registrar)
    reception.set_outcome(wednesday, routed, people.registrar, outcome=Outcome.ROUTED, unit=org.housing)
    stop_clock(dt.datetime(2026, 3, 9, 9))  # Monday of the next week: the scheduled bulletin covers this one


def test_the_weekly_reception_bulletin_counts_each_leaders_sessions(reception_week, org, bosses):
    bulletin = bulletins.issue(BulletinKind.RECEPTION, org.bureau)
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    data = bulletin.context
    total = data["figures"]["total"]
    assert (total["leaders"], total["sessions"], total["days"], total["cancelled"]) == (2, 3, 2, 1)
    assert total["received"] == {"batches": 4, "persons": 11}
    assert total["on_spot"] == {"batches": 2, "persons": 4}
    assert data["leader_lines"] == [
        "区委书记（区委书记）：公开接访2场次（1天次），接待群众3批6人次，其中当场化解2批4人次、限期化解1批2人次。",
        "区长（区长）：公开接访1场次（1天次），接待群众1批5人次，其中转交办1批5人次；取消接访1场次。",
    ]
    assert data["summary"] == (
        "2026年3月2日至3月8日，共有2名县级党政领导公开接访3场次、2天次，接待群众4批11人次，"
        "其中当场化解2批4人次、限期化解1批2人次、转交办1批5人次。"
    )
    with bulletin.docx.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "县级党政领导公开接访情况周通报" in text and "区长（区长）：公开接访1场次" in text
    assert "副市长" not in text  # the city's leader is the city bureau's to report
    with bulletin.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_reception_bulletin_is_sent_to_the_leaders_on_monday(reception_week, org, bosses):
    sent = delivery.send_scheduled(BulletinKind.RECEPTION)
    mine = [d for d in sent if d.bulletin.issuing_unit_id == org.bureau.pk]
    assert {d.recipient.username for d in mine} == {"secretary", "mayor", "pl_secretary"}
    assert {d.bulletin.kind for d in mine} == {BulletinKind.RECEPTION}
    stop_clock(dt.datetime(2026, 3, 10, 9))  # the task runs every weekday: Tuesday finds last week's served
    assert delivery.send_scheduled(BulletinKind.RECEPTION) == []
    assert Bulletin.objects.filter(kind=BulletinKind.RECEPTION, issuing_unit=org.bureau).count() == 1


def test_a_holiday_monday_moves_the_reception_bulletin_to_the_first_working_day(
    org, people, bosses, silence_notices
):
    stop_clock(dt.datetime(2026, 10, 5, 9))  # Monday in the National Day holiday
    assert delivery.send_scheduled(BulletinKind.RECEPTION) == []
    stop_clock(dt.datetime(2026, 10, 8, 9))  # Thursday, back at work
    sent = [
        d for d in delivery.send_scheduled(BulletinKind.RECEPTION) if d.bulletin.issuing_unit == org.bureau
    ]
    assert len(sent) == 3
    assert (sent[0].bulletin.period_start, sent[0].bulletin.period_end) == (
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 4),
    )
