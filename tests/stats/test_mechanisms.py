"""`xinfang stats --json` carries the mechanisms' figures under assistance, disputes and campaigns."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests import factories as f
from tests.scenes import day, when
from xinfang import clock
from xinfang.assistance import services as assistance
from xinfang.campaigns import services as campaigns
from xinfang.disputes import services as disputes


def stats_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def mechanisms(org, people, frozen_clock, silence_notices):
    frozen_clock(when("2026-03-02 09:00"))
    petition = f.register(people.registrar)
    grant = assistance.apply(
        people.bureau_handler, petition, fund="petition_fund", amount="12000", applicant_name="甲",
        beneficiary_count=4, reason="困难",
    )  # fmt: skip
    assistance.approve(grant, people.bureau_leader, rule="第五条")
    frozen_clock(when("2026-03-10 09:00"))
    assistance.pay(grant, people.bureau_handler, paid_on=day("2026-03-10"), ended_petitioning=True)
    dispute = disputes.record_dispute(
        people.township_handler, kind="land", region=org.qingbo, title="边界纠纷", parties="两户", matter="边界",
        risk_level="low", found_via="screening", found_on=day("2026-03-05"), level="township",
    )  # fmt: skip
    disputes.escalate(
        dispute, people.township_handler, to_level="county_meeting", to_unit=org.bureau, reason="难"
    )
    campaign = campaigns.create_campaign(
        people.bureau_handler, name="积案化解", assigning_body="central", assigned_on=day("2026-03-01"),
        deadline=day("2026-06-30"), criteria=["解决到位"],
    )  # fmt: skip
    batch = campaigns.add_batch(
        campaign,
        people.bureau_handler,
        name="第一批",
        assigned_on=day("2026-03-01"),
        due_on=day("2026-04-30"),
    )
    case = campaigns.add_case(
        campaign, people.bureau_handler, petition=petition, batch=batch, responsible_unit=org.housing
    )
    campaigns.screen(case, people.bureau_handler, included=True)
    campaigns.resolve(
        case, people.department_handler, resolved_on=day("2026-03-10"),
        criteria_met=list(campaign.criteria.values_list("pk", flat=True)), note="已解决",
    )  # fmt: skip
    return campaign


def test_the_region_sees_all_three(mechanisms):
    data = stats_json(
        "--region", "330102", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31"
    )
    assert data["assistance"] == {
        "grants": 1, "persons": 4, "amount": "12000.00", "ended_petitioning": 1, "sentence": "累计救助1件次4人次1万多元",
    }  # fmt: skip
    assert (data["disputes"]["found"], data["disputes"]["open"]) == (1, 1)
    assert data["disputes"]["escalations"] == {"township": 0, "county_meeting": 1, "leadership": 0}
    assert data["meetings"]["meetings"] == {"total": 0, "county": 0, "township": 0}
    (campaign,) = data["campaigns"]
    assert (campaign["cases"], campaign["resolved"], campaign["resolution_rate"]) == (1, 1, 100.0)
    assert campaign["sentence"] == "中央联席办共交办我区1个案件，涉及1个区直单位，已化解1案，化解率100%"
    assert campaign["batches"]["第一批"]["on_time"] == {"numerator": 1, "denominator": 1, "percent": 100.0}


def test_a_unit_sees_its_own(mechanisms, org):
    data = stats_json(
        "--unit", "330102-ZJJ", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31"
    )
    assert data["assistance"]["grants"] == 0 and data["disputes"]["found"] == 0
    assert [c["cases"] for c in data["campaigns"]] == [1]
    before = stats_json(
        "--region", "330102", "--from", "2026-02-01", "--to", "2026-02-28", "--as-of", "2026-03-31"
    )
    assert before["assistance"]["grants"] == 0 and before["campaigns"] == []
    assert clock.today() == dt.date(2026, 3, 10) and Decimal(data["assistance"]["amount"]) == 0


def test_the_plain_report_ends_with_the_mechanisms_sentences(mechanisms):
    out = io.StringIO()
    call_command("stats", "--region", "330102", "--from", "2026-03-01", "--to", "2026-03-31", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "累计救助1件次4人次1万多元。",
        "中央联席办共交办我区1个案件，涉及1个区直单位，已化解1案，化解率100%。",
    ]
