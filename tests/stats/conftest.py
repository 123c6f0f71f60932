"""Scenes for statistics tests: petitions driven through the real workflow at chosen times.

The clock stands at `TODAY` (what is overdue is judged on that day); every action names its own time, as the
importer replays history, so a test can build months of petitions in one go.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.stats.metrics import Ctx
from xinfang.stats.models import StatisticsPolicy
from xinfang.stats.periods import Period
from xinfang.workflow import hooks
from xinfang.workflow.services import perform

TODAY = dt.date(2026, 6, 15)


def when(text: str) -> dt.datetime:
    """'2026-03-02 10:00' (or a date alone, at 10:00) in Asia/Shanghai."""
    if len(text) == 10:
        text += " 10:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def ctx(start: str, end: str, today: dt.date = TODAY) -> Ctx:
    return Ctx(
        Period.between(dt.date.fromisoformat(start), dt.date.fromisoformat(end)),
        today,
        StatisticsPolicy.current(),
    )


@pytest.fixture(autouse=True)
def _fresh_rules():
    deadline_rules.clear_cache()
    yield
    deadline_rules.clear_cache()


@pytest.fixture(autouse=True)
def _no_notices(monkeypatch):
    """Notices are the documents app's business; statistics tests only need the facts."""
    # An empty list would fall back to the documents app, which renders PDFs: register a no-op instead.
    monkeypatch.setattr(hooks, "notice_issuers", [lambda petition, kind, event, actor: None])
    monkeypatch.setattr(hooks, "after_transition", [])


class Scene:
    """Drives petitions through `perform` as the personas of tests/conftest.py."""

    def __init__(self, org, people, today: dt.date = TODAY):
        self.org = org
        self.people = people
        clock.set_source(lambda: dt.datetime.combine(today, dt.time(18, 0), tzinfo=clock.SHANGHAI))
        self.handlers = {
            org.qingbo_unit.pk: people.township_handler,
            org.hubin_unit.pk: people.other_township_handler,
            org.housing.pk: people.department_handler,
        }

    def petition(self, received: str = "2026-03-02 09:30", **overrides):
        overrides.setdefault("received_at", when(received))
        return f.register(self.people.registrar, **overrides)

    def do(self, petition, action: str, actor, at: str, **data):
        return perform(petition, action, actor, at=when(at), **data)

    def handler_of(self, unit):
        return self.handlers[unit.pk]

    def transfer(self, petition, at: str, unit=None):
        unit = unit or self.org.qingbo_unit
        self.do(petition, "transfer", self.people.registrar, at, to_unit=unit)
        return self.handler_of(unit)

    def accepted(self, received: str, transfer: str, accept: str, unit=None, **overrides):
        unit = unit or self.org.qingbo_unit
        petition = self.petition(received, **overrides)
        handler = self.transfer(petition, transfer, unit)
        self.do(petition, "accept", handler, accept)
        return petition

    def replied(self, received: str, transfer: str, accept: str, reply: str, unit=None, **overrides):
        unit = unit or self.org.qingbo_unit
        petition = self.accepted(received, transfer, accept, unit, **overrides)
        self.do(petition, "reply", self.handler_of(unit), reply, opinion="support", text="经核查，予以支持。")
        return petition

    def delivered(self, received: str, reply: str, received_on: str, unit=None, **overrides):
        unit = unit or self.org.qingbo_unit
        day = dt.date.fromisoformat(received[:10])
        transfer = (day + dt.timedelta(days=1)).isoformat()
        accept = (day + dt.timedelta(days=2)).isoformat()
        petition = self.replied(received, transfer, accept, reply, unit, **overrides)
        self.do(
            petition, "deliver", self.handler_of(unit), received_on, method="post", received_on=received_on
        )
        return petition

    def rate(self, petition, target: str, rating: str, at: str):
        reason = "未解决" if rating == "dissatisfied" else ""
        data = {"reason": reason} if reason else {}
        self.do(petition, "rate", self.people.registrar, at, target=target, rating=rating, **data)


@pytest.fixture
def scene(org, people):
    return Scene(org, people)
