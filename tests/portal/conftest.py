"""Scenes for the public portal: the county bureau receives online petitions; a petitioner files, follows,
rates and appeals while the personas act on the staff side through the real workflow service.

The clock is frozen on 2026-03-02 09:30 (Shanghai) by default, so windows and deadlines are hand-checkable.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests import factories as f
from xinfang import clock, sealing
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs.models import Level
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Petition
from xinfang.portal.models import PortalSettings
from xinfang.workflow.services import perform

START = "2026-03-02 09:30"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def when(text: str) -> dt.datetime:
    """'2026-03-02 09:30' (or a date alone, at 10:00) in Asia/Shanghai."""
    if len(text) == 10:
        text += " 10:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()
    deadline_rules.clear_cache()
    yield
    cache.clear()
    deadline_rules.clear_cache()


@pytest.fixture
def portal(org):
    """The county bureau receives online petitions; 清波街道 has two villages."""
    PortalSettings(receiving_unit=org.bureau).save()
    villages = SimpleNamespace(
        nanshan=f.region("330102001001", "南山社区", Level.VILLAGE, org.qingbo),
        qinghe=f.region("330102001002", "清河坊社区", Level.VILLAGE, org.qingbo),
        hubin=f.region("330102002001", "东坡路社区", Level.VILLAGE, org.hubin),
    )
    return SimpleNamespace(unit=org.bureau, villages=villages)


@pytest.fixture
def now(frozen_clock):
    """Move the clock: `now("2026-03-05")`; starts at 2026-03-02 09:30."""
    frozen_clock(when(START))
    return lambda text: frozen_clock(when(text))


def identity(n: int) -> dict:
    return {
        "name": f"张{'三四五六七八九'[n % 7]}",
        "id_number": make_id_number("330102", dt.date(1970, 1, 1) + dt.timedelta(days=97 * n), n),
        "phone": f"139{n:08d}"[-11:],
    }


def filing_data(category, /, **overrides) -> dict:
    data = {
        **identity(1),
        "address": "上城区清波街道南山路1号",
        "petition_class": "claim",
        "category": str(category.pk),
        "township": "330102001",
        "village": "330102001001",
        "request_text": "请求依法重新评估房屋征收补偿",
        "facts": "本人房屋位于南山社区，2026年1月被征收，补偿标准明显低于周边同类项目。",
        "subject": "",
        "pledge": "on",
        "co-TOTAL_FORMS": "0",
        "co-INITIAL_FORMS": "0",
        "co-MIN_NUM_FORMS": "0",
        "co-MAX_NUM_FORMS": "20",
    }
    data.update(overrides)
    return data


def upload(name: str, content: bytes):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


class Staff:
    """The staff side of a scene, through the real workflow service at chosen times."""

    def __init__(self, org, people, now):
        self.org, self.people, self.now = org, people, now
        self.city_reviewer = f.UserFactory(username="city_reviewer", unit=org.city_bureau, roles=["reviewer"])

    def do(self, petition: Petition, action: str, actor, day: str, **data):
        self.now(day)
        return perform(petition, action, actor, **data)

    def accept(self, petition, transfer_day="2026-03-03", accept_day="2026-03-05", **data):
        self.do(petition, "transfer", self.people.registrar, transfer_day, to_unit=self.org.qingbo_unit)
        self.do(petition, "accept", self.people.township_handler, accept_day, **data)

    def conclude(self, petition, received_on="2026-04-03"):
        self.accept(petition)
        handler = self.people.township_handler
        self.do(
            petition,
            "reply",
            handler,
            "2026-04-01",
            opinion="explain",
            text="经核查，补偿标准符合规定，现解释说明如下。",
        )
        self.do(petition, "deliver", handler, received_on, method="online", received_on=received_on)

    def review(self, petition, day="2026-04-22", received_on="2026-04-22"):
        self.do(
            petition,
            "review_opinion",
            self.people.reviewer,
            day,
            decision="uphold",
            text="维持原处理意见。",
            received_on=received_on,
        )

    def re_review(self, petition, day="2026-05-20", received_on="2026-05-20"):
        self.do(
            petition,
            "re_review_opinion",
            self.city_reviewer,
            day,
            decision="uphold",
            text="维持复查意见。",
            received_on=received_on,
        )


@pytest.fixture
def staff(org, people, now):
    return Staff(org, people, now)


@pytest.fixture
def filed(client, portal, now, django_capture_on_commit_callbacks):
    """File a petition through the portal as a petitioner would; returns (petition, query_code, data)."""

    def do(**overrides):
        data = filing_data(f.category(), **overrides)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/portal/file/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        receipt = client.session["xf_portal_receipt"]
        petition = Petition.objects.get(pk=receipt["pk"])
        code = sealing.unseal(receipt["code"])  # sealed: sessions are database rows
        return SimpleNamespace(petition=petition, code=code, phone=data["phone"], data=data)

    return do
