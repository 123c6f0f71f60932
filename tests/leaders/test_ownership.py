"""Case ownership (包案, 五个一) through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import Event
from xinfang.leaders.models import CaseOwnership, OwnershipStatus, ResolutionStandard
from xinfang.leaders.services import ownership as service
from xinfang.leaders.services.ownership import Step
from xinfang.orgs.models import Level
from xinfang.petitions.models import PetitionClass

from .. import factories as f
from ..conftest import stop_clock
from .conftest import at

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2025, 10, 9)


@pytest.fixture
def standards(db):
    ResolutionStandard.objects.all().delete()
    return [
        ResolutionStandard.objects.create(text="信访人合理诉求已解决", order=1),
        ResolutionStandard.objects.create(text="信访人签订息访协议或书面认可", order=2),
    ]


def own(people, leaders, petitions, **overrides):
    fields = {
        "petitions": petitions,
        "problem": "清波街道某小区房屋征收补偿争议",
        "leader": leaders.county,
        "leader_post": "区委副书记",
        "leader_level": Level.COUNTY,
        "team_users": [people.township_handler],
        "team_units": [people.township_handler.unit],
        "steps": [Step("调阅征收档案", D(2025, 10, 20)), Step("召开听证会", D(2025, 11, 10))],
        "resolution_due": D(2025, 12, 31),
    }
    return service.open_ownership(people.bureau_leader, **(fields | overrides))


@pytest.fixture
def petition(people):
    stop_clock(at(TODAY))
    return f.register(people.registrar)


def test_open_record_progress_and_resolve(people, leaders, petition, standards):
    ownership = own(people, leaders, [petition])
    assert [s.text for s in ownership.steps.all()] == ["调阅征收档案", "召开听证会"]
    assert list(ownership.team_units.all()) == [people.township_handler.unit]
    service.add_progress(ownership, people.township_handler, note="已调阅档案，核实评估报告")
    with pytest.raises(ValidationError) as error:
        service.resolve(ownership, leaders.county, standards=[standards[0]], note="已化解")
    assert "信访人签订息访协议或书面认可" in error.value.message_dict["standards"][0]
    stop_clock(at(D(2025, 11, 20)))
    done = service.resolve(
        ownership, leaders.county, standards=standards, note="补偿差额已发放，信访人书面认可"
    )
    assert done.status == OwnershipStatus.RESOLVED and done.resolved_on_time is True
    assert done.standards_met == ["信访人合理诉求已解决", "信访人签订息访协议或书面认可"]
    with pytest.raises(ValidationError) as error:
        service.add_progress(ownership, leaders.county, note="再次回访")
    assert error.value.messages == ["该包案已结束，不能再记录进展。"]
    actions = list(Event.objects.filter(petition=petition).values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == ["open_ownership", "record_ownership_progress", "resolve_ownership"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"steps": []}, "steps", "请制定化解方案（至少一个工作步骤及完成时间）。"),
        ({"resolution_due": None}, "resolution_due", "请填写化解时限。"),
        ({"resolution_due": D(2025, 10, 1)}, "resolution_due", "化解时限不能早于今天。"),
        ({"steps": [Step("听证", D(2026, 3, 1))]}, "steps", "工作步骤的完成时间须在今天至化解时限之间。"),
        ({"steps": [Step("", D(2025, 11, 1))]}, "steps", "每个工作步骤都须写明内容和完成时间。"),
        ({"problem": ""}, "problem", "请写明包案化解的问题。"),
    ],
)
def test_an_ownership_without_plan_or_deadline_is_refused(
    people, leaders, petition, overrides, field, message
):
    with pytest.raises(ValidationError) as error:
        own(people, leaders, [petition], **overrides)
    assert error.value.message_dict[field] == [message]
    assert not CaseOwnership.objects.exists()
    assert not Event.objects.filter(action="open_ownership").exists()


def test_a_leader_outside_the_jurisdiction_or_an_unseen_petition_is_refused(people, leaders, petition):
    with pytest.raises(ValidationError) as error:
        own(people, leaders, [petition], leader=leaders.other)
    assert error.value.message_dict["leader"] == ["该领导不在本信访部门的管辖范围内。"]
    stop_clock(at(TODAY, 11))
    elsewhere = f.register(
        people.other_county_registrar, issue_region=people.other_county_registrar.unit.region
    )
    with pytest.raises(PermissionDenied):
        own(people, leaders, [elsewhere])


def test_an_accused_unit_is_never_on_the_team(people, leaders, org):
    stop_clock(at(TODAY))
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.qingbo_unit,
        category=f.category("纪检监察"),
    )
    with pytest.raises(ValidationError) as error:
        own(people, leaders, [accusation])
    assert "被检举单位" in error.value.message_dict["team_units"][0]


def test_handed_from_a_city_leader_to_a_county_leader(people, leaders, petition, standards):
    city = own(
        people, leaders, [petition], leader=leaders.city, leader_post="副市长", leader_level=Level.CITY
    )
    county = service.hand_on(
        city,
        people.bureau_leader,
        leader=leaders.county,
        leader_post="区委副书记",
        leader_level=Level.COUNTY,
        resolution_due=D(2025, 12, 15),
        steps=[Step("入户走访", D(2025, 10, 30))],
        team_units=[people.township_handler.unit],
        note="属地化解，交区级领导包案",
    )
    city.refresh_from_db()
    assert city.status == OwnershipStatus.HANDED_ON and county.handed_from == city
    assert list(county.petitions.all()) == [petition]
    assert county.leader_level == Level.COUNTY and county.is_open
    assert Event.objects.filter(action="hand_on_ownership").count() == 1
    with pytest.raises(ValidationError):
        service.hand_on(
            city,
            people.bureau_leader,
            leader=leaders.county2,
            leader_post="区长",
            leader_level=Level.COUNTY,
            resolution_due=D(2025, 12, 15),
            steps=[Step("x", D(2025, 10, 30))],
            note="再移交",
        )


def test_only_the_leader_the_team_or_the_bureau_record(people, leaders, petition):
    ownership = own(people, leaders, [petition])
    with pytest.raises(PermissionDenied):
        service.add_progress(ownership, people.department_handler, note="无关人员")
    with pytest.raises(ValidationError) as error:
        service.add_progress(ownership, leaders.county, note="  ")
    assert error.value.message_dict["note"] == ["请填写工作进展。"]


def test_administrators_keep_the_standard_and_each_save_is_audited(people):
    from xinfang.leaders.services.standards import save_standard

    assert ResolutionStandard.objects.filter(is_active=True).count() == 4  # the seeded checklist
    item = ResolutionStandard.objects.order_by("order").first()
    item.is_active = False
    save_standard(item, people.auditor, ["is_active"])
    event = Event.objects.get(action="edit_resolution_standard")
    assert event.changes == {"is_active": [True, False]}
