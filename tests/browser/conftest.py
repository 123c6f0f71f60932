"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's live server.

Run them alone with `pytest -m browser`, or leave them out with `-m "not browser"`. Screenshots of every
step, and of the page at a failure, go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told.
# This must be set before any test touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.db import connections  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# Where a login lands: a working role on its to-do list, the administrators on the petition list.
LANDINGS = ("/workflow/todo/", "/petitions/")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--lang=zh-CN",  # date inputs as 年/月/日, as a bureau's browser shows them
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "xinfang-test-pw"  # tests.factories.UserFactory


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The live server serves static files from the finders; hashed names would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class _SharedBrowser:
    """One chromium per test process, however many modules borrow the `browser` fixture.

    Playwright's sync API refuses to start twice in one process, and a fixture function re-exported by
    another test module (tests/stats does) is a second session fixture: both get this one instance.
    """

    playwright = None
    browser = None
    users = 0

    @classmethod
    def acquire(cls):
        if cls.browser is None:
            assert Path(CHROMIUM).exists(), f"browser tests need Debian's chromium at {CHROMIUM}"
            snapshots = {alias: _snapshot(alias) for alias in connections}
            cls.playwright = sync_playwright().start()
            # From here on Django sees new connection objects (its connection handler is context-local and
            # Playwright's sync API switches greenlets): hand them the migrated-data snapshot, so that
            # serialized_rollback restores the seed data (categories, deadline policies) before each test.
            for alias, snapshot in snapshots.items():
                if snapshot is not None and _snapshot(alias) is None:
                    connections[alias]._test_serialized_contents = snapshot
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cls.users += 1
        return cls.browser

    @classmethod
    def release(cls):
        cls.users -= 1
        if cls.users == 0 and cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None


def _snapshot(alias: str):
    return getattr(connections[alias], "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def browser():
    yield _SharedBrowser.acquire()
    _SharedBrowser.release()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page on the live server; records failed requests and shoots the page on failure; fails
    the test on any Content-Security-Policy violation."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    failure_shot = ARTIFACTS / f"{_slug(request.node.name)}-FAILED.png"
    failure_shot.unlink(missing_ok=True)  # a screenshot from an earlier failed run would mislead
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.failed_requests = []
    page.on("response", lambda r: r.status >= 400 and page.failed_requests.append(f"{r.status} {r.url}"))
    # Aborted requests are normal (htmx replaces a lookup still in flight; a submit leaves the page).
    page.on(
        "requestfailed",
        lambda r: r.failure != "net::ERR_ABORTED" and page.failed_requests.append(f"{r.failure} {r.url}"),
    )
    # Every page of every journey runs under the site's Content-Security-Policy (xinfang/security.py).
    page.csp_violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_violations.append(f"{page.url}: {m.text}"),
    )
    yield page
    assert page.csp_violations == [], page.csp_violations
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(failure_shot), full_page=True)
    context.close()


@pytest.fixture
def shoot(page, request):
    """`shoot("step")` saves a full-page screenshot named after the test and the step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{_slug(request.node.name)}-{next(counter):02d}-{_slug(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page):
    def do(user):
        page.goto("/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: url.endswith(LANDINGS))  # to-do list, or petitions for admins

    return do
