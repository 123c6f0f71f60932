"""The assistance endpoints: scoped like petitions, every refusal as problem details, nothing half-written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.assistance.models import Grant, GrantStatus
from xinfang.audit.models import Event

URL = "/api/v1/assistance/"


def client(user) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


@pytest.fixture
def petition(scene):
    return scene.transferred()


def body(petition, **overrides):
    data = {
        "petition": petition.registration_number,
        "fund": "civil_affairs",
        "amount": "3000.50",
        "applicant_name": "群众甲",
        "beneficiary_count": 2,
        "reason": "生活困难",
    }
    data.update(overrides)
    return data


def test_apply_approve_pay_through_the_api(petition, people):
    created = client(people.township_handler).post(URL, body(petition), format="json")
    assert created.status_code == 201, created.content
    grant_id = created.json()["id"]
    assert created.json()["unit"] == "330102001" and created.json()["status"] == "applied"
    approved = client(people.township_leader).post(
        f"{URL}{grant_id}/approve/", {"rule": "第五条"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["approval_rule"] == "第五条"
    paid = client(people.township_handler).post(
        f"{URL}{grant_id}/pay/", {"paid_on": "2026-03-03", "ended_petitioning": True}, format="json"
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == GrantStatus.PAID and paid.json()["ended_petitioning"] is True


def test_a_negative_amount_is_a_problem_and_nothing_is_written(petition, people):
    events = Event.objects.count()
    response = client(people.township_handler).post(URL, body(petition, amount="-1"), format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "大于零" in response.json()["errors"]["amount"][0]
    assert not Grant.objects.exists() and Event.objects.count() == events


def test_an_invisible_petition_cannot_be_named(petition, people):
    response = client(people.other_township_handler).post(URL, body(petition), format="json")
    assert response.status_code == 400
    assert "不存在或无权查看" in response.json()["errors"]["petition"][0]


def test_lists_and_details_are_scoped(petition, people):
    grant_id = client(people.township_handler).post(URL, body(petition), format="json").json()["id"]
    assert [g["id"] for g in client(people.bureau_leader).get(URL).json()["results"]] == [grant_id]
    assert client(people.other_township_handler).get(URL).json()["results"] == []
    missing = client(people.other_township_handler).get(f"{URL}{grant_id}/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")
    refused = client(people.township_handler).post(f"{URL}{grant_id}/approve/", {"rule": "x"}, format="json")
    assert refused.status_code == 403  # a handler is no approver
