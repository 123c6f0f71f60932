"""The city dashboard's 下级辖区 table in Debian's chromium: two counties ranked, re-sorted by the selector,
and a county's name opening its own dashboard, with no console errors. Browser fixtures of tests/browser/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_fixtures

from . import test_jurisdictions as known

browser = browser_fixtures.browser
page = browser_fixtures.page
log_in = browser_fixtures.log_in
shoot = browser_fixtures.shoot
_plain_static_files = browser_fixtures._plain_static_files
pytest_runtest_makereport = browser_fixtures.pytest_runtest_makereport
city, gongshu = known.city, known.gongshu  # the two counties' known petitions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARCH = "period=month&date=2026-03-01"


def test_city_dashboard_ranks_its_counties_and_drills_down(page, log_in, shoot, city, people):
    errors: list[str] = []

    def console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} {msg.location}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(people.city_registrar)
    page.goto(f"/stats/?region=330100&{MARCH}")
    page.wait_for_selector("body[data-charts-ready='1']")
    rows = page.locator("#jurisdictions-table tbody tr")
    expect(rows).to_have_count(2)
    # By timely acceptance (the default): 拱墅区 100% first, 上城区 66.67% second.
    expect(rows.nth(0)).to_have_attribute("data-region", "330105")
    expect(rows.nth(1).locator(".xf-rank")).to_contain_text("第2名")
    expect(rows.nth(1).locator(".xf-value")).to_have_text("66.67%")
    shoot("counties")

    # Re-ranked by per-capita volume: only 上城区 has a population, so it is first and 拱墅区 unranked.
    page.locator("#id_rank_by").select_option("per_capita.total")
    page.wait_for_selector("#jurisdictions-table[data-rank-by='per_capita.total']")
    expect(rows.nth(0)).to_have_attribute("data-region", "330102")
    expect(rows.nth(0).locator(".xf-value")).to_have_text("0.08")
    expect(rows.nth(1).locator(".xf-rank")).to_have_text("—")

    # A county's name opens its own dashboard for the same month.
    rows.nth(0).locator("th a").click()
    page.wait_for_selector("body[data-charts-ready='1']")
    expect(page.locator("h1")).to_contain_text("上城区 · 2026年3月")
    expect(page.locator("#jurisdictions-table")).to_have_count(0)
    assert errors == [], errors
    failed = [r for r in page.failed_requests if not r.endswith("/favicon.ico")]
    assert failed == [], failed
