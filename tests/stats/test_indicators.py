"""Creation indicators (“四无”乡镇, “无访村”, unit level) on known petitions: who meets them, the share and seed
003's sentence, a failing condition, the reader's hidden accusations, bad definitions refused, and the
dashboard panel's drill-down. The clock stands at 2026-06-15 (tests/stats/conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from xinfang.audit.models import Event
from xinfang.orgs.models import Level
from xinfang.petitions.models import Channel, PetitionClass
from xinfang.stats import indicators, target_services
from xinfang.stats.models import CreationIndicator

JUNE_15 = dt.date(2026, 6, 15)


@pytest.fixture
def fourteen(org):
    """上城区 with 14 townships: 清波, 湖滨 and twelve more."""
    extra = [f.region(f"330102{n:03d}", f"第{n}街道", Level.TOWNSHIP, org.county) for n in range(3, 15)]
    return [org.qingbo, org.hubin, *extra]


def visit(scene, received: str, level: str, region, **overrides):
    return scene.petition(
        received, channel=Channel.VISIT, visit_level=level, issue_region=region, **overrides
    )


def siwu(org):
    return target_services.create_example(None, "siwu", org.county, 2026)[0]


def test_thirteen_of_fourteen_townships_meet_the_standard(scene, org, fourteen):
    visit(scene, "2026-03-02 09:00", "national", org.hubin)  # fails: a visit to Beijing
    visit(scene, "2026-03-03 09:00", "county", org.qingbo)  # a local visit fails nothing
    visit(scene, "2025-12-30 09:00", "province", fourteen[5])  # last year
    result = indicators.evaluate_indicator(siwu(org), JUNE_15)
    assert (len(result.subjects), result.met) == (14, 13)
    assert result.share.as_dict() == {"numerator": 13, "denominator": 14, "percent": 92.86}
    assert result.sentence() == "全区14个乡镇街道中，有13个达到“四无”乡镇标准"
    (failing,) = [s for s in result.subjects if not s.meets]
    assert failing.name == "湖滨街道" and failing.failed == [
        ("visits.national_province.batches", "无赴省进京访")
    ]
    assert failing.counts == {
        "visits.national_province.batches": 1,
        "collective_skip_level.batches": 0,
        "repeat_visits.batches": 0,
    }


def test_an_accusation_against_the_readers_unit_is_not_counted(scene, org, fourteen):
    visit(
        scene, "2026-04-01 09:00", "province", org.qingbo,
        petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing,
    )  # fmt: skip
    indicator = siwu(org)
    assert indicators.evaluate_indicator(indicator, JUNE_15).met == 13
    assert indicators.evaluate_indicator(indicator, JUNE_15, reader_unit_id=org.housing.pk).met == 14


def test_village_level_counts_skip_level_matters_by_issue_region(scene, org):
    villages = [f.region(f"330102001{n:03d}", f"清波{n}村", Level.VILLAGE, org.qingbo) for n in (1, 2, 3)]
    f.region("330102002001", "湖滨1社区", Level.VILLAGE, org.hubin)  # outside 清波街道
    visit(scene, "2026-02-02 09:00", "province", villages[1])
    scene.petition("2026-02-03 09:00", issue_region=villages[2])  # a letter to the county: not skip-level
    indicator = target_services.create_example(None, "wufangcun", org.qingbo, 2026)[0]
    result = indicators.evaluate_indicator(indicator, JUNE_15)
    assert [s.meets for s in result.subjects] == [True, False, True]
    assert result.sentence() == "清波街道3个村（社区）中，有2个达到“无访”村标准"


def test_unit_level_counts_the_units_answerable_petitions(scene, org):
    first = visit(scene, "2026-01-05 09:00", "county", org.qingbo, parties=[f.person(7)])
    repeat = visit(scene, "2026-02-05 09:00", "county", org.qingbo, repeat_of=first, parties=[f.person(7)])
    scene.transfer(repeat, "2026-02-06", org.housing)
    indicator = target_services.set_indicator(
        None, name="三无单位", level="unit", region=org.county, year=2026,
        conditions=[{"figure": "repeat_visits.batches", "max": 0}],
    )  # fmt: skip
    result = indicators.evaluate_indicator(indicator, JUNE_15)
    assert {s.name: s.meets for s in result.subjects} == {
        "上城区纪委监委": True,
        "上城区住房和城乡建设局": False,
        "清波街道办事处": True,
        "湖滨街道办事处": True,
    }
    assert result.sentence() == "全区4个单位中，有3个达到“三无”单位标准"


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ([], "请至少列出一项条件。"),
        ([{"figure": "mass_incidents", "max": 0}], "第1项条件：未知的计数指标：mass_incidents。"),
        ([{"figure": "online_share", "max": 0}], "第1项条件：未知的计数指标：online_share。"),
        ([{"figure": "skip_level.batches", "max": -1}], "第1项条件：上限须为非负整数。"),
        ([{"figure": "skip_level.batches"}], "第1项条件须写明指标（figure）和上限（max）。"),
    ],
)
def test_bad_conditions_are_refused_and_nothing_is_written(org, conditions, message):
    events = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        target_services.set_indicator(
            None, name="四无乡镇", level="township", region=org.county, year=2026, conditions=conditions
        )
    assert exc.value.message_dict["conditions"] == [message]
    assert CreationIndicator.objects.count() == 0 and Event.objects.count() == events


def test_setting_an_indicator_writes_one_audit_event(org, people):
    indicator = target_services.create_example(people.bureau_leader, "siwu", org.county, 2026)[0]
    event = Event.objects.get(action="set_creation_indicator")
    assert event.target_id == str(indicator.pk) and event.actor == people.bureau_leader


def test_dashboard_panel_links_a_failing_township_to_its_petitions(client, scene, org, people, fourteen):
    visit(scene, "2026-03-02 09:00", "national", org.hubin)
    visit(scene, "2026-03-04 09:00", "province", org.hubin)
    siwu(org)
    client.force_login(people.bureau_leader)
    html = client.get(
        f"{reverse('stats:dashboard')}?region=330102&period=month&date=2026-06-01"
    ).content.decode()
    assert "全区14个乡镇街道中，有13个达到“四无”乡镇标准（92.86%）。" in html
    link = re.search(r'湖滨街道未达标：<a href="([^"]+)">无赴省进京访</a>', html).group(1)
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r'data-total="(\d+)"', listing).group(1) == "2"
    out = io.StringIO()
    call_command(
        "stats", "--region", "330102", "--from", "2026-06-01", "--to", "2026-06-30", "--json", stdout=out
    )
    (indicator,) = json.loads(out.getvalue())["indicators"]
    assert (indicator["total"], indicator["met"]) == (14, 13)
    assert indicator["failing"] == [
        {
            "code": "330102002",
            "name": "湖滨街道",
            "conditions": [["visits.national_province.batches", "无赴省进京访"]],
        }
    ]
