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


@pytest.fixture
def campaign(people, frozen_clock):
    from tests.scenes import day, when
    from xinfang.campaigns import services

    frozen_clock(when("2026-03-01 09:00"))
    campaign = services.create_campaign(
        people.bureau_handler,
        name="集中治理重复信访化解信访积案专项工作",
        assigning_body="central",
        assigned_on=day("2026-03-01"),
        deadline=day("2026-06-30"),
        criteria=["诉求合理的已解决到位", "诉求无理的已思想疏导、帮扶救助到位", "信访人息诉罢访"],
    )
    services.add_batch(
        campaign,
        people.bureau_handler,
        name="第一批",
        assigned_on=day("2026-03-01"),
        due_on=day("2026-04-30"),
    )
    services.add_batch(
        campaign,
        people.bureau_handler,
        name="第二批",
        assigned_on=day("2026-03-15"),
        due_on=day("2026-05-31"),
    )
    return campaign
