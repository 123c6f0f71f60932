"""The generic rules of ``perform``: state, role, unit, time, data keys, versions, events and hooks."""

from __future__ import annotations

import pytest

from tests.scenes import when
from xinfang.audit.models import Event
from xinfang.documents import services as documents
from xinfang.petitions.models import Status
from xinfang.workflow import hooks
from xinfang.workflow.actors import PetitionerActor, UnitActor
from xinfang.workflow.errors import StaleVersion, TransitionRefused
from xinfang.workflow.services import perform
from xinfang.workflow.transitions import TABLE

from .conftest import snapshot

ALL_STATES = [s.value for s in Status]

DUMMY = {
    "to_unit": "330102001",
    "legal_route": "litigation",
    "body": "法院",
    "text": "文字",
    "reason": "理由",
    "days": 10,
    "approved_by": 1,
    "ground": "consultation",
    "opinion": "support",
    "method": "post",
    "received_on": "2026-04-03",
    "target": "unit",
    "rating": "satisfied",
    "decision": "uphold",
    "hearing_days": 1,
    "lead_unit": "330102001",
    "supporting_units": ["330102-ZJJ"],
    "settlement": "agreement",
    "survivor": "XF-330102-2026-000001",
}


def wrong_state(row) -> str:
    return next(s for s in ALL_STATES if s not in row.from_states)


@pytest.mark.parametrize("action", list(TABLE))
def test_every_action_is_refused_in_a_state_it_does_not_start_from(scene, action):
    row = TABLE[action]
    petition = scene.drive(wrong_state(row))
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, action, scene.people.registrar, **{k: DUMMY[k] for k in row.required})
    assert refused.value.code == "state"
    assert "不能" in refused.value.reason
    assert snapshot(petition) == before


def test_unknown_action_is_refused(scene):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="未知的操作"):
        perform(petition, "fly_away", scene.people.registrar)


def test_unknown_and_missing_keys_are_refused(scene):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="不接受这些参数"):
        perform(petition, "transfer", scene.people.registrar, to_unit=scene.org.qingbo_unit, too="x")
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "transfer", scene.people.registrar)
    assert refused.value.field == "to_unit"
    assert refused.value.message_dict == {"to_unit": ["请填写此项。"]}


def test_wrong_role_is_refused_and_nothing_changes(scene):
    petition = scene.petition()
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, "transfer", scene.people.auditor, to_unit=scene.org.qingbo_unit)
    assert refused.value.code == "role"
    assert refused.value.reason == "您的角色无权转送。"
    assert snapshot(petition) == before


def test_wrong_unit_is_refused_and_nothing_changes(scene):
    petition = scene.petition()
    scene.do(petition, "transfer", scene.people.registrar, "2026-03-03", to_unit=scene.org.qingbo_unit)
    before = snapshot(petition)
    for stranger in (scene.people.other_township_handler, scene.people.department_handler):
        with pytest.raises(TransitionRefused) as refused:
            perform(petition, "accept", stranger)
        assert refused.value.code == "unit"
        assert "持有该事项的单位" in refused.value.reason
    # A registrar of another county's bureau may not route this county's petition.
    other = scene.people.other_county_registrar
    fresh = scene.petition("2026-03-03 11:00")
    with pytest.raises(TransitionRefused) as refused:
        perform(fresh, "transfer", other, to_unit=scene.org.qingbo_unit)
    assert refused.value.code == "unit"
    assert snapshot(petition) == before


def test_the_petitioner_may_not_take_staff_actions(scene):
    petition = scene.petition()
    with pytest.raises(TransitionRefused, match="信访人不能转送") as refused:
        perform(petition, "transfer", None, to_unit=scene.org.qingbo_unit)
    assert refused.value.code == "role"
    with pytest.raises(TransitionRefused, match="信访人不能"):
        perform(petition, "transfer", PetitionerActor(), to_unit=scene.org.qingbo_unit)


def test_an_event_dated_before_the_previous_one_is_refused(scene):
    petition = scene.petition("2026-03-02 09:30")
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="不能早于") as refused:
        perform(
            petition,
            "transfer",
            scene.people.registrar,
            at=when("2026-03-01 09:00"),
            to_unit=scene.org.qingbo_unit,
        )
    assert refused.value.code == "time"
    assert snapshot(petition) == before
    scene.do(petition, "transfer", scene.people.registrar, "2026-03-04", to_unit=scene.org.qingbo_unit)
    before = snapshot(petition)
    with pytest.raises(TransitionRefused, match="2026-03-04 10:00"):
        perform(petition, "accept", scene.people.township_handler, at=when("2026-03-03 16:00"))
    assert snapshot(petition) == before


def test_an_event_in_the_future_is_refused(scene):
    petition = scene.petition("2026-03-02 09:30")
    with pytest.raises(TransitionRefused, match="不能晚于当前时间"):
        perform(
            petition,
            "transfer",
            scene.people.registrar,
            at=when("2026-03-03 09:00"),
            to_unit=scene.org.qingbo_unit,
        )
    assert snapshot(petition)[0] == Status.REGISTERED


def test_historical_times_are_accepted_in_order(scene):
    """The importer replays events at their own times, long after they happened."""
    petition = scene.petition("2026-03-02 09:30")
    scene.move(when("2026-06-01 12:00"))
    importer = UnitActor(scene.org.bureau)
    event = perform(petition, "transfer", importer, at=when("2026-03-03 10:00"), to_unit="330102001")
    assert event.at == when("2026-03-03 10:00")
    assert event.actor is None
    assert event.data["by_unit"] == "330102-XFJ"
    perform(petition, "accept", UnitActor(scene.org.qingbo_unit), at=when("2026-03-05 15:00"))
    assert petition.accepted_at == when("2026-03-05 15:00")
    assert petition.accepted_on_time is True


def test_stale_version_is_refused(scene):
    petition = scene.petition()
    seen = petition.version
    scene.do(
        petition,
        "transfer",
        scene.people.registrar,
        "2026-03-03",
        to_unit=scene.org.qingbo_unit,
        expected_version=seen,
    )
    assert petition.version == seen + 1
    before = snapshot(petition)
    with pytest.raises(StaleVersion) as refused:
        perform(petition, "accept", scene.people.township_handler, expected_version=seen)
    assert str(refused.value) == "该信访事项已被他人更新，请刷新后重试"
    assert refused.value.code == "stale"
    assert isinstance(refused.value, TransitionRefused)
    assert snapshot(petition) == before
    perform(petition, "accept", scene.people.township_handler, expected_version=str(seen + 1))
    assert petition.status == Status.ACCEPTED


def test_one_event_per_transition_with_states_changes_and_actor(scene):
    petition = scene.petition()
    count = Event.objects.filter(petition=petition).count()
    event = scene.do(
        petition,
        "transfer",
        scene.people.registrar,
        "2026-03-03",
        to_unit=scene.org.qingbo_unit,
        note="请尽快办理",
    )
    assert Event.objects.filter(petition=petition).count() == count + 1
    assert (event.action, event.from_status, event.to_status) == ("transfer", "registered", "transferred")
    assert event.actor == scene.people.registrar
    assert event.actor_unit == scene.org.bureau
    assert event.changes["status"] == ["registered", "transferred"]
    assert event.changes["version"] == [1, 2]
    assert event.data["to_unit"] == "330102001"
    assert event.data["notice"] == "transfer_notice"
    assert event.data["note"] == "请尽快办理"


def test_after_transition_runs_after_commit_only(scene, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(hooks, "after_transition", [calls.append])
    petition = scene.petition()
    with django_capture_on_commit_callbacks(execute=True):
        scene.do(petition, "transfer", scene.people.registrar, "2026-03-03", to_unit=scene.org.qingbo_unit)
    assert [(c.action, c.from_status, c.to_status, c.notice) for c in calls] == [
        ("transfer", "registered", "transferred", "transfer_notice")
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionRefused):
        perform(petition, "accept", scene.people.department_handler)
    assert callbacks == []
    assert len(calls) == 1


def test_a_failing_notice_issuer_rolls_the_transition_back(scene, monkeypatch):
    def broken(*args):
        raise RuntimeError("模板缺失")

    monkeypatch.setattr(hooks, "notice_issuers", [broken])
    petition = scene.petition()
    before = snapshot(petition)
    with pytest.raises(RuntimeError):
        scene.do(petition, "transfer", scene.people.registrar, "2026-03-03", to_unit=scene.org.qingbo_unit)
    assert snapshot(petition) == before


def test_the_documents_app_registers_its_issuer_at_start_up(rendered_notices):
    assert documents.issue_for_transition in rendered_notices
    assert documents.issued_on in hooks.document_listers


# For every row: a state it starts from, someone in the right unit without the role, and someone with the
# role in the wrong unit.
WHO = {
    "transfer": ("registered", "auditor", "other_county_registrar"),
    "assign": ("registered", "auditor", "other_county_registrar"),
    "handle_self": ("registered", "auditor", "other_county_registrar"),
    "direct_to_legal_route": ("registered", "auditor", "other_county_registrar"),
    "conclude_on_spot": ("registered", "auditor", "other_county_registrar"),
    "decline": ("registered", "auditor", "other_county_registrar"),
    "accept": ("transferred", "qingbo_registrar", "other_township_handler"),
    "object": ("assigned", "qingbo_registrar", "department_handler"),
    "extend": ("accepted", "qingbo_registrar", "other_township_handler"),
    "switch_to_simplified": ("accepted", "qingbo_registrar", "department_handler"),
    "switch_to_ordinary": ("accepted", "qingbo_registrar", "other_township_handler"),
    "reply": ("accepted", "qingbo_registrar", "department_handler"),
    "deliver": ("replied", "qingbo_registrar", "other_township_handler"),
    "rate": ("concluded", "township_leader", "other_county_registrar"),
    "request_review": ("concluded", "auditor", "township_handler"),
    "review_opinion": ("under_review", "bureau_handler", "city_reviewer"),
    "request_re_review": ("reviewed", "city_auditor", "reviewer"),
    "record_hearing": ("under_re_review", "city_registrar", "reviewer"),
    "re_review_opinion": ("under_re_review", "city_registrar", "reviewer"),
    "resolve": ("accepted", "auditor", "other_township_handler"),
    "set_co_handlers": ("accepted", "registrar", "township_handler"),
    # No supporting unit yet: a handler of any unit is in the wrong one.
    "add_support_opinion": ("accepted", "qingbo_registrar", "department_handler"),
    "record_settlement": ("concluded", "registrar", "township_handler"),
    "merge_into": ("registered", "auditor", "other_county_registrar"),
    "sign_for": ("transferred", "auditor", "other_township_handler"),
    "urge": ("assigned", "registrar", "township_handler"),
    "add_supplement": ("accepted", "auditor", "township_handler"),
    "confirm_conclusion": ("replied", "registrar", "township_handler"),
    "return_for_rework": ("replied", "registrar", "township_handler"),
}
# Actions of the assigning bureau: their petition is assigned, not transferred.
ASSIGNED = {"urge", "add_supplement", "confirm_conclusion", "return_for_rework"}


def test_every_row_has_its_refusals_listed():
    assert set(WHO) == set(TABLE)


@pytest.mark.parametrize("action", list(TABLE))
def test_every_action_checks_role_and_unit(scene, action):
    from tests import factories as f

    row = TABLE[action]
    state, wrong_role, wrong_unit = WHO[action]
    assert state in row.from_states
    petition = scene.drive(state, assigned=action in ASSIGNED)
    extra = {
        "qingbo_registrar": f.UserFactory(username="qb_reg", unit=scene.org.qingbo_unit, roles=["registrar"]),
        "city_reviewer": scene.city_reviewer,
        "city_auditor": f.UserFactory(username="city_auditor", unit=scene.org.city_bureau, roles=["auditor"]),
    }

    def person(name):
        return extra.get(name) or getattr(scene.people, name)

    data = {k: DUMMY[k] for k in row.required}
    before = snapshot(petition)
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, action, person(wrong_role), **data)
    assert refused.value.code == "role", refused.value.reason
    with pytest.raises(TransitionRefused) as refused:
        perform(petition, action, person(wrong_unit), **data)
    assert refused.value.code == "unit", refused.value.reason
    if not row.petitioner:
        with pytest.raises(TransitionRefused) as refused:
            perform(petition, action, None, **data)
        assert refused.value.code == "role"
    assert snapshot(petition) == before
