"""Scenes for workflow tests: register a petition at a given time, then act on it as the personas."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.deadlines import services as deadline_rules
from xinfang.workflow import hooks
from xinfang.workflow.services import perform


def when(text: str) -> dt.datetime:
    """'2026-09-28 10:00' (or a date alone, at 10:00) in Asia/Shanghai."""
    if len(text) == 10:
        text += " 10:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_rules():
    deadline_rules.clear_cache()
    yield
    deadline_rules.clear_cache()


@pytest.fixture(autouse=True)
def issued(monkeypatch, request):
    """The notices transitions produce, recorded instead of rendered (the documents app is not under test);
    a test that asks for ``rendered_notices`` keeps the issuers the apps registered at start-up."""
    notices: list[tuple[str, str]] = []
    if "rendered_notices" not in request.fixturenames:
        monkeypatch.setattr(
            hooks, "notice_issuers", [lambda p, kind, event, actor: notices.append((event.action, kind))]
        )
    monkeypatch.setattr(hooks, "after_transition", [])
    return notices


@pytest.fixture
def rendered_notices():
    """The notice issuers as the apps registered them: the documents app renders each notice."""
    return hooks.notice_issuers


class Scene:
    def __init__(self, org, people, move):
        self.org = org
        self.people = people
        self.move = move
        self.city_reviewer = f.UserFactory(username="city_reviewer", unit=org.city_bureau, roles=["reviewer"])

    def petition(self, received: str = "2026-03-02 09:30", **overrides):
        at = when(received)
        self.move(at)
        overrides.setdefault("received_at", at)
        return f.register(self.people.registrar, **overrides)

    def do(self, petition, action: str, actor, at: str | None = None, **data):
        if at is not None:
            self.move(when(at))
        return perform(petition, action, actor, **data)

    def route_and_accept(
        self, petition, unit=None, day: str = "2026-03-03", accept_day: str = "2026-03-05", **data
    ):
        unit = unit or self.org.qingbo_unit
        self.do(petition, "transfer", self.people.registrar, day, to_unit=unit)
        handler = (
            self.people.township_handler if unit == self.org.qingbo_unit else self.people.department_handler
        )
        self.do(petition, "accept", handler, accept_day, **data)
        return handler

    def concluded(self, received: str = "2026-03-02 09:30", received_on: str = "2026-04-03", **overrides):
        petition = self.petition(received, **overrides)
        handler = self.route_and_accept(petition)
        self.do(petition, "reply", handler, "2026-04-01", opinion="support", text="经核查，予以支持。")
        self.do(petition, "deliver", handler, received_on, method="post", received_on=received_on)
        return petition

    def drive(self, status: str, **overrides):
        """A petition brought to ``status`` through the real workflow (received 2026-03-02)."""
        p, h = self.people, self.people.township_handler
        petition = self.petition(**overrides)
        steps = {
            "registered": [],
            "transferred": [("transfer", p.registrar, "2026-03-03", {"to_unit": self.org.qingbo_unit})],
            "assigned": [
                ("assign", p.registrar, "2026-03-03", {"to_unit": self.org.qingbo_unit, "report_days": 30})
            ],
            "closed": [
                (
                    "direct_to_legal_route",
                    p.registrar,
                    "2026-03-03",
                    {"legal_route": "litigation", "body": "上城区人民法院"},
                )
            ],
        }
        path = [
            ("accepted", "accept", h, "2026-03-05", {}),
            ("replied", "reply", h, "2026-04-01", {"opinion": "support", "text": "予以支持"}),
            ("concluded", "deliver", h, "2026-04-03", {"method": "post", "received_on": "2026-04-03"}),
            ("under_review", "request_review", None, "2026-04-10", {}),
            (
                "reviewed",
                "review_opinion",
                p.reviewer,
                "2026-04-22",
                {"decision": "uphold", "text": "维持", "received_on": "2026-04-22"},
            ),
            ("under_re_review", "request_re_review", None, "2026-04-25", {}),
            (
                "terminated",
                "re_review_opinion",
                self.city_reviewer,
                "2026-05-22",
                {"decision": "uphold", "text": "维持", "received_on": "2026-05-22"},
            ),
        ]
        if status in steps:
            plan = steps[status]
        else:
            plan = list(steps["transferred"])
            for reached, action, actor, day, data in path:
                plan.append((action, actor, day, data))
                if reached == status:
                    break
        for action, actor, day, data in plan:
            self.do(petition, action, actor, day, **data)
        assert petition.status == status
        return petition


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)


def snapshot(petition):
    """What a refused action must leave unchanged."""
    petition.refresh_from_db()
    return (
        petition.status,
        petition.version,
        Event.objects.filter(petition=petition).count(),
        petition.deadlines.count(),
        list(petition.deadlines.values_list("status", "due_on")),
    )
