"""The target chart on the dashboard in Debian's chromium: drawn with no console errors, switched between two
targets, and a target card drilled down to the petitions counted. Uses the browser fixtures of tests/browser/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser_fixtures
from xinfang.petitions.models import Channel
from xinfang.stats import target_services

browser = browser_fixtures.browser
page = browser_fixtures.page
log_in = browser_fixtures.log_in
shoot = browser_fixtures.shoot
_plain_static_files = browser_fixtures._plain_static_files
pytest_runtest_makereport = browser_fixtures.pytest_runtest_makereport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def county_targets(scene, org):
    for received, persons in (("2026-01-10 09:00", 1), ("2026-02-10 09:00", 3), ("2026-05-06 09:00", 4)):
        scene.petition(received, channel=Channel.VISIT, visit_level="national", person_count=persons)
    scene.petition("2026-03-02 09:00", channel=Channel.ONLINE)
    for figure, kind, value in (("visits.national.persons", "ceiling", 12), ("online_share", "floor", 50)):
        target_services.set_target(None, year=2026, figure=figure, kind=kind, value=value, region=org.county)


def test_target_chart_draws_switches_and_drills_down(page, log_in, shoot, county_targets, people):
    errors: list[str] = []

    def console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} {msg.location}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(people.bureau_leader)
    page.goto("/stats/?region=330102&period=month&date=2026-06-01")
    page.wait_for_selector("body[data-charts-ready='1']")
    expect(page.locator("#chart-targets canvas")).to_have_count(1)
    cards = page.locator("#target-cards li")
    expect(cards).to_have_count(2)
    # The registry's order: rates first. 1 online of 4 so far; 8 persons to Beijing by June, 6 allowed.
    expect(cards.first).to_have_attribute("data-status", "missed")
    visits = cards.filter(has_text="进京访")
    expect(visits).to_have_attribute("data-status", "at_risk")
    expect(visits).to_contain_text("目标：进京访≤12人次，已8人次，按月分解应≤6，超出")
    shoot("targets")
    page.locator("#target-select").select_option("1")
    page.locator("#target-select").select_option("0")
    assert errors == [], errors
    failed = [r for r in page.failed_requests if not r.endswith("/favicon.ico")]
    assert failed == [], failed

    visits.locator("a").click()
    expect(page.locator("#drill-total")).to_have_text("3")
    expect(page.locator("#drill-table tbody tr")).to_have_count(3)
