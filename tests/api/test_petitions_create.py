"""POST /api/v1/petitions/: registration through the service, refusals as problem details, nothing half-written."""

from __future__ import annotations

import re

import pytest

from xinfang.audit.models import Event
from xinfang.petitions.models import Attachment, Petition, Petitioner, PetitionParty
from xinfang.petitions.services import hash_query_code

from .conftest import PETITIONS_URL, body, id_number

CHINESE = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Petition, Petitioner, PetitionParty, Event, Attachment)
    }


def test_registrar_registers_a_petition(client_for, people, org, now):
    response = client_for(people.registrar).post(PETITIONS_URL, body(), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert re.fullmatch(r"XF-330102-2026-\d{6}", data["registration_number"])
    assert data["registration_number"] == "XF-330102-2026-000001"
    assert data["status"] == "registered"
    assert data["receiving_unit"] == "330102-XFJ"
    assert data["category"] == "城乡建设/征收拆迁"
    assert data["issue_region"] == "330102001"
    assert data["petitioners"][0]["id_number"] == id_number(1)  # the registrar sees identity
    assert response["Location"].endswith(f"/api/v1/petitions/{data['id']}/")

    petition = Petition.objects.get(pk=data["id"])
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){2}", data["query_code"])
    assert petition.query_code_hash == hash_query_code(data["query_code"])
    assert petition.registered_by == people.registrar
    events = list(Event.objects.filter(petition=petition).order_by("id"))
    assert [e.action for e in events] == ["register", "create_petitioner", "add_party"]
    assert events[0].ip_address == "127.0.0.1"
    assert events[0].actor == people.registrar
    assert [e["action"] for e in data["events"]] == ["register", "create_petitioner", "add_party"]


def test_the_query_code_is_shown_only_at_registration(client_for, people, org, now):
    client = client_for(people.registrar)
    created = client.post(PETITIONS_URL, body(), format="json").json()

    detail = client.get(f"{PETITIONS_URL}{created['id']}/").json()

    assert "query_code" not in detail
    assert detail["registration_number"] == created["registration_number"]


def test_collective_visit_with_representatives(client_for, people, org, now):
    representatives = [
        {"name": f"代表{i}", "id_number": id_number(10 + i), "role": "representative"} for i in range(5)
    ]
    payload = body(channel="visit", visit_level="county", person_count=30, petitioners=representatives)

    response = client_for(people.registrar).post(PETITIONS_URL, payload, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["is_collective"] is True
    assert data["person_count"] == 30
    assert [p["role"] for p in data["petitioners"]] == ["representative"] * 5


def test_repeat_links_by_registration_number_or_external_id(client_for, people, org, now):
    client = client_for(people.registrar)
    first = client.post(PETITIONS_URL, body(external_id="ZJ330102-2026-000123"), format="json").json()

    by_number = client.post(PETITIONS_URL, body(repeat_of=first["registration_number"]), format="json")
    by_external = client.post(PETITIONS_URL, body(repeat_of="ZJ330102-2026-000123"), format="json")

    for response in (by_number, by_external):
        assert response.status_code == 201, response.content
        assert response.json()["repeat_of"] == first["registration_number"]
        assert response.json()["is_repeat"] is True


def assert_refused(response, field: str, contains: str | None = None) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    assert field in problem["errors"], problem
    messages = problem["errors"][field]
    assert messages and all(CHINESE.search(m) for m in messages), messages
    if contains:
        assert any(contains in m for m in messages), messages
    return messages


VALID_ID = id_number(1)
BAD_CHECK_DIGIT = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")

BAD_INPUTS = {
    "bad_check_digit": (
        {"petitioners": [{"name": "张三", "id_number": BAD_CHECK_DIGIT}]},
        "petitioners.0.id_number",
        "校验位",
    ),
    "impossible_date": ({"received_at": "2026-02-30T09:30:00+08:00"}, "received_at", "收到时间"),
    "future_time": ({"received_at": "2026-03-11T09:30:00+08:00"}, "received_at", "晚于"),
    "unknown_receiving_unit": ({"receiving_unit": "330102-NOPE"}, "receiving_unit", "不存在"),
    "another_units_name": ({"receiving_unit": "330105-XFJ"}, "receiving_unit", "本单位"),
    "unknown_subject_unit": ({"subject_unit": "330102-NOPE"}, "subject_unit", "不存在"),
    "unknown_category": ({"category": "城乡建设/不存在的分类"}, "category", "不存在"),
    # PostgreSQL cannot compare a text column with a NUL: the lookup refuses it before the query.
    "nul_category": ({"category": "\x00"}, "category", "不存在"),
    "nul_region": ({"issue_region": "3301\x00"}, "issue_region", "不存在"),
    "unknown_region": ({"issue_region": "330199999"}, "issue_region", "不存在"),
    "unknown_channel": ({"channel": "pigeon"}, "channel", None),
    "unknown_repeat_of": ({"repeat_of": "XF-330102-2026-999999"}, "repeat_of", "不存在"),
    "missing_summary": ({"summary": ""}, "summary", "摘要"),
    "bad_phone": ({"petitioners": [{"name": "张三", "phone": "12345"}]}, "petitioners.0.phone", "电话"),
    "no_petitioners": ({"petitioners": []}, "petitioners", None),
    "unknown_field": ({"events": []}, "events", "不支持"),
    "unknown_nested_field": (
        {"petitioners": [{"name": "张三", "gender": "男"}]},
        "petitioners.0.gender",
        "不支持",
    ),
    "visit_without_level": ({"channel": "visit"}, "visit_level", "来访层级"),
    "six_representatives": (
        {
            "channel": "visit",
            "visit_level": "county",
            "person_count": 40,
            "petitioners": [
                {"name": f"代表{i}", "id_number": id_number(20 + i), "role": "representative"}
                for i in range(6)
            ],
        },
        "petitioners",
        "不得超过5人",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_and_nothing_is_written(case, client_for, people, org, now):
    overrides, field, contains = BAD_INPUTS[case]
    before = counts()

    response = client_for(people.registrar).post(PETITIONS_URL, body(**overrides), format="json")

    assert_refused(response, field, contains)
    assert counts() == before


def test_duplicate_external_id_is_refused_and_nothing_is_written(client_for, people, org, now):
    client = client_for(people.registrar)
    first = client.post(PETITIONS_URL, body(external_id="ZJ330102-2026-000123"), format="json")
    assert first.status_code == 201
    before = counts()

    second = client.post(
        PETITIONS_URL,
        body(external_id="ZJ330102-2026-000123", petitioners=[{"name": "李四", "id_number": id_number(2)}]),
        format="json",
    )

    assert_refused(second, "external_id", "已经导入过")
    assert counts() == before


@pytest.mark.parametrize("persona", ["bureau_leader", "township_handler", "auditor"])
def test_only_registrars_register(persona, client_for, people, org, now):
    before = counts()

    response = client_for(getattr(people, persona)).post(PETITIONS_URL, body(), format="json")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "登记员" in response.json()["detail"]
    assert counts() == before


def test_anonymous_cannot_register(client_for, org, now):
    response = client_for(None).post(PETITIONS_URL, body(), format="json")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert Petition.objects.count() == 0
