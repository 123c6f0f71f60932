"""案结事了率 and 息诉息访率 on hand-built petitions (docs/statistics.md, "Outcomes beyond conclusion"): the
matters concluded in March 2026, which of them were recorded settled by the as-of day, which drew no repeat
petition after conclusion; a co-handled matter counts for its lead unit only; `xinfang stats --json` prints
them under `settlement`."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from xinfang.stats import settlement
from xinfang.stats.rates import Rate
from xinfang.stats.scope import Scope

from .conftest import ctx

MARCH = ("2026-03-01", "2026-03-31")


@pytest.fixture
def concluded(scene, org, people):
    """Concluded in March (delivered on the 20th..25th) unless said otherwise:

    * ``agreed``: 清波, co-handled with 住建局, settled 协议化解 on 1 April;
    * ``repeated``: 清波, not settled, a repeat petition on it received on 10 April;
    * ``late``: 清波, settled 救助息访 on 10 May;
    * ``housing``: 住建局's own, settled 程序性办结 on 2 April;
    * ``april``: 清波, concluded in April and settled (outside March);
    * ``open_one``: 清波, accepted, still being handled (outside).
    """
    do = scene.do
    agreed = scene.petition("2026-03-02 09:00")
    scene.route_and_accept(agreed, day="2026-03-03", accept_day="2026-03-04")
    do(agreed, "set_co_handlers", people.bureau_handler, "2026-03-05", lead_unit=org.qingbo_unit,
       supporting_units=[org.housing])  # fmt: skip
    scene.reply(agreed, "2026-03-18")
    scene.deliver(agreed, "2026-03-20")
    repeated = scene.delivered("2026-03-02 09:10", "2026-03-18", "2026-03-21")
    late = scene.delivered("2026-03-02 09:20", "2026-03-18", "2026-03-22")
    housing = scene.delivered("2026-03-02 09:30", "2026-03-18", "2026-03-25", unit=org.housing)
    april = scene.delivered("2026-03-02 09:40", "2026-03-30", "2026-04-02")
    open_one = scene.accepted("2026-03-02 09:50", "2026-03-03", "2026-03-04")

    do(agreed, "record_settlement", people.bureau_handler, "2026-04-01", settlement="agreement")
    do(housing, "record_settlement", people.bureau_handler, "2026-04-02", settlement="procedural")
    do(april, "record_settlement", people.bureau_handler, "2026-04-03", settlement="hearing")
    do(late, "record_settlement", people.bureau_handler, "2026-05-10", settlement="assistance")
    scene.petition("2026-04-10 09:00", repeat_of=repeated)
    # A petition on the same matter received before the conclusion is not a return after it.
    scene.petition("2026-03-10 09:00", repeat_of=late)
    return dict(agreed=agreed, repeated=repeated, late=late, housing=housing, april=april, open_one=open_one)


def test_the_county_figures(concluded, org):
    county = Scope(region=org.county)
    june = ctx(*MARCH, today=dt.date(2026, 6, 15))
    assert settlement.rate_of("settled", county, june) == Rate(3, 4)  # ``repeated`` never settled
    assert settlement.rate_of("petitioning_ended", county, june) == Rate(3, 4)
    # On 15 April the settlement of ``late`` was not yet recorded; the repeat had come.
    april = ctx(*MARCH, today=dt.date(2026, 4, 15))
    assert settlement.rate_of("settled", county, april) == Rate(2, 4)
    assert settlement.rate_of("petitioning_ended", county, april) == Rate(3, 4)
    # On 5 April the repeat had not come yet.
    assert settlement.rate_of("petitioning_ended", county, ctx(*MARCH, today=dt.date(2026, 4, 5))) == Rate(
        4, 4
    )
    data = settlement.settlement_json(county, ctx(*MARCH, today=dt.date(2026, 4, 15)))
    assert data["settled"] == {"numerator": 2, "denominator": 4, "percent": 50.0}
    assert data["by_kind"] == {
        "terminated_by_law": 0,
        "hearing": 0,
        "agreement": 1,
        "assistance": 0,
        "procedural": 1,
    }
    assert data["sentence"] == "案结事了率为50%（共办结4件，案结事了2件），息诉息访率为75%"


def test_a_unit_counts_its_own_and_a_supporting_unit_not_the_matter_it_supports(concluded, org):
    june = ctx(*MARCH, today=dt.date(2026, 6, 15))
    assert settlement.rate_of("settled", Scope(unit=org.qingbo_unit), june) == Rate(2, 3)
    # 住建局 supported ``agreed``: only its own matter counts.
    assert settlement.rate_of("settled", Scope(unit=org.housing), june) == Rate(1, 1)
    assert settlement.by_kind(Scope(unit=org.housing), june)["agreement"] == 0


def test_stats_json_prints_settlement(concluded):
    out = io.StringIO()
    call_command(
        "stats", "--region", "330102", "--from", MARCH[0], "--to", MARCH[1], "--as-of", "2026-06-15", "--json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())["settlement"]
    assert data["settled"] == {"numerator": 3, "denominator": 4, "percent": 75.0}
    assert data["petitioning_ended"] == {"numerator": 3, "denominator": 4, "percent": 75.0}
    text = io.StringIO()
    call_command("stats", "--region", "330102", "--from", MARCH[0], "--to", MARCH[1], "--as-of", "2026-06-15",
                 stdout=text)  # fmt: skip
    assert "案结事了率为75%（共办结4件，案结事了3件），息诉息访率为75%。" in text.getvalue().splitlines()


def test_nothing_concluded_gives_no_percent(db, org):
    data = settlement.settlement_json(Scope(region=org.county), ctx(*MARCH))
    assert data["settled"] == {"numerator": 0, "denominator": 0, "percent": None}
    assert data["sentence"] == "案结事了率为—（共办结0件，案结事了0件），息诉息访率为—"
