"""The mechanisms' figures in a jurisdiction view leave out accusations against the reader's unit
(``Ctx.reader_unit_id``), as every other figure does (``metrics.readable``): a grant, a dispute, a campaign case,
a meeting item and its decision on an accusation against the housing bureau count for the county bureau and
never for a reader of the housing bureau."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.scenes import day, when
from xinfang.assistance import services as assistance
from xinfang.campaigns import services as campaigns
from xinfang.disputes import services as disputes
from xinfang.meetings import services as meetings
from xinfang.meetings.services import ItemInput
from xinfang.petitions.models import PetitionClass
from xinfang.stats import mechanisms
from xinfang.stats.metrics import Ctx
from xinfang.stats.models import StatisticsPolicy
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope


@pytest.fixture
def on_an_accusation(org, people, frozen_clock, silence_notices):
    frozen_clock(when("2026-03-02 09:00"))
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        summary="反映住建局违规",
    )
    grant = assistance.apply(
        people.bureau_handler, accusation, fund="petition_fund", amount="3000", applicant_name="甲",
        beneficiary_count=2, reason="困难",
    )  # fmt: skip
    assistance.approve(grant, people.bureau_leader, rule="第五条")
    frozen_clock(when("2026-03-05 09:00"))
    assistance.pay(grant, people.bureau_handler, paid_on=day("2026-03-05"), ended_petitioning=False)
    dispute = disputes.record_dispute(
        people.bureau_handler, kind="land", region=org.qingbo, title="边界纠纷", parties="两户", matter="边界",
        risk_level="low", found_via="screening", found_on=day("2026-03-05"), level="county_meeting",
        handling_unit=org.bureau,
    )  # fmt: skip
    disputes.close(dispute, people.bureau_handler, outcome="petition", petition=accusation)
    campaign = campaigns.create_campaign(
        people.bureau_handler, name="积案化解", assigning_body="central", assigned_on=day("2026-03-01"),
        deadline=day("2026-06-30"), criteria=["解决到位"],
    )  # fmt: skip
    batch = campaigns.add_batch(
        campaign,
        people.bureau_handler,
        name="第一批",
        assigned_on=day("2026-03-01"),
        due_on=day("2026-03-20"),
    )
    case = campaigns.add_case(
        campaign, people.bureau_handler, petition=accusation, batch=batch, responsible_unit=org.qingbo_unit
    )
    campaigns.screen(case, people.bureau_handler, included=True)
    frozen_clock(when("2026-03-06 15:00"))
    meeting = meetings.hold_meeting(
        people.bureau_leader, level="county", kind="regular", held_on=day("2026-03-06"), title="区联席会议",
        attendees="区信访局、区住建局", items=[ItemInput("住建局违规问题", petition=accusation)],
    )  # fmt: skip
    meetings.decide(
        meeting.items.get(), people.bureau_leader, lead_unit=org.qingbo_unit, supporting_units=[],
        action="核查", deadline=day("2026-03-10"),
    )  # fmt: skip
    return accusation


def figures(org, reader_unit_id):
    period = Period.month(2026, 3)
    ctx = Ctx(period, day("2026-03-31"), StatisticsPolicy.current(), reader_unit_id=reader_unit_id)
    return mechanisms.as_json(Scope(region=org.county), ctx)


def counts(data) -> dict:
    (campaign,) = data["campaigns"]
    return {
        "grants": data["assistance"]["grants"],
        "disputes_closed": data["disputes"]["closed"],
        "into_petition": data["disputes"]["entered_petition_procedure"],
        "campaign_cases": campaign["cases"],
        "items": data["meetings"]["items"],
        "decisions_due": data["meetings"]["decisions_on_time"]["denominator"],
    }


def test_the_bureau_counts_the_accusation(on_an_accusation, org):
    assert counts(figures(org, org.bureau.pk)) == dict.fromkeys(
        ["grants", "disputes_closed", "into_petition", "campaign_cases", "items", "decisions_due"], 1
    )


def test_a_reader_of_the_accused_unit_counts_none_of_it(on_an_accusation, org):
    data = figures(org, org.housing.pk)
    assert counts(data) == dict.fromkeys(
        ["grants", "disputes_closed", "into_petition", "campaign_cases", "items", "decisions_due"], 0
    )
    assert data["meetings"]["meetings"]["total"] == 1  # the meeting itself is no accusation's
    assert data["assistance"]["amount"] == "0.00"
