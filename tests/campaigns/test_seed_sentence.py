"""Seed 000's sentence regenerated from data built to its numbers: 247 cases, 17 townships, 30 departments,
246 resolved."""

from __future__ import annotations

from tests import factories as f
from tests.scenes import day
from xinfang.campaigns import figures
from xinfang.campaigns.models import CampaignCase, Screening
from xinfang.orgs.models import Level, UnitKind
from xinfang.petitions.services import register_many


def test_the_central_joint_meetings_sentence(campaign, org, people, django_assert_num_queries):
    org.county.name = "鲁山县"  # the seed is a county: 我县
    org.county.save()
    townships = [
        f.unit(f"330102{100 + i:03d}", f"第{i}乡镇", UnitKind.TOWNSHIP,
               f.region(f"330102{100 + i:03d}", f"第{i}乡镇", Level.TOWNSHIP, org.county), org.bureau)
        for i in range(17)
    ]  # fmt: skip
    departments = [
        f.unit(f"330102-D{i:02d}", f"县直单位{i}", UnitKind.DEPARTMENT, org.county, org.bureau)
        for i in range(30)
    ]
    units = townships + departments
    outcomes = register_many([f.registration() for _ in range(247)], people.registrar)
    batch = campaign.batches.get(name="第一批")
    CampaignCase.objects.bulk_create(
        CampaignCase(
            campaign=campaign,
            batch=batch,
            petition=outcome.petition,
            screening=Screening.IN,
            responsible_unit=units[i % len(units)],
            due_on=batch.due_on,
            resolved_on=day("2026-04-01") if i < 246 else None,
        )
        for i, outcome in enumerate(outcomes)
    )
    with django_assert_num_queries(1):  # every figure of the set in one grouped query
        total = figures.figures(CampaignCase.objects.filter(campaign=campaign), day("2026-04-30"))
    assert (total.cases, total.township_units, total.department_units, total.resolved) == (247, 17, 30, 246)
    assert (total.on_time, total.due) == (246, 247)
    campaign.refresh_from_db()
    # Seed 000 writes 99.59% (cut); every rate of the system rounds half up (xinfang.percent), so 99.60%,
    # printed without its trailing zero.
    assert figures.campaign_sentence(campaign, total) == (
        "中央联席办共交办我县247个案件，涉及17个乡镇办和30个县直单位，已化解246案，化解率99.6%"
    )
