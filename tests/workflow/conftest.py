"""Scenes for workflow tests (tests/scenes.py): register a petition at a given time, then act on it as the
personas; the clock moves to each step."""

from __future__ import annotations

import pytest

from tests.scenes import Scene
from xinfang.audit.models import Event
from xinfang.deadlines import services as deadline_rules
from xinfang.workflow import hooks


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
