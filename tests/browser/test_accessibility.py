"""The intake pages pass axe-core (served locally from node_modules) without serious or critical findings."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = "/static/vendor/axe-core/axe.min.js"


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings, up to five nodes each with axe's own message (the colours and
    ratio of a contrast failure, the missing label), so a failure says what to fix."""
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .flatMap(v => v.nodes.slice(0, 5).map(n =>
                v.id + ': ' + n.target.join(' ') + ' (' + [...n.any, ...n.all].map(c => c.message).join('; ') + ')'))"""
    )


def test_intake_pages_have_no_serious_accessibility_violations(page, shoot, log_in, people):
    petition = f.register(people.registrar, identity_confidential=True)
    page.goto("/login/")
    assert serious_violations(page) == []
    log_in(people.registrar)
    for url in (
        "/petitions/",
        "/petitions/register/visit/",
        "/petitions/register/letter/",
        f"/petitions/{petition.pk}/",
    ):
        page.goto(url)
        assert serious_violations(page) == [], url
    # On a phone the navigation folds into the menu button and the table scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/petitions/")
    assert page.get_by_role("button", name="展开导航菜单").is_visible()
    assert not page.get_by_role("link", name="信访事项", exact=True).is_visible()
    assert serious_violations(page) == []
    shoot("phone-list")
    page.get_by_role("button", name="展开导航菜单").click()
    page.get_by_role("link", name="信访事项", exact=True).wait_for()
    shoot("phone-menu")
    page.set_viewport_size({"width": 1366, "height": 900})
    # A page full of error messages, too.
    page.goto("/petitions/register/letter/")
    page.get_by_role("button", name="提交登记").click()
    page.locator("#form-errors").wait_for()
    assert serious_violations(page) == []
    shoot("errors")
    assert not page.failed_requests, page.failed_requests
