from __future__ import annotations

import pytest

from tests.scenes import Scene
from xinfang.deadlines import services as deadline_rules


@pytest.fixture(autouse=True)
def _fresh_rules():
    deadline_rules.clear_cache()
    yield
    deadline_rules.clear_cache()


@pytest.fixture(autouse=True)
def _no_notice_rendering(silence_notices):
    """Transfer notices are the documents app's business."""


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)
