"""Assistance grants: apply, approve (who, when, rule), pay, 救助息访; refusals write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.scenes import day, when
from xinfang.assistance import services
from xinfang.assistance.models import Fund, Grant, GrantStatus
from xinfang.assistance.selectors import grants_visible_to
from xinfang.audit.models import Event
from xinfang.orgs.models import Role


@pytest.fixture
def petition(scene):
    """Transferred to 清波街道, whose handler may see it; the bureau sees it by jurisdiction."""
    return scene.transferred()


def grant_on(petition, actor, **overrides):
    data = {
        "fund": Fund.PETITION_FUND,
        "amount": "20000.00",
        "applicant_name": "群众甲",
        "beneficiary_count": 3,
        "reason": "家庭生活困难，因病致贫。",
    }
    data.update(overrides)
    return services.apply(actor, petition, **data)


def test_a_grant_is_applied_approved_paid_and_ends_the_matter(petition, people, scene):
    scene.move(when("2026-03-10 09:00"))
    grant = grant_on(petition, people.township_handler)
    assert (grant.status, grant.unit, grant.amount) == (
        GrantStatus.APPLIED,
        scene.org.qingbo_unit,
        Decimal("20000"),
    )
    scene.move(when("2026-03-11 09:00"))
    services.approve(grant, people.township_leader, rule="《上城区信访救助办法》第五条")
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert (grant.approved_by, grant.approved_at) == (people.township_leader, when("2026-03-11 09:00"))
    scene.move(when("2026-03-12 09:00"))
    services.pay(grant, people.township_handler, paid_on=day("2026-03-12"), reference="PZ-001")
    services.record_ending(grant, people.township_handler, ended_petitioning=True)
    grant.refresh_from_db()
    assert (grant.status, grant.paid_on, grant.ended_petitioning) == (
        GrantStatus.PAID,
        day("2026-03-12"),
        True,
    )
    actions = list(Event.objects.filter(target_type="grant").order_by("id").values_list("action", flat=True))
    assert actions == ["apply_assistance", "approve_assistance", "pay_assistance", "record_assistance_ending"]
    assert Event.objects.filter(target_type="grant", petition=petition).count() == 4
    petition.refresh_from_db()
    assert petition.status == "transferred"  # a grant never moves the petition


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "大于零"), ("-500", "大于零"), ("1000000.01", "上限"), ("abc", "大于零"), ("12.345", "两位小数")],
)
def test_a_bad_amount_is_refused_and_nothing_is_written(petition, people, amount, message):
    events = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        grant_on(petition, people.township_handler, amount=amount)
    assert message in caught.value.message_dict["amount"][0]
    assert not Grant.objects.exists() and Event.objects.count() == events


def test_the_ceiling_is_a_setting(petition, people, settings):
    settings.XF_ASSISTANCE_MAX_AMOUNT = 5000
    with pytest.raises(ValidationError):
        grant_on(petition, people.township_handler, amount="6000")
    assert grant_on(petition, people.township_handler, amount="5000").amount == Decimal("5000")


def test_approval_needs_an_approver_and_a_rule_and_not_the_applicant(petition, people, org):
    grant = grant_on(petition, people.township_handler)
    with pytest.raises(ValidationError) as caught:
        services.approve(grant, None, rule="第五条")
    assert "审批人" in caught.value.message_dict["approved_by"][0]
    with pytest.raises(ValidationError):
        services.approve(grant, people.township_leader, rule="  ")
    applicant_leader = f.UserFactory(username="qb_leader2", unit=grant.unit, roles=[Role.UNIT_LEADER])
    own = grant_on(petition, applicant_leader)
    with pytest.raises(PermissionDenied):
        services.approve(own, applicant_leader, rule="第五条")
    with pytest.raises(PermissionDenied):  # another township's leader
        hubin_leader = f.UserFactory(username="hb_leader", unit=org.hubin_unit, roles=[Role.UNIT_LEADER])
        services.approve(grant, hubin_leader, rule="第五条")
    grant.refresh_from_db()
    assert (
        grant.status == GrantStatus.APPLIED and not Event.objects.filter(action="approve_assistance").exists()
    )


def test_the_county_bureau_leader_may_approve_a_township_grant(petition, people):
    grant = grant_on(petition, people.township_handler)
    services.approve(grant, people.bureau_leader, rule="第五条")
    grant.refresh_from_db()
    assert grant.approved_by == people.bureau_leader


def test_payment_comes_after_approval(petition, people, scene):
    grant = grant_on(petition, people.township_handler)
    with pytest.raises(ValidationError):
        services.pay(grant, people.township_handler, paid_on=day("2026-03-03"))
    assert Grant.objects.get().status == GrantStatus.APPLIED


def test_a_unit_must_see_the_petition_to_grant_on_it(petition, people):
    with pytest.raises(PermissionDenied):
        grant_on(petition, people.other_township_handler)
    assert not Grant.objects.exists()


def test_a_grant_on_a_petition_in_another_unit(petition, people, scene):
    """The county bureau grants on a petition 清波街道 handles: both see it, 湖滨街道 does not."""
    grant = grant_on(petition, people.bureau_handler)
    assert grant.unit == scene.org.bureau
    assert list(grants_visible_to(people.bureau_handler)) == [grant]
    assert list(grants_visible_to(people.township_handler)) == [grant]
    assert not grants_visible_to(people.other_township_handler).exists()
    assert not grants_visible_to(people.other_county_registrar).exists()


def test_a_grant_on_an_accusation_never_reaches_the_accused_unit(people, org):
    from tests.scenes import make_leaders

    leaders = make_leaders(org)
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=leaders.committee)
    grant = grant_on(accusation, people.bureau_handler)
    assert grants_visible_to(people.bureau_leader).filter(pk=grant.pk).exists()
    assert not grants_visible_to(leaders.secretary).exists()  # a jurisdiction unit, but the accused one


def test_a_grant_that_ends_a_concluded_matter_records_it_settled_with_assistance(people, scene):
    """救助息访: the grant's ending is the petition's outcome (案结事了, 救助息访), written by the workflow in the
    grant's transaction; the event names the bureau acting for the fund, the reason the grant."""
    concluded = scene.drive("concluded")
    scene.move(when("2026-04-10 09:00"))
    grant = grant_on(concluded, people.township_handler)
    services.approve(grant, people.township_leader, rule="《上城区信访救助办法》第五条")
    services.pay(grant, people.township_handler, paid_on=day("2026-04-10"), ended_petitioning=True)
    concluded.refresh_from_db()
    assert (concluded.settlement, concluded.settled_at) == ("assistance", when("2026-04-10 09:00"))
    event = concluded.events.get(action="record_settlement")
    assert event.data["by_unit"] == scene.org.bureau.code and "20000.00元" in event.reason
    # Recorded once: a later ending changes nothing.
    services.record_ending(grant, people.township_handler, ended_petitioning=True)
    assert concluded.events.filter(action="record_settlement").count() == 1


def test_a_grant_on_a_matter_still_handled_leaves_its_outcome_to_the_bureau(petition, people, scene):
    scene.move(when("2026-03-10 09:00"))
    grant = grant_on(petition, people.township_handler)
    services.approve(grant, people.township_leader, rule="第五条")
    services.pay(grant, people.township_handler, paid_on=day("2026-03-10"), ended_petitioning=True)
    petition.refresh_from_db()
    assert petition.settlement == "" and not petition.events.filter(action="record_settlement").exists()
