from __future__ import annotations

from types import SimpleNamespace

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


@pytest.fixture
def village(org):
    from tests import factories as f
    from xinfang.orgs.models import Level, Role, UnitKind

    region = f.region("330102001001", "清波社区", Level.VILLAGE, org.qingbo)
    unit = f.unit("330102001001", "清波社区居委会", UnitKind.VILLAGE, region, org.qingbo_unit)
    handler = f.UserFactory(
        username="village_handler", unit=unit, roles=[Role.HANDLER], full_name="社区调解员"
    )
    return SimpleNamespace(region=region, unit=unit, handler=handler)
