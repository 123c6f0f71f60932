"""Ownership resolution deadlines (包案化解时限) in the supervision scan and on the board: the owner and the
team are told once per colour, the escalation rules name the leaders told, the board lists them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.leaders.models import OwnershipWarning
from xinfang.leaders.services import ownership as service
from xinfang.leaders.services.ownership import Step
from xinfang.notifications.models import Kind, Notification
from xinfang.supervision.models import EscalationRule
from xinfang.supervision.scan import scan_deadlines

from ..conftest import stop_clock
from .conftest import at
from .test_ownership import own, petition  # noqa: F401 - the scene's petition

D = dt.date
pytestmark = pytest.mark.django_db


def told(user, kind=None):
    """The ownership messages a user got (the scene's petition has statutory deadlines of its own)."""
    qs = Notification.objects.filter(
        recipient=user,
        title__contains="包案",
        kind__in=[Kind.DEADLINE_DUE_SOON, Kind.DEADLINE_OVERDUE, Kind.ESCALATION],
    )
    return list(qs.filter(kind=kind) if kind else qs)


def test_owner_and_team_are_warned_once_per_colour_and_leaders_escalated(people, leaders, petition):  # noqa: F811
    ownership = own(people, leaders, [petition], resolution_due=D(2025, 11, 10))
    EscalationRule.objects.filter(colour="red").update(is_active=False)
    EscalationRule.objects.create(colour="red", role="bureau_leader", unit_kind="bureau")
    # Far from the deadline: blue, nobody is told.
    result = scan_deadlines(D(2025, 10, 20))
    assert result.warnings["yellow"] == 0 and not OwnershipWarning.objects.exists()

    result = scan_deadlines(D(2025, 11, 8))
    assert result.warnings["yellow"] == 1
    yellow = told(leaders.county, Kind.DEADLINE_DUE_SOON)
    assert len(yellow) == 1 and "包案临期" in yellow[0].title and "2025年11月10日" in yellow[0].title
    assert yellow[0].url == reverse("leaders:ownership", args=[ownership.pk])
    assert len(told(people.township_handler, Kind.DEADLINE_DUE_SOON)) == 1
    scan_deadlines(D(2025, 11, 9))
    assert len(told(leaders.county, Kind.DEADLINE_DUE_SOON)) == 1  # once per colour

    result = scan_deadlines(D(2025, 11, 11))
    assert result.warnings["red"] == 1
    assert len(told(leaders.county, Kind.DEADLINE_OVERDUE)) == 1
    escalated = told(people.bureau_leader, Kind.ESCALATION)
    assert len(escalated) == 1 and "包案期限预警" in escalated[0].title and "陈副书记" in escalated[0].body
    assert set(OwnershipWarning.objects.values_list("colour", flat=True)) == {"yellow", "red"}


def test_an_ownership_handed_on_is_warned_under_its_new_deadline_only(people, leaders, petition):  # noqa: F811
    ownership = own(people, leaders, [petition], resolution_due=D(2025, 11, 10))
    service.hand_on(
        ownership,
        people.bureau_leader,
        leader=leaders.county2,
        leader_post="副区长",
        leader_level="county",
        resolution_due=D(2025, 12, 31),
        note="工作调整",
        steps=[Step("约谈信访人", D(2025, 12, 1))],
    )
    scan_deadlines(D(2025, 11, 11))
    assert told(leaders.county) == [] and told(leaders.county2) == []
    scan_deadlines(D(2025, 12, 30))
    assert [n.kind for n in told(leaders.county2)] == [Kind.DEADLINE_DUE_SOON]
    assert told(leaders.county) == []


def test_the_board_lists_open_ownerships_with_colours(people, leaders, petition, client):  # noqa: F811
    own(
        people,
        leaders,
        [petition],
        resolution_due=D(2025, 10, 11),
        steps=[Step("调阅征收档案", D(2025, 10, 10))],
    )
    stop_clock(at(D(2025, 10, 9)))
    client.force_login(people.bureau_leader)
    page = client.get(reverse("supervision:board")).content.decode()
    assert "领导包案化解时限" in page and "清波街道某小区房屋征收补偿争议" in page
    assert "陈副书记（区委副书记）" in page and "剩2天" in page
    client.force_login(people.other_county_registrar)
    assert "领导包案化解时限" not in client.get(reverse("supervision:board")).content.decode()
