"""Scenes shared by the notification and supervision tests: petitions routed through the real workflow,
and the county leaders that deadline colours escalate to."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tests import factories as f
from xinfang import clock
from xinfang.orgs.models import Role, UnitKind
from xinfang.workflow.services import perform


def when(text: str) -> dt.datetime:
    """'2026-03-03 10:00' (or a date alone, at 10:00) in Asia/Shanghai."""
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
    def __init__(self, org, people, move):
        self.org, self.people, self.move = org, people, move

    def petition(self, received: str = "2026-03-02 09:30", **overrides):
        at = when(received)
        self.move(at)
        overrides.setdefault("received_at", at)
        return f.register(self.people.registrar, **overrides)

    def do(self, petition, action: str, actor, at: str, **data):
        self.move(when(at))
        return perform(petition, action, actor, **data)

    def transferred(self, unit=None, received: str = "2026-03-02 09:30", on: str = "2026-03-03", **overrides):
        """A petition transferred to a unit (default 清波街道) on ``on``: its acceptance deadline runs 15 days,
        to 2026-03-18 for the default dates."""
        petition = self.petition(received, **overrides)
        self.do(petition, "transfer", self.people.registrar, on, to_unit=unit or self.org.qingbo_unit)
        return petition
