"""Browser journeys on the portal, on the shared `browser` of tests/browser/conftest.py (one Playwright per
test session: its sync API cannot be started twice in one thread) against the live server.

Every step is photographed at phone widths (360 and 390 px) and desktop width into test-artifacts/portal/, and each
phone-width shot also checks that the page does not scroll sideways. Run alone with `pytest -m browser`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told
# (tests/browser/conftest.py sets it too; this package must not depend on import order).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

# The portal's scenes (its bureau and villages, the staff side, the clock), shared with the view tests.
from tests.portal.conftest import _fresh_state, now, portal, staff  # noqa: E402, F401

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "portal"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
PHONE_390 = {
    "width": 390,
    "height": 844,
}  # a common phone today (issue 13): every step is kept at this width too
AXE = "/static/vendor/axe-core/axe.min.js"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"portal_report_{report.when}", report)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class Camera:
    """`snap("step")` saves the page at desktop and at both phone widths, and fails if a phone view scrolls
    sideways (the portal must be usable at 360 px)."""

    def __init__(self, test_name: str):
        self.prefix = _slug(test_name)
        self.counter = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def snap(self, page, step: str) -> None:
        self.counter += 1
        stem = ARTIFACTS / f"{self.prefix}-{self.counter:02d}-{_slug(step)}"
        size = page.viewport_size
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=f"{stem}-desktop.png", full_page=True)
        overflows = {}
        for phone in (PHONE, PHONE_390):
            page.set_viewport_size(phone)
            overflows[phone["width"]] = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            page.screenshot(path=f"{stem}-{phone['width']}.png", full_page=True)
        page.set_viewport_size(size)
        for width, overflow in overflows.items():
            assert overflow <= 0, f"{step}: the page is {overflow}px wider than a {width}px phone"


@pytest.fixture
def camera(request):
    return Camera(request.node.name)


@pytest.fixture
def new_page(browser, live_server, request):
    """`new_page()` opens a fresh browser (own cookies: another person, or the same one on another day)."""
    contexts, pages = [], []

    def open_page(viewport=PHONE):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport,
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.server_errors = []
        page.on("response", lambda r: r.status >= 500 and page.server_errors.append(f"{r.status} {r.url}"))
        contexts.append(context)
        pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, "portal_report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for index, page in enumerate(pages):
            page.screenshot(
                path=str(ARTIFACTS / f"{_slug(request.node.name)}-FAILED-{index}.png"), full_page=True
            )
    for context in contexts:
        context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the current page (served from our own static files)."""
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))"""
    )
