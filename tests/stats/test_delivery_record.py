"""What the leader's inbox keeps (全程留痕): the first reading of a delivered bulletin is one audit event, and
the inbox shows the bulletin as it was sent, whatever the template says later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import stop_clock
from tests.scenes import make_leaders
from tests.viewtests import get
from xinfang.audit.models import Event
from xinfang.stats import delivery
from xinfang.stats.models import Bulletin, BulletinKind, BulletinTemplate
from xinfang.workflow.labels import action_label

pytestmark = pytest.mark.django_db
WORKING_DAY = dt.datetime(2026, 3, 11, 16, 30)


@pytest.fixture
def sent(org, people, silence_notices):
    bosses = make_leaders(org)
    stop_clock(WORKING_DAY)
    delivery.send_scheduled(BulletinKind.DAILY)
    return Bulletin.objects.get(issuing_unit=org.bureau, kind=BulletinKind.DAILY), bosses


def test_the_first_reading_writes_one_audit_event(client, sent):
    bulletin, bosses = sent
    url = reverse("stats:inbox_bulletin", args=[bulletin.pk])
    read_at = stop_clock(WORKING_DAY + dt.timedelta(hours=1))
    get(client, url, bosses.mayor)
    stop_clock(WORKING_DAY + dt.timedelta(hours=2))
    get(client, url, bosses.mayor)  # read again: counted on the receipt, no second event
    events = Event.objects.filter(action="read_bulletin")
    event = events.get()
    assert (event.actor, event.at, event.target_id) == (bosses.mayor, read_at, str(bulletin.pk))
    assert event.data["serial"] == bulletin.serial
    assert action_label("read_bulletin") == "阅读通报"
    # Someone it was not sent to gets a 404 and leaves no trace.
    assert get(client, url, bosses.other_secretary).status_code == 404
    assert events.count() == 1


def test_the_inbox_shows_the_text_as_delivered(client, sent):
    bulletin, bosses = sent
    url = reverse("stats:inbox_bulletin", args=[bulletin.pk])
    before = get(client, url, bosses.mayor).content.decode()
    assert "一、越级访情况" in before
    template = BulletinTemplate.objects.get(kind=BulletinKind.DAILY)
    template.body = "<h1>{{ title }}</h1><p>改版后的通报正文</p>"
    template.save()
    after = get(client, url, bosses.secretary).content.decode()
    assert "一、越级访情况" in after and "改版后的通报正文" not in after
