"""同比, 环比 and a chosen base period for every figure: counts change in percent, rates in percentage points;
an empty base divides by nothing; the base keeps whatever else the Ctx narrows (the reader's view)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests import factories as f
from tests.scenes import when
from tests.viewtests import get
from xinfang.orgs.models import Level
from xinfang.petitions.models import Channel, PetitionClass
from xinfang.stats import report
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import base_comparison, months_label

from .conftest import ctx

MARCH = ("2026-03-01", "2026-03-31")


@pytest.fixture
def months(scene, org):
    """上城区. March 2026: 4 letters (2 accepted on time, 1 late, 1 never routed) and a visit made at the
    province: 5 batches, 1 skip-level, timely acceptance 2/3. March 2025: 2 letters (1 accepted on time) and a
    province visit: 3 batches, 1 skip-level, 1/1. February 2026: 4 letters, none routed: 4 batches, 0/0."""
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-06")
    scene.accepted("2026-03-02 09:50", "2026-03-03", "2026-03-25")
    scene.petition("2026-03-10 09:00")
    scene.petition("2026-03-11 09:00", channel=Channel.VISIT, visit_level=Level.PROVINCE)
    scene.accepted("2025-03-03 09:30", "2025-03-04", "2025-03-06")
    scene.petition("2025-03-10 09:00")
    scene.petition("2025-03-11 09:00", channel=Channel.VISIT, visit_level=Level.PROVINCE)
    for day in (2, 3, 4, 5):
        scene.petition(f"2026-02-0{day} 09:00")
    return scene


def county(org) -> Scope:
    return Scope(region=org.county)


def test_year_on_year_and_period_on_period_for_every_figure(months, org):
    current, year_before, previous = report.figures_with_comparison(county(org), ctx(*MARCH))
    full = current.as_full_json(year_before, previous)
    yoy, mom = full["year_on_year"], full["period_on_period"]
    assert yoy["period"]["from"] == "2025-03-01" and mom["period"]["from"] == "2026-02-01"
    # Counts: percent. 5 against 3 batches is +66.67%; against 4, +25%.
    assert yoy["volume"]["batches"] == {"before": 3, "change_percent": 66.67}
    assert mom["volume"]["batches"] == {"before": 4, "change_percent": 25.0}
    # ... for every split, not only the total: letters 4 against 2; skip-level 1 against 1, and against none.
    assert yoy["volume"]["by_channel"]["letter"]["batches"] == {"before": 2, "change_percent": 100.0}
    assert yoy["volume"]["skip_level"]["batches"] == {"before": 1, "change_percent": 0.0}
    assert mom["volume"]["skip_level"]["batches"] == {"before": 0, "change_percent": None}
    assert yoy["volume"]["by_visit_level"]["province"]["persons"]["before"] == 1
    assert yoy["volume"]["skip_level_visits"]["province"]["batches"]["change_percent"] == 0.0
    assert mom["volume"]["online_letter_phone"]["batches"] == {"before": 4, "change_percent": 0.0}
    assert set(yoy["volume"]["by_category"]) == set(full["volume"]["by_category"])
    # Rates: percentage points. 66.67% against 100% is −33.33 points; against nothing due, no change.
    acceptance = yoy["rates"]["timely_acceptance"]
    assert acceptance["before"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert acceptance["change_points"] == -33.33
    assert mom["rates"]["timely_acceptance"]["change_points"] is None
    # The repeat rate and online share (read off the volume query) are compared too: 0% against 0%.
    assert yoy["rates"]["repeat"]["change_points"] == 0.0


def test_a_chosen_base_period(months, org):
    march = ctx(*MARCH)
    current = report.figures(county(org), march)
    base = report.figures_of_base(
        county(org), march, Period.between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    )
    vs_base = current.as_full_json(base=base)["vs_base"]
    assert vs_base["period"] == {"from": "2025-01-01", "to": "2025-12-31", "kind": "year"}
    assert vs_base["volume"]["batches"] == {"before": 3, "change_percent": 66.67}
    assert vs_base["rates"]["timely_acceptance"]["change_points"] == -33.33
    assert base_comparison(current, base) == "与2025年1月至2025年12月比较，批次上升66.67%"
    # A base of fewer batches than the two before it: 3 against 5 is a fall, as the seeds write it.
    later = report.figures(county(org), ctx("2025-03-01", "2025-03-31"))
    march_base = report.figures_of_base(county(org), march, Period.month(2026, 3))
    assert base_comparison(later, march_base) == "与2026年3月比较，批次下降40%"


def test_an_empty_base_divides_by_nothing(months, org):
    march = ctx(*MARCH)
    current = report.figures(county(org), march)
    empty = report.figures_of_base(
        county(org), march, Period.between(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    )
    vs_base = report.changes(current, empty)
    assert vs_base["volume"]["batches"] == {"before": 0, "change_percent": None}
    assert vs_base["volume"]["by_channel"]["visit"]["persons"] == {"before": 0, "change_percent": None}
    assert all(r["change_points"] is None for r in vs_base["rates"].values())
    assert base_comparison(current, empty) == "与2024年1月至2024年6月比较：基期未登记信访事项，无从比较"


def test_the_base_keeps_the_readers_view(months, org, people):
    """The base is the same Ctx but for its period: an accusation against the reader's unit in the base
    period is left out of the base as of the current period."""
    f.register(
        people.registrar,
        received_at=when("2025-03-12 09:00"),
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        category=f.category("纪检监察"),
    )
    base = Period.month(2025, 3)
    everyone = report.figures_of_base(county(org), ctx(*MARCH), base)
    housing = dataclasses.replace(ctx(*MARCH), reader_unit_id=org.housing.pk)
    assert everyone.volume.total.batches == 4
    assert report.figures_of_base(county(org), housing, base).volume.total.batches == 3


def test_months_label():
    assert months_label(Period.between(dt.date(2021, 1, 1), dt.date(2022, 6, 30))) == "2021年1月至2022年6月"
    assert months_label(Period.between(dt.date(2021, 1, 5), dt.date(2021, 2, 3))) == "2021年1月5日至2月3日"


def test_cli_base_period(months, org, capsys):
    args = [
        "stats",
        "--region",
        "330102",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--as-of",
        "2026-06-15",
    ]
    call_command(*args, "--json", "--base-from", "2025-03-01", "--base-to", "2025-03-31")
    data = json.loads(capsys.readouterr().out)
    assert data["vs_base"]["volume"]["batches"] == {"before": 3, "change_percent": 66.67}
    assert data["vs_base"]["sentence"] == "与2025年3月比较，批次上升66.67%"
    call_command(*args, "--json", "--full", "--base-from", "2025-03-01", "--base-to", "2025-03-31")
    full = json.loads(capsys.readouterr().out)
    assert full["vs_base"]["rates"]["timely_acceptance"]["change_points"] == -33.33
    assert full["year_on_year"]["volume"]["skip_level"]["batches"]["before"] == 1
    out = io.StringIO()
    call_command(*args, "--base-from", "2025-03-01", "--base-to", "2025-03-31", stdout=out)
    assert "与2025年3月比较，批次上升66.67%。" in out.getvalue()
    with pytest.raises(CommandError, match="同时给出"):
        call_command(*args, "--json", "--base-from", "2025-03-01")


def url(**params) -> str:
    return f"{reverse('stats:dashboard')}?{urlencode(params)}"


def test_dashboard_base_period(client, months, people):
    query = {"region": "330102", "period": "month", "date": "2026-03-01"}
    html = get(client, url(**query, base_from="2025-03-01", base_to="2025-03-31"), people.bureau_leader)
    assert html.status_code == 200
    text = html.content.decode()
    assert "较基期（百分点）" in text and "与2025年3月比较，批次上升66.67%。" in text
    # Every card carries its comparisons: 越级访 1 against 1 a year before.
    assert text.count('class="xf-base"') >= 5
    # Links keep the base period.
    assert "base_from=2025-03-01" in text
    assert get(client, url(**query, base_from="2025-03-01"), people.bureau_leader).status_code == 400
    assert (
        get(client, url(**query, base_from="2025-13-01", base_to="x"), people.bureau_leader).status_code
        == 400
    )
    assert "较基期（百分点）" not in get(client, url(**query), people.bureau_leader).content.decode()
