"""Yearly targets: the month decomposition (pure), actual against target month by month on known petitions,
bad input refused with nothing written, the audit event, the 五率 example, the dashboard, the CLI and the
monthly bulletin. The clock stands at 2026-06-15 (tests/stats/conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from urllib.parse import urlencode

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from xinfang.audit.models import Event
from xinfang.petitions.models import Channel, PetitionClass
from xinfang.stats import bulletins, target_services, targets
from xinfang.stats.models import BulletinKind, Target, TargetKind
from xinfang.stats.periods import Period

D = Decimal
JUNE_15 = dt.date(2026, 6, 15)


# --- decomposition (pure) -------------------------------------------------------------------------------------


def test_even_decomposition_of_a_count_is_a_twelfth_a_month_cumulated():
    months = targets.month_thresholds(False, D(80))
    assert months[0] == D("6.67") and months[5] == D("40.00") and months[11] == D("80.00")
    assert months[2] == D("20.00")


def test_a_profile_weights_the_months_of_a_count():
    # No visits planned in the two holiday months, twice as many allowed in March.
    weights = [1, 0, 2, 1, 1, 1, 1, 1, 1, 0, 1, 2]
    months = targets.month_thresholds(False, D(120), weights)
    assert months[:4] == [D("10.00"), D("10.00"), D("30.00"), D("40.00")]
    assert months[-1] == D("120.00")


def test_a_rate_keeps_its_threshold_every_month_unless_a_profile_gives_values():
    assert targets.month_thresholds(True, D(98)) == [D(98)] * 12
    profile = [95, 95, 96, 96, 97, 97, 98, 98, 98, 98, 98, 98]
    assert targets.month_thresholds(True, D(98), profile)[2] == D(96)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([1] * 11, "月度分解表须为12个月的数值。"),
        ([1] * 5 + [-1] + [1] * 6, "月度分解表第6个月的数值须为非负数。"),
        ([1] * 11 + ["很多"], "月度分解表第12个月的数值无效。"),
        ([0] * 12, "月度分解表的权重不能全为0。"),
    ],
)
def test_bad_profiles_are_refused_in_chinese(profile, message):
    with pytest.raises(ValueError, match=message):
        targets.parse_profile(profile, is_rate=False)


def test_a_rate_profile_above_100_is_refused():
    with pytest.raises(ValueError, match="第1个月的目标值不能超过100%"):
        targets.parse_profile([101] + [98] * 11, is_rate=True)


def test_statuses_by_the_documented_rules():
    ceiling, floor = TargetKind.CEILING, TargetKind.FLOOR
    assert targets.count_status(ceiling, D(80), D(40), 40, False) == targets.MET
    assert targets.count_status(ceiling, D(80), D(40), 45, False) == targets.AT_RISK
    assert targets.count_status(ceiling, D(80), D(40), 81, False) == targets.MISSED
    assert targets.count_status(floor, D(12), D(6), 5, False) == targets.AT_RISK
    assert targets.count_status(floor, D(12), D(12), 11, True) == targets.MISSED
    assert targets.rate_status(floor, D(98), D("98.5"), D(100)) == targets.MET
    assert targets.rate_status(floor, D(98), D("98.5"), D(90)) == targets.AT_RISK
    assert targets.rate_status(floor, D(98), D("97.9"), D(100)) == targets.MISSED
    assert targets.rate_status(ceiling, D(5), D(6), D(0)) == targets.MISSED
    assert targets.rate_status(floor, D(98), None, None) == targets.NO_DATA


# --- actual against target, on petitions ----------------------------------------------------------------------


def national_visit(scene, received: str, persons: int, **overrides):
    return scene.petition(
        received, channel=Channel.VISIT, visit_level="national", person_count=persons, **overrides
    )


@pytest.fixture
def national_visits(scene, org):
    """进京访 in 上城区: 1 person in January, 3 in February, none in March or April, 4 + 4 + 2 in May; a
    province visit and a county visit that are not 进京."""
    national_visit(scene, "2026-01-10 09:00", 1)
    national_visit(scene, "2026-02-10 09:00", 3)
    for day, persons in (("05-06", 4), ("05-07", 4), ("05-20", 2)):
        national_visit(scene, f"2026-{day} 09:00", persons)
    scene.petition("2026-02-11 09:00", channel=Channel.VISIT, visit_level="province", person_count=2)
    scene.petition("2026-03-11 09:00", channel=Channel.VISIT, visit_level="county", person_count=3)


def ceiling(org, value=12, **extra) -> Target:
    return target_services.set_target(
        None, year=2026, figure="visits.national.persons", kind=TargetKind.CEILING, value=value,
        region=org.county, **extra,
    )  # fmt: skip


def test_count_ceiling_met_at_risk_and_missed_by_month(national_visits, org):
    result = targets.evaluate(ceiling(org), JUNE_15)
    rows = [(r.month, r.target, r.actual, r.to_date, r.status) for r in result.months]
    assert rows == [
        (1, D(1), 1, 1, "met"),
        (2, D(2), 3, 4, "at_risk"),  # 4 persons by February, 2 allowed
        (3, D(3), 0, 4, "at_risk"),
        (4, D(4), 0, 4, "met"),  # back on schedule
        (5, D(5), 10, 14, "missed"),  # past the year's 12
        (6, D(6), 0, 14, "missed"),
    ]
    assert result.sentence() == "目标：进京访≤12人次，已14人次，按月分解应≤6，已超过全年目标"
    february = targets.evaluate(Target.objects.get(), dt.date(2026, 2, 28))
    assert february.sentence() == "目标：进京访≤12人次，已4人次，按月分解应≤2，超出"


def test_a_counts_months_are_read_in_one_grouped_query_by_local_month(scene, org, django_assert_num_queries):
    # 23:30 on 31 January in Shanghai is 15:30 UTC: still January; 00:30 on 1 March is still 28 Feb in UTC.
    national_visit(scene, "2026-01-31 23:30", 2)
    national_visit(scene, "2026-03-01 00:30", 5)
    target = ceiling(org, value=120)
    with django_assert_num_queries(2):  # the statistics policy, then every month's count at once
        result = targets.evaluate(target, dt.date(2026, 12, 31))
    assert [r.actual for r in result.months] == [2, 0, 5] + [0] * 9
    assert [r.to_date for r in result.months][-1] == 7


def test_a_count_leaves_out_what_accuses_the_readers_unit(national_visits, scene, org):
    national_visit(
        scene, "2026-01-12 09:00", 2, petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing
    )
    target = ceiling(org)
    assert targets.evaluate(target, JUNE_15).months[0].to_date == 3
    assert targets.evaluate(target, JUNE_15, reader_unit_id=org.housing.pk).months[0].to_date == 1


@pytest.fixture
def online_months(scene):
    """Online share in 上城区: Jan 1 of 2; Feb 0 of 2; Mar 3 of 3; Apr 0 of 1; none in May or June."""
    plan = {"01": (1, 1), "02": (0, 2), "03": (3, 0), "04": (0, 1)}
    for month, (online, letters) in plan.items():
        for i in range(online):
            scene.petition(f"2026-{month}-0{i + 1} 09:00", channel=Channel.ONLINE)
        for i in range(letters):
            scene.petition(f"2026-{month}-1{i + 1} 09:00")


def test_rate_floor_is_read_year_to_date_against_the_same_threshold(online_months, org):
    target = target_services.set_target(
        None, year=2026, figure="online_share", kind=TargetKind.FLOOR, value=50, region=org.county
    )
    result = targets.evaluate(target, JUNE_15)
    rows = [(r.month, r.value("actual"), r.value(), r.status) for r in result.months]
    assert rows == [
        (1, D("50.00"), D("50.00"), "met"),
        (2, D("0.00"), D("25.00"), "missed"),  # 1 of 4 so far
        (3, D("100.00"), D("57.14"), "met"),  # 4 of 7
        (4, D("0.00"), D("50.00"), "at_risk"),  # the year holds at 4 of 8, the month fell short
        (5, None, D("50.00"), "met"),
        (6, None, D("50.00"), "met"),
    ]
    assert result.months[3].to_date.as_dict() == {"numerator": 4, "denominator": 8, "percent": 50.0}
    assert result.sentence() == "目标：网上信访占比≥50%，截至6月累计50%，当月目标≥50%，达标"


def test_a_rate_profile_sets_each_months_threshold(online_months, org):
    profile = [50, 20, 50, 60, 50, 50, 50, 50, 50, 50, 50, 50]
    target = target_services.set_target(
        None, year=2026, figure="online_share", kind=TargetKind.FLOOR, value=50, region=org.county,
        decomposition="profile", profile=profile,
    )  # fmt: skip
    statuses = [r.status for r in targets.evaluate(target, JUNE_15).months]
    assert statuses == [
        "met",
        "at_risk",
        "met",
        "missed",
        "met",
        "met",
    ]  # February: 25% to date, 0% that month


# --- the service: bad input, audit, refusals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"figure": "visits.moon"}, "figure", "未知的统计指标：visits.moon。"),
        ({"unit": "housing"}, "unit", "目标须设在一个单位或一个辖区上（二者选一）。"),
        ({"decomposition": "profile", "profile": [1] * 11}, "profile", "月度分解表须为12个月的数值。"),
        ({"value": -3}, "value", "年度目标值须为非负数。"),
        ({"value": "7.5"}, "value", "数量指标的目标值须为整数。"),
        ({"figure": "online_share", "value": 120}, "value", "比率指标的目标值不能超过100%。"),
        ({"year": 1999}, "year", "年度须为2000至2100之间的整数。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(org, people, changes, field, message):
    data = {
        "year": 2026,
        "figure": "visits.national.persons",
        "kind": "ceiling",
        "value": 80,
        "region": org.county,
    }
    data |= changes
    if data.get("unit") == "housing":
        data["unit"] = org.housing
    events = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        target_services.set_target(people.bureau_leader, **data)
    assert exc.value.message_dict[field] == [message]
    assert Target.objects.count() == 0 and Event.objects.count() == events


def test_setting_a_target_writes_one_audit_event_and_setting_it_again_changes_it(org, people):
    target = target_services.set_target(
        people.bureau_leader,
        year=2026,
        figure="visits.national.persons",
        kind="ceiling",
        value=80,
        region=org.county,
    )
    event = Event.objects.get(action="set_target")
    assert event.target_id == str(target.pk) and event.actor == people.bureau_leader
    assert event.changes["value"] == [None, "80"] and event.data == {"created": True}
    again = target_services.set_target(
        people.bureau_leader,
        year=2026,
        figure="visits.national.persons",
        kind="ceiling",
        value=60,
        region=org.county,
    )
    assert again.pk == target.pk and Target.objects.get().value == 60
    last = Event.objects.filter(action="set_target").order_by("-seq").first()
    assert last.changes == {"value": ["80.00", "60"]} and last.data == {"created": False}


def test_a_township_may_not_set_the_countys_target(org, people):
    with pytest.raises(PermissionDenied):
        target_services.set_target(
            people.township_leader,
            year=2026,
            figure="volume.batches",
            kind="ceiling",
            value=5,
            region=org.county,
        )
    own = target_services.set_target(
        people.township_leader,
        year=2026,
        figure="volume.batches",
        kind="ceiling",
        value=5,
        unit=org.qingbo_unit,
    )
    assert Target.objects.get() == own


def test_the_wulv_example_sets_the_five_rates_as_floors(org):
    out = io.StringIO()
    call_command("targets", "--example", "wulv", "--region", "330102", "--year", "2026", stdout=out)
    made = Target.objects.filter(region=org.county, year=2026)
    assert sorted(t.figure for t in made) == sorted(k for k, _ in target_services.WULV)
    assert {t.kind for t in made} == {"floor"} and len(out.getvalue().splitlines()) == 5
    assert Event.objects.filter(action="set_target").count() == 5


# --- where targets show ---------------------------------------------------------------------------------------


def test_cli_json_carries_the_targets_month_by_month(national_visits, org):
    ceiling(org)
    out = io.StringIO()
    call_command(
        "stats", "--region", "330102", "--from", "2026-06-01", "--to", "2026-06-30", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    (target,) = data["targets"]
    assert target["figure"] == "visits.national.persons" and target["status"] == "missed"
    assert [m["to_date"] for m in target["months"]] == [1, 4, 4, 4, 14, 14]
    assert target["sentence"].endswith("已超过全年目标") and data["indicators"] == []
    # A target is judged on the whole scope's figures: under a slice it says it is not narrowed.
    out = io.StringIO()
    call_command(
        "stats", "--region", "330102", "--from", "2026-06-01", "--to", "2026-06-30", "--json", "--channel",
        "letter", stdout=out,
    )  # fmt: skip
    (sliced,) = json.loads(out.getvalue())["targets"]
    assert sliced["slice_applies"] is False and sliced["months"] == target["months"]


def test_dashboard_card_and_chart_link_to_as_many_petitions_as_counted(client, national_visits, org, people):
    ceiling(org)
    client.force_login(people.bureau_leader)
    page = client.get(f"{reverse('stats:dashboard')}?region=330102&period=month&date=2026-02-01")
    html = page.content.decode()
    assert "目标：进京访≤12人次，已4人次，按月分解应≤2，超出" in html
    link = re.search(
        r'<li class="[^"]*xf-target-at_risk[^"]*"[^>]*>\s*<span[^>]*>有风险</span>\s*<a href="([^"]+)"', html
    )
    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(r'data-total="(\d+)"', listing).group(1) == "2"  # two visits, four persons
    charts = json.loads(re.search(r'id="stats-data" type="application/json">(.*?)</script>', html).group(1))
    assert charts["targets"][0]["actual"] == [1, 4] and charts["targets"][0]["target"] == [1.0, 2.0]
    workbook = client.get(
        f"{reverse('stats:dashboard')}?region=330102&period=month&date=2026-02-01&format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(workbook.content))["年度目标"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "进京访"]
    assert [r[3:] for r in rows] == [(1, 1, 1, 1, "达标"), (2, 2, 3, 4, "有风险")]


def test_drill_down_of_an_unknown_figure_is_404_and_another_scope_403(client, org, people):
    client.force_login(people.bureau_leader)
    query = {"region": "330102", "from": "2026-01-01", "to": "2026-06-15"}
    bad = client.get(f"{reverse('stats:petitions')}?{urlencode(query | {'figure': 'visits.moon'})}")
    assert bad.status_code == 404
    client.force_login(people.township_handler)
    refused = client.get(f"{reverse('stats:petitions')}?{urlencode(query | {'figure': 'volume.batches'})}")
    assert refused.status_code == 403


def test_monthly_bulletin_has_the_targets_section(national_visits, org):
    ceiling(org)
    bulletin = bulletins.issue(BulletinKind.MONTHLY, org.bureau, Period.month(2026, 5))
    with bulletin.docx.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "七、年度目标完成情况" in text
    assert "1. 目标：进京访≤12人次，已14人次，按月分解应≤5，已超过全年目标。" in text
    weekly = bulletins.issue(BulletinKind.WEEKLY, org.bureau, Period.week(dt.date(2026, 6, 1)))
    assert weekly.context["target_lines"] == []


def test_admin_saves_through_the_service_and_shows_the_problem(client, org):
    from tests import factories as f

    root = f.UserFactory(username="root", unit=None, roles=[], is_superuser=True, is_staff=True)
    client.force_login(root)
    form = {
        "year": 2026, "figure": "visits.national.persons", "region": org.county.pk, "kind": "ceiling",
        "value": "80", "decomposition": "profile", "profile": json.dumps([1] * 11), "note": "",
    }  # fmt: skip
    refused = client.post(reverse("admin:stats_target_add"), form)
    assert refused.status_code == 200 and "月度分解表须为12个月的数值。" in refused.content.decode()
    assert Target.objects.count() == 0
    form |= {"profile": json.dumps([1] * 12)}
    assert client.post(reverse("admin:stats_target_add"), form).status_code == 302
    target = Target.objects.get()
    assert target.profile == [1.0] * 12 and Event.objects.filter(action="set_target", actor=root).count() == 1
    page = client.get(reverse("admin:stats_target_change", args=[target.pk]))
    assert page.status_code == 200
