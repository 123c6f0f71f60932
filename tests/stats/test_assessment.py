"""Monthly assessment with the shipped example scheme (访量25、三率65、制度落实10)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from xinfang import clock
from xinfang.petitions.models import Channel, Source, SourceAction
from xinfang.stats import assessment
from xinfang.stats.models import AssessmentScheme, Indicator, ManualDeduction, ScoringMethod
from xinfang.stats.rates import Rate

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def scheme(db):
    return AssessmentScheme.objects.get(name="县级信访工作月度考评方案（示例）")


def test_shipped_scheme_is_the_seed_countys(scheme):
    groups = {}
    for indicator in scheme.indicators.all():
        groups[indicator.group] = groups.get(indicator.group, 0) + indicator.weight
    assert groups == {"访量": 25, "三率": 65, "制度落实": 10}
    assert scheme.total_points == 100


def test_scoring_methods():
    def ind(method, weight="20", target="100", deduction="1", full=True):
        return Indicator(
            method=method,
            weight=Decimal(weight),
            target=Decimal(target),
            deduction=Decimal(deduction),
            full_when_nothing_due=full,
        )

    assert assessment.score(ind(ScoringMethod.PER_POINT), Rate(277, 280)) == Decimal("18.93")
    assert assessment.score(ind(ScoringMethod.PER_POINT), Rate(0, 10)) == Decimal("0")
    assert assessment.score(ind(ScoringMethod.PER_POINT), Rate(0, 0)) == Decimal("20")
    assert assessment.score(ind(ScoringMethod.PER_POINT, full=False), Rate(0, 0)) == Decimal("0")
    assert assessment.score(ind(ScoringMethod.PROPORTIONAL, "25"), Rate(872, 1126)) == Decimal("19.36")
    assert assessment.score(ind(ScoringMethod.PROPORTIONAL, "25", "80"), Rate(9, 10)) == Decimal("25")
    assert assessment.score(ind(ScoringMethod.PER_ITEM, "10", deduction="2"), 3) == Decimal("4")
    assert assessment.score(ind(ScoringMethod.PER_ITEM, "10", deduction="2"), 7) == Decimal("0")
    assert assessment.score(ind(ScoringMethod.MANUAL, "10"), Decimal("2.5")) == Decimal("7.5")


def test_scores_ranks_and_streaks(scene, org, people, scheme):
    # February and March: 湖滨 accepts late (0% timely acceptance: −20 points), 清波 on time.
    for month in ("02", "03"):
        scene.accepted(f"2026-{month}-02 09:30", f"2026-{month}-03", f"2026-{month}-05")
        scene.accepted(f"2026-{month}-02 09:40", f"2026-{month}-03", f"2026-{month}-25", unit=org.hubin_unit)
    # 清波 also has a province visit in March (−1) and a manual deduction (−3).
    scene.accepted(
        "2026-03-10 09:00",
        "2026-03-11",
        "2026-03-12",
        channel=Channel.VISIT,
        visit_level="province",
        source=Source.REFERRED_FROM_ABOVE,
        source_level="province",
        source_action=SourceAction.TRANSFER,
    )
    manual = scheme.indicators.get(metric="manual")
    ManualDeduction.objects.create(
        indicator=manual,
        unit=org.qingbo_unit,
        month=MARCH,
        points=Decimal("3"),
        reason="台账不规范",
        recorded_at=clock.now(),
    )
    # The preview (what the page shows before a run is stored) stores nothing, and scores as `assess` does.
    preview = assessment.preview(scheme, org.county, MARCH)
    assert not scheme.runs.exists()
    run = assessment.assess(scheme, org.county, MARCH)
    scores = {s.unit.code: s for s in run.scores.select_related("unit")}

    def shown(s):
        return (s.unit.code, s.group, s.rank, s.total, s.details, s.top_streak, s.bottom_streak)

    stored = run.scores.select_related("unit").order_by("group", "rank", "unit__code")
    assert [shown(s) for s in preview] == [shown(s) for s in stored]
    assert scores["330102001"].total == Decimal("96.00") and scores["330102001"].rank == 1
    assert scores["330102002"].total == Decimal("80.00") and scores["330102002"].rank == 2
    assert scores["330102-ZJJ"].total == Decimal("100.00") and scores["330102-ZJJ"].group == "department"
    assert "330102-XFJ" not in scores  # the bureau is not assessed by this scheme
    details = {d["name"]: d for d in scores["330102001"].details}
    assert details["赴省访"] == {
        "indicator": details["赴省访"]["indicator"],
        "name": "赴省访",
        "value": 1,
        "points": "7.00",
    }
    assert details["制度落实"]["points"] == "7.00"
    assert details["及时受理率"]["value"] == {"numerator": 2, "denominator": 2, "percent": 100.0}
    # Last in February and March: flagged; 清波 has been in the first two for January to March.
    assert scores["330102002"].bottom_streak and not scores["330102001"].bottom_streak
    assert scores["330102001"].top_streak
    assert {r.month for r in scheme.runs.filter(region=org.county)} == {
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        MARCH,
    }
    # Recomputing gives the same run, not a second one.
    again = assessment.assess(scheme, org.county, MARCH)
    assert again.pk == run.pk and again.scores.count() == run.scores.count()


def test_regional_scheme_wins_over_the_general_one(org, scheme):
    own = AssessmentScheme.objects.create(
        name="上城区方案", region=org.county, unit_kinds=["township"], valid_from=dt.date(2026, 1, 1)
    )
    assert assessment.active_scheme(org.qingbo, MARCH) == own
    assert assessment.active_scheme(org.other_county, MARCH) == scheme
    assert assessment.active_scheme(org.county, dt.date(2025, 6, 1)) == scheme


def test_assess_command(scene, org, scheme):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    out = io.StringIO()
    call_command("assess", "--region", "330102", "--month", "2026-03", stdout=out)
    lines = out.getvalue().splitlines()
    assert any("清波街道办事处\t100.00" in line for line in lines)
