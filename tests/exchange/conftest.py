"""Scenes for the exchange tests: the personas' county, a clock stopped after the histories, and files."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from tests import factories as f
from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs.models import Role
from xinfang.workflow import hooks

# Every history in these tests happens before this instant; the clock stands here.
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_rules():
    deadline_rules.clear_cache()
    yield
    deadline_rules.clear_cache()


@pytest.fixture(autouse=True)
def _quiet_workflow(silence_notices, monkeypatch):
    """Histories made in the tests through the workflow (as the UI would) render no documents."""
    monkeypatch.setattr(hooks, "after_transition", [])


@pytest.fixture
def now(frozen_clock):
    return frozen_clock(NOW)


@pytest.fixture
def world(org, people, now):
    """The county of tests/conftest.py with the people the longer histories need."""
    more = SimpleNamespace(
        city_reviewer=f.UserFactory(username="city_reviewer", unit=org.city_bureau, roles=[Role.REVIEWER]),
        hubin_leader=f.UserFactory(username="hubin_leader", unit=org.hubin_unit, roles=[Role.UNIT_LEADER]),
        discipline_leader=f.UserFactory(username="jw_leader", unit=org.discipline, roles=[Role.UNIT_LEADER]),
    )
    return SimpleNamespace(org=org, people=people, more=more, now=now)


def jsonl(*records) -> list[str]:
    """Lines of an exchange file: dicts are written as JSON, strings as they are."""
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
