"""The leaders pages pass axe-core without serious findings; the 阅批 queue reads on a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.browser.test_accessibility import serious_violations
from xinfang import clock
from xinfang.leaders.models import ReceptionKind
from xinfang.leaders.services import appointments, instructions, ownership, reception
from xinfang.leaders.services.ownership import Step
from xinfang.orgs.models import Level, Role, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_leaders_pages_have_no_serious_accessibility_violations(page, log_in, people, org):
    office = f.unit("330102-QW", "中共上城区委", UnitKind.LEADERSHIP, org.county)
    leader = f.UserFactory(
        username="county_leader", unit=office, roles=[Role.PARTY_LEADER], full_name="陈副书记"
    )
    petition = f.register(people.registrar)
    today = clock.today()  # Shanghai: the day the services count in
    session = reception.create_session(
        people.registrar,
        kind=ReceptionKind.SITTING,
        leader=leader,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        place="区信访局",
        date=today,
        start_time=dt.time(9),
        end_time=dt.time(12),
        attending_units=[org.qingbo_unit],
    )
    owned = ownership.open_ownership(
        people.bureau_leader,
        petitions=[petition],
        problem="征收补偿争议",
        leader=leader,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        resolution_due=today + dt.timedelta(days=60),
        steps=[Step("调阅档案", today + dt.timedelta(days=10))],
    )
    submission = instructions.submit(people.registrar, petition=petition, leader=leader)
    appointment, _ = appointments.request_appointment(
        org.bureau, leader=leader, date=today, phone="13900001111", matter="小区噪声扰民"
    )
    log_in(people.registrar)
    for url in (
        "/leaders/",
        "/leaders/appointments/",
        f"/leaders/appointments/{appointment.pk}/",
        f"/leaders/sessions/{session.pk}/",
        "/leaders/schedules/new/",
        f"/petitions/{petition.pk}/",
    ):
        page.goto(url)
        assert serious_violations(page) == [], url
    log_in(leader)
    for url in (
        f"/leaders/ownerships/{owned.pk}/",
        "/leaders/ownerships/",
        f"/leaders/submissions/{submission.pk}/",
    ):
        page.goto(url)
        assert serious_violations(page) == [], url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/leaders/queue/")
    assert page.get_by_role("link", name=petition.registration_number).is_visible()
    assert serious_violations(page) == []
    assert not page.failed_requests, page.failed_requests
