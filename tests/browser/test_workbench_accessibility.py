"""axe-core on every workbench page (admin excluded): the to-do list, the petition list, registration for every
channel, the detail page at each stage with every action form its 办理 panel offers, messages, the manual,
supervision, statistics and its drill-down, the leaders' pages and the mechanisms' pages. No serious or
critical violation and no console error on any of them (issue 13, item 7). Each test walks its pages to the end
and then lists every page that failed, so one run names every page to fix.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.portal.test_phone import watch
from tests.browser.test_accessibility import serious_violations
from tests.conftest import silence
from tests.scenes import Scene, day, make_leaders
from xinfang.assistance import services as assistance
from xinfang.campaigns import services as campaigns
from xinfang.disputes import services as disputes
from xinfang.leaders.models import ReceptionKind, Recurrence
from xinfang.leaders.services import instructions, ownership, reception
from xinfang.leaders.services.ownership import Step
from xinfang.meetings import services as meetings
from xinfang.orgs.models import Level, Role
from xinfang.stats import bulletins, delivery
from xinfang.stats.models import BulletinKind
from xinfang.supervision import services as supervision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = dt.date(2026, 4, 20)


class Audit:
    """Runs axe on each page it is shown and keeps what it finds, with the page's console errors."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[str]] = {}
        self.errors = watch(page)

    def check(self, name: str) -> None:
        # A hovered or just-clicked button fades between its colours; axe must see the colours that stay.
        self.page.mouse.move(0, 0)
        expect(self.page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)
        violations = serious_violations(self.page)
        if violations:
            self.found[name] = violations

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.check(url)

    def refused_as(self, path: str, status: int = 400) -> None:
        """``path`` was asked for wrongly on purpose (a form with errors, a missing page): that answer is right."""
        self.errors[:] = [e for e in self.errors if not (path in e and f"status of {status}" in e)]
        self.page.failed_requests[:] = [
            r for r in self.page.failed_requests if not (r.startswith(f"{status} ") and path in r)
        ]

    def action_forms(self, petition) -> list[str]:
        """Open every action of the detail page's 办理 panel in turn (htmx loads each form) and check it."""
        url = f"/petitions/{petition.pk}/"
        self.visit(url)
        links = self.page.locator("#workflow-actions a")
        labels = [links.nth(i).inner_text().strip() for i in range(links.count())]
        for label in labels:
            self.page.locator("#workflow-actions").get_by_role("link", name=label, exact=True).click()
            expect(self.page.locator("#action-panel form")).to_be_visible()
            self.check(f"{url} {label}")
        return labels

    def assert_clean(self) -> None:
        assert self.found == {}, "\n".join(f"{page}: {found}" for page, found in self.found.items())
        assert self.errors == [], self.errors
        assert not self.page.failed_requests, self.page.failed_requests


@pytest.fixture
def audit(page):
    page.emulate_media(reduced_motion="reduce")  # Bootstrap then draws no colour transitions
    return Audit(page)


@pytest.fixture
def county(org, people, monkeypatch):
    """The county bureau on 2026-04-20 with a petition at each stage, a supervision and the county leaders."""
    silence(monkeypatch)
    scene = Scene(org, people, today=TODAY)
    supervisor = f.UserFactory(username="supervisor", unit=org.bureau, roles=[Role.SUPERVISOR])
    fresh = scene.petition("2026-04-20 09:30", summary="清波街道某小区加装电梯纠纷")
    to_accept = scene.transferred(received="2026-04-16 09:30", on="2026-04-17", summary="南山路商铺噪声扰民")
    handling = scene.accepted("2026-04-01 10:00", "2026-04-02", "2026-04-03", summary="雨污管网改造进度")
    replied = scene.replied("2026-03-20 10:00", "2026-03-21", "2026-03-23", "2026-04-15", summary="路灯维修")
    overdue = scene.transferred(received="2026-03-02 09:30", on="2026-03-03", summary="停车位划分争议")
    concluded = scene.concluded(summary="河坊街占道经营投诉", received_on="2026-04-13")
    under_review = scene.concluded(summary="物业费收取标准异议")
    scene.do(under_review, "request_review", people.reviewer, "2026-04-10", text="信访人请求复查。")
    opened = supervision.open_supervision(
        supervisor,
        reason_kind="deadline_missed",
        text="该事项已超过受理期限，请于期限内受理并书面回复。",
        response_due=dt.date(2026, 4, 27),
        petition=overdue,
    )
    return SimpleNamespace(
        scene=scene,
        supervisor=supervisor,
        leaders=make_leaders(org),
        fresh=fresh,
        to_accept=to_accept,
        handling=handling,
        replied=replied,
        overdue=overdue,
        concluded=concluded,
        under_review=under_review,
        supervision=opened,
    )


def test_intake_and_handling_pages_pass_axe(page, log_in, audit, people, county):
    log_in(people.registrar)
    audit.check("/workflow/todo/")
    audit.visit("/workflow/todo/?stage=route&sort=received")
    audit.visit("/petitions/")
    audit.visit(f"/petitions/?q={county.fresh.registration_number}")
    # Every channel's registration form, as the 登记 menu lists them.
    page.get_by_role("button", name="登记", exact=True).click()
    register_links = page.locator("a.dropdown-item[href^='/petitions/register/']")
    urls = [register_links.nth(i).get_attribute("href") for i in range(register_links.count())]
    assert len(urls) >= 9, urls
    for url in urls:
        audit.visit(url)
    page.get_by_role("button", name="提交登记").click()
    page.locator("#form-errors").wait_for()
    audit.check(f"{urls[-1]} (errors)")
    audit.action_forms(county.fresh)
    assert "满意度评价" in audit.action_forms(county.concluded)  # recorded for the petitioner
    audit.visit("/notifications/")
    audit.visit("/manual/")
    audit.visit("/manual/registrar/")

    page.context.clear_cookies()
    log_in(people.township_handler)
    audit.check("/workflow/todo/ (handler)")
    for petition in (county.to_accept, county.handling, county.replied, county.overdue):
        audit.action_forms(petition)

    page.context.clear_cookies()
    log_in(people.reviewer)
    assert "复查意见" in audit.action_forms(county.under_review)
    audit.visit("/notifications/")  # the review request's message
    page.goto("/petitions/999999/")
    audit.check("/petitions/999999/ (not found)")
    audit.refused_as("/petitions/999999/", 404)
    audit.assert_clean()


def test_supervision_and_statistics_pages_pass_axe(page, log_in, audit, people, county):
    log_in(county.supervisor)
    # The audit itself sees a fault: a field without a label on the page is reported.
    page.evaluate("document.querySelector('main').append(document.createElement('select'))")
    assert any(f.startswith("select-name:") for f in serious_violations(page))
    page.reload()
    audit.check("/workflow/todo/ (supervisor)")
    audit.visit("/supervision/")
    audit.visit("/supervision/?colour=red")
    audit.visit("/supervision/supervisions/")
    audit.visit(f"/supervision/supervisions/open/?petition={county.overdue.pk}")
    page.get_by_role("button", name="发出督办").click()
    page.locator(".invalid-feedback").first.wait_for()
    audit.check("/supervision/supervisions/open/ (errors)")
    audit.refused_as("/supervision/supervisions/open/")
    audit.visit(f"/supervision/supervisions/{county.supervision.pk}/")

    page.context.clear_cookies()
    log_in(people.township_handler)  # the unit supervised answers it
    audit.visit(f"/supervision/supervisions/{county.supervision.pk}/")

    page.context.clear_cookies()
    log_in(people.bureau_leader)
    audit.visit("/stats/")
    page.wait_for_selector("body[data-charts-ready='1']")
    audit.check("/stats/ (charts drawn)")
    page.locator(".xf-figure").first.click()
    page.locator("#drill-total").wait_for()
    audit.check("/stats/petitions/ (drill-down)")
    audit.visit("/stats/?period=year&date=2026-01-01")
    audit.visit("/stats/assessment/")
    audit.visit("/stats/bulletins/")
    # The leaders' and mechanisms' panels drill down to their records and petitions.
    audit.visit("/stats/records/?record=ownership.opened")
    audit.visit("/stats/records/?record=assistance.grants")
    audit.visit("/stats/records/?record=meetings.total")
    audit.visit("/stats/records/?record=disputes.found")
    audit.visit("/stats/petitions/?panel=reception.received")
    audit.assert_clean()


def test_leaders_and_mechanisms_pages_pass_axe(page, log_in, audit, org, people, county):
    leader = county.leaders.secretary
    petition = county.handling
    session = reception.create_session(
        people.registrar,
        kind=ReceptionKind.SITTING,
        leader=leader,
        leader_post="区委书记",
        leader_level=Level.COUNTY,
        place="区信访局",
        date=TODAY,
        start_time=dt.time(9),
        end_time=dt.time(12),
        attending_units=[org.qingbo_unit],
    )
    schedule = reception.create_schedule(
        people.registrar,
        kind=ReceptionKind.DESCEND,
        leader=leader,
        leader_post="区委书记",
        leader_level=Level.COUNTY,
        place="清波街道便民服务中心",
        recurrence=Recurrence.MONTHLY,
        day_of_month=8,
        start_time=dt.time(9),
        end_time=dt.time(12),
        starts_on=day("2026-01-01"),
    )
    owned = ownership.open_ownership(
        people.bureau_leader,
        petitions=[petition],
        problem="管网改造进度争议",
        leader=leader,
        leader_post="区委书记",
        leader_level=Level.COUNTY,
        resolution_due=TODAY + dt.timedelta(days=60),
        steps=[Step("调阅档案", TODAY + dt.timedelta(days=10))],
    )
    submission = instructions.submit(people.registrar, petition=petition, leader=leader)
    instructed = instructions.submit(people.registrar, petition=county.to_accept, leader=leader)
    instructions.instruct(
        instructed,
        leader,
        text="请清波街道限期化解。",
        units=[org.qingbo_unit],
        response_due=day("2026-05-20"),
    )
    dispute = disputes.record_dispute(
        people.township_handler, kind="requisition", region=org.qingbo, title="征迁纠纷", parties="三户居民",
        matter="补偿", risk_level="high", found_via="visit", found_on=day("2026-04-14"), level="township",
    )  # fmt: skip
    meeting = meetings.hold_meeting(
        people.township_leader,
        level="township",
        kind="regular",
        held_on=day("2026-04-20"),
        title="清波街道联席会议",
        attendees="各站所",
        items=[
            meetings.ItemInput("管网改造", petition=petition),
            meetings.ItemInput("征迁纠纷", dispute=dispute),
        ],
    )
    first_item = meeting.items.order_by("position").first()
    decision = meetings.decide(
        first_item,
        people.township_leader,
        lead_unit=org.qingbo_unit,
        supporting_units=[org.housing],
        action="管网改造限期完成",
        deadline=TODAY + dt.timedelta(days=2),
    )
    campaign = campaigns.create_campaign(
        people.bureau_handler,
        name="集中治理重复信访化解信访积案专项工作",
        assigning_body="central",
        assigned_on=day("2026-04-01"),
        deadline=day("2026-06-30"),
        criteria=["诉求合理的已解决到位", "信访人息诉罢访"],
    )
    grant = assistance.apply(
        people.township_handler,
        petition,
        fund="petition_fund",
        amount="20000.00",
        applicant_name="群众甲",
        beneficiary_count=3,
        reason="家庭生活困难，因病致贫。",
    )
    assistance.approve(grant, people.township_leader, rule="《信访救助资金管理办法》第五条")
    assistance.issue_agreement(grant, people.township_handler)

    daily = bulletins.issue(BulletinKind.DAILY, org.bureau)
    delivery.deliver(daily)  # to the county's party leaders, the secretary among them

    log_in(people.registrar)
    for url in (
        f"/stats/bulletins/{daily.pk}/receipts/",
        "/leaders/",
        "/leaders/schedules/",
        "/leaders/schedules/new/",
        f"/leaders/schedules/{schedule.pk}/",
        f"/leaders/schedules/{schedule.pk}/edit/",
        "/leaders/sessions/new/",
        f"/leaders/sessions/{session.pk}/",
        f"/leaders/submit/?petition={petition.pk}",
        "/leaders/queue/",
        f"/leaders/ownerships/new/?petition={petition.pk}",
    ):
        audit.visit(url)

    page.context.clear_cookies()
    log_in(leader)
    for url in (
        "/leaders/queue/",
        f"/leaders/submissions/{submission.pk}/",
        f"/leaders/submissions/{instructed.pk}/",
        "/leaders/ownerships/",
        f"/leaders/ownerships/{owned.pk}/",
        "/stats/inbox/",
        f"/stats/inbox/{daily.pk}/",  # the bulletin read in the workbench
    ):
        audit.visit(url)

    page.context.clear_cookies()
    log_in(people.township_leader)
    audit.visit("/leaders/instructions/")  # the instruction to answer
    for url in ("/meetings/", "/meetings/new/", f"/meetings/{meeting.pk}/"):
        audit.visit(url)

    page.context.clear_cookies()
    log_in(people.township_handler)
    for url in (
        "/disputes/",
        "/disputes/new/",
        f"/disputes/{dispute.pk}/",
        "/assistance/",
        "/assistance/apply/",
        "/workflow/todo/",  # the decision its unit leads, below the petitions
    ):
        audit.visit(url)

    page.context.clear_cookies()
    log_in(people.bureau_handler)
    for url in (
        "/campaigns/",
        "/campaigns/new/",
        f"/campaigns/{campaign.pk}/",
        f"/assistance/{grant.pk}/",  # with its agreement
        f"/disputes/{dispute.pk}/",
        "/supervision/",  # the board with the meeting decisions
        f"/meetings/{meeting.pk}/decisions/{decision.pk}/supervise/",
    ):
        audit.visit(url)
    audit.assert_clean()
