"""A city bureau's unit filters in chromium: typed into the search box, the units come from the JSON endpoint
(orgs.picker) into the select, and choosing one filters the petition list and the supervision board."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.portal.test_phone import watch
from tests.browser.test_accessibility import serious_violations
from tests.conftest import silence
from tests.scenes import Scene
from xinfang.orgs.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _choose(page, label: str, text: str, unit_name: str) -> None:
    """Type `text` into the search box of the filter `label`, then pick `unit_name` in its select."""
    box = page.get_by_label(f"查找{label}")
    expect(box).to_be_visible()
    box.fill(text)
    select = page.get_by_label(label, exact=True)
    expect(select.locator("option", has_text=unit_name)).to_have_count(1)
    select.select_option(label=unit_name)


def test_the_city_registrar_finds_a_township_by_name_and_filters_the_list(page, shoot, log_in, org, people):
    errors = watch(page)
    qingbo = f.register(f.UserFactory(username="qb_reg", unit=org.qingbo_unit, roles=[Role.REGISTRAR]))
    hubin = f.register(
        f.UserFactory(username="hb_reg", unit=org.hubin_unit, roles=[Role.REGISTRAR]), issue_region=org.hubin
    )
    log_in(people.city_registrar)
    page.goto("/petitions/")
    table = page.locator("#petition-table")
    expect(table).to_contain_text(qingbo.registration_number)
    select = page.get_by_label("登记单位", exact=True)
    expect(select.locator("option", has_text="湖滨街道办事处")).to_have_count(0)  # searched, not listed
    _choose(page, "登记单位", "湖滨", "湖滨街道办事处")
    expect(table).not_to_contain_text(qingbo.registration_number)
    expect(table).to_contain_text(hubin.registration_number)
    assert f"receiving_unit={org.hubin_unit.pk}" in page.url
    # Nothing matching says so; the chosen unit stays chosen.
    page.get_by_label("查找登记单位").fill("不存在的单位")
    expect(select.locator("option", has_text="没有匹配的单位")).to_have_count(1)
    expect(select).to_have_value(str(org.hubin_unit.pk))
    shoot("list filtered by a searched unit")
    assert serious_violations(page) == []
    assert errors == [] and page.failed_requests == []


def test_the_city_supervisor_filters_the_board_by_a_searched_unit(
    page, shoot, log_in, org, people, monkeypatch
):
    errors = watch(page)
    silence(monkeypatch)
    scene = Scene(org, people, today=dt.date(2026, 4, 20))
    at_qingbo = scene.transferred(summary="清波的事项")
    at_hubin = scene.transferred(unit=org.hubin_unit, summary="湖滨的事项")
    supervisor = f.UserFactory(username="city_sup", unit=org.city_bureau, roles=[Role.SUPERVISOR])
    log_in(supervisor)
    page.goto("/supervision/")
    results = page.locator("#board-results")
    expect(results).to_contain_text(at_qingbo.registration_number)
    _choose(page, "责任单位", "湖滨", "湖滨街道办事处")
    expect(results).not_to_contain_text(at_qingbo.registration_number)
    expect(results).to_contain_text(at_hubin.registration_number)
    shoot("board filtered by a searched unit")
    assert serious_violations(page) == []
    assert errors == [] and page.failed_requests == []
