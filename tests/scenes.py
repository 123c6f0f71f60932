"""One scene builder for every app's tests: petitions driven through the real workflow as the personas of
tests/conftest.py, register → transfer → accept → reply → deliver (then rate, review), each step at its own
time; and the county leaders that deadline colours escalate to.

A scene keeps time one of two ways:

* ``Scene(org, people, frozen_clock)``: each step first moves the clock to its time, as a person acting then
  would (workflow, supervision, notification and API tests);
* ``Scene(org, people, today=...)``: the clock stands at 18:00 on ``today`` (what is overdue is judged on that
  day) and each step names its own time through ``perform(at=...)``, as the importer replays history, so a
  test can build months of petitions in one go (statistics tests).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from types import SimpleNamespace

from tests import factories as f
from xinfang import clock
from xinfang.orgs.models import Role, UnitKind
from xinfang.workflow.actors import UnitActor
from xinfang.workflow.services import perform

SUPPORT = {"opinion": "support", "text": "经核查，予以支持。"}


def when(text: str) -> dt.datetime:
    """'2026-03-02 10:00' (or a date alone, at 10:00) in Asia/Shanghai."""
    if len(text) == 10:
        text += " 10:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_leaders(org) -> SimpleNamespace:
    """The county's party committee and political-legal committee, and a neighbour county's committee."""
    committee = f.unit("330102-QW", "中共上城区委", UnitKind.LEADERSHIP, org.county)
    political_legal = f.unit("330102-ZFW", "上城区委政法委", UnitKind.POLITICAL_LEGAL, org.county, org.bureau)
    other_committee = f.unit("330105-QW", "中共拱墅区委", UnitKind.LEADERSHIP, org.other_county)
    return SimpleNamespace(
        committee=committee,
        political_legal=political_legal,
        secretary=f.UserFactory(
            username="secretary",
            unit=committee,
            roles=[Role.PARTY_LEADER],
            full_name="区委书记",
            email="secretary@example.cn",
        ),
        mayor=f.UserFactory(username="mayor", unit=committee, roles=[Role.PARTY_LEADER], full_name="区长"),
        committee_clerk=f.UserFactory(username="committee_clerk", unit=committee, roles=[Role.HANDLER]),
        pl_secretary=f.UserFactory(
            username="pl_secretary", unit=political_legal, roles=[Role.PARTY_LEADER], full_name="政法委书记"
        ),
        other_secretary=f.UserFactory(
            username="gs_secretary", unit=other_committee, roles=[Role.PARTY_LEADER]
        ),
    )


class Scene:
    """Drives petitions through `perform` as the personas of tests/conftest.py."""

    def __init__(self, org, people, move=None, *, today: dt.date | None = None):
        if (move is None) == (today is None):
            raise TypeError("a scene either moves the clock (move) or keeps it standing on a day (today)")
        self.org = org
        self.people = people
        self.move = move
        if today is not None:
            clock.set_source(lambda: dt.datetime.combine(today, dt.time(18, 0), tzinfo=clock.SHANGHAI))
        self.handlers = {
            org.qingbo_unit.pk: people.township_handler,
            org.hubin_unit.pk: people.other_township_handler,
            org.housing.pk: people.department_handler,
            org.discipline.pk: people.discipline_handler,
        }

    @cached_property
    def city_reviewer(self):
        """The city bureau's reviewer, who gives the re-review opinion."""
        return f.UserFactory(username="city_reviewer", unit=self.org.city_bureau, roles=[Role.REVIEWER])

    # --- the steps ---------------------------------------------------------------------------------------

    def petition(self, received: str = "2026-03-02 09:30", **overrides):
        """Registered by the county bureau's registrar, received at ``received``."""
        at = when(received)
        if self.move:
            self.move(at)
        overrides.setdefault("received_at", at)
        return f.register(self.people.registrar, **overrides)

    def do(self, petition, action: str, actor, at: str | None = None, **data):
        """``action`` by ``actor`` at ``at`` (default: the clock's time as it stands)."""
        if at is None:
            return perform(petition, action, actor, **data)
        if self.move:
            self.move(when(at))
            return perform(petition, action, actor, **data)
        return perform(petition, action, actor, at=when(at), **data)

    def handler_of(self, unit):
        return self.handlers[unit.pk]

    def transfer(self, petition, at: str, unit=None, *, sign: bool = True):
        """Transferred by the registrar to ``unit`` (default 清波街道), which signs for it at once unless
        ``sign`` is False (then its one-working-day sign-for period runs); returns that unit's handler (None
        for a unit without one among the personas)."""
        unit = unit or self.org.qingbo_unit
        self.do(petition, "transfer", self.people.registrar, at, to_unit=unit)
        handler = self.handlers.get(unit.pk)
        if sign:
            signer = handler if handler is not None and handler.is_active else UnitActor(unit)
            self.do(petition, "sign_for", signer, at)
        return handler

    def accept(self, petition, at: str, unit=None, **data):
        """Accepted by the handler of ``unit`` (default 清波街道); returns that handler."""
        handler = self.handler_of(unit or self.org.qingbo_unit)
        self.do(petition, "accept", handler, at, **data)
        return handler

    def reply(self, petition, at: str, unit=None):
        """Replied by the handler of ``unit`` (default 清波街道): the request is supported."""
        self.do(petition, "reply", self.handler_of(unit or self.org.qingbo_unit), at, **SUPPORT)

    def deliver(self, petition, received_on: str, unit=None):
        """The reply delivered by post, received by the petitioner on ``received_on``."""
        handler = self.handler_of(unit or self.org.qingbo_unit)
        self.do(petition, "deliver", handler, received_on, method="post", received_on=received_on)

    def rate(self, petition, target: str, rating: str, at: str):
        """The petitioner's rating of ``target`` (unit or bureau), recorded by the registrar."""
        data = {"reason": "未解决"} if rating == "dissatisfied" else {}
        self.do(petition, "rate", self.people.registrar, at, target=target, rating=rating, **data)

    # --- petitions brought some steps along ----------------------------------------------------------------

    def transferred(self, unit=None, received: str = "2026-03-02 09:30", on: str = "2026-03-03", **overrides):
        """A petition transferred to a unit (default 清波街道) on ``on``: its acceptance deadline runs 15 days,
        to 2026-03-18 for the default dates."""
        petition = self.petition(received, **overrides)
        self.transfer(petition, on, unit)
        return petition

    def route_and_accept(
        self, petition, unit=None, day: str = "2026-03-03", accept_day: str = "2026-03-05", **data
    ):
        """``petition`` transferred on ``day`` and accepted on ``accept_day``; returns the handler."""
        self.transfer(petition, day, unit)
        return self.accept(petition, accept_day, unit, **data)

    def accepted(self, received: str, transfer: str, accept: str, unit=None, **overrides):
        petition = self.petition(received, **overrides)
        self.route_and_accept(petition, unit, transfer, accept)
        return petition

    def replied(self, received: str, transfer: str, accept: str, reply: str, unit=None, **overrides):
        petition = self.accepted(received, transfer, accept, unit, **overrides)
        self.reply(petition, reply, unit)
        return petition

    def delivered(self, received: str, reply: str, received_on: str, unit=None, **overrides):
        """Transferred the day after ``received``, accepted the day after that, replied and delivered."""
        received_day = day(received[:10])
        transfer = (received_day + dt.timedelta(days=1)).isoformat()
        accept = (received_day + dt.timedelta(days=2)).isoformat()
        petition = self.replied(received, transfer, accept, reply, unit, **overrides)
        self.deliver(petition, received_on, unit)
        return petition

    def concluded(self, received: str = "2026-03-02 09:30", received_on: str = "2026-04-03", **overrides):
        """Handled by 清波街道 (transferred 03-03, accepted 03-05, replied 04-01), the reply received on
        ``received_on``."""
        petition = self.replied(received, "2026-03-03", "2026-03-05", "2026-04-01", **overrides)
        self.deliver(petition, received_on)
        return petition

    def drive(self, status: str, *, assigned: bool = False, **overrides):
        """A petition brought to ``status`` through the real workflow (received 2026-03-02): transferred to
        Qingbo, or with ``assigned`` assigned to it (the bureau then confirms the result before delivery)."""
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
            plan = list(steps["assigned" if assigned else "transferred"])
            for reached, action, actor, on, data in path:
                if action == "deliver" and assigned:
                    plan.append(("confirm_conclusion", p.bureau_handler, "2026-04-02", {}))
                plan.append((action, actor, on, data))
                if reached == status:
                    break
        for action, actor, on, data in plan:
            self.do(petition, action, actor, on, **data)
        assert petition.status == status
        return petition
