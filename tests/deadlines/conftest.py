from __future__ import annotations

import pytest

from xinfang.deadlines import hooks, services


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    """The cache follows the database's version token, so this is belt and braces for tests."""
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture
def received_changes():
    """Registers a callback on ``hooks.on_rules_changed`` and yields the list of changes it receives."""
    changes: list[hooks.RulesChange] = []
    hooks.register(changes.append)
    yield changes
    hooks.unregister(changes.append)
