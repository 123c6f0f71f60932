"""Plans: the workflow actions a replay would perform on each generated petition."""

import pytest

from tests.conftest import module_rows, stop_clock
from xinfang import clock
from xinfang.demo.county import load_demo_county
from xinfang.demo.data import county as data
from xinfang.demo.generator import generate
from xinfang.demo.plans import plans
from xinfang.petitions.models import PetitionClass

from .conftest import TODAY

ROUTING = {"transfer", "assign", "handle_self", "conclude_on_spot", "direct_to_legal_route", "decline"}


@module_rows
def planned_rows():
    """The demo county, 300 petitions and their plans, built once for the module's tests that read them."""
    stop_clock(TODAY)
    load_demo_county()
    generate(300, 5)
    yield list(plans(5))
    clock.reset()


@pytest.fixture
def planned(planned_rows, db, today):
    return planned_rows


def test_every_registered_petition_gets_a_plan_in_time_order_up_to_now(planned):
    now = clock.now()

    assert len(planned) == 300
    for petition, actions in planned:
        times = [a.at for a in actions]
        assert times == sorted(times) and all(petition.registered_at < t <= now for t in times)
        if actions:
            assert actions[0].action in ROUTING and actions[0].by_unit == data.BUREAU


def test_plans_are_reproducible_and_depend_on_the_seed(planned):
    again = list(plans(5))
    other = list(plans(6))

    assert [a for _, a in again] == [a for _, a in planned]
    assert [a for _, a in other] != [a for _, a in planned]


def test_accusations_go_to_the_discipline_organ_never_to_the_accused(planned):
    accusations = [(p, a) for p, a in planned if p.petition_class == PetitionClass.ACCUSATION]

    assert accusations
    for petition, actions in accusations:
        targets = {a.data.get("to_unit") for a in actions} - {None}
        assert targets <= {data.DISCIPLINE}
        assert petition.subject_unit.code not in targets
        assert "rate" not in {a.action for a in actions}


def test_ratings_follow_delivery_and_reviews_follow_ratings(planned):
    seen = set()
    for _, actions in planned:
        names = [a.action for a in actions]
        seen.update(names)
        if "rate" in names:
            assert names.index("deliver") < names.index("rate")
        if "deliver" in names:
            assert names.index("reply") < names.index("deliver")
        if "request_review" in names:
            assert names.index("rate") < names.index("request_review")

    assert {"transfer", "accept", "reply", "deliver", "rate"} <= seen


def test_old_petitions_are_further_along_than_recent_ones(planned):
    by_age = sorted(planned, key=lambda item: item[0].received_at)
    old, recent = by_age[:60], by_age[-60:]

    assert sum(len(a) for _, a in old) > sum(len(a) for _, a in recent)


def test_actions_carry_the_data_the_transition_table_requires(planned):
    from xinfang.workflow.transitions import TABLE

    for _, actions in planned:
        for action in actions:
            row = TABLE[action.action]
            assert set(row.required) - {"approved_by"} <= set(action.data), action
            assert set(action.data) <= set(row.required) | set(row.optional), action
            if "approved_by" in row.required:
                assert action.approver_role == "unit_leader"


def test_plans_replay_through_the_workflow_service_without_refusal(demo_county, silence_notices):
    """The contract with the workflow: every planned action is one the transition table accepts."""
    from xinfang.demo.plans import perform_planned
    from xinfang.orgs.models import OrgUnit
    from xinfang.petitions.models import Petition, Status

    generate(40, 9)
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    performed = 0
    for petition, actions in plans(9):
        for action in actions:
            perform_planned(petition, action, units)
            performed += 1

    assert performed > 80
    assert Petition.objects.filter(status=Status.CONCLUDED).count() > 15


def test_demo_replays_a_spread_of_histories_through_the_workflow(demo_county, silence_notices):
    from xinfang.demo.plans import replay
    from xinfang.petitions.models import Petition, Status

    generate(60, 11)
    petitions, actions = replay(11, limit=6)
    assert petitions >= 6
    assert actions > petitions
    moved = Petition.objects.exclude(status=Status.REGISTERED)
    assert moved.count() >= 5
    assert all(p.events.filter(action="register").exists() for p in moved)


def test_a_notice_still_in_the_post_is_not_delivered_before_it_arrives(frozen_clock):
    """The workflow refuses a received-on date after today: a plan stops before such a delivery."""
    import datetime as dt

    from xinfang.demo.plans import PlannedAction, _done

    now = frozen_clock(dt.datetime(2026, 6, 15, 10, 0))
    tomorrow = (clock.local_date(now) + dt.timedelta(days=1)).isoformat()
    hour = dt.timedelta(hours=1)
    actions = [
        PlannedAction("reply", now - 3 * hour, "U1", {"opinion": "support"}),
        PlannedAction("deliver", now - 2 * hour, "U1", {"method": "post", "received_on": tomorrow}),
        PlannedAction("rate", now - hour, None, {"target": "unit", "rating": "satisfied"}),
    ]

    assert [a.action for a in _done(actions, now)] == ["reply"]
    assert [a.action for a in _done(actions, now + dt.timedelta(days=1))] == ["reply", "deliver", "rate"]
