"""Workflow actions through the API: every action by the right persona, refusals as problem details
(403 role/unit, 409 stale, 400 data, 404 not visible) that change nothing, the available actions, deadlines."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.scenes import Scene, when
from tests.workflow.cases import CASES, prepare
from tests.workflow.conftest import snapshot
from xinfang.api import tokens
from xinfang.deadlines import services as deadline_rules
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Status
from xinfang.workflow import hooks
from xinfang.workflow.transitions import TABLE


@pytest.fixture(autouse=True)
def _quiet_workflow(silence_notices, monkeypatch):
    """Notices not rendered (the documents test switches rendering back on); rules read afresh."""
    monkeypatch.setattr(hooks, "after_transition", [])
    deadline_rules.clear_cache()
    yield
    deadline_rules.clear_cache()


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)


def action_url(petition, action: str) -> str:
    return f"/api/v1/petitions/{petition.pk}/actions/{action}/"


def as_api(data: dict) -> dict:
    """The workbench's form values in the API's terms: units by code, the approver by username."""
    out = dict(data)
    if "to_unit" in out:
        out["to_unit"] = OrgUnit.objects.get(pk=out["to_unit"]).code
    for key in ("lead_unit",):
        if key in out:
            out[key] = OrgUnit.objects.get(pk=out[key]).code
    if "supporting_units" in out:
        out["supporting_units"] = [OrgUnit.objects.get(pk=pk).code for pk in out["supporting_units"]]
    if "approved_by" in out:
        from django.contrib.auth import get_user_model

        out["approved_by"] = get_user_model().objects.get(pk=out["approved_by"]).username
    return out


def call(client_for, user, petition, action, data, **extra):
    return client_for(user).post(action_url(petition, action), as_api(data) | extra, format="json")


def assert_problem(response, status: int, code: str, text: str):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert text in body["detail"]
    return body


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_right_persona_takes_every_action(client_for, scene, case):
    petition, actor, data = prepare(scene, case)
    version = petition.version
    response = call(client_for, actor, petition, case.action, data, expected_version=version)
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    petition.refresh_from_db()
    assert case.expect(petition)
    assert body["petition"]["status"] == petition.status
    assert body["petition"]["status_label"] == petition.get_status_display()
    assert body["petition"]["version"] == version + 1
    assert body["petition"]["colour"] in ("red", "yellow", "blue", "green")
    assert body["event"]["action"] == case.action
    assert body["event"]["to_status"] == petition.status
    assert body["documents"] == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_wrong_role_gets_403_and_nothing_changes(client_for, scene, case):
    petition, _, data = prepare(scene, case)
    before = snapshot(petition)
    response = call(client_for, scene.people.auditor, petition, case.action, data)
    assert_problem(response, 403, "role", f"您的角色无权{TABLE[case.action].label}")
    assert snapshot(petition) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_another_units_user_gets_404_and_nothing_changes(client_for, scene, case):
    petition, _, data = prepare(scene, case)
    before = snapshot(petition)
    response = call(client_for, scene.people.other_county_registrar, petition, case.action, data)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert snapshot(petition) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_a_stale_version_gets_409_and_nothing_changes(client_for, scene, case):
    petition, actor, data = prepare(scene, case)
    before = snapshot(petition)
    response = call(client_for, actor, petition, case.action, data, expected_version=petition.version - 1)
    assert_problem(response, 409, "stale", "该信访事项已被他人更新，请刷新后重试")
    assert snapshot(petition) == before


def test_expected_version_is_optional(client_for, scene):
    petition = scene.drive("registered")
    response = call(
        client_for, scene.people.registrar, petition, "transfer", {"to_unit": scene.org.qingbo_unit.pk}
    )
    assert response.status_code == 200
    assert response.json()["petition"]["responsible_unit"] == "330102001"


# --- refusals ----------------------------------------------------------------------------------------------


def test_a_unit_that_may_see_but_not_act_gets_403(client_for, scene):
    petition = scene.drive("transferred")
    before = snapshot(petition)
    response = call(client_for, scene.people.bureau_handler, petition, "accept", {})
    assert_problem(response, 403, "unit", "可以受理")
    assert snapshot(petition) == before


def test_a_data_refusal_is_400_with_the_field(client_for, scene):
    petition = scene.drive("replied")
    before = snapshot(petition)
    response = call(
        client_for,
        scene.people.township_handler,
        petition,
        "deliver",
        {"method": "post", "received_on": "2026-03-20"},
    )
    body = assert_problem(response, 400, "data", "收到日期不能早于作出意见的日期")
    assert body["errors"] == {"received_on": ["收到日期不能早于作出意见的日期。"]}
    assert snapshot(petition) == before


def test_a_state_refusal_is_400(client_for, scene):
    petition = scene.drive("registered")
    before = snapshot(petition)
    response = call(
        client_for, scene.people.registrar, petition, "reply", {"opinion": "support", "text": "x"}
    )
    assert_problem(response, 400, "state", "当前状态为“已登记”，不能答复")
    assert snapshot(petition) == before


def test_an_extension_over_30_days_is_refused(client_for, scene):
    petition = scene.drive("accepted")
    before = snapshot(petition)
    data = {"days": 31, "reason": "x", "approved_by": scene.people.township_leader.pk}
    response = call(client_for, scene.people.township_handler, petition, "extend", data)
    body = assert_problem(response, 400, "data", "延长期限应为1至30日")
    assert "days" in body["errors"]
    assert snapshot(petition) == before


def test_an_approver_outside_the_responsible_unit_is_not_found(client_for, scene):
    petition = scene.drive("accepted")
    before = snapshot(petition)
    data = {"days": 10, "reason": "x", "approved_by": scene.people.department_leader.pk}
    response = call(client_for, scene.people.township_handler, petition, "extend", data)
    assert response.status_code == 400
    assert response.json()["errors"] == {"approved_by": ["批准人不存在或不是责任单位人员。"]}
    assert snapshot(petition) == before


def test_an_accusation_is_not_sent_to_its_subject_unit(client_for, scene):
    org = scene.org
    petition = scene.drive("registered", petition_class="accusation", subject_unit=org.housing)
    before = snapshot(petition)
    response = call(client_for, scene.people.registrar, petition, "transfer", {"to_unit": org.housing.pk})
    body = assert_problem(response, 400, "confidential", "检举控告事项不得交由被检举控告的单位")
    assert "to_unit" in body["errors"]
    assert snapshot(petition) == before


def test_bad_input_is_400_before_the_service(client_for, scene):
    petition = scene.drive("registered")
    client = client_for(scene.people.registrar)
    unknown_unit = client.post(action_url(petition, "transfer"), {"to_unit": "NOPE"}, format="json")
    assert unknown_unit.status_code == 400 and "to_unit" in unknown_unit.json()["errors"]
    unknown_field = client.post(
        action_url(petition, "transfer"), {"to_unit": "330102001", "foo": 1}, format="json"
    )
    assert unknown_field.status_code == 400 and unknown_field.json()["errors"] == {"foo": ["不支持的字段。"]}
    # A key of another action: the service names it.
    wrong_key = client.post(action_url(petition, "handle_self"), {"to_unit": "330102001"}, format="json")
    assert_problem(wrong_key, 400, "data", "不接受这些参数：to_unit")
    assert petition.events.filter(action__in=TABLE).count() == 0


def test_an_unknown_action_is_404(client_for, scene):
    petition = scene.drive("registered")
    response = client_for(scene.people.registrar).post(action_url(petition, "fly"), {}, format="json")
    assert response.status_code == 404


def test_anonymous_is_refused(client_for, scene):
    petition = scene.drive("registered")
    response = client_for(None).post(
        action_url(petition, "transfer"), {"to_unit": "330102001"}, format="json"
    )
    assert response.status_code in (401, 403)
    petition.refresh_from_db()
    assert petition.status == Status.REGISTERED


def test_a_token_works_like_a_session(scene):
    petition = scene.drive("transferred")
    _, key = tokens.issue(scene.people.township_handler)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(action_url(petition, "accept"), {"track": "ordinary"}, format="json")
    assert response.status_code == 200
    assert response.json()["petition"]["status"] == Status.ACCEPTED


def test_documents_issued_by_the_action_are_returned(client_for, scene, monkeypatch):
    monkeypatch.undo()  # the hooks as the apps registered them: the real documents app renders the notice
    petition = scene.drive("registered")
    response = call(
        client_for, scene.people.registrar, petition, "transfer", {"to_unit": scene.org.qingbo_unit.pk}
    )
    assert response.status_code == 200
    (document,) = response.json()["documents"]
    assert document["kind"] == "transfer_notice" and document["number"]
    assert document["pdf_url"].endswith(f"/documents/{document['id']}/pdf/")
    download = client_for(scene.people.registrar).get(document["pdf_url"])
    assert download.status_code == 200


# --- available actions and deadlines -----------------------------------------------------------------------


def test_available_actions_for_the_caller(client_for, scene):
    petition = scene.drive("transferred")
    url = f"/api/v1/petitions/{petition.pk}/actions/"
    body = client_for(scene.people.township_handler).get(url).json()
    assert (
        body["petition"] == petition.pk
        and body["version"] == petition.version
        and body["status"] == "transferred"
    )
    actions = {a["action"]: a for a in body["actions"]}
    assert {"accept", "object"} <= set(actions)
    assert actions["accept"]["label"] == "受理" and actions["accept"]["to_state"] == "accepted"
    assert actions["object"]["required"] == ["reason"]
    assert client_for(scene.people.auditor).get(url).json()["actions"] == []
    assert client_for(scene.people.other_county_registrar).get(url).status_code == 404


def test_deadlines_with_their_colours(client_for, scene):
    petition = scene.drive("transferred")  # route done 03-03; accept due 03-18
    scene.do(petition, "sign_for", scene.people.township_handler, "2026-03-03 15:00")
    scene.move(when("2026-03-20"))
    url = f"/api/v1/petitions/{petition.pk}/deadlines/"
    body = client_for(scene.people.township_handler).get(url).json()
    assert (
        body["colour"] == "red" and body["next_due_on"] == "2026-03-18" and body["next_due_stage"] == "accept"
    )
    route, sign, accept = body["deadlines"]
    assert sign["stage"] == "sign_for" and sign["colour"] == "green" and sign["on_time"] is True
    assert route["stage"] == "route" and route["status"] == "met" and route["on_time"] is True
    assert route["colour"] == "green" and route["unit"] == "330102-XFJ"
    assert accept["stage_label"] == "受理并告知（转送、交办事项）" and accept["colour"] == "red"
    assert (
        accept["due_on"] == "2026-03-18" and accept["provisional"] is False and accept["unit"] == "330102001"
    )
    assert client_for(scene.people.other_township_handler).get(url).status_code == 404
