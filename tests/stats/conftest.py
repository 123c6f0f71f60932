"""Scenes for statistics tests (tests/scenes.py): the clock stands at `TODAY` (what is overdue is judged on that
day); every action names its own time, as the importer replays history, so a test can build months of
petitions in one go.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenes import Scene
from xinfang.deadlines import services as deadline_rules
from xinfang.stats.metrics import Ctx
from xinfang.stats.models import StatisticsPolicy
from xinfang.stats.periods import Period
from xinfang.workflow import hooks

TODAY = dt.date(2026, 6, 15)


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
def _no_notices(silence_notices, monkeypatch):
    """Notices are the documents app's business; statistics tests only need the facts."""
    monkeypatch.setattr(hooks, "after_transition", [])


@pytest.fixture
def scene(org, people):
    return Scene(org, people, today=TODAY)
