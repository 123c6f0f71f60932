"""Hotspots and surges on a small scene with exact numbers; the recurring clusters; what a reader may count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f
from tests.scenes import when
from xinfang import clock
from xinfang.orgs.models import Region
from xinfang.petitions.models import Category, PetitionClass
from xinfang.stats import hotspots
from xinfang.stats.hotspots import Thresholds, baseline, is_surge
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope

T = Thresholds(min_count=3, ratio=Decimal("2"), baseline_periods=4)
TODAY = dt.date(2026, 3, 26)  # a Thursday; its week runs 23-29 March


def test_baseline_and_surge_rules():
    assert baseline([1, 0, 2, 1]) == Decimal("1.00")
    assert baseline([1, 2, 2]) == Decimal("1.67")
    assert baseline([]) == 0
    assert is_surge(3, Decimal("1.5"), T) and not is_surge(2, Decimal("0"), T)  # under the minimum count
    assert not is_surge(5, Decimal("2.6"), T)  # 5 < 2 × 2.6


def _at(text):
    return when(text)


@pytest.fixture
def scene(org, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 26, 18, 0))
    qingbo, hubin = org.qingbo, org.hubin
    housing = Category.objects.get(path="城乡建设/征收拆迁")
    reg = people.registrar
    # 清波 征收拆迁: 4 this week, 1 in each of the two weeks before, none earlier; 1 in the week a year before
    # (the week holding 23 March 2025: 17-23 March).
    for day in (
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
        "2026-03-26",
        "2026-03-17",
        "2026-03-10",
        "2025-03-20",
    ):
        f.register(reg, received_at=_at(day), issue_region=qingbo, category=housing)
    # 湖滨 征收拆迁: 3 this week and 2 in each of the four weeks before: baseline 2, no surge (3 < 4).
    for day in ["2026-03-23"] * 3 + ["2026-03-16", "2026-03-17", "2026-03-09", "2026-03-10"]:
        f.register(reg, received_at=_at(day), issue_region=hubin, category=housing)
    for day in ("2026-03-02", "2026-03-03", "2026-02-24", "2026-02-25"):
        f.register(reg, received_at=_at(day), issue_region=hubin, category=housing)
    # An accusation against the housing bureau in 清波 this week: never counted for that bureau.
    f.register(
        reg,
        received_at=_at("2026-03-25 11:00"),
        issue_region=qingbo,
        category=housing,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
    )
    return org


def _ctx(reader=None):
    return Ctx(Period.month(2026, 3), TODAY, reader_unit_id=reader)


def test_weekly_cells_against_previous_year_before_and_baseline(scene):
    result = hotspots.hotspots(Scope(region=scene.county), _ctx(), T)
    week = {c.area_code: c for c in result.cells["week"]}
    qingbo = week["330102001"]
    assert (qingbo.current, qingbo.previous, qingbo.year_before) == (5, 1, 1)  # the accusation counts here
    assert qingbo.baseline == Decimal("0.50") and qingbo.surge
    hubin = week["330102002"]
    assert (hubin.current, hubin.previous, hubin.baseline, hubin.surge) == (3, 2, Decimal("2.00"), False)
    assert [c.area_code for c in result.surges("week")] == ["330102001"]
    assert qingbo.area == "清波街道" and qingbo.category == "城乡建设/征收拆迁"


def test_monthly_cells(scene):
    month = {c.area_code: c for c in hotspots.hotspots(Scope(region=scene.county), _ctx(), T).cells["month"]}
    # 清波 March: 4 + 1 + 1 + the accusation = 7; February none: baseline 0, so 7 ≥ 3 surges.
    assert (month["330102001"].current, month["330102001"].previous, month["330102001"].surge) == (7, 0, True)
    # 湖滨 March: 3 + 4 + 2 = 9; February: 2.
    assert (month["330102002"].current, month["330102002"].previous) == (9, 2)
    assert month["330102002"].baseline == Decimal("0.50")


def test_the_accused_unit_does_not_count_the_accusation(scene):
    result = hotspots.hotspots(Scope(region=scene.county), _ctx(reader=scene.housing.pk), T)
    week = {c.area_code: c for c in result.cells["week"]}
    assert week["330102001"].current == 4


def test_recurring_clusters_rank_with_their_petitions(scene):
    clusters = hotspots.recurring(Scope(region=scene.county), _ctx())
    assert [(c.area_code, c.batches) for c in clusters] == [("330102002", 9), ("330102001", 7)]
    assert len(clusters[0].petitions) == 9
    assert all(p["number"].startswith("XF-") for p in clusters[0].petitions)


def test_stats_json_carries_hotspots(scene, settings):
    from xinfang.stats.answer import stats_json

    settings.XF_SURGE_MIN_COUNT, settings.XF_SURGE_RATIO = 3, 2.0
    data = stats_json(Scope(region=scene.county), _ctx())
    assert data["hotspots"]["week"]["surges"][0]["area_code"] == "330102001"
    assert data["hotspots"]["recurring"][0]["batches"] == 9
    assert Region.objects.filter(code="330102001").exists()
    assert clock.today() == TODAY


def test_the_dashboard_shows_the_panel_and_the_surge(client, scene, people, settings):
    settings.XF_SURGE_MIN_COUNT, settings.XF_SURGE_RATIO = 3, 2.0
    client.force_login(people.bureau_leader)
    page = client.get("/stats/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "热点和激增预警" in html and "高频问题排行" in html
    assert 'data-hotspot="week.330102001" class="table-danger"' in html
    cluster, meeting_url = page.context["recurring"][0]
    assert cluster.batches == 9 and meeting_url.startswith("/meetings/new/?")


def test_the_daily_and_weekly_bulletins_carry_the_surge_lines(scene, settings):
    from xinfang.stats import bulletins
    from xinfang.stats.models import BulletinTemplate

    settings.XF_SURGE_MIN_COUNT, settings.XF_SURGE_RATIO = 3, 2.0
    line = "清波街道“城乡建设/征收拆迁”本周5批，基线0.50批，上期1批，去年同期1批"
    daily = bulletins.daily_context(scene.bureau, Period.day(TODAY), TODAY)
    assert daily["surge_lines"] == [line]
    weekly = bulletins.periodic_context("weekly", scene.bureau, Period.week(TODAY), TODAY)
    assert weekly["surge_lines"] == [line]
    # The stored templates (the data migration added the lines) render them.
    assert "surge_lines" in BulletinTemplate.objects.get(kind="daily").body
    assert "激增预警" in BulletinTemplate.objects.get(kind="weekly").body


def test_a_recurring_problem_becomes_a_campaign_with_its_petitions(client, scene, people):
    from xinfang.campaigns.models import Campaign

    client.force_login(people.bureau_leader)
    page = client.get("/stats/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert "发起专项活动" in page
    query = "?from=2026-03-01&to=2026-03-31"
    form = {
        "category": Category.objects.get(path="城乡建设/征收拆迁").pk,
        "area": "330102002",
        "name": "湖滨街道征收拆迁问题专项治理",
        "assigning_body": "city",
        "deadline": "2026-06-30",
        "criteria": "逐件化解",
    }
    answer = client.post("/stats/hotspots/campaign/" + query, form)
    campaign = Campaign.objects.get()
    assert answer.status_code == 302 and answer.url == f"/campaigns/{campaign.pk}/"
    assert campaign.cases.count() == 9
    assert campaign.batches.get().name == "第一批"


def test_starting_a_campaign_is_refused_to_a_registrar_and_writes_nothing(client, scene, people):
    from xinfang.campaigns.models import Campaign

    client.force_login(people.registrar)
    form = {
        "category": Category.objects.get(path="城乡建设/征收拆迁").pk,
        "area": "330102002",
        "name": "专项",
        "assigning_body": "city",
        "deadline": "2026-06-30",
        "criteria": "逐件化解",
    }
    answer = client.post("/stats/hotspots/campaign/?from=2026-03-01&to=2026-03-31", form)
    assert answer.status_code == 302 and "/stats/" in answer.url
    assert not Campaign.objects.exists()


def test_a_recurring_problem_goes_to_a_joint_meeting_with_its_petitions(client, scene, people):
    from urllib.parse import parse_qs, urlsplit

    from xinfang.meetings.models import AgendaItem, JointMeeting

    client.force_login(people.bureau_leader)
    page = client.get("/stats/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert "提交联席会议研究" in page.content.decode()
    _, url = page.context["recurring"][0]
    form = client.get(url)
    assert form.status_code == 200
    proposed = parse_qs(urlsplit(url).query)
    assert form.context["form"].initial["title"] == "湖滨街道城乡建设/征收拆迁问题专题研究"
    lines = proposed["items"][0].splitlines()
    assert len(lines) == 9 and all(line.startswith("XF-") and "高频问题（湖滨街道" in line for line in lines)
    assert not JointMeeting.objects.exists()  # opening the form records nothing
    answer = client.post(
        "/meetings/new/",
        {
            "level": "county",
            "kind": "ad_hoc",
            "held_on": "2026-03-26",
            "title": proposed["title"][0],
            "attendees": "县信访局、县住建局",
            "items": proposed["items"][0],
        },
    )
    meeting = JointMeeting.objects.get()
    assert answer.status_code == 302
    numbers = {c["number"] for c in hotspots.recurring(Scope(region=scene.county), _ctx())[0].petitions}
    items = AgendaItem.objects.filter(meeting=meeting).select_related("petition")
    assert {i.petition.registration_number for i in items} == numbers


def test_a_registrar_is_offered_no_meeting(client, scene, people):
    client.force_login(people.registrar)
    page = client.get("/stats/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200
    assert "提交联席会议研究" not in page.content.decode()
