"""Reference data, the current user, token authentication and the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests import factories as f
from xinfang.api.models import ApiToken

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_regions_filter_by_level_and_parent(people, client_for):
    client = client_for(people.township_handler)

    townships = results(client.get("/api/v1/regions/", {"level": "township"}))
    children = results(client.get("/api/v1/regions/", {"parent": "330100"}))

    assert [r["code"] for r in townships] == ["330102001", "330102002"]
    assert [r["code"] for r in children] == ["330102", "330105"]
    assert townships[0] == {"code": "330102001", "name": "清波街道", "level": "township", "parent": "330102"}


def test_region_and_unit_detail_by_code(people, client_for):
    client = client_for(people.township_handler)

    region = client.get("/api/v1/regions/330102/")
    unit = client.get("/api/v1/units/330102-ZJJ/")
    missing = client.get("/api/v1/units/330102-NOPE/")

    assert region.json()["name"] == "上城区"
    assert unit.json() == {
        "code": "330102-ZJJ",
        "name": "上城区住房和城乡建设局",
        "short_name": "",
        "unit_kind": "department",
        "region": "330102",
        "parent": "330102-XFJ",
        "is_active": True,
    }
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")


UNIT_FILTERS = {
    "kind": ({"kind": "bureau"}, ["330100-XFJ", "330102-XFJ", "330105-XFJ"]),
    "region": ({"region": "330102"}, ["330102-JW", "330102-XFJ", "330102-ZJJ"]),
    "within": ({"within": "330102"}, ["330102-JW", "330102-XFJ", "330102-ZJJ", "330102001", "330102002"]),
    "kind_within": ({"kind": "township", "within": "330102"}, ["330102001", "330102002"]),
    "parent": ({"parent": "330100-XFJ"}, ["330102-XFJ", "330105-XFJ"]),
    "within_unknown": ({"within": "999999"}, []),
}


@pytest.mark.parametrize("case", UNIT_FILTERS, ids=list(UNIT_FILTERS))
def test_unit_filters(case, people, client_for):
    query, expected = UNIT_FILTERS[case]

    assert [u["code"] for u in results(client_for(people.registrar).get("/api/v1/units/", query))] == expected


def test_category_tree(people, client_for):
    response = client_for(people.registrar).get("/api/v1/categories/")

    assert response.status_code == 200
    tree = response.json()
    assert tree[0]["name"] == "农村农业"
    construction = next(node for node in tree if node["name"] == "城乡建设")
    assert [c["path"] for c in construction["children"]] == [
        "城乡建设/住房",
        "城乡建设/问题楼盘",
        "城乡建设/征收拆迁",
        "城乡建设/物业管理",
    ]
    assert all(c["children"] == [] for c in construction["children"])


def test_me(people, client_for):
    response = client_for(people.township_handler).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "qingbo_handler",
        "full_name": "赵承办",
        "unit": {
            "code": "330102001",
            "name": "清波街道办事处",
            "short_name": "",
            "unit_kind": "township",
            "region": "330102001",
            "parent": "330102-XFJ",
            "is_active": True,
        },
        "roles": [{"code": "handler", "label": "承办人"}],
        "sees_identity": True,
        "is_superuser": False,
    }


def test_token_authentication(people):
    client = APIClient()

    issued = client.post(
        "/api/v1/auth/token", {"username": "registrar", "password": "xinfang-test-pw"}, format="json"
    )

    assert issued.status_code == 200, issued.content
    key = issued.json()["token"]
    stored = ApiToken.objects.get(user=people.registrar)
    assert stored.digest != key and key not in stored.digest and stored.prefix == key[:8]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "registrar"
    assert client.get("/api/v1/petitions/").status_code == 200
    again = APIClient().post(
        "/api/v1/auth/token", {"username": "registrar", "password": "xinfang-test-pw"}, format="json"
    )
    # Logging in again rotates the login token: the old key stops working.
    rotated = again.json()["token"]
    assert rotated != key
    assert client.get("/api/v1/me").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {rotated}")
    assert client.get("/api/v1/me").status_code == 200


def test_wrong_password_is_a_problem_400(people):
    response = APIClient().post(
        "/api/v1/auth/token", {"username": "registrar", "password": "wrong-password"}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "errors" in response.json()
    assert not ApiToken.objects.exists()


def test_inactive_users_get_no_token(people):
    people.registrar.is_active = False
    people.registrar.save()

    response = APIClient().post(
        "/api/v1/auth/token", {"username": "registrar", "password": "xinfang-test-pw"}, format="json"
    )

    assert response.status_code == 400


def test_bad_token_is_refused(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/v1/me")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")


def test_password_guessing_is_throttled(people):
    client = APIClient()
    statuses = [
        client.post("/api/v1/auth/token", {"username": "registrar", "password": f"guess-{i}"}).status_code
        for i in range(25)
    ]

    assert statuses[:20] == [400] * 20
    assert statuses[-1] == 429


def test_schema_endpoint(org):
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/petitions/",
        "/api/v1/petitions/{id}/",
        "/api/v1/petitions/{id}/attachments/",
        "/api/v1/regions/",
        "/api/v1/units/{code}/",
        "/api/v1/categories/",
        "/api/v1/me",
        "/api/v1/auth/token",
    } <= set(paths)


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text(encoding="utf-8").startswith("openapi:")


def test_units_need_login(org):
    assert APIClient().get("/api/v1/units/").status_code in (401, 403)


def test_a_user_without_a_unit_sees_no_petitions(org, client_for, people):
    f.register(people.registrar)
    loner = f.UserFactory(username="loner", unit=None, roles=[])

    assert results(client_for(loner).get("/api/v1/petitions/")) == []
