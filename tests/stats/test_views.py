"""The statistics pages: scope refusals, drill-down lists as long as their figures, exports equal to the
screen, bulletins and assessment pages."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.viewtests import assert_login_required, count_queries, get
from xinfang.orgs.models import Role
from xinfang.petitions.models import Channel

MARCH = {"period": "month", "date": "2026-03-01"}


def url(name: str, **params) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode(params)}"


@pytest.fixture
def march(scene, org, people):
    """March 2026 in 上城区: two accepted on time, one late, one pending, a collective visit and an online one."""
    a = scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    b = scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-04", unit=org.hubin_unit)
    late = scene.accepted("2026-03-02 09:50", "2026-03-03", "2026-03-25")
    pending = scene.petition("2026-03-02 10:00")
    scene.transfer(pending, "2026-03-03")
    from tests import factories as f

    scene.petition(
        "2026-03-09 09:00",
        channel=Channel.VISIT,
        visit_level="county",
        person_count=7,
        parties=[f.representative(), f.representative()],
    )
    scene.petition("2026-03-12 09:00", channel=Channel.ONLINE, issue_region=org.hubin)
    return [a, b, late, pending]


def test_access_by_jurisdiction(client, march, org, people):
    county = url("stats:dashboard", region="330102", **MARCH)
    assert_login_required(client, county)
    assert get(client, county, people.bureau_leader).status_code == 200
    # A township sees its own unit, and nothing else.
    own = get(client, url("stats:dashboard", **MARCH), people.township_handler)
    assert own.status_code == 200 and "清波街道办事处" in own.content.decode()
    assert get(client, county, people.township_handler).status_code == 403
    assert (
        get(client, url("stats:dashboard", unit="330102002", **MARCH), people.township_handler).status_code
        == 403
    )
    assert (
        get(
            client, url("stats:petitions", region="330102", metric="repeat", **MARCH), people.township_handler
        ).status_code
        == 403
    )
    # Another county's bureau cannot read this one; the city bureau can.
    assert get(client, county, people.other_county_registrar).status_code == 403
    assert get(client, county, people.city_registrar).status_code == 200
    assert (
        get(client, url("stats:dashboard", region="999999", **MARCH), people.bureau_leader).status_code == 404
    )


def figures_on(html: str) -> dict[str, tuple[int, int, str]]:
    """{rate key: (numerator, denominator, percent text)} from the dashboard's rates table."""
    rows = re.findall(
        r'<tr data-key="([\w.]+)">.*?class="xf-num"[^>]*>(\d+)</a>.*?class="xf-den"[^>]*>(\d+)</a>.*?class="xf-pct">([^<]*)</td>',
        html,
        re.S,
    )
    return {key: (int(n), int(d), pct.strip()) for key, n, d, pct in rows}


def links_on(html: str, cls: str) -> dict[str, str]:
    rows = re.findall(r'<tr data-key="([\w.]+)">.*?class="' + cls + r'" href="([^"]+)"', html, re.S)
    return {key: href.replace("&amp;", "&") for key, href in rows}


def drill_total(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return int(re.search(r'data-total="(\d+)"', response.content.decode()).group(1))


def test_every_figure_drills_down_to_as_many_petitions(client, march, people):
    client.force_login(people.bureau_leader)
    html = client.get(url("stats:dashboard", region="330102", **MARCH)).content.decode()
    figures = figures_on(html)
    assert figures["timely_acceptance"] == (2, 4, "50.00%")
    assert figures["online_share"] == (1, 6, "16.67%")
    for cls, index in (("xf-num", 0), ("xf-den", 1)):
        links = links_on(html, cls)
        assert set(links) == set(figures) and len(links) == 10
        for key, link in links.items():
            assert drill_total(client, link) == figures[key][index], (key, cls)
    # The volume cards and the unit table link to lists as long as their numbers.
    cards = re.findall(r'<a href="([^"]+)" class="text-decoration-none xf-figure" data-figure="(\d+)">', html)
    assert len(cards) == 5
    for link, figure in cards:
        assert drill_total(client, link.replace("&amp;", "&")) == int(figure)
    unit_cells = re.findall(r'<tr data-unit="(\d+)">.*?<td><a href="([^"]+)">(\d+)</a>', html, re.S)
    assert {code for code, _, _ in unit_cells} == {"330102001", "330102002"}
    for _, link, figure in unit_cells:
        assert drill_total(client, link.replace("&amp;", "&")) == int(figure)


def test_drill_down_page_lists_the_petitions(client, march, people):
    client.force_login(people.bureau_leader)
    link = url("stats:petitions", region="330102", metric="timely_acceptance", part="numerator", **MARCH)
    html = client.get(link).content.decode()
    assert march[0].registration_number in html and march[1].registration_number in html
    assert march[2].registration_number not in html
    book = load_workbook(io.BytesIO(client.get(link + "&format=xlsx").content))
    numbers = {row[0] for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert numbers == {march[0].registration_number, march[1].registration_number}
    assert client.get(url("stats:petitions", region="330102", metric="nope", **MARCH)).status_code == 404


def test_drill_down_pages_read_the_same_rows_from_ids_or_from_the_database(
    client, march, people, monkeypatch
):
    """Up to `DRILL_IDS_MAX` petitions the list is counted and paged from their ids; beyond it, by a count
    and a page as before: the same rows, pages and total either way."""
    from xinfang.stats import views

    client.force_login(people.bureau_leader)
    link = url("stats:petitions", region="330102", volume="total", **MARCH)
    monkeypatch.setattr(views, "DRILL_PAGE_SIZE", 2)

    def pages():
        shown, total, number = [], None, 1
        while True:
            html = client.get(f"{link}&page={number}").content.decode()
            total = int(re.search(r'data-total="(\d+)"', html).group(1))
            shown.append(re.findall(r"XF-[\w-]+", html.split('id="drill-table"', 1)[1]))
            if 'rel="next"' not in html:
                return shown, total
            number += 1

    by_ids = pages()
    monkeypatch.setattr(views, "DRILL_IDS_MAX", 1)
    assert pages() == by_ids and by_ids[1] == 6 and len(by_ids[0]) == 3
    assert all(len(page) == 2 for page in by_ids[0])


def test_xlsx_has_the_same_figures_as_the_screen(client, march, people):
    client.force_login(people.bureau_leader)
    page = url("stats:dashboard", region="330102", **MARCH)
    screen = figures_on(client.get(page).content.decode())
    response = client.get(page + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    from xinfang.stats.exports import RATE_LABELS

    sheet = {row[0]: row[1:] for row in book["三率"].iter_rows(min_row=3, values_only=True)}
    for key, (n, d, pct) in screen.items():
        n_x, d_x, pct_x = sheet[RATE_LABELS[key]]
        assert (n_x, d_x) == (n, d), key
        assert (f"{pct_x:.2f}%" if pct_x is not None else "—") == pct, key
    units = load_workbook(io.BytesIO(client.get(url("stats:units", region="330102", **MARCH)).content))[
        "各单位"
    ]
    header = [c.value for c in units[2]]
    qingbo = next(r for r in units.iter_rows(min_row=3, values_only=True) if r[0] == "330102001")
    assert qingbo[header.index("及时受理率分子")] == 1 and qingbo[header.index("及时受理率分母")] == 3


def test_dashboard_query_count_is_bounded(client, march, people):
    response, queries = count_queries(
        client, url("stats:dashboard", region="330102", **MARCH), people.bureau_leader
    )
    assert response.status_code == 200
    # The leaders' and mechanisms' panels (stats.panels), the matters sent down from above (stats.referred)
    # and seed 003's rates by channel (stats.case_handling) add a fixed number of grouped queries; the yearly
    # targets and creation indicators (stats.target_panels) one query each when the scope has none; the
    # hotspots panel (stats.hotspots) ten: a grouped count per kind, the ranking and the petitions behind it,
    # the names of their categories and townships, and whether the reader may start a campaign.
    assert queries <= 100, queries
    html = response.content.decode()
    assert 'id="stats-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "全区责任单位及时受理率为50%（共受理4案，及时受理2案）" in html


def test_map_outline_is_used_when_shipped_and_missing_otherwise(client, march, people):
    client.force_login(people.bureau_leader)
    html = client.get(url("stats:dashboard", region="330102", **MARCH)).content.decode()
    assert 'id="map-missing"' in html  # 上城区 has no outline file in the project
    from xinfang.orgs.models import Region
    from xinfang.stats.presenters import geo_url

    assert geo_url(Region(code="411331")).endswith("stats/geo/411331.geojson")
    assert geo_url(Region(code="330102")) is None


def test_bulletin_pages(client, march, org, people):
    assert get(client, reverse("stats:bulletins"), people.township_handler).status_code == 403
    client.force_login(people.bureau_leader)
    response = client.post(reverse("stats:bulletins"), {"kind": "daily", "date": "2026-03-09"})
    assert response.status_code == 302
    page = client.get(reverse("stats:bulletins")).content.decode()
    assert "信访情况日通报" in page and "2026-03-09" in page
    from xinfang.stats.models import Bulletin

    bulletin = Bulletin.objects.get()
    download = client.get(reverse("stats:bulletin_file", args=[bulletin.pk, "docx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert (
        get(
            client, reverse("stats:bulletin_file", args=[bulletin.pk, "pdf"]), people.other_county_registrar
        ).status_code
        == 404
    )
    client.force_login(people.auditor)  # an auditor reads but does not issue
    assert client.post(reverse("stats:bulletins"), {"kind": "daily"}).status_code == 403


def test_assessment_page(client, march, org, people):
    people.bureau_leader.roles = [Role.BUREAU_LEADER]
    client.force_login(people.bureau_leader)
    page = client.get(reverse("stats:assessment") + "?month=2026-03").content.decode()
    assert "县级信访工作月度考评方案（示例）" in page
    assert 'data-unit="330102001"' in page and 'data-unit="330102002"' in page
    assert client.post(reverse("stats:assessment"), {"month": "2026-03"}).status_code == 302
    book = load_workbook(
        io.BytesIO(client.get(reverse("stats:assessment") + "?month=2026-03&format=xlsx").content)
    )
    assert {r[2] for r in book.active.iter_rows(min_row=3, values_only=True)} >= {
        "清波街道办事处",
        "湖滨街道办事处",
    }
    # A township sees only its own score, and may not recompute.
    client.force_login(people.township_handler)
    own = client.get(reverse("stats:assessment") + "?month=2026-03").content.decode()
    assert 'data-unit="330102001"' in own and 'data-unit="330102002"' not in own
    assert client.post(reverse("stats:assessment"), {"month": "2026-03"}).status_code == 403


def test_assessment_page_get_writes_no_run(client, march, people):
    from xinfang.stats.models import AssessmentRun, AssessmentScore

    client.force_login(people.bureau_leader)
    before = (AssessmentRun.objects.count(), AssessmentScore.objects.count())
    page = client.get(reverse("stats:assessment") + "?month=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-unit="330102001"' in html and "尚未保存" in html  # a computed, unsaved preview
    export = client.get(reverse("stats:assessment") + "?month=2026-03&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (AssessmentRun.objects.count(), AssessmentScore.objects.count()) == before


def test_assessment_post_stores_a_run_for_an_allowed_role_only(client, march, people):
    from django.test import Client

    from xinfang.stats.models import AssessmentRun

    assessment = reverse("stats:assessment")
    for user in (people.registrar, people.auditor, people.township_handler):
        client.force_login(user)
        assert client.post(assessment, {"month": "2026-03"}).status_code == 403
    assert AssessmentRun.objects.count() == 0
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(people.bureau_leader)
    assert guarded.post(assessment, {"month": "2026-03"}).status_code == 403  # no CSRF token
    assert AssessmentRun.objects.count() == 0
    client.force_login(people.bureau_leader)
    assert client.post(assessment, {"month": "2026-03"}).status_code == 302
    assert AssessmentRun.objects.filter(month="2026-03-01").count() == 1
    html = client.get(assessment + "?month=2026-03").content.decode()
    assert "尚未保存" not in html and "计算于" in html


def test_cli_refuses_unknown_scope_and_bad_dates(org):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("stats", "--region", "999999", "--from", "2026-03-01", "--to", "2026-03-31", "--json")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("stats", "--region", "330102", "--from", "2026-3-1", "--to", "2026-03-31", "--json")


def _units_table(html: str) -> str:
    return html[html.index('id="units-table"') : html.index("</table>", html.index('id="units-table"'))]


def test_the_unit_table_ranks_within_groups_it_names(client, scene, march, org, people):
    """清波 1/3 and 湖滨 1/1 accepted in time: ranked among townships; the bureau alone in its group is not
    ranked; 住建局, given a case on 03-31 that nothing in March measures, is listed apart."""
    scene.transfer(scene.petition("2026-03-31 09:00"), "2026-03-31", unit=org.housing)
    client.force_login(people.bureau_leader)
    table = _units_table(client.get(url("stats:dashboard", region="330102", **MARCH)).content.decode())
    groups = re.findall(r'scope="rowgroup"[^>]*>([^<]+)<', table)
    assert groups == ["乡镇（街道）", "信访部门", "本期无可排名事项的单位（不参与排名）"]
    rows = {
        code: re.sub(r"<[^>]+>|\s+", " ", cells)
        for code, cells in re.findall(r'data-unit="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)
    }
    assert "100.00% (1/1) 第1名（共2个）" in " ".join(rows["330102002"].split())
    assert "33.33% (1/3) 第2名（共2个）" in " ".join(rows["330102001"].split())
    assert "同类仅此一个，不排名" in rows["330102-XFJ"] and "第1名" not in rows["330102-XFJ"]
    assert "名" not in rows["330102-ZJJ"]
    assert table.index('data-unit="330102-ZJJ"') > table.index("本期无可排名事项的单位")


def test_a_month_in_progress_says_so_and_compares_the_same_days(client, org, people, frozen_clock):
    """3 December: three days of December against 1-3 December 2025 and 1-3 November, not whole months."""
    from tests import factories as f
    from tests.scenes import when

    for at in (
        "2025-12-02 09:00",
        "2025-12-20 09:00",
        "2026-11-02 09:00",
        "2026-11-20 09:00",
        "2026-12-02 09:00",
    ):
        frozen_clock(when(at))
        f.register(people.registrar, received_at=when(at))
    frozen_clock(when("2026-12-03 10:00"))
    client.force_login(people.bureau_leader)
    html = client.get(
        url("stats:dashboard", region="330102", period="month", date="2026-12-01")
    ).content.decode()
    assert "本期尚未结束，数据截至12月3日；同比、环比均与同期的相同天数相比" in html
    assert "2025年12月1日至12月3日" in html and "2026年11月1日至11月3日" in html
    total = re.search(r"信访总量.*?截至12月3日 同比 ([^<]+) · 环比 ([^<]+)</div>", html, re.S)
    # 1 in 1-3 December against 1 in 1-3 December 2025 and 1 in 1-3 November, not 2 in each whole month
    assert total and (total.group(1).strip(), total.group(2).strip()) == ("0.00%", "0.00%")
    assert "同比（截至12月3日，与上年同期相同天数相比）批次、人次分别持平、持平" in html
