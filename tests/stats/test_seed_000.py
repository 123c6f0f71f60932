"""Seed 000's county figures, rebuilt through the workflow, printed by `xinfang stats --json` and written back
as the seed's sentences. The petitions are built once for the module (see seed_county.py for why 1,700)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from xinfang.stats import rates, report
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import three_rates, work_report

from . import seed_county
from .seed_county import EXPECTED, PERIOD, THREE_RATES_SENTENCE, TODAY, seed_fixtures

seed, _seed_day = seed_fixtures(seed_county.build, TODAY)


def stats_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_cli_prints_the_seed_county_figures(seed):
    data = stats_json(
        "--region", "411331", "--from", "2021-01-01", "--to", "2021-08-31", "--as-of", "2021-09-06"
    )
    assert set(data) == {
        "volume",
        "timely_acceptance",
        "on_time_conclusion",
        "participation",
        "satisfaction",
        "repeat",
        "online_share",
        "first_petition_on_time",
        "backlog_resolution",
        "referred",
        "meetings",
        "assistance",
        "disputes",
        "campaigns",
        "settlement",
        "reception",
        "ownership",
        "instructions",
        "slice",
        "targets",
        "indicators",
        "hotspots",
    }
    assert data["slice"]["channel"] == [] and data["slice"]["category"] is None
    for key, value in EXPECTED.items():
        assert data[key] == value, key
    # Every petition of the group built for 2021 was received in the period: 280 in March, 872 in August.
    assert data["volume"]["batches"] == 280 + 872
    assert data["volume"]["by_channel"]["letter"] == {"batches": 1152, "persons": 1152}
    assert set(data["volume"]["by_visit_level"]) == {"national", "province", "city", "local"}
    assert data["first_petition_on_time"] == data["on_time_conclusion"]
    assert data["repeat"] == {"numerator": 0, "denominator": 1152, "percent": 0.0}
    assert data["backlog_resolution"] == {"numerator": 0, "denominator": 0, "percent": None}


@pytest.mark.django_db
def test_work_report_reproduces_the_seed_sentence(seed):
    figures = report.figures(Scope.for_region("411331"), Ctx.of(Period.between(*PERIOD), TODAY))
    assert three_rates(figures) + "。" == THREE_RATES_SENTENCE
    assert THREE_RATES_SENTENCE in work_report(figures)
    seed_text = (
        "全县责任单位及时受理率为98.93%（共受理280案，及时受理277案），按期答复率为99.35%（共307案，按期答复305案），"
        "信访部门参评率82.32%，满意率78.28%"
    )
    assert THREE_RATES_SENTENCE.startswith(seed_text)


@pytest.mark.django_db
def test_per_unit_figures_add_up_to_the_county(seed):
    ctx = Ctx.of(Period.between(*PERIOD), TODAY)
    for defn in (
        rates.TIMELY_ACCEPTANCE,
        rates.ON_TIME_CONCLUSION,
        rates.PARTICIPATION_UNIT,
        rates.SATISFACTION_UNIT,
    ):
        by_unit = rates.rates_by_unit(defn, ctx, [u.pk for u in seed.townships])
        total = sum(by_unit.values(), rates.ZERO)
        assert total == rates.rate(defn, Scope.for_region("411331"), ctx), defn.key
