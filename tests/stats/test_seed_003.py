"""Seed 003's case-handling paragraph, rebuilt through the workflow (seed_003.py: the real numbers, 1,465
petitions) and written back by the work report; the figures behind it are the existing ones under a channel
slice, as `xinfang stats --channel ... --json` prints them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from xinfang.stats import report
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import work_report

from . import seed_003
from .seed_003 import LETTERS_SENTENCE, PERIOD, REFERRED_SENTENCE, TODAY, VISITS_SENTENCE
from .seed_county import COUNTY, seed_fixtures

# The seed's own words (003_1d5151e49bbb53ef.txt, the case-handling paragraph).
SEED = (
    "今年以来，现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，"
    "按期办结率100%；纳入满意度评价来访事项中，信访部门、责任单位参评率均为100%；信访部门满意率为100%，"
    "责任单位满意率100%。我市共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%。"
    "上三级交办信访事项143件，到期应办结127件，按期办结127件，按期办结率100%。"
)


seed, _seed_day = seed_fixtures(seed_003.build, TODAY)


def stats_json(*args: str) -> dict:
    out = io.StringIO()
    call_command(
        "stats", "--region", COUNTY, "--from", PERIOD[0].isoformat(), "--to", PERIOD[1].isoformat(),
        "--as-of", TODAY.isoformat(), "--json", *args, stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def test_the_seed_sentences_are_written_as_the_seed_has_them():
    assert (
        "今年以来，" + (VISITS_SENTENCE + LETTERS_SENTENCE).replace("我县", "我市") + REFERRED_SENTENCE
        == SEED
    )


@pytest.mark.django_db
def test_the_work_report_reproduces_the_case_handling_paragraph(seed):
    figures = report.figures(Scope.for_region(COUNTY), Ctx.of(Period.between(*PERIOD), TODAY))
    text = "".join(work_report(figures))
    # The seed's paragraph but for its opening 今年以来 (the period says it) and the county's 我县.
    assert f"{VISITS_SENTENCE}{LETTERS_SENTENCE}{REFERRED_SENTENCE}" in text
    # Seed 001's form follows, level by level: what became of them.
    assert (
        f"{REFERRED_SENTENCE}其中国家局交办21件，办结18件，剩余3件均已受理并在办理期限内；"
        "省局交办52件，办结45件，剩余7件均已受理并在办理期限内；"
    ) in text


@pytest.mark.django_db
def test_the_figures_are_the_existing_ones_under_a_channel_slice(seed):
    visits = stats_json("--channel", "visit")
    assert visits["timely_acceptance"] == {"numerator": 144, "denominator": 144, "percent": 100.0}
    assert visits["on_time_conclusion"] == {"numerator": 114, "denominator": 114, "percent": 100.0}
    for family in ("participation", "satisfaction"):
        for target in ("bureau", "unit"):
            assert visits[family][target] == {"numerator": 114, "denominator": 114, "percent": 100.0}
    assert visits["volume"]["by_visit_level"]["local"]["batches"] == 710 + 144
    letters = stats_json("--channel", "wxd")
    assert letters["volume"]["batches"] == 611
    assert letters["on_time_conclusion"] == {"numerator": 439, "denominator": 439, "percent": 100.0}
    everything = stats_json()
    total = everything["referred"]["total"]
    assert (total["received"], total["due"], total["on_time"]) == (143, 127, 127)
    assert total["by_action"] == {"transfer": 0, "assign": 143}
    assert {k: v["received"] for k, v in everything["referred"]["by_level"].items()} == {
        "national": 21,
        "province": 52,
        "city": 70,
    }
    # The letters' slice keeps the matters sent down (online, all of them); the visits' has none.
    assert letters["referred"]["total"]["received"] == 143 and visits["referred"]["total"]["received"] == 0
