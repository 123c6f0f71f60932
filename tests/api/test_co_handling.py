"""Co-handling and settlement through the API: the petition's detail shows them, the actions take them with
the workflow's validation (problem details in Chinese, nothing written), and the schema names them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.scenes import Scene
from tests.workflow.conftest import snapshot
from xinfang.workflow import hooks
from xinfang.workflow.models import CoHandler


@pytest.fixture(autouse=True)
def _quiet(silence_notices, monkeypatch):
    monkeypatch.setattr(hooks, "after_transition", [])


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)


def act(client_for, user, petition, action, body):
    return client_for(user).post(f"/api/v1/petitions/{petition.pk}/actions/{action}/", body, format="json")


def refused(client_for, user, petition, action, body, status=400):
    before = (snapshot(petition), CoHandler.objects.filter(petition=petition).count())
    response = act(client_for, user, petition, action, body)
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/problem+json")
    assert (snapshot(petition), CoHandler.objects.filter(petition=petition).count()) == before
    return response.json()


def test_co_handlers_through_the_api(client_for, scene, org, people):
    petition = scene.drive("accepted")
    response = act(client_for, people.bureau_handler, petition, "set_co_handlers",
                   {"lead_unit": "330102001", "supporting_units": ["330102-ZJJ"], "text": "联席会议议定"})  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    seen = client_for(people.department_handler).get(f"/api/v1/petitions/{petition.pk}/")
    assert seen.status_code == 200
    assert seen.json()["co_handling"] == {"lead_unit": "330102001", "supporting_units": ["330102-ZJJ"]}
    actions = client_for(people.department_handler).get(f"/api/v1/petitions/{petition.pk}/actions/").json()
    assert [a["action"] for a in actions["actions"]] == ["add_support_opinion"]
    body = refused(client_for, people.department_handler, petition, "reply",
                   {"opinion": "support", "text": "予以支持"}, status=403)  # fmt: skip
    assert body["code"] == "unit"


def test_bad_co_handlers_are_problems(client_for, scene, org, people):
    petition = scene.drive("accepted")
    user = people.bureau_handler
    no_lead = refused(client_for, user, petition, "set_co_handlers", {"supporting_units": ["330102-ZJJ"]})
    assert no_lead["detail"] == "请指定主办单位。" and no_lead["errors"] == {
        "lead_unit": ["请指定主办单位。"]
    }
    lead_too = refused(client_for, user, petition, "set_co_handlers",
                       {"lead_unit": "330102001", "supporting_units": ["330102-ZJJ", "330102001"]})  # fmt: skip
    assert lead_too["detail"] == "主办单位不能同时是协办单位。"
    empty = refused(
        client_for, user, petition, "set_co_handlers", {"lead_unit": "330102001", "supporting_units": []}
    )
    assert empty["detail"] == "请至少指定一个协办单位。"
    unknown = refused(client_for, user, petition, "set_co_handlers",
                      {"lead_unit": "330102001", "supporting_units": ["NOPE"]})  # fmt: skip
    assert "协办单位“NOPE”不存在" in str(unknown)


def test_settlement_through_the_api(client_for, scene, people):
    open_one = scene.drive("accepted")
    early = refused(
        client_for, people.bureau_handler, open_one, "record_settlement", {"settlement": "agreement"}
    )
    assert early["code"] == "state" and "不能记录案结事了" in early["detail"]
    petition = scene.drive("concluded")
    unknown = refused(
        client_for, people.bureau_handler, petition, "record_settlement", {"settlement": "forgotten"}
    )
    assert unknown["detail"].startswith("案结事了方式无效")
    not_terminated = refused(client_for, people.bureau_handler, petition, "record_settlement",
                             {"settlement": "terminated_by_law"})  # fmt: skip
    assert "三级终结" in not_terminated["detail"]
    missing = refused(client_for, people.bureau_handler, petition, "record_settlement", {})
    assert missing["detail"] == "请选择案结事了的方式。"
    done = act(client_for, people.bureau_handler, petition, "record_settlement", {"settlement": "hearing"})
    assert done.status_code == 200
    data = client_for(people.bureau_handler).get(f"/api/v1/petitions/{petition.pk}/").json()
    assert (data["settlement"], data["settlement_label"], data["co_handling"]) == ("hearing", "听证", None)
    assert data["settled_at"] is not None
    again = refused(
        client_for, people.bureau_handler, petition, "record_settlement", {"settlement": "hearing"}
    )
    assert "已记录案结事了" in again["detail"]


def test_the_schema_names_them(org):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    request = components["ActionRequest"]["properties"]
    assert {"lead_unit", "supporting_units", "settlement"} <= set(request)
    detail = components["PetitionDetail"]["properties"]
    assert {"co_handling", "settlement", "settlement_label", "settled_at"} <= set(detail)
    action_enum = next(
        p
        for p in schema["paths"]["/api/v1/petitions/{id}/actions/{action}/"]["post"]["parameters"]
        if p["name"] == "action"
    )["schema"]["enum"]
    assert {"set_co_handlers", "add_support_opinion", "record_settlement"} <= set(action_enum)
