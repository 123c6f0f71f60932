"""A city's counties side by side (stats.jurisdictions): known petitions in two counties of 杭州市, one with a
recorded population; ranks with ties and directions; rows equal to each county's own figures; the
assessment scheme scoring each county as a whole; the reader's accusations left out; a township refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.scenes import when
from tests.viewtests import get
from xinfang.orgs.models import Level, OrgUnit, Role, UnitKind
from xinfang.petitions.models import Channel, Petition, PetitionClass
from xinfang.stats import jurisdictions, report
from xinfang.stats.models import AssessmentScheme, ManualDeduction
from xinfang.stats.rates import Rate
from xinfang.stats.scope import Scope

from .conftest import ctx

MARCH = ("2026-03-01", "2026-03-31")
MARCH_QUERY = {"period": "month", "date": "2026-03-01"}


@pytest.fixture
def gongshu(org):
    """拱墅区's one street office and its handler."""
    region = f.region("330105001", "米市巷街道", Level.TOWNSHIP, org.other_county)
    unit = f.unit("330105001", "米市巷街道办事处", UnitKind.TOWNSHIP, region, org.other_bureau)
    handler = f.UserFactory(username="mishixiang_handler", unit=unit, roles=[Role.HANDLER])
    return unit, handler


@pytest.fixture
def city(scene, org, people, gongshu):
    """March 2026.

    上城区 (population 500,000): accepted on time; accepted late; a visit made at the province (越级, not
    routed); one received by the city bureau and accepted on time by 上城区住建局 (in 上城区 through its
    responsible unit): 4 batches, 1 skip-level, timely acceptance 2/3.
    拱墅区 (no population): two accepted on time by its street office, a visit made in Beijing: 3 batches,
    1 skip-level, timely acceptance 2/2.
    """
    org.county.population = 500_000
    org.county.save()
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25")
    scene.petition("2026-03-09 09:00", channel=Channel.VISIT, visit_level=Level.PROVINCE)
    from_city = f.register(people.city_registrar, received_at=when("2026-03-04 09:00"))
    scene.do(from_city, "transfer", people.city_registrar, "2026-03-05", to_unit=org.housing)
    scene.accept(from_city, "2026-03-06", unit=org.housing)
    unit, handler = gongshu
    issue = f.region("330105001", "米市巷街道", Level.TOWNSHIP)
    for minute in (0, 10):
        p = f.register(
            people.other_county_registrar, received_at=when(f"2026-03-02 11:{minute:02d}"), issue_region=issue
        )
        scene.do(p, "transfer", people.other_county_registrar, "2026-03-03", to_unit=unit)
        scene.do(p, "accept", handler, "2026-03-04")
    f.register(
        people.other_county_registrar,
        received_at=when("2026-03-10 09:00"),
        issue_region=issue,
        channel=Channel.VISIT,
        visit_level=Level.NATIONAL,
    )
    return scene


def table(org, **kwargs):
    return jurisdictions.jurisdiction_table(Scope(region=org.city), ctx(*MARCH), **kwargs)


def rows_by_code(t) -> dict:
    return {row.region.code: row for row in t.rows}


def test_known_counts_rates_per_capita_and_ranks(city, org):
    t = table(org)
    rows = rows_by_code(t)
    assert list(rows) == ["330102", "330105"]
    sc, gs = rows["330102"], rows["330105"]
    assert (sc.counts["total"].batches, sc.counts["skip_level"].batches) == (4, 1)
    assert (sc.counts["skip_level.province"].batches, sc.counts["skip_level.national"].batches) == (1, 0)
    assert (gs.counts["total"].batches, gs.counts["skip_level.national"].batches) == (3, 1)
    assert sc.rates["timely_acceptance"] == Rate(2, 3) and gs.rates["timely_acceptance"] == Rate(2, 2)
    # Per 10,000 residents where the population is recorded; none (unranked) where it is not.
    assert sc.per_capita["total"] == Decimal("0.08") and sc.per_capita["skip_level"] == Decimal("0.02")
    assert gs.per_capita["total"] is None
    assert (sc.ranks["per_capita.total"], gs.ranks["per_capita.total"]) == (1, None)
    assert sc.ranked["per_capita.total"] == 1
    # Rates rank high first, counts low first; equal counts share the rank.
    assert (gs.ranks["timely_acceptance"], sc.ranks["timely_acceptance"]) == (1, 2)
    assert (gs.ranks["total"], sc.ranks["total"]) == (1, 2)
    assert sc.ranks["skip_level"] == gs.ranks["skip_level"] == 1
    # Nothing due for handling in either county: unranked, not first at 0%.
    assert sc.ranks["on_time_conclusion"] is None and gs.ranked["on_time_conclusion"] == 0
    # The table sorted by a chosen figure, the unranked last.
    assert [r.region.code for r in table(org, rank_by="total").sorted_rows()] == ["330105", "330102"]
    assert [r.region.code for r in table(org, rank_by="per_capita.total").sorted_rows()] == [
        "330102",
        "330105",
    ]
    with pytest.raises(ValueError):
        table(org, rank_by="nonsense")


def test_rows_equal_each_countys_own_figures(city, org):
    march = ctx(*MARCH)
    for row in table(org).rows:
        own = report.figures(Scope.for_region(row.region.code), march, heavy=False)
        assert row.counts["total"] == own.volume.total, row.name
        assert row.counts["skip_level"] == own.volume.skip_level
        visits = own.volume.by_channel["visit"]
        assert row.counts["online_letter_phone"].batches == own.volume.total.batches - visits.batches
        for level, count in own.volume.skip_level_visits.items():
            assert row.counts[f"skip_level.{level}"] == count
        assert row.counts["visit"] == own.volume.by_channel["visit"]
        assert row.counts["collective"] == own.volume.by_collective["collective"]
        for key in jurisdictions.RATE_KEYS:
            assert row.rates[key] == own.rates[key], (row.name, key)


def test_one_query_per_family_whatever_the_number_of_counties(city, org):
    march = ctx(*MARCH)

    def queries() -> int:
        scope = Scope(region=org.city)
        with CaptureQueriesContext(connection) as captured:
            t = jurisdictions.jurisdiction_table(scope, march)
        assert t.scheme is not None
        return len(captured)

    # Children, the city's units, petitions, seven deadline and rating rates, then the scheme, its
    # indicators, the units' regions and the manual deductions: as many for two counties as for three.
    queries()  # the deadline rules' cache, read once per process
    two = queries()
    assert two <= 14
    f.region("330106", "西湖区", Level.COUNTY, org.city)
    assert queries() == two


def test_the_scheme_scores_each_county_as_a_whole(city, org, gongshu):
    """The shipped example scheme: 进京 −2 a batch of 10, 赴省 −1 of 8, 到市 of 7, timely acceptance −1 a point
    short of 100 (of 20), on-time conclusion 20 and satisfaction 25 (nothing due: full), manual 10."""
    scheme = AssessmentScheme.objects.get()
    manual = scheme.indicators.get(metric="manual")
    ManualDeduction.objects.create(
        indicator=manual,
        unit=gongshu[0],
        month=dt.date(2026, 3, 1),
        points=3,
        reason="台账不全",
        recorded_at=when("2026-04-02"),
    )
    rows = rows_by_code(table(org, rank_by="score"))
    # 上城区: 10 + (8 − 1) + 7 + max(0, 20 − 33.33) + 20 + 25 + 10.
    assert rows["330102"].score == Decimal("79.00")
    # 拱墅区: (10 − 2) + 8 + 7 + 20 + 20 + 25 + (10 − 3).
    assert rows["330105"].score == Decimal("95.00")
    assert (rows["330105"].ranks["score"], rows["330102"].ranks["score"]) == (1, 2)


def test_accusations_against_the_readers_unit_are_left_out(city, org, people):
    f.register(
        people.registrar,
        received_at=when("2026-03-11 09:00"),
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.city_bureau,
        category=f.category("纪检监察"),
    )
    march = ctx(*MARCH)
    everyone = jurisdictions.jurisdiction_table(Scope(region=org.city), march)
    reader = dataclasses.replace(march, reader_unit_id=org.city_bureau.pk)
    city_bureau = jurisdictions.jurisdiction_table(Scope(region=org.city), reader)
    assert rows_by_code(everyone)["330102"].counts["total"].batches == 5
    assert rows_by_code(city_bureau)["330102"].counts["total"].batches == 4


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def test_dashboard_table_links_and_export(client, city, org, people):
    page = get(client, url("stats:dashboard", region="330100", **MARCH_QUERY), people.city_registrar)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="jurisdictions-table"' in html
    # Each county links to its own dashboard for the same period.
    assert "/stats/?region=330102&amp;period=month&amp;date=2026-03-01" in html
    sorted_page = get(
        client, url("stats:dashboard", region="330100", rank_by="total", **MARCH_QUERY), people.city_registrar
    ).content.decode()
    assert sorted_page.index('data-region="330105"') < sorted_page.index('data-region="330102"')
    xlsx = get(client, url("stats:jurisdictions", region="330100", **MARCH_QUERY), people.city_registrar)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    # Ranked by timely acceptance (the default): 拱墅区 100%, 上城区 66.67%.
    assert [(v[0], v[1]) for v in values] == [(1, "拱墅区"), (2, "上城区")]
    by_name = {v[1]: v for v in values}
    assert by_name["上城区"][2] == 500_000 and by_name["拱墅区"][2] is None
    # A county's own dashboard has no table of lower jurisdictions.
    county = get(client, url("stats:dashboard", region="330102", **MARCH_QUERY), people.city_registrar)
    assert 'id="jurisdictions-table"' not in county.content.decode()


def test_a_township_is_refused_the_city_table(client, city, people):
    for name in ("stats:dashboard", "stats:jurisdictions"):
        assert (
            get(client, url(name, region="330100", **MARCH_QUERY), people.township_handler).status_code == 403
        )
    # The county bureau sees its county, not the city above it.
    assert (
        get(client, url("stats:jurisdictions", region="330100", **MARCH_QUERY), people.registrar).status_code
        == 403
    )


def test_an_unknown_sort_figure_is_a_clear_400(client, city, people):
    response = get(
        client, url("stats:dashboard", region="330100", rank_by="x", **MARCH_QUERY), people.city_registrar
    )
    assert response.status_code == 400


def test_above_a_county_the_unit_table_keeps_to_the_scopes_own_units(client, city, org, people):
    page = get(client, url("stats:dashboard", region="330100", **MARCH_QUERY), people.city_registrar)
    units = {row.unit.code for row in page.context["rows"]}
    assert units and all(
        u.region_id == org.city.pk for u in OrgUnit.objects.filter(code__in=units)
    )  # the city bureau, not the counties' departments and streets
    assert org.city_bureau.code in units and org.housing.code not in units
    assert "本级各单位信访事项办理情况" in page.content.decode()
    county = get(client, url("stats:dashboard", region="330102", **MARCH_QUERY), people.city_registrar)
    assert org.housing.code in {row.unit.code for row in county.context["rows"]}
    assert "本级各单位" not in county.content.decode()


def test_a_province_sized_scope_selects_its_units_by_subquery_with_the_same_figures(city, org, monkeypatch):
    from xinfang.stats import scope as scope_module

    march = ctx(*MARCH)
    listed = report.figures(Scope.for_region("330100"), march, heavy=False)
    monkeypatch.setattr(scope_module, "LISTED_UNITS_MAX", 0)
    by_subquery = Scope.for_region("330100")
    sql = str(Petition.objects.filter(by_subquery.unit_q("responsible_unit")).query)
    assert sql.count("SELECT") == 2 and "IN (SELECT" in sql
    selected = report.figures(by_subquery, march, heavy=False)
    assert selected.volume.total == listed.volume.total and selected.volume.total.batches == 7
    assert selected.rates == listed.rates
