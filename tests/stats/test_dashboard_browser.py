"""The dashboard in Debian's chromium: charts and the demo county's map drawn with no console errors, and a
figure drilled down to a list of as many petitions. Uses the browser fixtures of tests/browser/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_fixtures
from xinfang import clock
from xinfang.workflow import hooks

from . import seed_county
from .seed_county import at

# The browser fixtures live in tests/browser/conftest.py; borrowed here so this test stays with its app.
browser = browser_fixtures.browser
page = browser_fixtures.page
log_in = browser_fixtures.log_in
shoot = browser_fixtures.shoot
_plain_static_files = browser_fixtures._plain_static_files
pytest_runtest_makereport = browser_fixtures.pytest_runtest_makereport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARCH = "period=month&date=2026-03-01"


@pytest.fixture
def county(silence_notices, monkeypatch):
    monkeypatch.setattr(hooks, "after_transition", [])
    clock.set_source(lambda: dt.datetime(2026, 4, 15, 10, 0, tzinfo=clock.SHANGHAI))
    seed = seed_county.setup_county()
    t = seed.townships
    for i in range(4):
        seed.replied(at("2026-03-02", i), "2026-03-03", "2026-03-05", "2026-03-20", t[i])
    seed.accepted(at("2026-03-02", 10), "2026-03-03", "2026-03-25", t[4])  # late
    seed.route(at("2026-03-02", 11), "2026-03-03", t[5])  # still pending, overdue
    seed.register(at("2026-03-09", 0), t[0])  # registered, not yet routed
    seed.registrar.roles = ["registrar", "handler", "bureau_leader"]
    seed.registrar.save()
    yield seed
    clock.reset()


def test_dashboard_renders_charts_and_map_and_drills_down(page, log_in, shoot, county):
    errors: list[str] = []

    def console(msg):
        # The browser asks for /favicon.ico on its own; the project ships none (not this page's doing).
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} {msg.location}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(county.registrar)
    page.goto(f"/stats/?region=411331&{MARCH}")
    page.wait_for_selector("body[data-charts-ready='1']")
    for chart in ("chart-trend", "chart-channels", "chart-categories", "chart-units", "chart-map"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    expect(page.locator("#map-missing")).to_have_count(0)
    expect(page.locator("#rates-table tr[data-key='timely_acceptance'] .xf-pct")).to_have_text("66.67%")
    shoot("dashboard")
    assert errors == [], errors
    failed = [r for r in page.failed_requests if not r.endswith("/favicon.ico")]
    assert failed == [], failed

    # Drill down from the denominator of the timely-acceptance rate: six petitions were due.
    denominator = page.locator("#rates-table tr[data-key='timely_acceptance'] .xf-den")
    expect(denominator).to_have_text("6")
    denominator.click()
    expect(page.locator("#drill-total")).to_have_text("6")
    expect(page.locator("#drill-table tbody tr")).to_have_count(6)
    shoot("drill-down")

    # The unit chart switches indicator without errors; the map's outline came from the app, not a CDN.
    page.go_back()
    page.wait_for_selector("body[data-charts-ready='1']")
    page.locator("#unit-rate-select").select_option("on_time_conclusion")
    assert errors == [], errors
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert all(src.startswith(page.url.split("/stats/")[0]) for src in scripts), scripts


def test_township_user_sees_only_its_own_unit(page, log_in, county):
    handler = county.handlers[county.townships[0].pk]
    log_in(handler)
    response = page.goto(f"/stats/?region=411331&{MARCH}")
    assert response.status == 403
    response = page.goto(f"/stats/?{MARCH}")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("城关街道办事处")
    expect(page.locator("#units-table")).to_have_count(0)


def test_filter_bar_narrows_the_figures_and_resets(page, log_in, county):
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"{msg.text} {msg.location}"))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(county.registrar)
    page.goto(f"/stats/?region=411331&{MARCH}")
    page.wait_for_selector("body[data-charts-ready='1']")
    late = county.townships[4].region  # its one petition was accepted late
    page.locator("#id_slice_issue_region").select_option(late.prefix)
    page.locator("#id_slice_channel").select_option("wxd")
    page.get_by_role("button", name="统计").click()
    page.wait_for_selector("body[data-charts-ready='1']")
    expect(page.locator("#slice-chips")).to_contain_text(f"问题属地：{late.name}")
    expect(page.locator("#slice-chips")).to_contain_text("信访形式：网信电访")
    rate = page.locator("#rates-table tr[data-key='timely_acceptance']")
    expect(rate.locator(".xf-pct")).to_have_text("0.00%")
    rate.locator(".xf-den").click()
    expect(page.locator("#drill-total")).to_have_text("1")
    page.go_back()
    page.wait_for_selector("body[data-charts-ready='1']")
    page.locator("#slice-reset").click()
    page.wait_for_selector("body[data-charts-ready='1']")
    expect(page.locator("#slice-chips")).to_have_count(0)
    expect(page.locator("#rates-table tr[data-key='timely_acceptance'] .xf-pct")).to_have_text("66.67%")
    assert [e for e in errors if "favicon.ico" not in e] == [], errors
